// Digests: a person's daily or weekly summary of what is overdue and due.
//   GET  /digest                     "your digest": built now, whether or not email is on
//   GET  /account/digest             choose daily, weekly or off
//   POST /account/digest
//   GET  /digest/unsubscribe/:token  (no login; the signed token is the key) a page with one button
//   POST /digest/unsubscribe/:token  turns the digest off (also the one-click List-Unsubscribe-Post)
// Sending: graphile-worker's cron runs `digest-tick` hourly on some instance; the
// tick claims each person's period in digest_sends (unique per person and period,
// so two instances never both claim it) and queues one `digest-send` job per
// claim (job key per person and period). The job builds the digest and marks
// the row `sending` in its own committed transaction, then sends it through
// SMTP (nodemailer) when SMTP_URL is set, then marks it `sent` (see send()): a
// refused send is retried with graphile-worker's backoff, and nothing that
// fails after the SMTP server accepted a message sends it twice. Decorates
// app.digests with tick() for tests and tools.
import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { Logger, run, type Runner } from 'graphile-worker'
import nodemailer, { type Transporter } from 'nodemailer'
import { sql } from 'kysely'
import { audit } from '../audit/audit.ts'
import { cookieSecret } from '../auth/secrets.ts'
import type { Db } from '../db/database.ts'
import type { DigestFrequency } from '../db/schema.ts'
import { notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { buildDigest, digestText } from './build.ts'
import { claimDuePeriods, findDigestChoice, setDigestChoice } from './queries.ts'
import { escapeHtml } from '../shared/format.ts'

const TICK = 'digest-tick'
const SEND = 'digest-send'
const FREQUENCIES: { value: DigestFrequency; label: string }[] = [
  { value: 'daily', label: 'Every morning' },
  { value: 'weekly', label: 'Once a week (Monday morning)' },
  { value: 'off', label: 'Off' },
]

declare module 'fastify' {
  interface FastifyInstance {
    digests: {
      /** Claims the periods due at `asOf` and queues their sending; returns how many were claimed. */
      tick: (asOf?: Date) => Promise<number>
      emailOn: boolean
    }
  }
}

async function digestRoutes(app: FastifyInstance) {
  const db = app.db
  const config = app.config
  const secret = crypto
    .createHash('sha256')
    .update(`digest-unsubscribe:${await cookieSecret(db, config.sessionSecret)}`)
    .digest()
  const mailer: Transporter | null = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null

  const sign = (userId: number) =>
    `${userId}.${crypto.createHmac('sha256', secret).update(`off:${userId}`).digest('base64url').slice(0, 32)}`
  const verify = (token: string): number | null => {
    const m = /^([1-9][0-9]{0,9})\.([A-Za-z0-9_-]{32})$/.exec(token)
    if (!m) return null
    const expected = Buffer.from(sign(Number(m[1])))
    const given = Buffer.from(token)
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? Number(m[1]) : null
  }

  // ---- the worker ---------------------------------------------------------------------
  let runner: Runner | undefined
  let closing = false
  let retry: NodeJS.Timeout | undefined
  const logger = new Logger(() => (level, message) => {
    if (level === 'error') app.log.error({ worker: 'digest' }, message)
    else if (level === 'warning') app.log.warn({ worker: 'digest' }, message)
  })

  async function tick(asOf = new Date()): Promise<number> {
    const claimed = await claimDuePeriods(db, asOf, config.digestHour)
    for (const c of claimed) {
      await sql`select graphile_worker.add_job(${SEND}, ${JSON.stringify({ ...c, asOf: asOf.toISOString() })}::json,
        job_key => ${`digest:${c.user_id}:${c.period}`}, max_attempts => 6)`.execute(db)
    }
    return claimed.length
  }

  /**
   * Sends one person's digest for one period, at most once. Step 1 (its own
   * transaction, row locked): build the digest and mark the row `sending`,
   * committed before any SMTP traffic. Step 2: SMTP, with a Message-ID made of
   * the person and the period. Step 3: mark it `sent`. SMTP refusing the
   * message puts the row back to `pending` (retried); anything failing after
   * SMTP accepted it leaves `sending`, and the retry records `unconfirmed`
   * rather than risk a second copy.
   */
  async function send(payload: { user_id: number; period: string; asOf: string }) {
    const row = (trx: Db) =>
      trx.updateTable('digest_sends').where('user_id', '=', payload.user_id).where('period', '=', payload.period)
    const prepared = await db.transaction().execute(async (trx) => {
      const r = await sql<{ status: string }>`select status from digest_sends
        where user_id = ${payload.user_id} and period = ${payload.period} for update`.execute(trx)
      const status = r.rows[0]?.status
      if (status === 'sending') {
        // An earlier attempt may have reached the SMTP server: never send twice.
        await row(trx).set({ status: 'unconfirmed' }).execute()
        app.log.warn(
          { userId: payload.user_id, period: payload.period },
          'digest may have been sent by an earlier attempt; not sent again',
        )
        return null
      }
      if (status !== 'pending') return null // sent already (or never claimed): never twice
      const who = await findDigestChoice(trx, payload.user_id)
      if (!who?.active || who.frequency === 'off') {
        await row(trx).set({ status: 'empty' }).execute()
        return null
      }
      const digest = await buildDigest(trx, who, who.frequency, new Date(payload.asOf), config.publicUrl)
      if (digest.empty || !mailer) {
        await row(trx)
          .set({
            status: digest.empty ? 'empty' : 'built',
            sent_at: sql`now()`,
            attempts: sql`attempts + 1`,
            error: null,
          })
          .execute()
        return null
      }
      await row(trx)
        .set({ status: 'sending', sending_at: sql`now()`, attempts: sql`attempts + 1`, error: null })
        .execute()
      return { who, digest }
    })
    if (!prepared) return
    const { who, digest } = prepared
    const links = {
      digest: `${config.publicUrl}/digest`,
      unsubscribe: `${config.publicUrl}/digest/unsubscribe/${sign(who.id)}`,
    }
    try {
      await mailer!.sendMail({
        from: config.mailFrom,
        to: { name: who.name, address: who.email },
        subject: digest.subject,
        text: digestText(digest, who.name, links),
        html: digestHtml(digest, who.name, links),
        messageId: digestMessageId(who.id, payload.period, config.publicUrl),
        headers: {
          'List-Unsubscribe': `<${links.unsubscribe}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        },
      })
    } catch (err) {
      // Refused or never delivered to the SMTP server: safe to try again.
      await row(db).set({ status: 'pending' }).where('status', '=', 'sending').execute()
      throw err
    }
    await row(db).set({ status: 'sent', sent_at: sql`now()` }).where('status', '=', 'sending').execute()
  }

  function startWorker() {
    return run({
      pgPool: app.dbHandle.pool,
      concurrency: 1,
      noHandleSignals: true,
      pollInterval: 2000,
      logger,
      crontab: `0 * * * * ${TICK} ?max=1&jobKey=digest-tick&jobKeyMode=replace`,
      taskList: {
        [TICK]: async () => {
          await tick()
        },
        [SEND]: async (payload) => {
          const p = payload as { user_id: number; period: string; asOf: string }
          try {
            await send(p)
          } catch (err) {
            // No address or content in the log: who and which period is enough to look into it.
            const code = (err as { code?: string; responseCode?: number }).code
            app.log.error({ userId: p.user_id, period: p.period, code }, 'digest not sent; it will be retried')
            await db
              .updateTable('digest_sends')
              .set({ error: String(code ?? 'error').slice(0, 200) })
              .where('user_id', '=', p.user_id)
              .where('period', '=', p.period)
              .execute()
            throw err
          }
        },
      },
    })
  }
  async function startRunner(): Promise<void> {
    try {
      runner = await startWorker()
      if (closing) await runner.stop()
    } catch (err) {
      app.log.warn({ code: (err as { code?: string }).code }, 'digest runner not started yet; retrying in 5 s')
      if (!closing) retry = setTimeout(() => void startRunner(), 5000).unref()
    }
  }
  app.addHook('onReady', async () => {
    await startRunner()
  })
  app.addHook('onClose', async () => {
    closing = true
    clearTimeout(retry)
    await runner?.stop()
    mailer?.close()
  })
  app.decorate('digests', { tick, emailOn: mailer !== null })

  // The pages live in a child context, so their hooks stay theirs (app.digests is for everyone).
  await app.register(async (child) => digestPages(child, mailer, verify))
}

async function digestPages(app: FastifyInstance, mailer: Transporter | null, verify: (token: string) => number | null) {
  const db = app.db
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  app.get('/digest', async function showDigest(request, reply) {
    const user = request.user!
    const who = await findDigestChoice(db, user.id)
    if (!who) throw notFound('That account')
    const digest = await buildDigest(db, who, who.frequency === 'off' ? 'weekly' : who.frequency, new Date())
    return reply.page('digest/show', {
      title: 'Your digest',
      digest,
      frequencyLabel: FREQUENCIES.find((f) => f.value === who.frequency)?.label ?? '',
      off: who.frequency === 'off',
      emailOn: mailer !== null,
    })
  })

  app.get('/account/digest', async function showDigestChoice(request, reply) {
    const who = await findDigestChoice(db, request.user!.id)
    if (!who) throw notFound('That account')
    return reply.page('digest/account', {
      title: 'Digest',
      options: FREQUENCIES,
      current: who.frequency,
      emailOn: mailer !== null,
      errors: {},
    })
  })

  app.post('/account/digest', async function saveDigestChoice(request, reply) {
    const user = request.user!
    const raw = (request.body as Record<string, unknown> | undefined)?.frequency
    const frequency = FREQUENCIES.find((f) => f.value === raw)?.value
    if (!frequency) {
      const who = await findDigestChoice(db, user.id)
      return reply.page(
        'digest/account',
        {
          title: 'Digest',
          options: FREQUENCIES,
          current: who?.frequency ?? 'off',
          emailOn: mailer !== null,
          errors: { frequency: 'Choose daily, weekly or off.' },
        },
        { status: 422 },
      )
    }
    await db.transaction().execute(async (trx) => {
      await setDigestChoice(trx, user.id, frequency)
      await audit(trx, request.actor, { action: 'update', entity: 'digest', entityId: user.id, after: { frequency } })
    })
    setFlash(
      reply,
      'ok',
      frequency === 'off'
        ? 'Digest turned off.'
        : `Digest: ${FREQUENCIES.find((f) => f.value === frequency)!.label.toLowerCase()}.`,
    )
    return reply.redirect('/account/digest', 303)
  })

  const tokenParams = {
    type: 'object',
    properties: { token: { type: 'string', maxLength: 60 } },
    required: ['token'],
  } as const

  app.get(
    '/digest/unsubscribe/:token',
    { config: { public: true }, schema: { params: tokenParams } },
    async function showUnsubscribe(request, reply) {
      const { token } = request.params as { token: string }
      if (verify(token) === null) throw notFound('That link')
      reply.header('Referrer-Policy', 'no-referrer')
      return reply.page('digest/unsubscribe', { title: 'Stop digest emails', token, done: false })
    },
  )

  app.post(
    '/digest/unsubscribe/:token',
    { config: { public: true, csrf: false }, schema: { params: tokenParams } },
    async function unsubscribe(request, reply) {
      const { token } = request.params as { token: string }
      const userId = verify(token)
      if (userId === null) throw notFound('That link')
      await db.transaction().execute(async (trx) => {
        await setDigestChoice(trx, userId, 'off')
        await audit(
          trx,
          { actorId: userId, requestId: request.id },
          {
            action: 'unsubscribe',
            entity: 'digest',
            entityId: userId,
            after: { frequency: 'off' },
          },
        )
      })
      return reply.page('digest/unsubscribe', { title: 'Digest emails stopped', token, done: true })
    },
  )
}

export default fp(digestRoutes, { name: 'digests' })

/** One Message-ID per person and period: were a copy ever sent twice, mail systems could tell it is the same. */
export function digestMessageId(userId: number, period: string, publicUrl: string): string {
  let host = 'tenfold.invalid'
  try {
    host = new URL(publicUrl).hostname || host
  } catch {}
  return `<digest.${userId}.${period.replace(/[^A-Za-z0-9-]/g, '')}@${host}>`
}

/** The HTML part: the same sections, plain markup, every value escaped. */
export function digestHtml(
  d: Awaited<ReturnType<typeof buildDigest>>,
  name: string,
  links: { digest: string; unsubscribe: string },
): string {
  const e = escapeHtml
  const parts = [
    `<p>Hello ${e(name)},</p>`,
    `<p>Here is what needs doing ${e(d.horizonLabel)}.</p>`,
    ...d.sections.map(
      (s) =>
        `<h2 style="font-size:16px">${e(s.title)}</h2><ul>${s.items
          .map((i) => `<li><a href="${e(i.url)}">${e(i.text)}</a></li>`)
          .join('')}</ul>`,
    ),
    `<p><a href="${e(links.digest)}">Your digest in Tenfold</a> · ` +
      `<a href="${e(links.unsubscribe)}">Stop these emails</a></p>`,
  ]
  return `<!doctype html><html><body style="font-family:sans-serif">${parts.join('\n')}</body></html>`
}
