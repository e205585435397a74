// What an empty instance or a new chapter still lacks, for the dashboard's
// "First steps": one query, run only while the person's chapters have no drive.
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'

export type SetupFacts = { chapters: number; locals: number; claimed: number; currentSlate: boolean }

/** Claimed locals: in the given chapters, or in any chapter when `chapterIds` is null (an admin). */
export async function setupFacts(db: Db, chapterIds: readonly number[] | null): Promise<SetupFacts> {
  const claimed =
    chapterIds === null
      ? sql<boolean>`l.chapter_id is not null`
      : sql<boolean>`l.chapter_id = any(${[...chapterIds]}::int[])`
  const { rows } = await sql<{ chapters: number; locals: number; claimed: number; current_slate: boolean }>`
    select (select count(*)::int from chapters c where c.deleted_at is null) as chapters,
      (select count(*)::int from locals l where l.deleted_at is null) as locals,
      (select count(*)::int from locals l where l.deleted_at is null and ${claimed}) as claimed,
      exists (select 1 from slates s where s.is_current and s.deleted_at is null) as current_slate`.execute(db)
  const r = rows[0]!
  return { chapters: r.chapters, locals: r.locals, claimed: r.claimed, currentSlate: r.current_slate }
}
