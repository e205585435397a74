// Locals and national unions: the shared directory. Reads are open to every
// signed-in role (union names are public facts); writes are checked at the edge.
import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely'
import type { AuditActor } from '../audit/audit.ts'
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

const STOP_WORDS = new Set(['local', 'lodge', 'no', 'no.', 'number', 'nr', 'num', 'of', 'the', 'local-union', 'lu'])
const escapeRegex = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The words of a directory search: numbers apart, "Local", "#" and "No." dropped. */
export function searchWords(q: string): { words: string[]; numbers: string[] } {
  const tokens = q
    .split(/[\s,;/]+/)
    .map((t) => t.replace(/^#/, '').replace(/^l(\d+)$/i, '$1'))
    .filter(Boolean)
  const numbers = tokens.filter((t) => /^\d{1,9}$/.test(t))
  const words = tokens.filter((t) => !/^\d{1,9}$/.test(t))
  // "Local 509" means local number 509; "local" alone is still a word to find.
  const kept = numbers.length || words.length > 1 ? words.filter((w) => !STOP_WORDS.has(w.toLowerCase())) : words
  return { words: kept, numbers }
}

/**
 * The search condition on `locals as l`: every word must start a word of the local's name, designation or place,
 * or of its national union's abbreviation, name, OLMS code or other names; every number must be a whole number
 * there ("SEIU 509", "SEIU Local 509", "local 509", "Service Employees 509", "Boston"). Accents and case are
 * ignored (tf_fold); the trigram index on tf_local_text serves both kinds of condition.
 */
export function localSearch(q: string) {
  const { words, numbers } = searchWords(q)
  const text = sql`tf_local_text(l.name, l.designation, l.city, l.state)`
  const conds = [
    ...numbers.map((n) => sql<SqlBool>`${text} ~ ${`(^|[^0-9])${n}([^0-9]|$)`}`),
    ...words.map((w) => {
      const re = `\\m${escapeRegex(w)}`
      return sql<SqlBool>`(${text} ~ tf_fold(${re}) or l.national_union_id = any(array(
        select u.id from national_unions u
        where tf_fold(u.abbreviation || ' ' || u.name || ' ' || coalesce(u.code, '') || ' '
          || array_to_string(u.aliases, ' ')) ~ tf_fold(${re}))))`
    }),
  ]
  return conds.length ? sql<SqlBool>`(${sql.join(conds, sql` and `)})` : sql<SqlBool>`true`
}

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
  if (f.q) q = q.where(localSearch(f.q))
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

export type ClaimCandidate = {
  id: number
  name: string
  union_abbreviation: string | null
  city: string | null
  state: string | null
  members: number | null
  chapter_id: number | null
  chapter_name: string | null
}

/**
 * The directory's answers for each entry of a pasted list ("SEIU 509, CWA 1400"), at most `per` each, the chapter's
 * own and unclaimed locals first — one statement whatever the list's length.
 */
export async function matchClaimList(db: Db, entries: string[], chapterId: number, per = 6) {
  const out = new Map<number, ClaimCandidate[]>(entries.map((_, i) => [i, []]))
  if (!entries.length) return out
  const parts = entries.map(
    (e, i) => sql`(select ${i}::int as k, l.id, l.name, n.abbreviation as union_abbreviation, l.city, l.state,
        l.members, l.chapter_id, c.name as chapter_name
      from locals l left join national_unions n on n.id = l.national_union_id
        left join chapters c on c.id = l.chapter_id
      where l.deleted_at is null and ${localSearch(e)}
      order by (l.chapter_id is not distinct from ${chapterId}) desc, (l.chapter_id is null) desc,
        l.members desc nulls last, l.name, l.id
      limit ${per + 1})`,
  )
  const rows = await sql<ClaimCandidate & { k: number }>`${sql.join(parts, sql` union all `)}`.execute(db)
  for (const r of rows.rows) out.get(r.k)!.push(r)
  return out
}

/** Locals by id, for the page after a claim. */
export function listLocalsByIds(db: Db, ids: number[]) {
  return db
    .selectFrom('locals as l')
    .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
    .select([
      'l.id',
      'l.name',
      'l.city',
      'l.state',
      'l.members',
      'l.sector',
      'l.deciding_body',
      'l.threshold',
      'l.chapter_id',
      'n.abbreviation as union_abbreviation',
    ])
    .where('l.id', 'in', ids.length ? ids : [0])
    .where('l.deleted_at', 'is', null)
    .orderBy('l.name')
    .execute()
}

/**
 * Gives unclaimed locals to a chapter, in the caller's transaction, each change in the audit log (one statement
 * for the locals, one for the log). Locals already in a chapter are left alone: claiming never takes a local
 * from another chapter, and claiming twice changes nothing.
 */
export async function claimLocals(trx: Transaction<Database>, actor: AuditActor, chapterId: number, ids: number[]) {
  if (!ids.length) return []
  const claimed = await trx
    .updateTable('locals')
    .set({ chapter_id: chapterId, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', 'in', ids)
    .where('chapter_id', 'is', null)
    .where('deleted_at', 'is', null)
    .returning(['id', 'name'])
    .execute()
  if (claimed.length)
    await trx
      .insertInto('audit_log')
      .values(
        claimed.map((l) => ({
          actor_id: actor.actorId,
          request_id: actor.requestId,
          action: 'claim',
          entity: 'local',
          entity_id: String(l.id),
          chapter_id: chapterId,
          before: JSON.stringify({ chapter_id: null }),
          after: JSON.stringify({ chapter_id: chapterId }),
        })),
      )
      .execute()
  return claimed
}
