// Saved views: a name for a list page's URL, kept for one user or shared with a
// chapter. The URL stays the source of truth; opening a view redirects to it.
import type { Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'

export type SavedViewRow = {
  id: number
  user_id: number
  chapter_id: number | null
  name: string
  path: string
  query: string
  chapter_name: string | null
}

/** The user's own views and the views shared with the chapters they belong to. */
export function listSavedViews(db: Db, userId: number, chapterIds: number[]): Promise<SavedViewRow[]> {
  let q = db
    .selectFrom('saved_views as v')
    .leftJoin('chapters as c', 'c.id', 'v.chapter_id')
    .select(['v.id', 'v.user_id', 'v.chapter_id', 'v.name', 'v.path', 'v.query', 'c.name as chapter_name'])
  q = q.where((eb) =>
    chapterIds.length
      ? eb.or([
          eb.and([eb('v.user_id', '=', userId), eb('v.chapter_id', 'is', null)]),
          eb('v.chapter_id', 'in', chapterIds),
        ])
      : eb.and([eb('v.user_id', '=', userId), eb('v.chapter_id', 'is', null)]),
  )
  return q.orderBy('v.name').orderBy('v.id').limit(200).execute()
}

export async function findSavedView(
  db: Db,
  id: number,
  userId: number,
  chapterIds: number[],
): Promise<SavedViewRow | undefined> {
  const rows = await db
    .selectFrom('saved_views as v')
    .leftJoin('chapters as c', 'c.id', 'v.chapter_id')
    .select(['v.id', 'v.user_id', 'v.chapter_id', 'v.name', 'v.path', 'v.query', 'c.name as chapter_name'])
    .where('v.id', '=', id)
    .execute()
  const v = rows[0]
  if (!v) return undefined
  const visible = v.chapter_id === null ? v.user_id === userId : chapterIds.includes(v.chapter_id)
  return visible ? v : undefined
}

export function insertSavedView(
  db: Db | Transaction<Database>,
  row: { user_id: number; chapter_id: number | null; name: string; path: string; query: string },
) {
  return db.insertInto('saved_views').values(row).returningAll().executeTakeFirstOrThrow()
}

export function deleteSavedView(db: Db | Transaction<Database>, id: number) {
  return db.deleteFrom('saved_views').where('id', '=', id).returningAll().executeTakeFirst()
}
