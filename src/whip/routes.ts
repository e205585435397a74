// The whip count of one drive, /drives/:id/whip: the deciding body and its
// rule, its members and their reads (with history), turnout pledges when the
// members decide, who knows whom and the paths to the undecided, and the
// structure tests with their chart and the page that ticks supporters off.
// Every write runs with its audit row in one transaction; edited rows are
// version-checked through src/shared/conflict.ts (a 409 re-renders the form
// with the saved values beside it); deletes are soft and the trash restores
// them. Access: the chapter's people (organizers edit; volunteers see names
// and reads, set reads, pledges, relationships, counts and ticks); national
// reviewers get 403 here (they see counts on the drive page panel and the
// review); another chapter's drive is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Transaction } from 'kysely'
import type { z } from 'zod'
import { type AuditEntry, audit } from '../audit/audit.ts'
import { can, readScope } from '../auth/access.ts'
import type { Database } from '../db/schema.ts'
import { todayIn } from '../drives/vote-dates.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { type VersionConflict, conflictView, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { type FieldErrors, dateFilter, formValues, formVersion, parseForm } from '../shared/validation.ts'
import {
  type ConflictAt,
  type Forms,
  savedValues,
  tickRowView,
  tickSummary,
  ticksPageView,
  whipPageView,
} from './page.ts'
import { loadWhip } from './panels.ts'
import {
  type TickRow,
  type WhipDrive,
  findMember,
  findRelationship,
  findStructureTest,
  findStructureUnit,
  findSupporterInChapter,
  findWhipDrive,
  insertBody,
  insertCount,
  insertMember,
  insertRelationship,
  insertStructureTest,
  insertTick,
  listLocalSupporters,
  listReadHistory,
  listRelationshipsTouching,
  listStructureTests,
  listTickRows,
  lockLiveBody,
  removeTick,
  resolvePersonRef,
  savePledge,
  setMajorityCheck,
  setRead,
  softDeleteMember,
  softDeleteRelationship,
  softDeleteStructureTest,
  supporterSitsOn,
  updateBody,
  updateMember,
} from './queries.ts'
import {
  bodyForm,
  countForm,
  idParams,
  majorityCheckForm,
  memberForm,
  pledgeForm,
  readForm,
  relationshipForm,
  structureTestForm,
  tickForm,
  ticksQuery,
} from './schema.ts'

const driveParams = idParams('id')
const childParams = (name: string) => idParams('id', name)

type Need = 'view' | 'log' | 'edit'
type Change = Omit<AuditEntry, 'chapterId'>

export default async function whipRoutes(app: FastifyInstance) {
  const db = app.db
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  async function loadDrive(request: FastifyRequest, need: Need = 'view'): Promise<WhipDrive> {
    const { id } = request.params as { id: number }
    const user = request.user!
    const d = await findWhipDrive(db, readScope(user), id)
    if (!d) throw notFound('That drive')
    if (!can.seeNames(user, d.chapter_id))
      throw forbidden(
        'The whip count names people; national reviewers see its counts on the drive page and the review.',
      )
    if (need === 'log' && !can.log(user, d.chapter_id)) throw forbidden()
    if (need === 'edit' && !can.edit(user, d.chapter_id))
      throw forbidden('Only the chapter’s organizers can change the deciding body.')
    return d
  }

  function requireBody(d: WhipDrive) {
    if (d.body === null) throw notFound('The deciding body')
    return d.body
  }

  async function loadMember(request: FastifyRequest, need: Need) {
    const d = await loadDrive(request, need)
    const { memberId } = request.params as { memberId: number }
    const m = await findMember(db, requireBody(d).id, memberId)
    if (!m) throw notFound('That member')
    return { d, m }
  }

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    d: WhipDrive,
    forms: Forms = {},
    status = 200,
    conflict?: ConflictAt,
  ) {
    const today = todayIn(d.time_zone)
    const w = await loadWhip(db, d, today)
    const loose = w.members.filter((m) => m.supporter_id === null).map((m) => m.id)
    const linked = w.members.flatMap((m) => (m.supporter_id === null ? [] : [m.supporter_id]))
    const [history, tests, options, network] = await Promise.all([
      d.body?.kind === 'roster' ? listReadHistory(db, d.body.id) : [],
      listStructureTests(db, d.id),
      d.chapter_id === null ? [] : listLocalSupporters(db, d.chapter_id, d.local_id),
      d.chapter_id !== null && w.members.length > 0
        ? listRelationshipsTouching(db, d.chapter_id, loose, linked, 200)
        : [],
    ])
    if (status >= 400) reply.header('HX-Push-Url', 'false')
    const view = whipPageView(w, { user: request.user!, today, forms, conflict, history, tests, options, network })
    return reply.page('whip/show', view, { status })
  }

  /** The same page with one form's typed values and its errors, 422. */
  const reject = (
    request: FastifyRequest,
    reply: FastifyReply,
    d: WhipDrive,
    at: string,
    values: Record<string, string>,
    errors: FieldErrors,
  ) => renderPage(request, reply, d, { [at]: { values, errors } }, 422)

  /** Parses a form; on failure answers the page with that form's errors (and returns null). */
  async function parsed<S extends z.ZodType>(
    request: FastifyRequest,
    reply: FastifyReply,
    d: WhipDrive,
    at: string,
    schema: S,
    extra: Record<string, string> = {},
  ) {
    const values = { ...formValues(request.body), ...extra }
    const form = parseForm(schema, request.body)
    if (form.ok) return { values, data: form.data as z.output<S> }
    await reject(request, reply, d, at, values, form.errors)
    return null
  }

  /** One write and its audit row in a transaction; a VersionConflict (or nothing written) rolls it all back. */
  function audited<R>(
    request: FastifyRequest,
    d: WhipDrive,
    write: (trx: Transaction<Database>) => Promise<R>,
    change: (row: Exclude<R, VersionConflict<any> | undefined>) => Change,
  ): Promise<R> {
    return versionedTransaction(db, async (trx) => {
      const row = await write(trx)
      if (row === undefined || isConflict(row)) return row
      await audit(trx, request.actor, {
        ...change(row as Exclude<R, VersionConflict<any> | undefined>),
        chapterId: d.chapter_id,
      })
      return row
    })
  }

  /** A 409: the form as typed, its version set to the saved one, the saved values beside it. */
  async function conflicted(
    request: FastifyRequest,
    reply: FastifyReply,
    d: WhipDrive,
    c: VersionConflict<any>,
    o: { at: string; what: string; values: Record<string, string> },
  ) {
    const current = c.current as { version: number } | undefined
    const values = current ? { ...o.values, version: String(current.version) } : o.values
    const view = conflictView(c, {
      what: o.what,
      userId: request.user!.id,
      timeZone: d.time_zone,
      saved: savedValues(c.entity, c.current),
    })
    const fresh = (await findWhipDrive(db, readScope(request.user!), d.id)) ?? d
    const forms = { [o.at]: { values, errors: { _form: view.message } } }
    return renderPage(request, reply, fresh, forms, 409, { at: o.at, view })
  }

  /** A soft delete at the form's version, audited; a 409 on the form `at`, else back to `anchor`. */
  async function softRemove<R extends Record<string, unknown> & { id: number }>(
    request: FastifyRequest,
    reply: FastifyReply,
    d: WhipDrive,
    o: {
      row: R
      entity: string
      what: string
      remove: (trx: Transaction<Database>, id: number, version: number) => Promise<unknown>
      at: string
      anchor: string
      done: string
    },
  ) {
    const typed = formValues(request.body)
    const saved = await audited(
      request,
      d,
      (trx) => o.remove(trx, o.row.id, formVersion(typed)),
      () => ({ action: 'delete', entity: o.entity, entityId: o.row.id, before: o.row }),
    )
    if (isConflict(saved)) return conflicted(request, reply, d, saved, { at: o.at, what: o.what, values: typed })
    return back(reply, d, o.anchor, `${o.done} The trash can restore it.`)
  }

  const back = (reply: FastifyReply, d: WhipDrive, anchor: string, msg: string) => {
    setFlash(reply, 'ok', msg)
    return reply.redirect(`/drives/${d.id}/whip#${anchor}`, 303)
  }

  app.get('/drives/:id/whip', { schema: { params: driveParams } }, async function showWhip(request, reply) {
    return renderPage(request, reply, await loadDrive(request))
  })

  // ---- the body and its rule -----------------------------------------------------------

  app.post('/drives/:id/whip/body', { schema: { params: driveParams } }, async function saveBody(request, reply) {
    const d = await loadDrive(request, 'edit')
    const f = await parsed(request, reply, d, 'body', bodyForm)
    if (!f) return reply
    const v = { ...f.data, threshold_percent: f.data.threshold === 'custom' ? f.data.threshold_percent : null }
    const body = d.body
    const saved = await audited(
      request,
      d,
      async (trx) => {
        // Two tabs creating the body at once: the second finds the first and gets its conflict.
        const live = await lockLiveBody(trx, d.id)
        if (body === null && live === undefined) return { row: await insertBody(trx, d.id, d.chapter_id, v) }
        const id = live?.id ?? body!.id
        const row = await updateBody(trx, id, body === null ? -1 : formVersion(f.values), v)
        return isConflict(row) ? row : { row, before: live }
      },
      ({ row, before }) => ({
        action: before ? 'update' : 'create',
        entity: 'deciding_body',
        entityId: row.id,
        before: before ?? null,
        after: row,
      }),
    )
    if (isConflict(saved))
      return conflicted(request, reply, d, saved, { at: 'body', what: 'deciding body', values: f.values })
    return back(reply, d, 'body', 'Deciding body saved.')
  })

  // ---- members -----------------------------------------------------------------------

  /** A member linked to a supporter is one person: the name comes from the supporter's record. */
  async function memberValues(d: WhipDrive, data: z.output<typeof memberForm>) {
    if (data.supporter_id === null) return { v: data }
    const s = d.chapter_id === null ? undefined : await findSupporterInChapter(db, d.chapter_id, data.supporter_id)
    if (!s) return { errors: { supporter_id: 'Choose a supporter of this chapter.' } }
    return { v: { ...data, name: null } }
  }

  app.post('/drives/:id/whip/members', { schema: { params: driveParams } }, async function addMember(request, reply) {
    const d = await loadDrive(request, 'edit')
    const body = requireBody(d)
    const f = await parsed(request, reply, d, 'member', memberForm)
    if (!f) return reply
    const mv = await memberValues(d, f.data)
    if (!mv.v) return reject(request, reply, d, 'member', f.values, mv.errors)
    const v = mv.v
    const row = await audited(
      request,
      d,
      async (trx) =>
        v.supporter_id !== null && (await supporterSitsOn(trx, body.id, v.supporter_id))
          ? undefined
          : insertMember(trx, body.id, d.chapter_id, v),
      (r) => ({ action: 'create', entity: 'body_member', entityId: r.id, after: r }),
    )
    if (!row)
      return reject(request, reply, d, 'member', f.values, {
        supporter_id: 'That supporter already sits on this body.',
      })
    return back(reply, d, 'members', 'Member added.')
  })

  app.post(
    '/drives/:id/whip/members/:memberId',
    { schema: { params: childParams('memberId') } },
    async function editMember(request, reply) {
      const { d, m } = await loadMember(request, 'edit')
      const at = `edit-${m.id}`
      const typed = formValues(request.body)
      const form = parseForm(memberForm, { supporter_id: m.supporter_id ?? '', name: m.name ?? '', ...typed })
      if (!form.ok) return reject(request, reply, d, at, typed, form.errors)
      const mv = await memberValues(d, form.data)
      if (!mv.v) return reject(request, reply, d, at, typed, mv.errors)
      const v = mv.v
      const row = await audited(
        request,
        d,
        (trx) => updateMember(trx, m.id, formVersion(typed), v),
        (r) => ({ action: 'update', entity: 'body_member', entityId: m.id, before: m, after: r }),
      )
      if (isConflict(row)) return conflicted(request, reply, d, row, { at, what: 'member', values: typed })
      return back(reply, d, `member-${m.id}`, 'Member saved.')
    },
  )

  app.post(
    '/drives/:id/whip/members/:memberId/delete',
    { schema: { params: childParams('memberId') } },
    async function removeMember(request, reply) {
      const { d, m } = await loadMember(request, 'edit')
      return softRemove(request, reply, d, {
        row: m,
        entity: 'body_member',
        what: 'member',
        remove: softDeleteMember,
        at: `edit-${m.id}`,
        anchor: 'members',
        done: 'Member removed from the list.',
      })
    },
  )

  app.post(
    '/drives/:id/whip/members/:memberId/read',
    { schema: { params: childParams('memberId') } },
    async function changeRead(request, reply) {
      const { d, m } = await loadMember(request, 'log')
      const at = `read-${m.id}`
      const f = await parsed(request, reply, d, at, readForm)
      if (!f) return reply
      const row = await audited(
        request,
        d,
        (trx) => setRead(trx, m.id, formVersion(f.values), { ...f.data, actorId: request.user!.id }),
        (r) => ({
          action: 'read',
          entity: 'body_member',
          entityId: m.id,
          before: { read: m.read },
          after: { read: r.read, note: f.data.note },
        }),
      )
      if (isConflict(row)) return conflicted(request, reply, d, row, { at, what: 'member', values: f.values })
      return back(reply, d, `member-${m.id}`, 'Read saved.')
    },
  )

  // ---- turnout pledges -------------------------------------------------------------------

  app.post(
    '/drives/:id/whip/pledges',
    { schema: { params: driveParams } },
    async function changePledge(request, reply) {
      const d = await loadDrive(request, 'log')
      requireBody(d)
      const f = await parsed(request, reply, d, 'pledge', pledgeForm)
      if (!f) return reply
      const s = d.chapter_id === null ? undefined : await findSupporterInChapter(db, d.chapter_id, f.data.supporter_id)
      if (!s)
        return reject(request, reply, d, 'pledge', f.values, { supporter_id: 'Choose a supporter of this chapter.' })
      const input = { driveId: d.id, chapterId: d.chapter_id, supporterId: s.id, actorId: request.user!.id }
      await audited(
        request,
        d,
        async (trx) => {
          const r = await savePledge(trx, { ...input, pledge: f.data.pledge })
          return r.row ? { had: r.had, row: r.row } : undefined
        },
        ({ had, row }) => ({
          action: f.data.pledge === 'none' ? 'delete' : had ? 'update' : 'create',
          entity: 'turnout_pledge',
          entityId: row.id,
          before: had ? { supporter_id: s.id, pledge: had.pledge } : null,
          after: f.data.pledge === 'none' ? null : { supporter_id: s.id, pledge: row.pledge },
        }),
      )
      return back(reply, d, 'pledges', 'Pledge saved.')
    },
  )

  // ---- relationships -------------------------------------------------------------------

  app.post(
    '/drives/:id/whip/relationships',
    { schema: { params: driveParams } },
    async function addRelationship(request, reply) {
      const d = await loadDrive(request, 'log')
      const f = await parsed(request, reply, d, 'relationship', relationshipForm)
      if (!f) return reply
      if (d.chapter_id === null)
        return reject(request, reply, d, 'relationship', f.values, { a: 'This drive has no chapter.' })
      const chapterId = d.chapter_id
      // Each end inside the chapter (a member on this drive's body); a member who is a supporter is the supporter.
      const resolve = (ref: { type: 's' | 'm'; id: number }) =>
        ref.type === 'm' && d.body === null ? null : resolvePersonRef(db, chapterId, ref, d.body?.id)
      const [a, b] = await Promise.all([resolve(f.data.a), resolve(f.data.b)])
      const errors: FieldErrors = {}
      if (!a) errors.a = 'Choose someone from this drive.'
      if (!b) errors.b = 'Choose someone from this drive.'
      if (a && b && JSON.stringify(a) === JSON.stringify(b)) errors.b = 'Choose two different people.'
      if (!a || !b || errors.b) return reject(request, reply, d, 'relationship', f.values, errors)
      const { kind, strength, note } = f.data
      await audited(
        request,
        d,
        (trx) =>
          insertRelationship(trx, { chapter_id: chapterId, a, b, kind, strength, note, actor_id: request.user!.id }),
        (r) => ({ action: 'create', entity: 'relationship', entityId: r.id, after: r }),
      )
      return back(reply, d, 'paths', 'Relationship added.')
    },
  )

  app.post(
    '/drives/:id/whip/relationships/:relationshipId/delete',
    { schema: { params: childParams('relationshipId') } },
    async function removeRelationship(request, reply) {
      const d = await loadDrive(request, 'edit')
      const { relationshipId } = request.params as { relationshipId: number }
      const r = d.chapter_id === null ? undefined : await findRelationship(db, d.chapter_id, relationshipId)
      if (!r) throw notFound('That relationship')
      return softRemove(request, reply, d, {
        row: r,
        entity: 'relationship',
        what: 'relationship',
        remove: softDeleteRelationship,
        at: 'relationship',
        anchor: 'paths',
        done: 'Relationship removed.',
      })
    },
  )

  // ---- structure tests -------------------------------------------------------------------

  app.post('/drives/:id/whip/tests', { schema: { params: driveParams } }, async function addTest(request, reply) {
    const d = await loadDrive(request, 'edit')
    const f = await parsed(request, reply, d, 'test', structureTestForm)
    if (!f) return reply
    const t = f.data
    if (t.units.length === 0 && !(d.local_members !== null && d.local_members >= 1))
      return reject(request, reply, d, 'test', f.values, {
        units: 'The local’s membership is not known: list the units with their headcounts.',
      })
    const units = t.units.length ? t.units : [{ name: 'Whole local', headcount: d.local_members! }]
    const input = {
      driveId: d.id,
      chapterId: d.chapter_id,
      kind: t.kind,
      name: t.name,
      denominator: t.units.length ? ('units' as const) : ('membership' as const),
      targetPercent: t.target_percent,
      startedOn: t.started_on,
      units,
    }
    await audited(
      request,
      d,
      (trx) => insertStructureTest(trx, input),
      (row) => ({ action: 'create', entity: 'structure_test', entityId: row.id, after: { ...row, units } }),
    )
    return back(reply, d, 'tests', 'Structure test added.')
  })

  app.post(
    '/drives/:id/whip/tests/:testId/delete',
    { schema: { params: childParams('testId') } },
    async function removeTest(request, reply) {
      const d = await loadDrive(request, 'edit')
      const { testId } = request.params as { testId: number }
      const test = await findStructureTest(db, d.id, testId)
      if (!test) throw notFound('That structure test')
      return softRemove(request, reply, d, {
        row: test,
        entity: 'structure_test',
        what: 'structure test',
        remove: softDeleteStructureTest,
        at: `count-${test.id}`,
        anchor: 'tests',
        done: `${test.name} removed.`,
      })
    },
  )

  app.post(
    '/drives/:id/whip/tests/:testId/counts',
    { schema: { params: childParams('testId') } },
    async function addCount(request, reply) {
      const d = await loadDrive(request, 'log')
      const { testId } = request.params as { testId: number }
      const at = `count-${testId}`
      const f = await parsed(request, reply, d, at, countForm)
      if (!f) return reply
      const unit = await findStructureUnit(db, d.id, testId, f.data.unit_id)
      if (!unit) return reject(request, reply, d, at, f.values, { unit_id: 'Choose a unit of this test.' })
      const errors: FieldErrors = {}
      if (f.data.total > unit.headcount)
        errors.total = `More than the unit’s headcount of ${unit.headcount}: check the number or the headcount.`
      if (f.data.counted_on > todayIn(d.time_zone)) errors.counted_on = 'The date is in the future.'
      if (f.data.counted_on < '2000-01-01') errors.counted_on = 'Give a date from this campaign.'
      if (Object.keys(errors).length) return reject(request, reply, d, at, f.values, errors)
      const v = { unitId: unit.id, countedOn: f.data.counted_on, total: f.data.total, actorId: request.user!.id }
      await audited(
        request,
        d,
        (trx) => insertCount(trx, v),
        (row) => ({
          action: 'count',
          entity: 'structure_test',
          entityId: testId,
          after: { unit: unit.name, counted_on: row.counted_on, total: row.total },
        }),
      )
      return back(reply, d, `test-${testId}`, 'Count added.')
    },
  )

  app.post(
    '/drives/:id/whip/majority-check',
    { schema: { params: driveParams } },
    async function saveMajorityCheck(request, reply) {
      const d = await loadDrive(request, 'edit')
      const form = parseForm(majorityCheckForm, request.body)
      const on = form.ok ? form.data.majority_check : false
      await audited(
        request,
        d,
        async (trx) => {
          await setMajorityCheck(trx, d.id, on)
          return { on }
        },
        () => ({
          action: 'update',
          entity: 'drive',
          entityId: d.id,
          before: { majority_check: d.majority_check },
          after: { majority_check: on },
        }),
      )
      const msg = on ? 'Filing now checks for a majority structure test.' : 'Majority check turned off.'
      return back(reply, d, 'tests', msg)
    },
  )

  // ---- ticking supporters off on a structure test -----------------------------------------------

  async function loadTest(request: FastifyRequest, need: Need) {
    const d = await loadDrive(request, need)
    const { testId } = request.params as { testId: number }
    const t = (await listStructureTests(db, d.id)).find((x) => x.id === testId)
    if (!t || d.chapter_id === null || t.units.length === 0) throw notFound('That structure test')
    return { d, t, chapterId: d.chapter_id }
  }

  app.get(
    '/drives/:id/whip/tests/:testId/ticks',
    { schema: { params: childParams('testId'), querystring: ticksQuery } },
    async function showTicks(request, reply) {
      const { d, t, chapterId } = await loadTest(request, 'log')
      const q = request.query as { q?: string; unit?: number; on?: string }
      const filter = (q.q ?? '').trim()
      const unitId = t.units.some((u) => u.id === q.unit) ? q.unit! : t.units[0]!.id
      const rows = await listTickRows(db, { chapterId, localId: d.local_id, testId: t.id, q: filter })
      const today = todayIn(d.time_zone)
      const asked = dateFilter(q.on)
      const on = asked && asked <= today ? asked : today
      const view = ticksPageView(d, t, { rows, unitId, q: filter, on, today })
      return reply.page('whip/ticks', view, { fragment: { target: 'tick-rows', view: 'whip/_tick-rows' } })
    },
  )

  app.post(
    '/drives/:id/whip/tests/:testId/ticks',
    { schema: { params: childParams('testId') } },
    async function tick(request, reply) {
      const { d, t, chapterId } = await loadTest(request, 'log')
      const typed = formValues(request.body)
      const form = parseForm(tickForm, request.body)
      const today = todayIn(d.time_zone)
      const unit = form.ok ? t.units.find((u) => u.id === form.data.unit_id) : undefined
      const sid = form.ok ? form.data.supporter_id : -1
      const [found] = await listTickRows(db, { chapterId, localId: d.local_id, testId: t.id, supporterId: sid })
      let error = form.ok ? '' : (Object.values(form.errors)[0] ?? 'Check the form.')
      if (!error && (!unit || !found)) error = 'Choose a supporter of this local and a unit of this test.'
      if (!error && form.ok && form.data.on > today) error = 'The date is in the future.'
      const rowOut = (r: TickRow, status: number, message: string, summary = '') =>
        reply.fragment(
          'whip/_tick-row',
          {
            r: tickRowView(r, unit?.id ?? t.units[0]!.id),
            message,
            error: status >= 400,
            summary,
            csrfToken: request.csrfToken,
            ...tickFormOf(d, t.id, typed),
          },
          status,
        )
      if (error || !form.ok || !unit || !found) {
        if (request.htmx.partial && found) return rowOut(found, 422, error)
        setFlash(reply, 'error', error)
        return reply.redirect(ticksUrl(d, t.id, typed), 303)
      }
      const v = form.data
      const tick = {
        testId: t.id,
        unitId: unit.id,
        supporterId: found.id,
        chapterId,
        on: v.on,
        actorId: request.user!.id,
      }
      const row = await audited(
        request,
        d,
        (trx) => (v.took_part ? insertTick(trx, tick) : removeTick(trx, t.id, found.id)),
        (r) => ({
          action: v.took_part ? 'tick' : 'untick',
          entity: 'structure_test',
          entityId: t.id,
          after: { supporter_id: found.id, unit_id: r.unit_id, took_part_on: r.took_part_on },
        }),
      )
      const done = row ? `${found.name} ${v.took_part ? 'ticked off' : 'unticked'}.` : 'Nothing to change.'
      if (request.htmx.partial) {
        const [[fresh], tests] = await Promise.all([
          listTickRows(db, { chapterId, localId: d.local_id, testId: t.id, supporterId: found.id }),
          listStructureTests(db, d.id),
        ])
        const now = tests.find((x) => x.id === t.id)
        return rowOut(fresh ?? found, 200, done, now ? tickSummary(now) : '')
      }
      setFlash(reply, 'ok', done)
      return reply.redirect(`${ticksUrl(d, t.id, typed)}#tick-${found.id}`, 303)
    },
  )
}

/** What each tick row's form carries: where it posts, and the unit, date and filter to come back to. */
function tickFormOf(d: WhipDrive, testId: number, typed: Record<string, string>) {
  return {
    action: `/drives/${d.id}/whip/tests/${testId}/ticks`,
    unitId: typed.unit_id ?? '',
    on: typed.on ?? '',
    q: typed.q ?? '',
  }
}

/** Back to the tick page with the same unit, date and filter. */
function ticksUrl(d: WhipDrive, testId: number, typed: Record<string, string>) {
  const p = new URLSearchParams()
  if (/^\d{1,10}$/.test(typed.unit_id ?? '')) p.set('unit', typed.unit_id!)
  if (/^\d{4}-\d{2}-\d{2}$/.test(typed.on ?? '')) p.set('on', typed.on!)
  if (typed.q) p.set('q', typed.q.slice(0, 80))
  const qs = p.toString()
  return `/drives/${d.id}/whip/tests/${testId}/ticks${qs ? `?${qs}` : ''}`
}
