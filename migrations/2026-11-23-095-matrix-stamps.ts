// Change stamps for the endorsement matrix. A slate's matrix lists every body
// with a drive or an endorsement on it, in a fixed order (national unions,
// councils, then locals by chapter and name): at national scale, thousands of
// bodies. Working that list out takes longer than drawing a page of it, and it
// changes only when a drive or an endorsement is added, moved to another body
// or deleted, or when a body or chapter is renamed or regrouped — not when a
// drive moves a stage. So the server keeps the list per slate and filter, and
// these stamps say when it is out of date:
//   slate_<id>  bumped by changes to that slate's drives, endorsements, candidates
//   directory   bumped by changes to the names and groupings of bodies and chapters
// The triggers are deferred to commit and bump each stamp once per
// transaction: the stamp row is the last lock a transaction takes (no
// deadlocks with the rows it changed), and a bulk import bumps it once.
// A reader takes the stamp before the data it caches, so a cached list is
// never older than its stamp. Frozen once landed.
import { sql, type Kysely } from 'kysely'

const DRIVE_COLUMNS = ['slate_id', 'local_id', 'national_union_id', 'chapter_id', 'deleted_at']
const ENDORSEMENT_COLUMNS = ['slate_id', 'local_id', 'national_union_id', 'candidate_id']
const CANDIDATE_COLUMNS = ['slate_id', 'level', 'status', 'deleted_at']
const LOCAL_COLUMNS = ['name', 'kind', 'chapter_id', 'national_union_id', 'state', 'deleted_at']

/** `when (old.a is distinct from new.a or …)` for an update trigger. */
const changed = (columns: string[]) => sql.raw(columns.map((c) => `old.${c} is distinct from new.${c}`).join(' or '))

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table change_stamps (key text primary key, n bigint not null default 0)`.execute(db)
  await sql`
    create function bump_change_stamp(stamp text) returns void language plpgsql as $$
    begin
      if current_setting('tenfold.bumped_' || stamp, true) = 'yes' then
        return;
      end if;
      perform set_config('tenfold.bumped_' || stamp, 'yes', true);
      insert into change_stamps (key, n) values (stamp, 1)
        on conflict (key) do update set n = change_stamps.n + 1;
    end $$`.execute(db)
  // drives, endorsements and candidates all carry slate_id.
  await sql`
    create function bump_slate_stamp() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'INSERT' then
        perform bump_change_stamp('slate_' || old.slate_id);
      end if;
      if tg_op <> 'DELETE' then
        perform bump_change_stamp('slate_' || new.slate_id);
      end if;
      return null;
    end $$`.execute(db)
  await sql`
    create function bump_directory_stamp() returns trigger language plpgsql as $$
    begin
      perform bump_change_stamp('directory');
      return null;
    end $$`.execute(db)

  for (const [table, columns] of [['drives', DRIVE_COLUMNS], ['endorsements', ENDORSEMENT_COLUMNS], ['candidates', CANDIDATE_COLUMNS]] as const) {
    await sql`create constraint trigger ${sql.id(`${table}_stamp_rows`)} after insert or delete on ${sql.id(table)}
      deferrable initially deferred for each row execute function bump_slate_stamp()`.execute(db)
    await sql`create constraint trigger ${sql.id(`${table}_stamp_update`)} after update on ${sql.id(table)}
      deferrable initially deferred for each row when (${changed([...columns])}) execute function bump_slate_stamp()`.execute(db)
  }
  await sql`create constraint trigger locals_stamp_update after update on locals
    deferrable initially deferred for each row when (${changed(LOCAL_COLUMNS)}) execute function bump_directory_stamp()`.execute(db)
  await sql`create constraint trigger chapters_stamp_update after update on chapters
    deferrable initially deferred for each row when (${changed(['name', 'deleted_at'])}) execute function bump_directory_stamp()`.execute(db)
  await sql`create constraint trigger national_unions_stamp_update after update on national_unions
    deferrable initially deferred for each row when (${changed(['name', 'abbreviation', 'deleted_at'])}) execute function bump_directory_stamp()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['drives', 'endorsements', 'candidates']) {
    await sql`drop trigger if exists ${sql.id(`${table}_stamp_rows`)} on ${sql.id(table)}`.execute(db)
    await sql`drop trigger if exists ${sql.id(`${table}_stamp_update`)} on ${sql.id(table)}`.execute(db)
  }
  for (const table of ['locals', 'chapters', 'national_unions']) {
    await sql`drop trigger if exists ${sql.id(`${table}_stamp_update`)} on ${sql.id(table)}`.execute(db)
  }
  await sql`drop function if exists bump_slate_stamp()`.execute(db)
  await sql`drop function if exists bump_directory_stamp()`.execute(db)
  await sql`drop function if exists bump_change_stamp(text)`.execute(db)
  await sql`drop table if exists change_stamps`.execute(db)
}
