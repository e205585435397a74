// Supporters ticked off on a structure test (issue 17): who took part, in
// which unit, on which day. One live row per supporter and test; unticking is
// a soft delete, ticking again adds a new row. A unit's figure is the higher
// of its last total entered and its supporters ticked off. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table structure_test_participants (
      id integer generated always as identity primary key,
      test_id integer not null references structure_tests (id),
      unit_id integer not null references structure_test_units (id),
      supporter_id integer not null references supporters (id),
      chapter_id integer references chapters (id),
      took_part_on date not null,
      actor_id integer references users (id),
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db)
  await sql`
    create unique index structure_test_participants_one
      on structure_test_participants (test_id, supporter_id) where deleted_at is null`.execute(db)
  await sql`
    create index structure_test_participants_unit
      on structure_test_participants (unit_id, took_part_on) where deleted_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table structure_test_participants`.execute(db)
}
