// Digests: each person's choice (daily, weekly or off; NULL = the default for
// their role: weekly for organizers, off for everyone else), and one row per
// person and period, so a digest is built and sent once per period however
// many app instances run the cron. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column digest_frequency text check (digest_frequency in ('off', 'daily', 'weekly'))`.execute(
    db,
  )
  await sql`
    create table digest_sends (
      user_id integer not null references users (id),
      period text not null,
      status text not null default 'pending' check (status in ('pending', 'sent', 'built', 'empty')),
      attempts integer not null default 0,
      error text,
      sent_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (user_id, period)
    )`.execute(db)
  // Follow-ups due: a person's own (the digest) and a chapter's (the dashboard, the calendar).
  await sql`create index conversations_follow_up_by on conversations (by_user_id, follow_up_on) where follow_up_on is not null and deleted_at is null`.execute(
    db,
  )
  await sql`create index conversations_follow_up on conversations (follow_up_on) where follow_up_on is not null and deleted_at is null`.execute(
    db,
  )
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists conversations_follow_up`.execute(db)
  await sql`drop index if exists conversations_follow_up_by`.execute(db)
  await sql`drop table if exists digest_sends`.execute(db)
  await sql`alter table users drop column if exists digest_frequency`.execute(db)
}
