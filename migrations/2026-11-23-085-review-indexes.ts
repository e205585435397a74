// The national review at national scale (npm run explain -- /review): a
// running count of live supporters per chapter and local, kept by statement
// triggers (one aggregate per statement, so a 100k-row import adds one upsert,
// not 100k), so the review adds up ~5,000 counters instead of 250,000 rows;
// and a partial index for the trained drive teams. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table review_supporter_counts (
      chapter_id integer not null references chapters (id),
      local_key integer not null, -- supporters.local_id, 0 = no local
      supporters integer not null default 0,
      supporters_12 integer not null default 0,
      primary key (chapter_id, local_key)
    )`.execute(db)
  await sql`
    create function review_supporter_counts_apply() returns trigger language plpgsql as $$
    begin
      if tg_op in ('UPDATE', 'DELETE') then
        insert into review_supporter_counts as c (chapter_id, local_key, supporters, supporters_12)
        select chapter_id, coalesce(local_id, 0), -count(*), -count(*) filter (where current_level in (1, 2))
        from old_rows where deleted_at is null group by 1, 2 order by 1, 2
        on conflict (chapter_id, local_key) do update
          set supporters = c.supporters + excluded.supporters, supporters_12 = c.supporters_12 + excluded.supporters_12;
      end if;
      if tg_op in ('UPDATE', 'INSERT') then
        insert into review_supporter_counts as c (chapter_id, local_key, supporters, supporters_12)
        select chapter_id, coalesce(local_id, 0), count(*), count(*) filter (where current_level in (1, 2))
        from new_rows where deleted_at is null group by 1, 2 order by 1, 2
        on conflict (chapter_id, local_key) do update
          set supporters = c.supporters + excluded.supporters, supporters_12 = c.supporters_12 + excluded.supporters_12;
      end if;
      return null;
    end $$`.execute(db)
  await sql`create trigger supporters_review_counts_ins after insert on supporters referencing new table as new_rows for each statement execute function review_supporter_counts_apply()`.execute(db)
  await sql`create trigger supporters_review_counts_upd after update on supporters referencing old table as old_rows new table as new_rows for each statement execute function review_supporter_counts_apply()`.execute(db)
  await sql`create trigger supporters_review_counts_del after delete on supporters referencing old table as old_rows for each statement execute function review_supporter_counts_apply()`.execute(db)
  await sql`
    insert into review_supporter_counts (chapter_id, local_key, supporters, supporters_12)
    select chapter_id, coalesce(local_id, 0), count(*), count(*) filter (where current_level in (1, 2))
    from supporters where deleted_at is null group by 1, 2`.execute(db)
  // Leaders trained: the trained members of the drives' teams, by drive.
  await sql`create index team_members_trained on team_members (drive_id, supporter_id) where deleted_at is null and trained_on is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['supporters_review_counts_ins', 'supporters_review_counts_upd', 'supporters_review_counts_del']) {
    await sql`drop trigger if exists ${sql.id(t)} on supporters`.execute(db)
  }
  await sql`drop function if exists review_supporter_counts_apply()`.execute(db)
  await sql`drop table if exists review_supporter_counts`.execute(db)
  await sql`drop index if exists team_members_trained`.execute(db)
}
