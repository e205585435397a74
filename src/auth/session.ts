// Server-side sessions in PostgreSQL. Decorates request.user (null when
// anonymous) and request.sessionId; a deactivated user or a revoked session is
// out on the next request. The cookie holds a random token; the table holds its
// SHA-256, so a database dump cannot be replayed as cookies.
import crypto from 'node:crypto'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { PREPARE, type Db } from '../db/database.ts'
import type { CurrentUser } from './access.ts'

export const SESSION_COOKIE = 'tf_session'
export const CSRF_COOKIE = 'tf_csrf'
const LIFETIME_HOURS = 12

declare module 'fastify' {
  interface FastifyRequest {
    user: CurrentUser | null
    sessionId: string | null
    /** Password and TOTP step done, but the role must enrol in two-factor login first (require_2fa). */
    pendingEnrol: boolean
    /** The session row's CSRF token: every form token is bound to it (security.ts). */
    sessionCsrf: string | null
    pending2fa: boolean
    actor: { actorId: number | null; requestId: string }
  }
}

/** The chapters of the user `u` as CurrentUser carries them, for a select on `users as u`. */
export const chaptersOfUser = sql<CurrentUser['chapters']>`coalesce((
  select json_agg(json_build_object('id', c.id, 'name', c.name, 'slug', c.slug, 'role', m.role,
    'timeZone', c.time_zone) order by c.name)
  from memberships m join chapters c on c.id = m.chapter_id and c.deleted_at is null
  where m.user_id = u.id), '[]'::json)`

/** A users row (with `chaptersOfUser` as chapters) as the signed-in person. */
export function currentUserOf(row: {
  id: number
  name: string
  email: string
  is_admin: boolean
  is_national: boolean
  chapters: CurrentUser['chapters']
}): CurrentUser {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    isAdmin: row.is_admin,
    isNational: row.is_national,
    chapters: row.chapters,
  }
}

export const tokenHash = (token: string) => crypto.createHash('sha256').update(token).digest('hex')

export async function loadSession(db: Db, token: string) {
  const row = await db
    .selectFrom('sessions as s')
    .innerJoin('users as u', 'u.id', 's.user_id')
    .where('s.id', '=', tokenHash(token))
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.active', '=', true)
    .select([
      's.id as sessionId',
      's.pending_2fa',
      's.csrf_token',
      // An admin or national reviewer without TOTP while the instance requires it:
      // decided on every request, so turning require_2fa on catches open sessions too.
      sql<boolean>`(u.is_admin or u.is_national) and not u.totp_enabled and coalesce((
        select value = 'true'::jsonb from settings where key = 'require_2fa'), false)`.as('must_enrol'),
      'u.id',
      'u.name',
      'u.email',
      'u.is_admin',
      'u.is_national',
      chaptersOfUser.as('chapters'),
    ])
    .modifyEnd(PREPARE) // every request: a lookup by key
    .executeTakeFirst()
  if (!row) return undefined
  const user = currentUserOf(row)
  return {
    sessionId: row.sessionId,
    pending2fa: row.pending_2fa,
    mustEnrol: row.must_enrol,
    csrfToken: row.csrf_token,
    user,
  }
}

export async function startSession(
  db: Db,
  reply: FastifyReply,
  userId: number,
  opts: { pending2fa?: boolean; secure: boolean | 'auto'; oldToken?: string },
) {
  // Rotated at login: any previous session id from this browser is discarded.
  if (opts.oldToken) await db.deleteFrom('sessions').where('id', '=', tokenHash(opts.oldToken)).execute()
  const token = crypto.randomBytes(32).toString('base64url')
  await db
    .insertInto('sessions')
    .values({
      id: tokenHash(token),
      user_id: userId,
      csrf_token: crypto.randomBytes(16).toString('hex'),
      pending_2fa: opts.pending2fa ?? false,
      expires_at: new Date(Date.now() + LIFETIME_HOURS * 3600_000),
    })
    .execute()
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: opts.secure,
    maxAge: LIFETIME_HOURS * 3600,
  })
  rotateCsrfSecret(reply)
}

export async function endSession(db: Db, request: FastifyRequest, reply: FastifyReply) {
  const token = request.cookies[SESSION_COOKIE]
  reply.clearCookie(SESSION_COOKIE, { path: '/' })
  if (!token) return
  await db.deleteFrom('sessions').where('id', '=', tokenHash(token)).execute()
  rotateCsrfSecret(reply)
}

/** Drops the browser's CSRF secret cookie, so the next page starts a new one (at login and logout). */
export function rotateCsrfSecret(reply: FastifyReply) {
  reply.clearCookie(CSRF_COOKIE, { path: '/' })
}

export default fp(
  async (app, opts: { db: Db }) => {
    app.decorateRequest('user', null)
    app.decorateRequest('sessionId', null)
    app.decorateRequest('pending2fa', false)
    app.decorateRequest('pendingEnrol', false)
    app.decorateRequest('sessionCsrf', null)
    app.decorateRequest('actor', null as unknown as FastifyRequest['actor'])
    app.addHook('onRequest', async (request) => {
      request.actor = { actorId: null, requestId: request.id }
      const token = request.cookies[SESSION_COOKIE]
      if (!token || token.length > 100 || request.url.startsWith('/static/') || request.url === '/healthz') return
      const s = await loadSession(opts.db, token)
      if (!s) return
      request.sessionId = s.sessionId
      request.sessionCsrf = s.csrfToken
      request.pending2fa = s.pending2fa
      request.pendingEnrol = !s.pending2fa && s.mustEnrol
      if (!s.pending2fa) {
        request.user = s.user
        request.actor = { actorId: s.user.id, requestId: request.id }
      }
    })
  },
  { name: 'session' },
)
