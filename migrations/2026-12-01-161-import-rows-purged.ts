// When an import's uploaded rows (and so its row report) were deleted by the
// retention job (src/people/import-retention.ts); the import itself and what
// it saved stay. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table imports add column rows_purged_at timestamptz`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table imports drop column rows_purged_at`.execute(db)
}
