// One-time form keys: every form that carries the CSRF partial also carries a
// fresh `_form_key` (request.formKey). For the routes that create something
// (CREATING below), the first POST with a key claims it and the place it sent
// the person is kept; the same key posted again — a double click, Back and
// Save again, a retried request — is sent to that place (303) instead of
// creating a second copy. A claim whose request ended in an error (422, 409…)
// is released, so the corrected form can be sent again; so is one whose answer
// saved nothing on purpose (a confirm step: request.formKeyReleased). Keys last a day.
import crypto from 'node:crypto'
import fp from 'fastify-plugin'
import { sql } from 'kysely'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../db/database.ts'
import { setFlash } from '../shared/flash.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** A fresh key for the forms this response renders. */
    formKey: string
    /** The key this POST claimed, when it is a creating route that carried one. */
    claimedFormKey: string | null
    /** Set by a handler whose answer saved nothing (a confirm step): the claimed key is let go. */
    formKeyReleased: boolean
  }
}

/** The routes that create a row: a repeated key must never create another. */
export const CREATING: readonly string[] = [
  'POST /people',
  'POST /people/:id/conversations',
  'POST /conversations',
  'POST /drives',
  'POST /drives/:id/filings',
  'POST /drives/:id/decisions',
  'POST /drives/:id/team',
  'POST /slates',
  'POST /slates/:id/candidates',
  'POST /slates/:id/endorsements',
  'POST /resolutions',
  'POST /resolutions/:id/versions',
  'POST /resolutions/:id/share',
  'POST /resolutions/:id/filings',
  'POST /saved-views',
  'POST /admin/users',
  'POST /admin/chapters',
  'POST /admin/unions',
  'POST /locals',
  'POST /locals/:id/positions',
  'POST /circles',
  'POST /circles/:id/members',
  'POST /drives/:id/whip/members',
  'POST /drives/:id/whip/relationships',
  'POST /drives/:id/whip/tests',
  'POST /drives/:id/whip/tests/:testId/counts',
  'POST /people/:id/relationships',
  'POST /assignments',
  'POST /my-list/:id',
]

const creating = new Set(CREATING)
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const WAIT_MS = 8000
const POLL_MS = 100
const KEEP = sql`interval '1 day'`

function submittedKey(request: FastifyRequest): string | null {
  const body = request.body as Record<string, unknown> | undefined
  const key = body && typeof body._form_key === 'string' ? body._form_key : null
  return key && UUID.test(key) ? key : null
}

/** Where a finished request sent the person: a redirect, or htmx's redirect headers. */
function locationOf(reply: FastifyReply): string | null {
  for (const h of ['location', 'hx-location', 'hx-redirect']) {
    const v = reply.getHeader(h)
    if (typeof v === 'string' && v.startsWith('/')) return v
  }
  return null
}

/** Forgets keys older than a day (run hourly and at boot). */
export async function purgeFormKeys(db: Db): Promise<number> {
  const r = await db.deleteFrom('form_keys').where('created_at', '<', sql<Date>`now() - ${KEEP}`).executeTakeFirst()
  return Number(r.numDeletedRows)
}

export default fp(
  async (app) => {
    const db = app.db
    app.decorateRequest('formKey', '')
    app.decorateRequest('claimedFormKey', null)
    app.decorateRequest('formKeyReleased', false)

    const purge = () => purgeFormKeys(db).catch(() => {})
    const timer = setInterval(purge, 60 * 60 * 1000)
    timer.unref()
    app.addHook('onReady', purge)
    app.addHook('onClose', async () => clearInterval(timer))

    app.addHook('onRequest', async (request) => {
      request.formKey = crypto.randomUUID()
    })

    app.addHook('preHandler', async (request, reply) => {
      const route = `${request.method} ${request.routeOptions.url}`
      if (!request.user || !creating.has(route)) return
      const key = submittedKey(request)
      if (!key) return
      const userId = request.user.id
      const claimed = await db
        .insertInto('form_keys')
        .values({ user_id: userId, key, route })
        .onConflict((oc) => oc.doNothing())
        .returning('key')
        .executeTakeFirst()
      if (claimed) {
        request.claimedFormKey = key
        return
      }
      // Sent before: wait for the first request to finish, then go where it went.
      const deadline = Date.now() + WAIT_MS
      for (;;) {
        const row = await db
          .selectFrom('form_keys')
          .select(['done', 'location'])
          .where('user_id', '=', userId)
          .where('key', '=', key)
          .executeTakeFirst()
        if (!row) {
          // The first try failed and let the key go: this one may claim it.
          const again = await db
            .insertInto('form_keys')
            .values({ user_id: userId, key, route })
            .onConflict((oc) => oc.doNothing())
            .returning('key')
            .executeTakeFirst()
          if (again) {
            request.claimedFormKey = key
            return
          }
        } else if (row.done || Date.now() > deadline) {
          return alreadySent(request, reply, row.location)
        }
        await new Promise((r) => setTimeout(r, POLL_MS))
      }
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const key = request.claimedFormKey
      if (!key || !request.user) return payload
      request.claimedFormKey = null
      const q = db.updateTable('form_keys').where('user_id', '=', request.user.id).where('key', '=', key)
      if (reply.statusCode >= 400 || request.formKeyReleased) {
        await db.deleteFrom('form_keys').where('user_id', '=', request.user.id).where('key', '=', key).execute()
      } else {
        await q.set({ done: true, location: locationOf(reply) }).execute()
      }
      return payload
    })
  },
  { name: 'form-key', dependencies: ['session', 'views', 'htmx'] },
)

/** The second send of a form: to what the first one made, or a message saying it was saved. */
function alreadySent(request: FastifyRequest, reply: FastifyReply, location: string | null) {
  const partial = request.htmx?.partial
  if (location) {
    if (partial) return reply.header('HX-Redirect', location).send('')
    setFlash(reply, 'ok', 'Saved already: this is what the first Save made.')
    return reply.redirect(location, 303)
  }
  const title = 'Already saved'
  const message = 'This form was sent once already, so it was not saved again.'
  if (partial) {
    reply.header('HX-Retarget', '#alerts').header('HX-Reswap', 'innerHTML')
    return reply.fragment('errors/_alert', { title, message, status: 409 }, 409)
  }
  return reply.page('errors/error', { title, message, status: 409, back: backTo(request) }, { status: 409 })
}
function backTo(request: FastifyRequest): string {
  const ref = request.headers.referer
  if (typeof ref !== 'string') return '/'
  try {
    const u = new URL(ref)
    return u.pathname + u.search
  } catch {
    return '/'
  }
}
