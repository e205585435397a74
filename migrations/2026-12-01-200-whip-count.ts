// The whip count (issue 17): a drive's deciding body and its members with
// their reads (and every read kept), turnout pledges when the members decide,
// who knows whom among supporters and body members, and structure tests with
// their counts per unit over time. Every table carries its chapter so queries
// scope by it directly. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table deciding_bodies (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      chapter_id integer references chapters (id),
      kind text not null default 'roster' check (kind in ('roster', 'turnout')),
      name text not null check (length(name) between 1 and 120),
      threshold text check (threshold in ('majority_cast', 'majority_present', 'two_thirds', 'custom')),
      threshold_percent numeric(5, 2) check (threshold_percent is null or (threshold_percent > 50 and threshold_percent <= 100)),
      counts_abstentions boolean not null default false,
      quorum integer check (quorum is null or quorum between 0 and 1000000),
      expected_attendance integer check (expected_attendance is null or expected_attendance between 0 and 1000000),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      check (threshold is distinct from 'custom' or threshold_percent is not null)
    )`.execute(db)
  await sql`create unique index deciding_bodies_drive on deciding_bodies (drive_id) where deleted_at is null`.execute(db)

  await sql`
    create table body_members (
      id integer generated always as identity primary key,
      body_id integer not null references deciding_bodies (id),
      chapter_id integer references chapters (id),
      seat text check (seat is null or length(seat) <= 120),
      name text check (name is null or length(name) between 1 and 120),
      supporter_id integer references supporters (id),
      joined_on date,
      left_on date,
      read text check (read in ('yes', 'leaning_yes', 'undecided', 'leaning_no', 'no', 'absent')),
      read_at timestamptz,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      check (name is not null or supporter_id is not null),
      check (left_on is null or joined_on is null or left_on >= joined_on)
    )`.execute(db)
  await sql`create index body_members_body on body_members (body_id) where deleted_at is null`.execute(db)
  await sql`create unique index body_members_one_supporter on body_members (body_id, supporter_id) where deleted_at is null and supporter_id is not null`.execute(
    db,
  )
  await sql`create index body_members_supporter on body_members (supporter_id) where supporter_id is not null`.execute(db)

  await sql`
    create table member_reads (
      id integer generated always as identity primary key,
      member_id integer not null references body_members (id),
      read text not null check (read in ('yes', 'leaning_yes', 'undecided', 'leaning_no', 'no', 'absent')),
      note text check (note is null or length(note) <= 2000),
      actor_id integer references users (id),
      at timestamptz not null default now()
    )`.execute(db)
  await sql`create index member_reads_member on member_reads (member_id, at desc)`.execute(db)

  await sql`
    create table turnout_pledges (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      chapter_id integer references chapters (id),
      supporter_id integer not null references supporters (id),
      pledge text not null check (pledge in ('confirmed', 'pledged', 'maybe')),
      note text check (note is null or length(note) <= 2000),
      actor_id integer references users (id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create unique index turnout_pledges_one on turnout_pledges (drive_id, supporter_id) where deleted_at is null`.execute(
    db,
  )

  // Each end is a supporter or a body member; a member who is a known supporter
  // is stored as the supporter (one person, not two records).
  await sql`
    create table relationships (
      id integer generated always as identity primary key,
      chapter_id integer not null references chapters (id),
      a_supporter_id integer references supporters (id),
      a_member_id integer references body_members (id),
      b_supporter_id integer references supporters (id),
      b_member_id integer references body_members (id),
      kind text not null check (kind in ('coworker', 'same_shift', 'friend', 'family', 'steward_of', 'organizer_contact')),
      strength text not null check (strength in ('close', 'knows', 'met_once')),
      note text check (note is null or length(note) <= 2000),
      actor_id integer references users (id),
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz,
      check ((a_supporter_id is null) <> (a_member_id is null)),
      check ((b_supporter_id is null) <> (b_member_id is null)),
      check (a_supporter_id is distinct from b_supporter_id or a_supporter_id is null),
      check (a_member_id is distinct from b_member_id or a_member_id is null)
    )`.execute(db)
  for (const col of ['a_supporter_id', 'b_supporter_id', 'a_member_id', 'b_member_id']) {
    await sql`create index ${sql.raw(`relationships_${col}`)} on relationships (${sql.ref(col)}) where deleted_at is null and ${sql.ref(col)} is not null`.execute(
      db,
    )
  }

  await sql`
    create table structure_tests (
      id integer generated always as identity primary key,
      drive_id integer not null references drives (id),
      chapter_id integer references chapters (id),
      kind text not null check (kind in ('petition', 'pledge_card', 'sticker_up', 'sign_on_letter')),
      name text not null check (length(name) between 1 and 120),
      denominator text not null default 'membership' check (denominator in ('membership', 'units')),
      target_percent integer not null default 50 check (target_percent between 1 and 100),
      started_on date,
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index structure_tests_drive on structure_tests (drive_id) where deleted_at is null`.execute(db)

  await sql`
    create table structure_test_units (
      id integer generated always as identity primary key,
      test_id integer not null references structure_tests (id),
      name text not null check (length(name) between 1 and 120),
      headcount integer not null check (headcount between 1 and 10000000),
      position integer not null default 0,
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index structure_test_units_test on structure_test_units (test_id) where deleted_at is null`.execute(db)

  await sql`
    create table structure_test_counts (
      id integer generated always as identity primary key,
      unit_id integer not null references structure_test_units (id),
      counted_on date not null,
      total integer not null check (total between 0 and 10000000),
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`create index structure_test_counts_unit on structure_test_counts (unit_id, counted_on) where deleted_at is null`.execute(
    db,
  )

  // "Majority reached" as a suggested exit check for file_resolution, per drive.
  await sql`alter table drives add column majority_check boolean not null default false`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table drives drop column majority_check`.execute(db)
  for (const t of [
    'structure_test_counts',
    'structure_test_units',
    'structure_tests',
    'relationships',
    'turnout_pledges',
    'member_reads',
    'body_members',
    'deciding_bodies',
  ]) {
    await sql`drop table ${sql.raw(t)}`.execute(db)
  }
}
