// The union directory (chapters, national unions, locals), accounts, sessions,
// login throttle, instance settings and the audit trail. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)
  await sql`create type orientation as enum ('left_led', 'progressive_opportunist', 'middling', 'hostile')`.execute(db)
  await sql`create type sector as enum ('private', 'public', 'federal')`.execute(db)
  await sql`create type body_kind as enum ('local', 'council', 'federation', 'clc', 'unit')`.execute(db)
  await sql`create type deciding_body as enum ('executive_board', 'membership_meeting', 'delegate_body', 'referendum', 'council_conference', 'cope_committee')`.execute(db)
  await sql`create type vote_threshold as enum ('majority_cast', 'majority_present', 'two_thirds', 'custom')`.execute(db)
  await sql`create type user_role as enum ('admin', 'national', 'organizer', 'volunteer')`.execute(db)

  await sql`
    create table chapters (
      id integer generated always as identity primary key,
      name text not null,
      slug text not null,
      city text,
      state text,
      time_zone text not null default 'America/New_York',
      min_supporters integer not null default 5,
      min_leaders integer not null default 1,
      min_trained_leaders integer not null default 3,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index chapters_slug_key on chapters (slug)`.execute(db)

  await sql`
    create table national_unions (
      id integer generated always as identity primary key,
      name text not null,
      abbreviation text not null,
      afl_cio boolean not null default false,
      rules_notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index national_unions_abbreviation_key on national_unions (upper(abbreviation))`.execute(db)

  await sql`
    create table locals (
      id integer generated always as identity primary key,
      kind body_kind not null default 'local',
      national_union_id integer references national_unions (id),
      parent_id integer references locals (id),
      designation text,
      name text not null,
      olms_file_number integer,
      chapter_id integer references chapters (id),
      city text,
      state text,
      members integer check (members is null or members >= 0),
      sector sector,
      orientation orientation,
      deciding_body deciding_body,
      recommending_body text,
      threshold vote_threshold,
      threshold_percent numeric(5,2) check (threshold_percent is null or (threshold_percent > 0 and threshold_percent <= 100)),
      quorum text,
      notice_days integer check (notice_days is null or notice_days >= 0),
      first_reading boolean not null default false,
      meeting_schedule text,
      parent_approval_offices text,
      rules_source_url text,
      rules_verified boolean not null default false,
      notes text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index locals_olms_file_number_key on locals (olms_file_number) where olms_file_number is not null`.execute(db)
  await sql`create index locals_chapter_idx on locals (chapter_id) where deleted_at is null`.execute(db)
  await sql`create index locals_national_idx on locals (national_union_id, id) where deleted_at is null`.execute(db)
  await sql`create index locals_name_trgm on locals using gin (name gin_trgm_ops)`.execute(db)
  await sql`create index locals_name_sort on locals (name, id) where deleted_at is null`.execute(db)

  await sql`
    create table users (
      id integer generated always as identity primary key,
      email text not null,
      name text not null,
      password_hash text,
      is_admin boolean not null default false,
      is_national boolean not null default false,
      active boolean not null default true,
      totp_secret text,
      totp_enabled boolean not null default false,
      recovery_codes text[] not null default '{}',
      calendar_token text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db)
  await sql`create unique index users_email_key on users (lower(email))`.execute(db)
  await sql`create unique index users_calendar_token_key on users (calendar_token) where calendar_token is not null`.execute(db)

  await sql`
    create table memberships (
      user_id integer not null references users (id) on delete cascade,
      chapter_id integer not null references chapters (id),
      role user_role not null check (role in ('organizer', 'volunteer')),
      primary key (user_id, chapter_id)
    )`.execute(db)

  await sql`
    create table sessions (
      id text primary key,
      user_id integer not null references users (id) on delete cascade,
      csrf_token text not null,
      pending_2fa boolean not null default false,
      created_at timestamptz not null default now(),
      last_seen_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db)
  await sql`create index sessions_user_idx on sessions (user_id)`.execute(db)

  await sql`
    create table one_time_links (
      token_hash text primary key,
      user_id integer not null references users (id) on delete cascade,
      purpose text not null check (purpose in ('invite', 'reset')),
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    )`.execute(db)

  await sql`
    create table login_attempts (
      id bigint generated always as identity primary key,
      key text not null,
      at timestamptz not null default now()
    )`.execute(db)
  await sql`create index login_attempts_key_at on login_attempts (key, at)`.execute(db)

  await sql`
    create table settings (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    )`.execute(db)

  await sql`
    create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null default now(),
      actor_id integer references users (id),
      action text not null,
      entity text not null,
      entity_id text,
      chapter_id integer,
      before jsonb,
      after jsonb,
      request_id text
    )`.execute(db)
  await sql`create index audit_entity_idx on audit_log (entity, entity_id, id desc)`.execute(db)
  await sql`create index audit_at_idx on audit_log (id desc)`.execute(db)
  await sql`create index audit_chapter_idx on audit_log (chapter_id, id desc)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['audit_log', 'settings', 'login_attempts', 'one_time_links', 'sessions', 'memberships', 'users', 'locals', 'national_unions', 'chapters']) {
    await sql`drop table if exists ${sql.id(t)}`.execute(db)
  }
  for (const e of ['user_role', 'vote_threshold', 'deciding_body', 'body_kind', 'sector', 'orientation']) {
    await sql`drop type if exists ${sql.id(e)}`.execute(db)
  }
}
