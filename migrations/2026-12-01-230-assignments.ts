// Assignments: a supporter given to a chapter member with an account (a
// volunteer or organizer) to talk to, with an optional ask and a due date;
// logging the conversation from "my list" marks it done. One open assignment
// per supporter and assignee, so a double submit adds nothing. Also the
// chapter setting that lets volunteers see the contact details of the people
// assigned to them (off by default). Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table assignments (
      id integer generated always as identity primary key,
      chapter_id integer not null references chapters (id),
      supporter_id integer not null references supporters (id),
      assignee_id integer not null references users (id),
      drive_id integer references drives (id),
      ask text check (char_length(ask) <= 300),
      due_on date,
      status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
      conversation_id integer references conversations (id),
      done_at timestamptz,
      created_by integer references users (id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create unique index assignments_one_open on assignments (supporter_id, assignee_id) where status = 'open'`.execute(
    db,
  )
  await sql`create index assignments_assignee on assignments (assignee_id, status, due_on)`.execute(db)
  await sql`create index assignments_drive on assignments (drive_id, assignee_id) where drive_id is not null`.execute(db)
  await sql`create index assignments_chapter on assignments (chapter_id, status)`.execute(db)
  await sql`alter table chapters add column assigned_contacts boolean not null default false`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table chapters drop column if exists assigned_contacts`.execute(db)
  await sql`drop table if exists assignments`.execute(db)
}
