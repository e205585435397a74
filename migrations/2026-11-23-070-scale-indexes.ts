// Indexes found with EXPLAIN (ANALYZE, BUFFERS) on the national-scale data set
// (npm run seed:scale, npm run explain -- PATH). Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // Review: the latest conversation of each drive (stalled list, drill-down).
  await sql`create index conversations_drive on conversations (drive_id, held_on desc) where deleted_at is null`.execute(db)
  // Drive pages and the review: a drive's decisions and filings by date.
  await sql`create index decisions_drive_held on decisions (drive_id, held_on desc) where deleted_at is null`.execute(db)
  await sql`create index filings_drive_filed on filings (drive_id, filed_on desc) where deleted_at is null`.execute(db)
  // Matrix and goals: endorsements of a slate by body.
  await sql`create index endorsements_slate_body on endorsements (slate_id, local_id, national_union_id, candidate_id)`.execute(db)
  // People lists: the newest-first and level orders within a chapter.
  await sql`create index supporters_chapter_level on supporters (chapter_id, current_level, name, id) where deleted_at is null`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const i of ['conversations_drive', 'decisions_drive_held', 'filings_drive_filed', 'endorsements_slate_body', 'supporters_chapter_level']) {
    await sql`drop index if exists ${sql.id(i)}`.execute(db)
  }
}
