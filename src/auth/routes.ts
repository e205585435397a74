// Login, logout, two-factor login and enrolment, and one-time links (invite /
// password reset). Messages never reveal whether an email has an account.
import crypto from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { z } from 'zod'
import QRCode from 'qrcode'
import { audit } from '../audit/audit.ts'
import { parseForm, formValues, text } from '../shared/validation.ts'
import { setFlash } from '../shared/flash.ts'
import { hashPassword, verifyPassword, PASSWORD_MIN } from './passwords.ts'
import { endSession, startSession, SESSION_COOKIE, tokenHash } from './session.ts'
import {
  clearFailures,
  findOneTimeLink,
  findUser,
  findUserByEmail,
  instanceSetting,
  recordFailure,
  throttleWait,
} from './queries.ts'
import { newSecret, totpUri, totpStep, acceptTotp, newRecoveryCodes, useRecoveryCode } from './totp.ts'

/** A browser that logged in to an account before: signed `userId.random`, judged by its own failures only. */
const DEVICE_COOKIE = 'tf_device'

function knownDevice(request: FastifyRequest, userId: number | undefined): string | null {
  const raw = request.cookies[DEVICE_COOKIE]
  if (!raw || userId === undefined) return null
  const { valid, value } = request.unsignCookie(raw)
  const m = valid && value ? /^(\d+)\.([A-Za-z0-9_-]{16,64})$/.exec(value) : null
  return m && Number(m[1]) === userId ? m[2]! : null
}

function rememberDevice(request: FastifyRequest, reply: FastifyReply, userId: number, secure: boolean | 'auto') {
  if (knownDevice(request, userId)) return
  reply.setCookie(DEVICE_COOKIE, `${userId}.${crypto.randomBytes(18).toString('base64url')}`, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure,
    maxAge: 365 * 86400,
  })
}

const waitMessage = (minutes: number) =>
  `Too many attempts. Wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again, ` +
  'or ask an admin for a reset link.'

const loginSchema = z.object({
  email: text('Email', 254),
  password: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string().min(1, 'Password is required.').max(500)),
  next: z.string().optional(),
})

const GENERIC = 'That email and password do not match an active account.'

function safeNext(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : '/'
}

export default async function authRoutes(app: FastifyInstance) {
  const db = app.db
  const secure = app.config.secureCookie

  app.get('/login', { config: { public: true } }, async function showLogin(request, reply) {
    const q = request.query as Record<string, unknown>
    if (request.user) return reply.redirect(safeNext(q.next), 303)
    return reply.page('auth/login', { title: 'Log in', values: { next: safeNext(q.next) }, errors: {} })
  })

  app.post('/login', { config: { public: true } }, async function logIn(request, reply) {
    const form = parseForm(loginSchema, request.body)
    const values = { ...formValues(request.body), password: '' }
    if (!form.ok) return reply.page('auth/login', { title: 'Log in', values, errors: form.errors }, { status: 422 })
    const { email, password } = form.data
    const user = await findUserByEmail(db, email)
    const who = { email, ip: request.ip, deviceId: knownDevice(request, user?.id) }
    const wait = await throttleWait(db, who)
    if (wait > 0) {
      await audit(db, request.actor, { action: 'login_throttled', entity: 'session', entityId: user?.id ?? null })
      return reply.page(
        'auth/login',
        { title: 'Log in', values, errors: { _form: waitMessage(wait) } },
        { status: 429 },
      )
    }
    const ok = await verifyPassword(user?.active ? user.password_hash : null, password)
    if (!user?.active || !ok) {
      await recordFailure(db, who)
      await audit(db, request.actor, { action: 'login_failed', entity: 'session', entityId: user?.id ?? null })
      return reply.page('auth/login', { title: 'Log in', values, errors: { _form: GENERIC } }, { status: 422 })
    }
    await clearFailures(db, email)
    const needs2fa = user.totp_enabled
    await startSession(db, reply, user.id, { pending2fa: needs2fa, secure, oldToken: request.cookies[SESSION_COOKIE] })
    await audit(
      db,
      { actorId: user.id, requestId: request.id },
      { action: needs2fa ? 'login_password_ok' : 'login', entity: 'session', entityId: user.id },
    )
    const next = safeNext(form.data.next)
    if (needs2fa) return reply.redirect(`/login/2fa?next=${encodeURIComponent(next)}`, 303)
    rememberDevice(request, reply, user.id, secure)
    const required = await instanceSetting(db, 'require_2fa', false)
    if (required && (user.is_admin || user.is_national)) {
      setFlash(reply, 'warn', 'Your role needs two-factor login. Set it up now.')
      return reply.redirect('/account/2fa', 303)
    }
    return reply.redirect(next, 303)
  })

  app.get('/login/2fa', { config: { public: true } }, async function show2fa(request, reply) {
    if (!request.pending2fa) return reply.redirect('/login', 303)
    const q = request.query as Record<string, unknown>
    return reply.page('auth/two-factor', { title: 'Two-factor login', values: { next: safeNext(q.next) }, errors: {} })
  })

  app.post('/login/2fa', { config: { public: true } }, async function check2fa(request, reply) {
    if (!request.pending2fa || !request.sessionId) return reply.redirect('/login', 303)
    const body = formValues(request.body)
    const code = (body.code ?? '').replace(/\s/g, '')
    const session = await db
      .selectFrom('sessions')
      .select('user_id')
      .where('id', '=', request.sessionId)
      .executeTakeFirstOrThrow()
    const user = await findUser(db, session.user_id)
    if (!user) return reply.redirect('/login', 303)
    const who = { email: user.email, ip: request.ip, deviceId: knownDevice(request, user.id) }
    const wait = await throttleWait(db, who)
    if (wait > 0) {
      return reply.page(
        'auth/two-factor',
        { title: 'Two-factor login', values: body, errors: { code: waitMessage(wait) } },
        { status: 429 },
      )
    }
    let ok = /^\d{6}$/.test(code) && (await acceptTotp(db, user.id, user.totp_secret, code))
    const replayed = !ok && totpStep(user.totp_secret, code) !== null
    if (!ok && /^[a-z0-9]{10}$/i.test(code)) ok = await useRecoveryCode(db, user.id, code)
    if (!ok) {
      await recordFailure(db, who)
      await audit(
        db,
        { actorId: user.id, requestId: request.id },
        { action: 'login_2fa_failed', entity: 'session', entityId: user.id },
      )
      return reply.page(
        'auth/two-factor',
        {
          title: 'Two-factor login',
          values: body,
          errors: {
            code: replayed
              ? 'That code was already used. Wait for the next code in your app and type it.'
              : 'That code did not work. Try the current code from your app, or a recovery code.',
          },
        },
        { status: 422 },
      )
    }
    await clearFailures(db, user.email)
    await startSession(db, reply, user.id, { secure, oldToken: request.cookies[SESSION_COOKIE] })
    rememberDevice(request, reply, user.id, secure)
    await audit(
      db,
      { actorId: user.id, requestId: request.id },
      { action: 'login', entity: 'session', entityId: user.id },
    )
    return reply.redirect(safeNext(body.next), 303)
  })

  // Two tabs: logging out in the second after the first did changes nothing, so it needs no token then.
  app.post('/logout', { config: { public: true, csrf: 'when-logged-in' } }, async function logOut(request, reply) {
    if (request.user) await audit(db, request.actor, { action: 'logout', entity: 'session', entityId: request.user.id })
    await endSession(db, request, reply)
    setFlash(reply, 'ok', 'You are logged out.')
    return reply.redirect('/login', 303)
  })

  // --- two-factor enrolment for the logged-in user
  app.get('/account/2fa', async function showEnrol(request, reply) {
    const user = (await findUser(db, request.user!.id))!
    if (user.totp_enabled)
      return reply.page('auth/two-factor-status', {
        title: 'Two-factor login',
        enabled: true,
        remaining: user.recovery_codes.length,
      })
    const secret = newSecret()
    const uri = totpUri(secret, user.email)
    const qr = await QRCode.toString(uri, { type: 'svg', margin: 1, width: 220 })
    return reply.page('auth/two-factor-enrol', { title: 'Set up two-factor login', secret, qr, errors: {} })
  })

  app.post('/account/2fa', async function enrol(request, reply) {
    const body = formValues(request.body)
    const secret = body.secret ?? ''
    const step = /^[A-Z2-7]{16,64}$/.test(secret) ? totpStep(secret, (body.code ?? '').replace(/\s/g, '')) : null
    if (step === null) {
      const user = (await findUser(db, request.user!.id))!
      const qr = await QRCode.toString(totpUri(/^[A-Z2-7]{16,64}$/.test(secret) ? secret : newSecret(), user.email), {
        type: 'svg',
        margin: 1,
        width: 220,
      })
      return reply.page(
        'auth/two-factor-enrol',
        {
          title: 'Set up two-factor login',
          secret,
          qr,
          errors: { code: 'That code did not match. Scan the code again and type the 6 digits your app shows.' },
        },
        { status: 422 },
      )
    }
    const { codes, hashes } = newRecoveryCodes()
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          totp_secret: secret,
          totp_enabled: true,
          totp_last_step: step, // the enrolment code cannot also serve as the next login's code
          recovery_codes: hashes,
          version: (eb) => eb('version', '+', 1),
        })
        .where('id', '=', request.user!.id)
        .execute()
      await audit(trx, request.actor, { action: 'enable_2fa', entity: 'user', entityId: request.user!.id })
    })
    return reply.page('auth/recovery-codes', { title: 'Recovery codes', codes })
  })

  // --- one-time links: accept an invite or reset a password
  const passwordSchema = z
    .object({
      password: z.preprocess(
        (v) => (typeof v === 'string' ? v : ''),
        z.string().min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`).max(500),
      ),
      confirm: z.preprocess((v) => (typeof v === 'string' ? v : ''), z.string()),
    })
    .refine((v) => v.password === v.confirm, { message: 'The two passwords do not match.', path: ['confirm'] })

  async function linkOr404(request: FastifyRequest, reply: FastifyReply) {
    const token = (request.params as { token: string }).token
    const link = /^[A-Za-z0-9_-]{20,64}$/.test(token) ? await findOneTimeLink(db, token) : undefined
    if (!link?.active) {
      await reply.page(
        'errors/error',
        {
          title: 'Link not valid',
          message: 'This link has expired or was already used. Ask an admin for a new one.',
          status: 404,
        },
        { status: 404 },
      )
      return undefined
    }
    return link
  }

  app.get('/welcome/:token', { config: { public: true } }, async function showSetPassword(request, reply) {
    const link = await linkOr404(request, reply)
    if (!link) return reply
    return reply.page('auth/set-password', {
      title: link.purpose === 'invite' ? 'Welcome to Tenfold' : 'Choose a new password',
      name: link.name,
      errors: {},
    })
  })

  app.post('/welcome/:token', { config: { public: true } }, async function setPassword(request, reply) {
    const link = await linkOr404(request, reply)
    if (!link) return reply
    const form = parseForm(passwordSchema, request.body)
    if (!form.ok)
      return reply.page(
        'auth/set-password',
        { title: 'Choose a password', name: link.name, errors: form.errors },
        { status: 422 },
      )
    const hash = await hashPassword(form.data.password)
    const used = await db.transaction().execute(async (trx) => {
      // Claimed first and only if still unused and unexpired: two submissions of one link set one password.
      const claim = await trx
        .updateTable('one_time_links')
        .set({ used_at: new Date() })
        .where('token_hash', '=', link.token_hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', sql<Date>`now()`)
        .executeTakeFirst()
      if (Number(claim.numUpdatedRows) !== 1) return false
      await trx
        .updateTable('users')
        .set({ password_hash: hash, version: (eb) => eb('version', '+', 1) })
        .where('id', '=', link.userId)
        .execute()
      await trx.deleteFrom('sessions').where('user_id', '=', link.userId).execute()
      await clearFailures(trx, link.email)
      await audit(
        trx,
        { actorId: link.userId, requestId: request.id },
        {
          action: link.purpose === 'invite' ? 'accept_invite' : 'reset_password',
          entity: 'user',
          entityId: link.userId,
        },
      )
      return true
    })
    if (!used) {
      return reply.page(
        'errors/error',
        {
          title: 'Link not valid',
          message: 'This link has expired or was already used. Ask an admin for a new one.',
          status: 404,
        },
        { status: 404 },
      )
    }
    setFlash(reply, 'ok', 'Your password is set. Log in with it now.')
    return reply.redirect('/login', 303)
  })
}

export { tokenHash }
