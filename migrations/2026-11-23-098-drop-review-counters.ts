// The review's supporter counters (085) go: kept by statement triggers inside
// the writing transaction, they made any supporter write in a local wait for
// a 100,000-row import in the same local to commit, and two transactions
// writing supporters of two locals in opposite orders could deadlock. The
// review now counts supporters itself and keeps its figures a minute
// (REVIEW_CACHE_SECONDS), so the count costs once a minute, not per write.
// Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  for (const t of ['supporters_review_counts_ins', 'supporters_review_counts_upd', 'supporters_review_counts_del']) {
    await sql`drop trigger if exists ${sql.id(t)} on supporters`.execute(db)
  }
  await sql`drop function if exists review_supporter_counts_apply()`.execute(db)
  await sql`drop table if exists review_supporter_counts`.execute(db)
}

export async function down(): Promise<void> {
  // Migration 085's down removes nothing more; going back past 098 leaves the
  // review counting supporters itself, which is correct, only slower.
}
