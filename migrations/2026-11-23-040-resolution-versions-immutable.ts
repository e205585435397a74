// Resolution versions are insert-only: a change to a model text is a new
// version, so the text a local was given never changes under a filing. The
// database refuses any UPDATE or DELETE of a version. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function resolution_versions_immutable() returns trigger language plpgsql as $$
    begin
      raise exception 'resolution versions cannot be changed; save a new version instead' using errcode = 'check_violation';
    end
    $$`.execute(db)
  await sql`
    create trigger resolution_versions_immutable before update or delete on resolution_versions
    for each row execute function resolution_versions_immutable()`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists resolution_versions_immutable on resolution_versions`.execute(db)
  await sql`drop function if exists resolution_versions_immutable()`.execute(db)
}
