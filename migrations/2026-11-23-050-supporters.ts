// Supporters inside the locals, their support-level history, conversations,
// drive teams, and CSV imports (state kept in PostgreSQL so any instance can
// report progress). Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table supporters (
      id integer generated always as identity primary key,
      chapter_id integer not null references chapters (id),
      local_id integer references locals (id),
      name text not null,
      role_in_local text not null default 'rank_and_file' check (role_in_local in ('rank_and_file', 'steward', 'officer', 'executive_board', 'delegate', 'staff')),
      chapter_member boolean not null default false,
      email text,
      email_normalised text,
      phone text,
      preferred_language text,
      tags text[] not null default '{}',
      notes text,
      do_not_contact boolean not null default false,
      keep_off_shared_lists boolean not null default false,
      potential_leader boolean not null default false,
      current_level smallint check (current_level between 1 and 5),
      last_contact_on date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index supporters_chapter_email on supporters (chapter_id, email_normalised) where deleted_at is null and email_normalised is not null`.execute(db)
  await sql`create unique index supporters_chapter_phone on supporters (chapter_id, phone) where deleted_at is null and phone is not null`.execute(db)
  await sql`create index supporters_name_trgm on supporters using gin (name gin_trgm_ops)`.execute(db)
  await sql`create index supporters_local on supporters (local_id, current_level) where deleted_at is null`.execute(db)
  await sql`create index supporters_chapter_name on supporters (chapter_id, name) where deleted_at is null`.execute(db)
  await sql`create index supporters_tags on supporters using gin (tags)`.execute(db)

  await sql`
    create table support_levels (
      id integer generated always as identity primary key,
      supporter_id integer not null references supporters (id),
      level smallint not null check (level between 1 and 5),
      note text,
      actor_id integer references users (id),
      at timestamptz not null default now()
    )`.execute(db)
  await sql`create index support_levels_supporter on support_levels (supporter_id, at)`.execute(db)

  await sql`
    create table conversations (
      id integer generated always as identity primary key,
      supporter_id integer not null references supporters (id),
      drive_id integer references drives (id),
      kind text not null check (kind in ('one_on_one', 'call', 'text', 'meeting', 'event')),
      held_on date not null,
      by_user_id integer references users (id),
      outcome text,
      note text,
      follow_up_on date,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index conversations_supporter on conversations (supporter_id, held_on) where deleted_at is null`.execute(db)

  await sql`
    create table team_members (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      supporter_id integer not null references supporters (id),
      role text not null default 'member' check (role in ('lead', 'coach', 'member')),
      trained_on date,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index team_members_drive_supporter on team_members (drive_id, supporter_id) where deleted_at is null`.execute(db)
  await sql`create index team_members_supporter on team_members (supporter_id) where deleted_at is null`.execute(db)

  await sql`
    create table imports (
      id integer generated always as identity primary key,
      chapter_id integer not null references chapters (id),
      user_id integer references users (id),
      status text not null default 'uploaded' check (status in ('uploaded', 'mapped', 'validating', 'ready', 'committing', 'done', 'failed')),
      filename text not null,
      headers text[] not null default '{}',
      mapping jsonb,
      options jsonb,
      totals jsonb,
      progress integer not null default 0,
      error text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`
    create table import_rows (
      import_id integer not null references imports (id) on delete cascade,
      line integer not null,
      cells text[] not null,
      problem text,
      primary key (import_id, line)
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['import_rows', 'imports', 'team_members', 'conversations', 'support_levels', 'supporters']) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db)
  }
}
