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

// --- login throttle: state in PostgreSQL so every app instance counts the same attempts
export const THROTTLE = { perAccount: 5, perAddress: 20, windowMinutes: 15 }

export async function throttled(db: Db, email: string, ip: string): Promise<boolean> {
  const rows = await db
    .selectFrom('login_attempts')
    .select([
      sql<number>`count(*) filter (where key = ${'acct:' + email.toLowerCase()})`.as('acct'),
      sql<number>`count(*) filter (where key = ${'ip:' + ip})`.as('ip'),
    ])
    .where('key', 'in', ['acct:' + email.toLowerCase(), 'ip:' + ip])
    .where(sql<boolean>`at > now() - make_interval(mins => ${THROTTLE.windowMinutes})`)
    .executeTakeFirstOrThrow()
  return rows.acct >= THROTTLE.perAccount || rows.ip >= THROTTLE.perAddress
}

export async function recordFailure(db: Db, email: string, ip: string) {
  await db
    .insertInto('login_attempts')
    .values([{ key: 'acct:' + email.toLowerCase() }, { key: 'ip:' + ip }])
    .execute()
}

export async function clearFailures(db: Db, email: string) {
  await db
    .deleteFrom('login_attempts')
    .where('key', '=', 'acct:' + email.toLowerCase())
    .execute()
}

// --- one-time links (invites and password resets): only the hash is stored
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
      expires_at: new Date(Date.now() + 7 * 86400_000),
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
