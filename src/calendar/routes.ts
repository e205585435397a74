// The personal calendar feed: /calendar/:token.ics (public, the token is the
// key) lists upcoming votes and due next steps of the user's chapters as
// all-day events; /account/calendar creates, shows once and revokes the token.
// Only a hash of the token is stored.
import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import ical from 'ical-generator'
import { audit } from '../audit/audit.ts'
import { readScope } from '../auth/access.ts'
import {
  findUserByCalendarToken,
  hasCalendarToken,
  listAssignmentsDue,
  listFollowUpsDue,
  setCalendarToken,
} from './queries.ts'
import { tokenHash } from '../auth/session.ts'
import { notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { listCalendarDrives } from '../drives/queries.ts'
import { placeLabel } from '../drives/present.ts'

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/

export default async function calendarRoutes(app: FastifyInstance) {
  const db = app.db
  // Forms re-rendered by a POST (422/409) need a fresh CSRF token too; the security
  // plugin only makes one for GET. Scoped to this plugin's routes.
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  app.get(
    '/calendar/:token.ics',
    {
      config: { public: true },
      schema: {
        params: { type: 'object', properties: { token: { type: 'string', maxLength: 100 } }, required: ['token'] },
      },
    },
    async function calendarFeed(request, reply) {
      const { token } = request.params as { token: string }
      if (!TOKEN.test(token)) throw notFound('That calendar')
      const user = await findUserByCalendarToken(db, tokenHash(token))
      if (!user) throw notFound('That calendar')
      const chapterIds = user.chapters.length ? user.chapters.map((c) => c.id) : readScope(user).chapterIds
      const [drives, assignments, followUps] = await Promise.all([
        listCalendarDrives(db, chapterIds),
        listAssignmentsDue(db, user.id),
        // Follow-ups of the chapters whose supporters the person may see by name (never a national reviewer's).
        listFollowUpsDue(
          db,
          user.chapters.map((c) => c.id),
          60,
          200,
        ),
      ])
      const base = app.config.publicUrl
      const cal = ical({
        name: 'Tenfold: votes and next steps',
        prodId: { company: 'tenfold', product: 'tenfold', language: 'EN' },
      })
      // All-day events carry the calendar date as the chapter sees it; noon UTC keeps that date in every zone's
      // rendering.
      const day = (iso: string) => new Date(`${iso}T12:00:00Z`)
      for (const d of drives) {
        const local = d.local_name ?? 'Drive'
        if (d.vote_date) {
          cal.createEvent({
            id: `vote-${d.id}-${d.vote_date}@tenfold`,
            start: day(d.vote_date),
            allDay: true,
            timezone: d.time_zone,
            summary: `Vote: ${local}`,
            description: `${placeLabel(d.stage, d.status)}${d.union_abbreviation ? ` · ${d.union_abbreviation}` : ''}`,
            url: `${base}/drives/${d.id}`,
          })
        }
        if (d.next_step_due && d.next_step) {
          cal.createEvent({
            id: `step-${d.id}-${d.next_step_due}@tenfold`,
            start: day(d.next_step_due),
            allDay: true,
            timezone: d.time_zone,
            summary: `Due: ${d.next_step} (${local})`,
            url: `${base}/drives/${d.id}`,
          })
        }
      }
      for (const a of assignments) {
        cal.createEvent({
          id: `assignment-${a.id}-${a.due_on}@tenfold`,
          start: day(a.due_on),
          allDay: true,
          timezone: a.time_zone,
          summary: `Talk to ${a.name}${a.ask ? `: ${a.ask}` : ''}`,
          url: `${base}/my-list/${a.id}`,
        })
      }
      for (const f of followUps) {
        cal.createEvent({
          id: `follow-up-${f.supporter_id}-${f.due}@tenfold`,
          start: day(f.due),
          allDay: true,
          timezone: f.tz,
          summary: `Follow up with ${f.name}${f.local ? ` (${f.local})` : ''}`,
          url: `${base}/people/${f.supporter_id}`,
        })
      }
      return reply
        .type('text/calendar; charset=utf-8')
        .header('Cache-Control', 'private, max-age=300')
        .send(cal.toString())
    },
  )

  app.get('/account/calendar', async function showCalendarAccount(request, reply) {
    return reply.page('calendar/account', {
      title: 'Calendar feed',
      active: await hasCalendarToken(db, request.user!.id),
      url: null,
    })
  })

  app.post('/account/calendar', async function createCalendarToken(request, reply) {
    const token = crypto.randomBytes(24).toString('base64url')
    await db.transaction().execute(async (trx) => {
      await setCalendarToken(trx, request.user!.id, tokenHash(token))
      await audit(trx, request.actor, { action: 'create', entity: 'calendar_feed', entityId: request.user!.id })
    })
    // Shown once: only its hash is kept, so the address cannot be shown again.
    const url = `${app.config.publicUrl}/calendar/${token}.ics`
    return reply.page('calendar/account', { title: 'Calendar feed', active: true, url })
  })

  app.post('/account/calendar/revoke', async function revokeCalendarToken(request, reply) {
    await db.transaction().execute(async (trx) => {
      await setCalendarToken(trx, request.user!.id, null)
      await audit(trx, request.actor, { action: 'revoke', entity: 'calendar_feed', entityId: request.user!.id })
    })
    setFlash(reply, 'ok', 'The calendar feed is turned off. The old address no longer works.')
    return reply.redirect('/account/calendar', 303)
  })
}
