// The meeting page's entries: attendance, amendments and the result, each
// with the key the phone made for it, so an entry sent twice (a reconnect, a
// double tap) is stored once. An entry that contradicts what another phone
// saved first is kept and flagged as a conflict, never written over it.
// Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table meeting_entries (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      key text not null unique check (key ~ '^[A-Za-z0-9-]{8,64}$'),
      kind text not null check (kind in ('attendance', 'amendment', 'result')),
      data jsonb not null default '{}',
      base_key text,
      conflict boolean not null default false,
      decision_id integer references decisions (id),
      recorded_by integer references users (id),
      entered_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index meeting_entries_drive on meeting_entries (drive_id, id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists meeting_entries`.execute(db)
}
