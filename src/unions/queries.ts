// Locals and national unions: the shared directory. Reads are open to every
// signed-in role (union names are public facts); writes are checked at the edge.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import { updateVersioned } from '../shared/conflict.ts'
import type { Database, LocalsTable } from '../db/schema.ts'
import type { Insertable, Updateable } from 'kysely'

export type LocalFilters = {
  q?: string
  chapter?: number
  union?: number
  orientation?: string
  sector?: string
  sort: 'name' | 'members' | 'union' | 'updated'
  deleted?: boolean
}

export const PAGE_SIZE = 50

export async function listLocals(db: Db, f: LocalFilters, offset: number) {
  let q = db
    .selectFrom('locals as l')
    .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
    .leftJoin('chapters as c', 'c.id', 'l.chapter_id')
    .select([
      'l.id',
      'l.name',
      'l.designation',
      'l.kind',
      'l.city',
      'l.state',
      'l.members',
      'l.sector',
      'l.orientation',
      'l.chapter_id',
      'l.deleted_at',
      'n.abbreviation as union_abbreviation',
      'n.name as union_name',
      'c.name as chapter_name',
    ])
  q = f.deleted ? q.where('l.deleted_at', 'is not', null) : q.where('l.deleted_at', 'is', null)
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`
    q = q.where((eb) =>
      eb.or([
        eb('l.name', 'ilike', like),
        eb('l.designation', 'ilike', like),
        eb('n.abbreviation', 'ilike', f.q!),
        eb('l.city', 'ilike', like),
      ]),
    )
  }
  if (f.chapter) q = q.where('l.chapter_id', '=', f.chapter)
  if (f.union) q = q.where('l.national_union_id', '=', f.union)
  if (f.orientation) q = q.where('l.orientation', '=', f.orientation as LocalsTable['orientation'] & string)
  if (f.sector) q = q.where('l.sector', '=', f.sector as LocalsTable['sector'] & string)
  switch (f.sort) {
    case 'members':
      q = q.orderBy(sql`l.members desc nulls last`).orderBy('l.id')
      break
    case 'union':
      q = q.orderBy('n.abbreviation').orderBy('l.name').orderBy('l.id')
      break
    case 'updated':
      q = q.orderBy('l.updated_at', 'desc').orderBy('l.id')
      break
    default:
      q = q.orderBy('l.name').orderBy('l.id')
  }
  const rows = await q
    .limit(PAGE_SIZE + 1)
    .offset(offset)
    .execute()
  return { rows: rows.slice(0, PAGE_SIZE), hasMore: rows.length > PAGE_SIZE }
}

export function findLocal(db: Db | Transaction<Database>, id: number, opts: { withDeleted?: boolean } = {}) {
  let q = db
    .selectFrom('locals as l')
    .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
    .leftJoin('chapters as c', 'c.id', 'l.chapter_id')
    .leftJoin('locals as p', 'p.id', 'l.parent_id')
    .selectAll('l')
    .select([
      'n.name as union_name',
      'n.abbreviation as union_abbreviation',
      'c.name as chapter_name',
      'c.time_zone',
      'p.name as parent_name',
    ])
    .where('l.id', '=', id)
  if (!opts.withDeleted) q = q.where('l.deleted_at', 'is', null)
  return q.executeTakeFirst()
}

export type LocalInput = Omit<Insertable<LocalsTable>, 'id' | 'version' | 'created_at' | 'updated_at' | 'deleted_at'>

export function insertLocal(db: Kysely<Database>, input: LocalInput) {
  return db.insertInto('locals').values(input).returningAll().executeTakeFirstOrThrow()
}

/** A version-checked update (src/shared/conflict.ts): the new row, or who saved first. */
export function updateLocal(db: Kysely<Database>, id: number, version: number, input: Updateable<LocalsTable>) {
  return updateVersioned(db, 'locals', id, version, input)
}

export function setLocalDeleted(db: Kysely<Database>, id: number, deleted: boolean) {
  return db
    .updateTable('locals')
    .set({ deleted_at: deleted ? sql`now()` : null, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('deleted_at', deleted ? 'is' : 'is not', null)
    .returningAll()
    .executeTakeFirst()
}

export function listNationalUnionOptions(db: Db) {
  return db
    .selectFrom('national_unions')
    .select(['id', 'abbreviation', 'name'])
    .where('deleted_at', 'is', null)
    .orderBy('abbreviation')
    .execute()
}

export function listChapterOptions(db: Db) {
  return db
    .selectFrom('chapters')
    .select(['id', 'name', 'slug', 'time_zone'])
    .where('deleted_at', 'is', null)
    .orderBy('name')
    .execute()
}

export async function listNationalUnions(db: Db) {
  return db
    .selectFrom('national_unions as n')
    .select([
      'n.id',
      'n.name',
      'n.abbreviation',
      'n.afl_cio',
      'n.rules_notes',
      'n.version',
      sql<number>`(select count(*) from locals l where l.national_union_id = n.id and l.deleted_at is null)`.as(
        'locals',
      ),
    ])
    .where('n.deleted_at', 'is', null)
    .orderBy('n.abbreviation')
    .execute()
}

export function findNationalUnion(db: Db, id: number) {
  return db
    .selectFrom('national_unions')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/** Postgres constraint names mapped to the form field that caused them. */
export function fieldForConstraint(err: unknown): { field: string; message: string } | undefined {
  const e = err as { code?: string; constraint?: string }
  if (e.code === '23505' && e.constraint === 'locals_olms_file_number_key')
    return { field: 'olms_file_number', message: 'Another local already has this OLMS file number.' }
  if (e.code === '23505' && e.constraint === 'national_unions_abbreviation_key')
    return { field: 'abbreviation', message: 'Another national union already uses this abbreviation.' }
  if (e.code === '23505' && e.constraint === 'chapters_slug_key')
    return { field: 'slug', message: 'Another chapter already uses this short name.' }
  if (e.code === '23503' && e.constraint?.includes('national_union'))
    return { field: 'national_union_id', message: 'That national union does not exist.' }
  if (e.code === '23503' && e.constraint?.includes('chapter'))
    return { field: 'chapter_id', message: 'That chapter does not exist.' }
  if (e.code === '23503' && e.constraint?.includes('parent'))
    return { field: 'parent_id', message: 'That parent body does not exist.' }
  return undefined
}
