// One stamp for every matrix instead of one per slate and one for the
// directory. With several stamp rows, two transactions that changed, say, a
// body and a drive in opposite orders bumped the rows in opposite orders at
// commit and could deadlock; with one row, it is the last lock either takes
// and they simply queue. The cost: a change to any slate makes every slate's
// kept body list be read again — changes that move a stamp are rare (new
// drives and endorsements, renames), stage moves are not among them.
// Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Both trigger functions now move the same stamp.
  for (const fn of ['bump_slate_stamp', 'bump_directory_stamp']) {
    await sql`
      create or replace function ${sql.id(fn)}() returns trigger language plpgsql as $$
      begin
        perform bump_change_stamp('matrix');
        return null;
      end $$`.execute(db)
  }
  await sql`delete from change_stamps where key <> 'matrix'`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function bump_slate_stamp() returns trigger language plpgsql as $$
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
    create or replace function bump_directory_stamp() returns trigger language plpgsql as $$
    begin
      perform bump_change_stamp('directory');
      return null;
    end $$`.execute(db)
}
