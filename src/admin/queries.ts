// Queries behind the admin area: accounts and their chapter memberships,
// chapters, national unions and instance settings. Admin sees every chapter, so
// nothing here takes a scope; the routes refuse anyone who is not an admin.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'
import { updateVersioned, VersionConflict } from '../shared/conflict.ts'
import type { ChapterForm, UnionForm, UserForm } from './schema.ts'

type Writer = Kysely<Database> | Transaction<Database>
export type Membership = { chapterId: number; role: 'organizer' | 'volunteer' }

export async function adminCounts(db: Db) {
  return db
    .selectNoFrom([
      sql<number>`(select count(*)::int from users where active)`.as('users'),
      sql<number>`(select count(*)::int from users where not active)`.as('inactiveUsers'),
      sql<number>`(select count(*)::int from chapters where deleted_at is null)`.as('chapters'),
      sql<number>`(select count(*)::int from national_unions where deleted_at is null)`.as('unions'),
      sql<number>`(select count(*)::int from locals where deleted_at is null)`.as('locals'),
      sql<unknown>`(select value from settings where key = 'require_2fa')`.as('require2fa'),
    ])
    .executeTakeFirstOrThrow()
}

// --- users

/** What the users list and the user form show of an account (on `users as u`). */
const USER_COLUMNS = ['u.id', 'u.name', 'u.email', 'u.is_admin', 'u.is_national', 'u.active', 'u.totp_enabled'] as const
const invited = sql<boolean>`u.password_hash is null`.as('invited')

export async function listUsers(db: Db, f: { q?: string; inactive?: boolean }) {
  let q = db
    .selectFrom('users as u')
    .select([
      ...USER_COLUMNS,
      invited,
      sql<{ name: string; role: 'organizer' | 'volunteer' }[]>`coalesce((
        select json_agg(json_build_object('name', c.name, 'role', m.role) order by c.name)
        from memberships m join chapters c on c.id = m.chapter_id and c.deleted_at is null
        where m.user_id = u.id), '[]'::json)`.as('chapters'),
    ])
    .where('u.active', '=', !f.inactive)
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`
    q = q.where((eb) => eb.or([eb('u.name', 'ilike', like), eb('u.email', 'ilike', like)]))
  }
  return q.orderBy('u.name').orderBy('u.id').limit(1000).execute()
}

export async function findUserWithMemberships(db: Db | Transaction<Database>, id: number) {
  return db
    .selectFrom('users as u')
    .select([
      ...USER_COLUMNS,
      'u.version',
      invited,
      sql<Membership[]>`coalesce((
        select json_agg(json_build_object('chapterId', m.chapter_id, 'role', m.role) order by m.chapter_id)
        from memberships m where m.user_id = u.id), '[]'::json)`.as('memberships'),
    ])
    .where('u.id', '=', id)
    .executeTakeFirst()
}

/**
 * Updates only if the version matches; otherwise a `VersionConflict` (src/shared/conflict.ts) with the account as
 * saved now and its last change. Accounts are never deleted (no deleted_at), so `updateVersioned` cannot serve them.
 */
export async function updateUser(db: Writer, id: number, version: number, input: UserForm) {
  const row = await db
    .updateTable('users')
    .set({ ...input, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .returning(['id', 'name', 'email', 'is_admin', 'is_national', 'active', 'version'])
    .executeTakeFirst()
  if (row) return row
  const [current, last] = await Promise.all([findUserWithMemberships(db, id), lastChange(db, 'user', id)])
  return new VersionConflict('user', id, current, last && { actorId: last.actor_id, actorName: last.name, at: last.at })
}

/** Replaces the user's memberships in the given chapters (others, e.g. deleted chapters, stay). */
export async function replaceMemberships(db: Writer, userId: number, chapterIds: number[], memberships: Membership[]) {
  if (chapterIds.length)
    await db.deleteFrom('memberships').where('user_id', '=', userId).where('chapter_id', 'in', chapterIds).execute()
  if (memberships.length) {
    await db
      .insertInto('memberships')
      .values(memberships.map((m) => ({ user_id: userId, chapter_id: m.chapterId, role: m.role })))
      .execute()
  }
}

export async function setUserActive(db: Writer, id: number, active: boolean) {
  const row = await db
    .updateTable('users')
    .set({ active, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('active', '=', !active)
    .returning(['id', 'active'])
    .executeTakeFirst()
  if (row && !active) await deleteSessions(db, id)
  return row
}

export async function countSessions(db: Writer, userId: number) {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function deleteSessions(db: Writer, userId: number) {
  const res = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst()
  return Number(res.numDeletedRows)
}

// --- chapters

export function listChapters(db: Db, deleted: boolean) {
  let q = db.selectFrom('chapters as c').select([
    'c.id',
    'c.name',
    'c.slug',
    'c.city',
    'c.state',
    'c.time_zone',
    'c.deleted_at',
    sql<number>`(select count(*)::int from memberships m join users u on u.id = m.user_id and u.active
        where m.chapter_id = c.id)`.as('members'),
    sql<number>`(select count(*)::int from locals l where l.chapter_id = c.id and l.deleted_at is null)`.as('locals'),
  ])
  q = deleted ? q.where('c.deleted_at', 'is not', null) : q.where('c.deleted_at', 'is', null)
  return q.orderBy('c.name').orderBy('c.id').execute()
}

export function listAllChapterOptions(db: Db) {
  return db.selectFrom('chapters').select(['id', 'name']).where('deleted_at', 'is', null).orderBy('name').execute()
}

export function findChapter(db: Db | Transaction<Database>, id: number, opts: { withDeleted?: boolean } = {}) {
  let q = db.selectFrom('chapters').selectAll().where('id', '=', id)
  if (!opts.withDeleted) q = q.where('deleted_at', 'is', null)
  return q.executeTakeFirst()
}

export function insertChapter(db: Writer, input: ChapterForm) {
  return db.insertInto('chapters').values(input).returningAll().executeTakeFirstOrThrow()
}

/** Version-checked (src/shared/conflict.ts): the saved row, or a `VersionConflict` saying who saved first. */
export function updateChapter(db: Writer, id: number, version: number, input: ChapterForm) {
  return updateVersioned(db, 'chapters', id, version, input)
}

export function setChapterDeleted(db: Writer, id: number, deleted: boolean) {
  return db
    .updateTable('chapters')
    .set({ deleted_at: deleted ? sql`now()` : null, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('deleted_at', deleted ? 'is' : 'is not', null)
    .returningAll()
    .executeTakeFirst()
}

// --- national unions (the list itself is listNationalUnions in unions/queries.ts)

export function findUnion(db: Db | Transaction<Database>, id: number) {
  return db
    .selectFrom('national_unions')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export function insertUnion(db: Writer, input: UnionForm) {
  return db.insertInto('national_unions').values(input).returningAll().executeTakeFirstOrThrow()
}

/** Version-checked (src/shared/conflict.ts): the saved row, or a `VersionConflict` saying who saved first. */
export function updateUnion(db: Writer, id: number, version: number, input: UnionForm) {
  return updateVersioned(db, 'national_unions', id, version, input)
}

// --- settings (JSON values in the settings table)

export async function readSettings(db: Db) {
  const rows = await db.selectFrom('settings').select(['key', 'value']).where('key', 'in', ['require_2fa']).execute()
  const map = new Map(rows.map((r) => [r.key, r.value]))
  return { require_2fa: map.get('require_2fa') === true }
}

export async function writeSetting(db: Writer, key: string, value: unknown) {
  await db
    .insertInto('settings')
    .values({ key, value: JSON.stringify(value) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: sql`now()` }))
    .execute()
}

/** The last audit entry for a record: who changed it and when, for a conflict's message. */
function lastChange(db: Writer, entity: string, id: number) {
  return db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.actor_id', 'u.name', 'a.at'])
    .where('a.entity', '=', entity)
    .where('a.entity_id', '=', String(id))
    .orderBy('a.id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Postgres unique constraints mapped to the admin form field that caused them. */
export function adminFieldForConstraint(err: unknown): { field: string; message: string } | undefined {
  const e = err as { code?: string; constraint?: string }
  if (e.code !== '23505') return undefined
  if (e.constraint === 'users_email_key')
    return { field: 'email', message: 'Someone already has an account with this email.' }
  if (e.constraint === 'chapters_slug_key')
    return { field: 'slug', message: 'Another chapter already uses this short name.' }
  if (e.constraint === 'national_unions_abbreviation_key')
    return { field: 'abbreviation', message: 'Another national union already uses this abbreviation.' }
  return undefined
}
