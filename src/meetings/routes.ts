// The meeting page: a drive's vote recorded live on a phone.
//   GET  /drives/:id/meeting   the body and its rules, the whip count, the motion, and what is saved so far
//   POST /drives/:id/meeting   one entry (attendance, an amendment, the result), stored once per key
//   GET  /meeting-sw.js        the service worker that keeps the page (and its assets) on the phone
// static/meeting.js keeps entries in localStorage with a key made on the phone
// and sends them when the connection returns (header X-Meeting-Sync: the
// answer is a status and a short text); without JavaScript the forms post
// normally with a key made by the server, so Back and resubmit changes nothing.
// The result becomes the drive's decision through drives/record-decision.ts,
// the same code path as the decision form, with the outcome computed by the
// same rule (drives/decisions.ts → whip/rule.ts).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { can, readScope } from '../auth/access.ts'
import { computeOutcome, outcomeLabel, thresholdLabel, type DecisionOutcome } from '../drives/decisions.ts'
import { tallyProblem } from '../drives/endings.ts'
import { findDrive, type DriveRow } from '../drives/queries.ts'
import { decisionMessage, recordDecision } from '../drives/record-decision.ts'
import { isConflict } from '../shared/conflict.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formatDate, formatMoment, todayIn } from '../shared/format.ts'
import { DECIDING_BODIES, labelOf } from '../unions/labels.ts'
import {
  checkbox,
  formValues,
  idParam,
  optionalDate,
  optionalInt,
  optionalText,
  parseForm,
  type FieldErrors,
} from '../shared/validation.ts'
import { whipPanel } from '../whip/panels.ts'
import {
  findEntryByKey,
  insertEntry,
  latestFiling,
  latestOfKind,
  listEntries,
  lockDrive,
  setEntryDecision,
  type EntryRow,
} from './queries.ts'

const KEY = /^[A-Za-z0-9-]{8,64}$/
const count = (label: string) => optionalInt(label, 0, 1_000_000)

const entryForm = z.object({
  key: z.preprocess((v) => (Array.isArray(v) ? v[0] : v), z.string().regex(KEY, 'This entry has no valid key.')),
  kind: z.enum(['attendance', 'amendment', 'result'], { error: 'Unknown entry.' }),
  base_key: z.preprocess((v) => (typeof v === 'string' && KEY.test(v) ? v : null), z.string().nullable()),
  present: count('Present'),
  quorum_met: checkbox(),
  text: optionalText('Amendment', 1000),
  amendment_outcome: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) || 'adopted',
    z.enum(['adopted', 'failed', 'withdrawn'], { error: 'Choose what happened to the amendment.' }),
  ),
  choice: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) || 'counted',
    z.enum(['counted', 'postponed', 'no_quorum', 'tabled'], { error: 'Choose the result.' }),
  ),
  votes_for: count('For'),
  votes_against: count('Against'),
  abstain: count('Abstain'),
  next_date: optionalDate('Next date'),
  entered_at: z.preprocess(
    (v) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null),
    z.string().nullable(),
  ),
})
type Entry = z.output<typeof entryForm>

function entryErrors(e: Entry): FieldErrors {
  const errors: FieldErrors = {}
  if (e.kind === 'attendance' && e.present === null) errors.present = 'Enter how many are present.'
  if (e.kind === 'amendment' && !e.text) errors.text = 'Write what the amendment says.'
  if (e.kind === 'result' && e.choice === 'counted') {
    if (e.votes_for === null) errors.votes_for = 'Enter the votes for.'
    if (e.votes_against === null) errors.votes_against = 'Enter the votes against.'
    const tally = tallyProblem(e)
    if (tally) errors.votes_for = tally
  }
  return errors
}

const AMENDMENT_LABELS = { adopted: 'adopted', failed: 'failed', withdrawn: 'withdrawn' } as const
const CHOICE_LABELS = { postponed: 'Postponed', no_quorum: 'No quorum', tabled: 'Tabled' } as const

export default async function meetingRoutes(app: FastifyInstance) {
  const db = app.db
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  const swFile = path.resolve(import.meta.dirname, '../../static/meeting-sw.js')
  app.get('/meeting-sw.js', { config: { public: true } }, async function serviceWorker(_request, reply) {
    return reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .send(await fs.promises.readFile(swFile, 'utf8'))
  })

  async function loadDrive(request: FastifyRequest) {
    const { id } = request.params as { id: number }
    const d = await findDrive(db, readScope(request.user!), id)
    if (!d) throw notFound('That drive')
    return d
  }

  function thresholdOf(d: DriveRow) {
    return d.local_threshold ?? 'majority_cast'
  }

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    d: DriveRow,
    o: { errors?: FieldErrors; values?: Record<string, string>; status?: number } = {},
  ) {
    const user = request.user!
    const tz = d.time_zone ?? 'UTC'
    const [entries, filing, whip] = await Promise.all([
      listEntries(db, d.id),
      latestFiling(db, d.id),
      whipPanel(db, user, d.id, todayIn(tz)).catch(() => null),
    ])
    const attendance = [...entries].reverse().find((e) => e.kind === 'attendance' && !e.conflict)
    const result = entries.find((e) => e.kind === 'result' && e.decision_id !== null)
    const threshold = thresholdOf(d)
    // Pages rendered with their own keys: a form posted without JavaScript, then Back and posted again, is one entry.
    const keys = { attendance: crypto.randomUUID(), amendment: crypto.randomUUID(), result: crypto.randomUUID() }
    reply.header('Cache-Control', 'private, no-store')
    return reply.page(
      'meetings/show',
      {
        title: `Meeting: ${d.local_name ?? 'drive'}`,
        drive: {
          id: d.id,
          local: d.local_name ?? d.union_name ?? 'Drive',
          body: d.deciding_body ? labelOf(DECIDING_BODIES, d.deciding_body) : 'The deciding body (not recorded)',
          threshold: thresholdLabel(threshold, d.local_threshold_percent),
          thresholdAssumed: d.local_threshold === null,
          quorum: d.quorum ?? 'not recorded',
          voteDate: d.vote_date ? formatDate(d.vote_date) : 'no date set',
          today: todayIn(tz),
        },
        canRecord: can.edit(user, d.chapter_id),
        whip:
          whip?.hasBody && whip.cases.length
            ? { verdict: whip.verdict, cls: whip.verdictClass, cases: whip.cases, rule: whip.rule }
            : null,
        motion: filing ? { body: filing.body, filedOn: formatDate(filing.filed_on), text: filing.text_filed } : null,
        attendance: attendance
          ? {
              key: attendance.key,
              present: Number(attendance.data.present ?? 0),
              quorum: attendance.data.quorum_met === true,
            }
          : null,
        result: result
          ? { key: result.key, outcome: outcomeLabel(String(result.data.outcome) as DecisionOutcome) }
          : null,
        entries: entries.map((e) => entryView(e, tz)),
        conflicts: entries.filter((e) => e.conflict).length,
        keys,
        values: o.values ?? {},
        errors: o.errors ?? {},
      },
      { status: o.status },
    )
  }

  app.get('/drives/:id/meeting', { schema: { params: idParam } }, async function showMeeting(request, reply) {
    return renderPage(request, reply, await loadDrive(request))
  })

  app.post('/drives/:id/meeting', { schema: { params: idParam } }, async function addEntry(request, reply) {
    const user = request.user!
    const sync = request.headers['x-meeting-sync'] === '1'
    const d = await loadDrive(request)
    if (!can.edit(user, d.chapter_id)) throw forbidden('Only the chapter’s organizers record the meeting.')
    const values = formValues(request.body)
    const form = parseForm(entryForm, request.body)
    const errors = form.ok ? entryErrors(form.data) : form.errors
    if (!form.ok || Object.keys(errors).length) {
      if (sync) return reply.code(422).type('text/plain; charset=utf-8').send(Object.values(errors).join(' '))
      return renderPage(request, reply, d, { errors, values, status: 422 })
    }
    const e = form.data
    let outcome: DecisionOutcome | null = null
    const answer = await db
      .transaction()
      .execute(async (trx) => {
        await lockDrive(trx, d.id)
        if (await findEntryByKey(trx, e.key)) return { status: 'duplicate' as const }
        let conflict = false
        let note = ''
        if (e.kind === 'attendance') {
          const latest = await latestOfKind(trx, d.id, 'attendance')
          conflict = latest !== undefined && latest.key !== e.base_key
          if (conflict) note = `Another phone saved ${String(latest!.data.present)} present first.`
        }
        if (e.kind === 'result') {
          const decided = await latestOfKind(trx, d.id, 'result')
          conflict = decided?.decision_id != null
          if (conflict) note = 'The result was already recorded from another phone.'
        }
        const data: Record<string, unknown> =
          e.kind === 'attendance'
            ? { present: e.present, quorum_met: e.quorum_met }
            : e.kind === 'amendment'
              ? { text: e.text, outcome: e.amendment_outcome }
              : {
                  choice: e.choice,
                  votes_for: e.votes_for,
                  votes_against: e.votes_against,
                  abstain: e.abstain,
                  next_date: e.next_date,
                }
        if (e.kind === 'result' && !conflict) {
          const fresh = await findDrive(trx, readScope(user), d.id)
          if (!fresh) throw notFound('That drive')
          const attendance = await latestOfKind(trx, d.id, 'attendance')
          const quorumMet = e.choice === 'no_quorum' ? false : attendance ? attendance.data.quorum_met === true : true
          outcome =
            e.choice !== 'counted'
              ? e.choice
              : computeOutcome({
                  votesFor: e.votes_for ?? 0,
                  votesAgainst: e.votes_against ?? 0,
                  abstain: e.abstain ?? 0,
                  threshold: thresholdOf(fresh),
                  customPercent: fresh.local_threshold_percent,
                  quorumMet,
                })
          data.outcome = outcome
          const steps = await listEntries(trx, d.id)
          const summary = [
            attendance
              ? `${String(attendance.data.present)} present (${quorumMet ? 'quorum reached' : 'no quorum'})`
              : '',
            ...steps
              .filter((s) => s.kind === 'amendment' && !s.conflict)
              .map((s) => `amendment “${String(s.data.text)}” ${String(s.data.outcome)}`),
          ].filter(Boolean)
          const row = await insertEntry(trx, {
            drive_id: d.id,
            key: e.key,
            kind: e.kind,
            data,
            base_key: e.base_key,
            conflict: false,
            recorded_by: user.id,
            entered_at: e.entered_at,
          })
          const recorded = await recordDecision(
            trx,
            request.actor,
            fresh,
            fresh.version,
            {
              body: fresh.deciding_body ? labelOf(DECIDING_BODIES, fresh.deciding_body) : 'the deciding body',
              held_on: todayIn(fresh.time_zone ?? 'UTC', e.entered_at ? new Date(e.entered_at) : new Date()),
              kind: 'meeting',
              quorum_met: quorumMet,
              votes_for: e.choice === 'counted' ? e.votes_for : null,
              votes_against: e.choice === 'counted' ? e.votes_against : null,
              abstain: e.choice === 'counted' ? (e.abstain ?? 0) : null,
              threshold: e.choice === 'counted' ? thresholdOf(fresh) : null,
              threshold_percent: fresh.local_threshold_percent,
              binding: true,
              next_date: e.next_date,
              note: `Recorded live on the meeting page${summary.length ? `: ${summary.join('; ')}` : ''}.`,
            },
            outcome,
          )
          // The version was read under the drive's lock, so only an edit between the two reads gets here.
          if (isConflict(recorded)) throw new DriveChanged()
          await setEntryDecision(trx, row!.id, recorded.decision.id)
          return { status: 'saved' as const, message: decisionMessage(outcome, e.next_date) }
        }
        await insertEntry(trx, {
          drive_id: d.id,
          key: e.key,
          kind: e.kind,
          data,
          base_key: e.base_key,
          conflict,
          recorded_by: user.id,
          entered_at: e.entered_at,
        })
        return conflict
          ? { status: 'conflict' as const, message: `Kept, but not used: ${note}` }
          : { status: 'saved' as const, message: e.kind === 'attendance' ? 'Attendance saved.' : 'Amendment saved.' }
      })
      .catch((err) => {
        if (err instanceof DriveChanged)
          return { status: 'conflict' as const, message: 'The drive changed meanwhile; try again.' }
        throw err
      })
    const text = answer.status === 'duplicate' ? 'Already saved.' : answer.message
    if (sync) {
      const code = answer.status === 'saved' ? 201 : answer.status === 'duplicate' ? 200 : 409
      return reply.code(code).type('text/plain; charset=utf-8').send(text)
    }
    setFlash(reply, answer.status === 'conflict' ? 'warn' : 'ok', text)
    return reply.redirect(`/drives/${d.id}/meeting`, 303)
  })
}

class DriveChanged extends Error {}

function entryView(e: EntryRow, tz: string) {
  const d = e.data
  let text: string
  if (e.kind === 'attendance')
    text = `Attendance: ${String(d.present)} present${d.quorum_met ? ', quorum reached' : ', no quorum'}`
  else if (e.kind === 'amendment')
    text = `Amendment ${AMENDMENT_LABELS[d.outcome as keyof typeof AMENDMENT_LABELS] ?? ''}: ${String(d.text)}`
  else if (d.choice === 'counted') {
    const tally = `${String(d.votes_for)} for, ${String(d.votes_against)} against, ${String(d.abstain ?? 0)} abstain`
    text = `Vote: ${tally}${d.outcome ? ` — ${outcomeLabel(d.outcome as DecisionOutcome)}` : ''}`
  } else {
    const choice = CHOICE_LABELS[d.choice as keyof typeof CHOICE_LABELS] ?? 'Result'
    text = `${choice}${d.next_date ? `, next date ${formatDate(String(d.next_date))}` : ''}`
  }
  return {
    key: e.key,
    text,
    conflict: e.conflict,
    decided: e.decision_id !== null,
    by: e.recorded_by ?? 'Someone',
    at: formatMoment(e.created_at, tz),
  }
}
