// Slates and candidates, drives with their stage history, process pushes,
// filings and decisions, endorsements at four levels, and the model resolution
// library with versions and share links. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table slates (
      id integer generated always as identity primary key,
      name text not null,
      cycle text,
      election_date date,
      is_current boolean not null default false,
      goal integer not null default 100 check (goal > 0),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index slates_one_current on slates (is_current) where is_current and deleted_at is null`.execute(db)

  await sql`
    create table candidates (
      id integer generated always as identity primary key,
      slate_id integer not null references slates (id),
      chapter_id integer references chapters (id),
      name text not null,
      office text not null,
      level text not null default 'municipal' check (level in ('federal', 'state', 'county', 'municipal', 'school_board', 'judicial')),
      district text,
      election_type text,
      election_date date,
      status text not null default 'running' check (status in ('running', 'withdrawn', 'lost_primary', 'won', 'lost')),
      goal integer not null default 10 check (goal > 0),
      joined_on date,
      left_on date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index candidates_slate_idx on candidates (slate_id) where deleted_at is null`.execute(db)

  await sql`
    create table drives (
      id integer generated always as identity primary key,
      slate_id integer not null references slates (id),
      local_id integer references locals (id),
      national_union_id integer references national_unions (id),
      chapter_id integer references chapters (id),
      asks text not null default 'candidate' check (asks in ('candidate', 'slate', 'both')),
      candidate_id integer references candidates (id),
      stage text not null default 'identify' check (stage in ('identify', 'democratize', 'build_team', 'file_resolution', 'vote')),
      status text not null default 'active' check (status in ('active', 'paused', 'won', 'lost', 'dropped')),
      owner_id integer references users (id),
      next_step text,
      next_step_due date,
      vote_date date,
      process_skipped_reason text,
      end_reason text,
      stage_entered_at timestamptz not null default now(),
      last_activity_at timestamptz not null default now(),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      check ((local_id is null) <> (national_union_id is null))
    )`.execute(db)
  await sql`create unique index drives_one_per_local on drives (slate_id, local_id) where deleted_at is null and local_id is not null`.execute(db)
  await sql`create unique index drives_one_per_national on drives (slate_id, national_union_id) where deleted_at is null and national_union_id is not null`.execute(db)
  await sql`create index drives_chapter_stage on drives (chapter_id, status, stage) where deleted_at is null`.execute(db)
  await sql`create index drives_due on drives (next_step_due) where deleted_at is null and status = 'active'`.execute(db)
  await sql`create index drives_vote_date on drives (vote_date) where deleted_at is null and status = 'active'`.execute(db)

  await sql`
    create table stage_changes (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      from_stage text,
      to_stage text not null,
      from_status text,
      to_status text not null,
      reason text,
      warnings text[] not null default '{}',
      actor_id integer references users (id),
      at timestamptz not null default now()
    )`.execute(db)
  await sql`create index stage_changes_drive on stage_changes (drive_id, at)`.execute(db)
  await sql`create index stage_changes_at on stage_changes (at, to_stage)`.execute(db)

  await sql`
    create table process_pushes (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      mechanisms text[] not null default '{}',
      body text,
      decided_on date,
      outcome text not null default 'pending' check (outcome in ('pending', 'adopted', 'rejected', 'already_democratic')),
      note text,
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index process_pushes_drive on process_pushes (drive_id)`.execute(db)

  await sql`
    create table resolutions (
      id integer generated always as identity primary key,
      slug text,
      title text not null,
      kind text not null check (kind in ('democratize', 'endorse_candidate', 'endorse_slate', 'national_endorse', 'forum_request', 'issue')),
      language text not null default 'en' check (language in ('en', 'es')),
      tags text[] not null default '{}',
      created_by integer references users (id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index resolutions_slug_key on resolutions (slug) where slug is not null`.execute(db)

  await sql`
    create table resolution_versions (
      id integer generated always as identity primary key,
      resolution_id integer not null references resolutions (id),
      number integer not null,
      body text not null,
      note text,
      created_by integer references users (id),
      created_at timestamptz not null default now(),
      search tsvector generated always as (to_tsvector('simple', body)) stored,
      unique (resolution_id, number)
    )`.execute(db)
  await sql`create index resolution_versions_search on resolution_versions using gin (search)`.execute(db)

  await sql`
    create table filings (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      filed_on date not null,
      body text not null,
      text_filed text not null,
      resolution_version_id integer references resolution_versions (id),
      candidate_id integer references candidates (id),
      adopted_text text,
      earliest_vote_on date,
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index filings_drive on filings (drive_id)`.execute(db)
  await sql`create index filings_version on filings (resolution_version_id)`.execute(db)

  await sql`
    create table decisions (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      filing_id integer references filings (id),
      body text not null,
      held_on date not null,
      kind text not null default 'meeting' check (kind in ('meeting', 'poll')),
      quorum_met boolean not null default true,
      votes_for integer check (votes_for >= 0),
      votes_against integer check (votes_against >= 0),
      abstain integer check (abstain >= 0),
      threshold text check (threshold in ('majority_cast', 'majority_present', 'two_thirds', 'custom')),
      threshold_percent numeric(5,2),
      binding boolean not null default true,
      outcome text not null check (outcome in ('adopted', 'failed', 'tabled', 'postponed', 'referred', 'out_of_order', 'no_quorum', 'enjoined')),
      next_date date,
      note text,
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index decisions_drive on decisions (drive_id)`.execute(db)

  await sql`
    create table endorsements (
      id integer generated always as identity primary key,
      slate_id integer not null references slates (id),
      local_id integer references locals (id),
      national_union_id integer references national_unions (id),
      candidate_id integer references candidates (id),
      chapter_id integer references chapters (id),
      status text not null default 'active' check (status in ('active', 'conditional', 'rescinded', 'superseded', 'pending_parent', 'conflict_parent')),
      conditions text,
      decided_on date not null,
      deciding_body text,
      votes_for integer,
      votes_against integer,
      abstain integer,
      threshold_met boolean,
      decision_id integer references decisions (id),
      source_url text,
      supersedes_id integer references endorsements (id),
      is_public boolean not null default false,
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      check ((local_id is null) <> (national_union_id is null))
    )`.execute(db)
  await sql`create index endorsements_slate on endorsements (slate_id, decided_on)`.execute(db)
  await sql`create index endorsements_local on endorsements (local_id) where local_id is not null`.execute(db)

  await sql`
    create table share_links (
      id integer generated always as identity primary key,
      token_hash text not null unique,
      resolution_version_id integer not null references resolution_versions (id),
      drive_id integer references drives (id),
      candidate_id integer references candidates (id),
      chapter_id integer references chapters (id),
      filled_title text not null,
      filled_body text not null,
      language text not null default 'en',
      created_by integer references users (id),
      expires_at timestamptz,
      revoked_at timestamptz,
      uses integer not null default 0,
      created_at timestamptz not null default now()
    )`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['share_links', 'endorsements', 'decisions', 'filings', 'resolution_versions', 'resolutions', 'process_pushes', 'stage_changes', 'drives', 'candidates', 'slates']) {
    await sql`drop table if exists ${sql.id(t)}`.execute(db)
  }
}
