// More indexes found with EXPLAIN (ANALYZE, BUFFERS) at national scale.
// Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // The board's owner filter: who owns a live drive (a semi-join per user).
  await sql`create index drives_owner on drives (owner_id) where deleted_at is null and owner_id is not null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['drives_owner']) await sql`drop index if exists ${sql.id(i)}`.execute(db)
}
