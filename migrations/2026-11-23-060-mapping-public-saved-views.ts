// Mapping facts on locals (labor council, how it endorses, officer election and
// contract dates), past political positions, a slate's opt-in public list
// (slug + switch), saved views (named list URLs for a user or a chapter), and
// labor circles and union sections (the chapter's own members grouped by
// sector or by union).
// Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table locals
      add column on_labor_council boolean,
      add column endorses_candidates text not null default 'unknown' check (endorses_candidates in ('yes', 'no', 'unknown')),
      add column endorses_how text,
      add column officer_election_on date,
      add column contract_expires_on date`.execute(db)

  await sql`
    create table political_positions (
      id integer generated always as identity primary key,
      local_id integer not null references locals (id),
      topic text not null check (topic in ('medicare_for_all', 'ceasefire', 'strike_support', 'climate', 'immigrant_rights', 'other')),
      description text,
      decided_on date not null,
      outcome text not null check (outcome in ('passed', 'refused', 'tabled')),
      source_url text,
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index political_positions_local on political_positions (local_id, decided_on desc) where deleted_at is null`.execute(db)

  await sql`
    alter table slates
      add column public_slug text,
      add column public_enabled boolean not null default false`.execute(db)
  await sql`create unique index slates_public_slug on slates (public_slug) where public_slug is not null`.execute(db)
  await sql`alter table slates add constraint slates_public_slug_format check (public_slug is null or public_slug ~ '^[a-z0-9][a-z0-9-]{1,62}$')`.execute(db)

  await sql`
    create table saved_views (
      id integer generated always as identity primary key,
      user_id integer not null references users (id),
      chapter_id integer references chapters (id),
      name text not null check (length(name) between 1 and 80),
      path text not null,
      query text not null default '',
      created_at timestamptz not null default now()
    )`.execute(db)
  await sql`create index saved_views_user on saved_views (user_id)`.execute(db)
  await sql`create index saved_views_chapter on saved_views (chapter_id) where chapter_id is not null`.execute(db)

  await sql`
    create table labor_circles (
      id integer generated always as identity primary key,
      chapter_id integer not null references chapters (id),
      kind text not null check (kind in ('circle', 'section')),
      name text not null check (length(name) between 1 and 120),
      sector text,
      national_union_id integer references national_unions (id),
      contact_supporter_id integer references supporters (id),
      cadence text,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      check (kind = 'circle' or national_union_id is not null)
    )`.execute(db)
  await sql`create index labor_circles_chapter on labor_circles (chapter_id, name) where deleted_at is null`.execute(db)
  await sql`
    create table labor_circle_members (
      circle_id integer not null references labor_circles (id),
      supporter_id integer not null references supporters (id),
      created_at timestamptz not null default now(),
      primary key (circle_id, supporter_id)
    )`.execute(db)
  await sql`create index labor_circle_members_supporter on labor_circle_members (supporter_id)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists labor_circle_members`.execute(db)
  await sql`drop table if exists labor_circles`.execute(db)
  await sql`drop table if exists saved_views`.execute(db)
  await sql`drop table if exists political_positions`.execute(db)
  await sql`alter table slates drop constraint if exists slates_public_slug_format, drop column if exists public_slug, drop column if exists public_enabled`.execute(db)
  await sql`alter table locals drop column if exists on_labor_council, drop column if exists endorses_candidates, drop column if exists endorses_how, drop column if exists officer_election_on, drop column if exists contract_expires_on`.execute(db)
}
