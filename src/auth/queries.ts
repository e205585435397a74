// Accounts, memberships, one-time links and the login throttle.
import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import type { UserRole } from '../db/schema.ts'
import { tokenHash } from './session.ts'

export async function adminExists(db: Db): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('is_admin', '=', true)
    .where('active', '=', true)
    .executeTakeFirst()
  return row !== undefined
}

export function findUserByEmail(db: Db, email: string) {
  return db.selectFrom('users').selectAll().where(sql`lower(email)`, '=', email.trim().toLowerCase()).executeTakeFirst()
}

export function findUser(db: Db, id: number) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst()
}

export type NewUser = {
  email: string
  name: string
  role: UserRole
  chapterId?: number | null
  passwordHash?: string | null
}

export async function insertUser(db: Db, u: NewUser) {
  const user = await db
    .insertInto('users')
    .values({
      email: u.email.trim(),
      name: u.name.trim(),
      password_hash: u.passwordHash ?? null,
      is_admin: u.role === 'admin',
      is_national: u.role === 'national',
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  if ((u.role === 'organizer' || u.role === 'volunteer') && u.chapterId) {
    await db.insertInto('memberships').values({ user_id: user.id, chapter_id: u.chapterId, role: u.role }).execute()
  }
  return user
}

// --- login throttle: state in PostgreSQL so every app instance counts the same attempts.
//
// No hard lock, so nobody can lock a colleague out by typing wrong passwords for
// them. Failures are counted per key over the last hour; each key has a few free
// failures, then a growing wait after its latest failure (1, 2, 4, 8, then 15
// minutes). The keys: this account from this address; this address for any
// account (spraying); this account from any address it was not logged in from
// before (a distributed guess). A browser that logged in to the account before
// carries a signed "known device" cookie and is judged only by its own
// failures, so an attacker elsewhere cannot slow its owner down. A correct
// password, or a password set through a reset link, clears the account's count.
// Attempts refused while waiting are not counted (the wait does not grow by
// itself) and never check the password.
export const THROTTLE = {
  windowMinutes: 60,
  maxWaitMinutes: 15,
  /** Free failures per key before the first wait. */
  free: { pair: 5, device: 5, account: 10, address: 30 },
}

export type ThrottleKeys = { email: string; ip: string; deviceId?: string | null }

function throttleKeys({ email, ip, deviceId }: ThrottleKeys) {
  const acct = email.trim().toLowerCase()
  if (deviceId) return [{ key: `dev:${deviceId}:${acct}`, free: THROTTLE.free.device }]
  return [
    { key: `pair:${acct}|${ip}`, free: THROTTLE.free.pair },
    { key: `acct:${acct}`, free: THROTTLE.free.account },
    { key: `ip:${ip}`, free: THROTTLE.free.address },
  ]
}

/** Minutes to wait after the latest of `failures` failures when `free` were allowed. */
export function waitMinutes(failures: number, free: number): number {
  if (failures < free) return 0
  return Math.min(THROTTLE.maxWaitMinutes, 2 ** (failures - free))
}

/** 0 when an attempt may go ahead, else the whole minutes (at least 1) still to wait. */
export async function throttleWait(db: Db, who: ThrottleKeys): Promise<number> {
  const keys = throttleKeys(who)
  const rows = await db
    .selectFrom('login_attempts')
    .select(['key', sql<number>`count(*)::int`.as('n'), sql<number>`extract(epoch from now() - max(at))`.as('ago')])
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .where(sql<boolean>`at > now() - make_interval(mins => ${THROTTLE.windowMinutes})`)
    .groupBy('key')
    .execute()
  let wait = 0
  for (const r of rows) {
    const free = keys.find((k) => k.key === r.key)!.free
    const left = waitMinutes(r.n, free) * 60 - Number(r.ago)
    if (left > 0) wait = Math.max(wait, Math.ceil(left / 60))
  }
  return wait
}

export async function recordFailure(db: Db, who: ThrottleKeys) {
  await db
    .insertInto('login_attempts')
    .values(throttleKeys(who).map((k) => ({ key: k.key })))
    .execute()
}

/** After a correct password (or a reset): this account's counts go, from every address and device. */
export async function clearFailures(db: Db, email: string) {
  const acct = email.trim().toLowerCase()
  await db
    .deleteFrom('login_attempts')
    .where((eb) =>
      eb.or([
        eb('key', '=', `acct:${acct}`),
        eb('key', 'like', `pair:${acct.replace(/[\\%_]/g, '\\$&')}|%`),
        eb('key', 'like', `dev:%:${acct.replace(/[\\%_]/g, '\\$&')}`),
      ]),
    )
    .execute()
}

/** Old attempts are of no use once out of the window. */
export async function purgeOldAttempts(db: Db) {
  await db
    .deleteFrom('login_attempts')
    .where(sql<boolean>`at < now() - make_interval(mins => ${THROTTLE.windowMinutes})`)
    .execute()
}

// --- one-time links (invites and password resets): only the hash is stored
/** How long a link works: a reset is for now (1 hour); an invite may wait for someone to read their mail. */
export const LINK_LIFETIME_HOURS = { reset: 1, invite: 7 * 24 } as const

export async function createOneTimeLink(db: Db, userId: number, purpose: 'invite' | 'reset'): Promise<string> {
  const token = crypto.randomBytes(24).toString('base64url')
  await db
    .updateTable('one_time_links')
    .set({ used_at: new Date() })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute()
  await db
    .insertInto('one_time_links')
    .values({
      token_hash: tokenHash(token),
      user_id: userId,
      purpose,
      expires_at: new Date(Date.now() + LINK_LIFETIME_HOURS[purpose] * 3600_000),
    })
    .execute()
  return token
}

export function findOneTimeLink(db: Db, token: string) {
  return db
    .selectFrom('one_time_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .select(['l.token_hash', 'l.purpose', 'u.id as userId', 'u.name', 'u.email', 'u.active'])
    .where('l.token_hash', '=', tokenHash(token))
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst()
}

export async function instanceSetting<T>(db: Db, key: string, fallback: T): Promise<T> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst()
  return row ? (row.value as T) : fallback
}
