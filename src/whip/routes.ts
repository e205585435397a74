// The whip count of one drive, /drives/:id/whip: the deciding body and its
// rule, its members and their reads (with history), turnout pledges when the
// members decide, who knows whom and the paths to the undecided, and the
// structure tests with their chart. Every write is version-checked where a
// row is edited, soft-deletes, and is audited in its transaction.
// Access: the chapter's people (organizers edit; volunteers see names and
// reads, set reads, pledges, relationships and counts); national reviewers get
// 403 here (they see counts on the drive page panel and the review);
// another chapter's drive is a 404.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { sql } from 'kysely'
import { audit } from '../audit/audit.ts'
import { can, readScope } from '../auth/access.ts'
import { formatDate, formatMoment } from '../drives/present.ts'
import { todayIn } from '../drives/vote-dates.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { type FieldErrors, formValues, formVersion, parseForm } from '../shared/validation.ts'
import { KIND_LABELS, STRENGTH_LABELS } from './paths.ts'
import { caseLine, isSitting, loadWhip, memberKey, panelView, type WhipState } from './panels.ts'
import {
  type WhipDrive,
  findBodyRaw,
  findMember,
  findPledge,
  findStructureUnit,
  findSupporterInChapter,
  findWhipDrive,
  insertBody,
  insertMember,
  insertRelationship,
  listLocalSupporters,
  listReadHistory,
  listRelationshipsTouching,
  listStructureTests,
  setRead,
  softDeleteMember,
  softDeleteRelationship,
  updateBody,
  updateMember,
} from './queries.ts'
import { ruleLabel } from './rule.ts'
import {
  BODY_KIND_OPTIONS,
  PLEDGE_OPTIONS,
  READ_OPTIONS,
  RELATIONSHIP_KIND_OPTIONS,
  STRENGTH_OPTIONS,
  STRUCTURE_KIND_OPTIONS,
  THRESHOLD_OPTIONS,
  bodyForm,
  countForm,
  majorityCheckForm,
  memberForm,
  pledgeForm,
  readForm,
  relationshipForm,
  structureTestForm,
} from './schema.ts'
import { chartOf, summarize } from './structure-chart.ts'
import { READ_LABELS, suggestedRead } from './tally.ts'

type Form = { values: Record<string, string>; errors: FieldErrors }
type Forms = Partial<Record<'body' | 'member' | 'relationship' | 'pledge' | 'test' | 'count', Form>> & {
  read?: Form & { memberId: number }
  conflict?: string
}

const driveParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['id'],
} as const
const childParams = (name: string) =>
  ({
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: 1, maximum: 2147483647 },
      [name]: { type: 'integer', minimum: 1, maximum: 2147483647 },
    },
    required: ['id', name],
  }) as const

const DECIDING_DEFAULT_NAMES: Record<string, string> = {
  executive_board: 'Executive board',
  membership_meeting: 'General membership meeting',
  delegate_body: 'Delegate council',
  referendum: 'Member poll',
  council_conference: 'Endorsement conference',
  cope_committee: 'COPE committee',
}

export default async function whipRoutes(app: FastifyInstance) {
  const db = app.db
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  async function loadDrive(request: FastifyRequest, need: 'view' | 'log' | 'edit' = 'view'): Promise<WhipDrive> {
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

  async function renderPage(
    request: FastifyRequest,
    reply: FastifyReply,
    d: WhipDrive,
    forms: Forms = {},
    status = 200,
  ) {
    const user = request.user!
    const today = todayIn(d.time_zone)
    const w = await loadWhip(db, d, today)
    const [history, tests, options, network] = await Promise.all([
      d.body && d.body.kind === 'roster' ? listReadHistory(db, d.body.id) : Promise.resolve([]),
      listStructureTests(db, d.id),
      d.chapter_id === null ? Promise.resolve([]) : listLocalSupporters(db, d.chapter_id, d.local_id),
      d.chapter_id !== null && w.members.length > 0
        ? listRelationshipsTouching(
            db,
            d.chapter_id,
            w.members.filter((m) => m.supporter_id === null).map((m) => m.id),
            w.members.flatMap((m) => (m.supporter_id === null ? [] : [m.supporter_id])),
            200,
          )
        : Promise.resolve([]),
    ])
    if (status >= 400) reply.header('HX-Push-Url', 'false')
    return reply.page('whip/show', pageView(w, { user, today, history, tests, options, network, forms }), { status })
  }

  function pageView(
    w: WhipState,
    o: {
      user: NonNullable<FastifyRequest['user']>
      today: string
      history: Awaited<ReturnType<typeof listReadHistory>>
      tests: Awaited<ReturnType<typeof listStructureTests>>
      options: Awaited<ReturnType<typeof listLocalSupporters>>
      network: Awaited<ReturnType<typeof listRelationshipsTouching>>
      forms: Forms
    },
  ) {
    const d = w.drive
    const canEdit = can.edit(o.user, d.chapter_id)
    const canLog = can.log(o.user, d.chapter_id)
    const body = w.body
    const bodyValues: Record<string, string> = body
      ? {
          kind: body.kind,
          name: body.name,
          threshold: body.threshold ?? '',
          threshold_percent: body.threshold_percent === null ? '' : String(body.threshold_percent),
          counts_abstentions: body.counts_abstentions ? 'on' : '',
          quorum: body.quorum === null ? '' : String(body.quorum),
          expected_attendance: body.expected_attendance === null ? '' : String(body.expected_attendance),
          version: String(body.version),
        }
      : {
          kind: d.deciding_body === 'membership_meeting' || d.deciding_body === 'referendum' ? 'turnout' : 'roster',
          name: DECIDING_DEFAULT_NAMES[d.deciding_body ?? ''] ?? 'Executive board',
          threshold: '',
          threshold_percent: '',
          quorum: '',
          expected_attendance: '',
        }
    const blank = (values: Record<string, string> = {}): Form => ({ values, errors: {} })
    const personOptions = [
      ...w.sitting.map((m) => ({ value: memberKey(m), label: `${m.name}${m.seat ? ` (${m.seat})` : ''}` })),
      ...o.options
        .filter((s) => !w.members.some((m) => m.supporter_id === s.id))
        .map((s) => ({ value: `s${s.id}`, label: `${s.name}${s.current_level ? ` · level ${s.current_level}` : ''}` })),
    ]
    const pathsView = w.targets.map((t) => {
      const m = w.sitting.find((x) => x.id === t.id)!
      return {
        id: t.id,
        name: t.name,
        read: m.read ? READ_LABELS[m.read] : 'No read yet',
        paths: (w.paths.get(t.id) ?? []).slice(0, 5).map((p) => ({
          supporterId: p.supporter.id,
          name: p.supporter.name,
          how: `${STRENGTH_LABELS[p.strength]} · ${KIND_LABELS[p.kind]}`,
          level: p.supporter.level,
          lastContact: p.supporter.lastContact ? formatDate(p.supporter.lastContact) : 'no contact logged',
        })),
      }
    })
    const summaries = o.tests.map((t) => {
      const units =
        t.denominator === 'membership' && t.units.length === 0
          ? []
          : t.units.map((u) => ({ ...u, counts: u.counts.map((c) => ({ ...c })) }))
      const s = summarize(units, t.target_percent)
      return {
        id: t.id,
        name: t.name,
        kind: STRUCTURE_KIND_OPTIONS.find((k) => k.value === t.kind)?.label ?? t.kind,
        target: t.target_percent,
        summary: s,
        line: `${s.latestTotal} of ${s.headcount} (${s.percent}%)${s.majority ? ' — majority reached' : ''}`,
        chart: chartOf(units, t.target_percent),
        units: t.units.map((u) => ({ value: u.id, label: u.name })),
      }
    })
    return {
      title: `Whip count · ${d.title}`,
      drive: { id: d.id, title: d.title, majorityCheck: d.majority_check, stage: d.stage },
      panel: panelView(w, { names: true, edit: canEdit }),
      body: body ? { id: body.id, kind: body.kind, name: body.name } : null,
      rule: ruleLabel(w.rule),
      canEdit,
      canLog,
      conflict: o.forms.conflict ?? '',
      members: w.members.map((m) => {
        const sitting = isSitting(m, o.today)
        const suggestion = m.supporter_level ? suggestedRead(m.supporter_level) : null
        const readForm =
          o.forms.read && o.forms.read.memberId === m.id
            ? o.forms.read
            : blank({ read: m.read ?? suggestion ?? '', note: '' })
        return {
          id: m.id,
          version: m.version,
          seat: m.seat ?? '',
          name: m.name,
          supporterId: m.supporter_id,
          sitting,
          dates: [
            m.joined_on ? `since ${formatDate(m.joined_on)}` : '',
            m.left_on ? `left ${formatDate(m.left_on)}` : '',
          ]
            .filter(Boolean)
            .join(', '),
          read: m.read ? READ_LABELS[m.read] : 'No read yet',
          readKey: m.read ?? 'none',
          readAt: m.read_at ? formatMoment(m.read_at, d.time_zone) : '',
          suggestion:
            suggestion && suggestion !== m.read ? `Level ${m.supporter_level} suggests ${READ_LABELS[suggestion]}` : '',
          form: readForm,
        }
      }),
      history: o.history.map((h) => ({
        at: formatMoment(h.at, d.time_zone),
        member: h.member,
        read: READ_LABELS[h.read],
        actor: h.actor ?? 'Tenfold',
        note: h.note ?? '',
      })),
      paths: pathsView,
      talks: w.talks.map((t) => ({
        target: t.target.name,
        supporter: t.path.supporter.name,
        supporterId: t.path.supporter.id,
        how: `${STRENGTH_LABELS[t.path.strength]} · ${KIND_LABELS[t.path.kind]}`,
      })),
      network: o.network.map((r) => ({
        id: r.id,
        a: r.a_name,
        b: r.b_name,
        how: `${KIND_LABELS[r.kind]} · ${STRENGTH_LABELS[r.strength]}`,
      })),
      pledges: w.pledges.map((p) => ({
        supporterId: p.supporter_id,
        name: p.name,
        pledge: PLEDGE_OPTIONS.find((x) => x.value === p.pledge)?.label ?? p.pledge,
      })),
      tests: summaries,
      cases:
        (w.roster ?? w.turnout)
          ? (['best', 'likely', 'worst'] as const).map((k) => caseLine((w.roster ?? w.turnout)!.cases[k]))
          : [],
      forms: {
        body: o.forms.body ?? blank(bodyValues),
        member: o.forms.member ?? blank(),
        relationship: o.forms.relationship ?? blank({ strength: 'knows', kind: 'coworker' }),
        pledge: o.forms.pledge ?? blank(),
        test: o.forms.test ?? blank({ kind: 'petition', target_percent: '60' }),
        count: o.forms.count ?? blank({ counted_on: o.today }),
      },
      options: {
        kinds: BODY_KIND_OPTIONS,
        thresholds: THRESHOLD_OPTIONS,
        reads: READ_OPTIONS,
        pledges: PLEDGE_OPTIONS,
        relationshipKinds: RELATIONSHIP_KIND_OPTIONS,
        strengths: STRENGTH_OPTIONS,
        structureKinds: STRUCTURE_KIND_OPTIONS,
        people: personOptions,
        supporters: o.options
          .filter((s) => !w.members.some((m) => m.supporter_id === s.id))
          .map((s) => ({ value: s.id, label: `${s.name}${s.current_level ? ` · level ${s.current_level}` : ''}` })),
        pledgeSupporters: o.options.map((s) => ({ value: s.id, label: s.name })),
      },
    }
  }

  const back = (reply: FastifyReply, d: WhipDrive, anchor: string, msg: string) => {
    setFlash(reply, 'ok', msg)
    return reply.redirect(`/drives/${d.id}/whip#${anchor}`, 303)
  }
  const conflictText =
    'Someone else changed this after you opened it. The page shows the current version; your input is kept below — submit again to apply it.'

  app.get('/drives/:id/whip', { schema: { params: driveParams } }, async function showWhip(request, reply) {
    const d = await loadDrive(request)
    return renderPage(request, reply, d)
  })

  // ---- the body and its rule -----------------------------------------------------------

  app.post('/drives/:id/whip/body', { schema: { params: driveParams } }, async function saveBody(request, reply) {
    const d = await loadDrive(request, 'edit')
    const values = formValues(request.body)
    const form = parseForm(bodyForm, request.body)
    if (!form.ok) return renderPage(request, reply, d, { body: { values, errors: form.errors } }, 422)
    const f = form.data
    const v = {
      kind: f.kind,
      name: f.name,
      threshold: f.threshold,
      threshold_percent: f.threshold === 'custom' ? f.threshold_percent : null,
      counts_abstentions: f.counts_abstentions,
      quorum: f.quorum,
      expected_attendance: f.expected_attendance,
    }
    const ok = await db.transaction().execute(async (trx) => {
      if (d.body === null) {
        // Two tabs creating the body at once: the unique index keeps one; the second becomes a conflict.
        const existing = await trx
          .selectFrom('deciding_bodies')
          .select('id')
          .where('drive_id', '=', d.id)
          .where('deleted_at', 'is', null)
          .forUpdate()
          .executeTakeFirst()
        if (existing) return false
        const row = await insertBody(trx, d.id, d.chapter_id, v)
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'deciding_body',
          entityId: row.id,
          chapterId: d.chapter_id,
          after: row,
        })
        return true
      }
      const before = await findBodyRaw(trx, d.body.id)
      const row = await updateBody(trx, d.body.id, formVersion(values), v)
      if (!row) return false
      await audit(trx, request.actor, {
        action: 'update',
        entity: 'deciding_body',
        entityId: row.id,
        chapterId: d.chapter_id,
        before: before ?? null,
        after: row,
      })
      return true
    })
    if (!ok) {
      const fresh = (await findWhipDrive(db, readScope(request.user!), d.id))!
      return renderPage(request, reply, fresh, { body: { values, errors: {} }, conflict: conflictText }, 409)
    }
    return back(reply, d, 'body', 'Deciding body saved.')
  })

  // ---- members -----------------------------------------------------------------------

  async function memberValues(d: WhipDrive, data: ReturnType<typeof memberForm.parse>) {
    if (data.supporter_id === null) return { ok: true as const, v: data }
    const s = d.chapter_id === null ? undefined : await findSupporterInChapter(db, d.chapter_id, data.supporter_id)
    if (!s) return { ok: false as const, errors: { supporter_id: 'Choose a supporter of this chapter.' } }
    // One person, not two records: the supporter's name is the member's name.
    return { ok: true as const, v: { ...data, name: null } }
  }

  app.post('/drives/:id/whip/members', { schema: { params: driveParams } }, async function addMember(request, reply) {
    const d = await loadDrive(request, 'edit')
    const body = requireBody(d)
    const values = formValues(request.body)
    const form = parseForm(memberForm, request.body)
    if (!form.ok) return renderPage(request, reply, d, { member: { values, errors: form.errors } }, 422)
    const mv = await memberValues(d, form.data)
    if (!mv.ok) return renderPage(request, reply, d, { member: { values, errors: mv.errors } }, 422)
    const dup = await db.transaction().execute(async (trx) => {
      if (mv.v.supporter_id !== null) {
        const taken = await trx
          .selectFrom('body_members')
          .select('id')
          .where('body_id', '=', body.id)
          .where('supporter_id', '=', mv.v.supporter_id)
          .where('deleted_at', 'is', null)
          .executeTakeFirst()
        if (taken) return true
      }
      const row = await insertMember(trx, body.id, d.chapter_id, mv.v)
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'body_member',
        entityId: row.id,
        chapterId: d.chapter_id,
        after: row,
      })
      return false
    })
    if (dup)
      return renderPage(
        request,
        reply,
        d,
        { member: { values, errors: { supporter_id: 'That supporter already sits on this body.' } } },
        422,
      )
    return back(reply, d, 'members', 'Member added.')
  })

  app.post(
    '/drives/:id/whip/members/:memberId',
    { schema: { params: childParams('memberId') } },
    async function editMember(request, reply) {
      const d = await loadDrive(request, 'edit')
      const body = requireBody(d)
      const { memberId } = request.params as { memberId: number }
      const m = await findMember(db, body.id, memberId)
      if (!m) throw notFound('That member')
      const values = formValues(request.body)
      const form = parseForm(memberForm, { supporter_id: m.supporter_id ?? '', name: m.name ?? '', ...values })
      if (!form.ok) return renderPage(request, reply, d, { member: { values, errors: form.errors } }, 422)
      const mv = await memberValues(d, form.data)
      if (!mv.ok) return renderPage(request, reply, d, { member: { values, errors: mv.errors } }, 422)
      const row = await db.transaction().execute(async (trx) => {
        const r = await updateMember(trx, m.id, formVersion(values), mv.v)
        if (r)
          await audit(trx, request.actor, {
            action: 'update',
            entity: 'body_member',
            entityId: m.id,
            chapterId: d.chapter_id,
            before: m,
            after: r,
          })
        return r
      })
      if (!row) return renderPage(request, reply, d, { conflict: conflictText }, 409)
      return back(reply, d, 'members', 'Member saved.')
    },
  )

  app.post(
    '/drives/:id/whip/members/:memberId/delete',
    { schema: { params: childParams('memberId') } },
    async function removeMember(request, reply) {
      const d = await loadDrive(request, 'edit')
      const body = requireBody(d)
      const { memberId } = request.params as { memberId: number }
      const m = await findMember(db, body.id, memberId)
      if (!m) throw notFound('That member')
      const row = await db.transaction().execute(async (trx) => {
        const r = await softDeleteMember(trx, m.id, formVersion(formValues(request.body)))
        if (r)
          await audit(trx, request.actor, {
            action: 'delete',
            entity: 'body_member',
            entityId: m.id,
            chapterId: d.chapter_id,
            before: m,
          })
        return r
      })
      if (!row) return renderPage(request, reply, d, { conflict: conflictText }, 409)
      return back(reply, d, 'members', 'Member removed from the list.')
    },
  )

  app.post(
    '/drives/:id/whip/members/:memberId/read',
    { schema: { params: childParams('memberId') } },
    async function changeRead(request, reply) {
      const d = await loadDrive(request, 'log')
      const body = requireBody(d)
      const { memberId } = request.params as { memberId: number }
      const m = await findMember(db, body.id, memberId)
      if (!m) throw notFound('That member')
      const values = formValues(request.body)
      const form = parseForm(readForm, request.body)
      if (!form.ok) return renderPage(request, reply, d, { read: { values, errors: form.errors, memberId } }, 422)
      const row = await db.transaction().execute(async (trx) => {
        const r = await setRead(trx, m.id, formVersion(values), form.data.read, form.data.note, request.user!.id)
        if (r)
          await audit(trx, request.actor, {
            action: 'read',
            entity: 'body_member',
            entityId: m.id,
            chapterId: d.chapter_id,
            before: { read: m.read },
            after: { read: r.read, note: form.data.note },
          })
        return r
      })
      if (!row)
        return renderPage(request, reply, d, { read: { values, errors: {}, memberId }, conflict: conflictText }, 409)
      return back(reply, d, `member-${m.id}`, 'Read saved.')
    },
  )

  // ---- turnout pledges -------------------------------------------------------------------

  app.post('/drives/:id/whip/pledges', { schema: { params: driveParams } }, async function savePledge(request, reply) {
    const d = await loadDrive(request, 'log')
    requireBody(d)
    const values = formValues(request.body)
    const form = parseForm(pledgeForm, request.body)
    if (!form.ok) return renderPage(request, reply, d, { pledge: { values, errors: form.errors } }, 422)
    const s = d.chapter_id === null ? undefined : await findSupporterInChapter(db, d.chapter_id, form.data.supporter_id)
    if (!s)
      return renderPage(
        request,
        reply,
        d,
        { pledge: { values, errors: { supporter_id: 'Choose a supporter of this chapter.' } } },
        422,
      )
    await db.transaction().execute(async (trx) => {
      const had = await findPledge(trx, d.id, s.id)
      if (form.data.pledge === 'none') {
        if (!had) return
        await trx
          .updateTable('turnout_pledges')
          .set({ deleted_at: sql`now()`, version: sql`version + 1` })
          .where('id', '=', had.id)
          .execute()
      } else if (had) {
        await trx
          .updateTable('turnout_pledges')
          .set({
            pledge: form.data.pledge,
            version: sql`version + 1`,
            updated_at: sql`now()`,
            actor_id: request.user!.id,
          })
          .where('id', '=', had.id)
          .execute()
      } else {
        await trx
          .insertInto('turnout_pledges')
          .values({
            drive_id: d.id,
            chapter_id: d.chapter_id,
            supporter_id: s.id,
            pledge: form.data.pledge,
            actor_id: request.user!.id,
          })
          .execute()
      }
      await audit(trx, request.actor, {
        action: 'pledge',
        entity: 'turnout_pledge',
        entityId: `${d.id}:${s.id}`,
        chapterId: d.chapter_id,
        before: { pledge: had?.pledge ?? null },
        after: { pledge: form.data.pledge === 'none' ? null : form.data.pledge },
      })
    })
    return back(reply, d, 'pledges', 'Pledge saved.')
  })

  // ---- relationships -------------------------------------------------------------------

  app.post(
    '/drives/:id/whip/relationships',
    { schema: { params: driveParams } },
    async function addRelationship(request, reply) {
      const d = await loadDrive(request, 'log')
      const values = formValues(request.body)
      const form = parseForm(relationshipForm, request.body)
      if (!form.ok || d.chapter_id === null)
        return renderPage(
          request,
          reply,
          d,
          { relationship: { values, errors: form.ok ? { a: 'This drive has no chapter.' } : form.errors } },
          422,
        )
      const chapterId = d.chapter_id
      // Resolve each end inside the chapter; a member who is a supporter is stored as the supporter.
      const resolve = async (ref: { type: 's' | 'm'; id: number }) => {
        if (ref.type === 's') {
          const s = await findSupporterInChapter(db, chapterId, ref.id)
          return s ? { supporterId: s.id } : null
        }
        if (d.body === null) return null
        const m = await findMember(db, d.body.id, ref.id)
        if (!m) return null
        return m.supporter_id !== null ? { supporterId: m.supporter_id } : { memberId: m.id }
      }
      const [a, b] = await Promise.all([resolve(form.data.a), resolve(form.data.b)])
      const errors: FieldErrors = {}
      if (!a) errors.a = 'Choose someone from this drive.'
      if (!b) errors.b = 'Choose someone from this drive.'
      if (a && b && JSON.stringify(a) === JSON.stringify(b)) errors.b = 'Choose two different people.'
      if (Object.keys(errors).length || !a || !b)
        return renderPage(request, reply, d, { relationship: { values, errors } }, 422)
      await db.transaction().execute(async (trx) => {
        const row = await insertRelationship(trx, {
          chapter_id: chapterId,
          a,
          b,
          kind: form.data.kind,
          strength: form.data.strength,
          note: form.data.note,
          actor_id: request.user!.id,
        })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'relationship',
          entityId: row.id,
          chapterId,
          after: row,
        })
      })
      return back(reply, d, 'paths', 'Relationship added.')
    },
  )

  app.post(
    '/drives/:id/whip/relationships/:relationshipId/delete',
    { schema: { params: childParams('relationshipId') } },
    async function removeRelationship(request, reply) {
      const d = await loadDrive(request, 'edit')
      const { relationshipId } = request.params as { relationshipId: number }
      if (d.chapter_id === null) throw notFound('That relationship')
      const chapterId = d.chapter_id
      const row = await db.transaction().execute(async (trx) => {
        const r = await softDeleteRelationship(trx, chapterId, relationshipId)
        if (r)
          await audit(trx, request.actor, {
            action: 'delete',
            entity: 'relationship',
            entityId: r.id,
            chapterId,
            before: r,
          })
        return r
      })
      if (!row) throw notFound('That relationship')
      return back(reply, d, 'paths', 'Relationship removed.')
    },
  )

  // ---- structure tests -------------------------------------------------------------------

  app.post('/drives/:id/whip/tests', { schema: { params: driveParams } }, async function addTest(request, reply) {
    const d = await loadDrive(request, 'edit')
    const values = formValues(request.body)
    const form = parseForm(structureTestForm, request.body)
    if (!form.ok) return renderPage(request, reply, d, { test: { values, errors: form.errors } }, 422)
    const f = form.data
    let units = f.units
    if (units.length === 0) {
      if (d.local_members === null || d.local_members < 1)
        return renderPage(
          request,
          reply,
          d,
          {
            test: {
              values,
              errors: { units: 'The local’s membership is not known: list the units with their headcounts.' },
            },
          },
          422,
        )
      units = [{ name: 'Whole local', headcount: d.local_members }]
    }
    await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('structure_tests')
        .values({
          drive_id: d.id,
          chapter_id: d.chapter_id,
          kind: f.kind,
          name: f.name,
          denominator: f.units.length ? 'units' : 'membership',
          target_percent: f.target_percent,
          started_on: f.started_on,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('structure_test_units')
        .values(units.map((u, i) => ({ test_id: row.id, name: u.name, headcount: u.headcount, position: i })))
        .execute()
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'structure_test',
        entityId: row.id,
        chapterId: d.chapter_id,
        after: { ...row, units },
      })
    })
    return back(reply, d, 'tests', 'Structure test added.')
  })

  app.post(
    '/drives/:id/whip/tests/:testId/counts',
    { schema: { params: childParams('testId') } },
    async function addCount(request, reply) {
      const d = await loadDrive(request, 'log')
      const { testId } = request.params as { testId: number }
      const values = formValues(request.body)
      const form = parseForm(countForm, request.body)
      if (!form.ok)
        return renderPage(
          request,
          reply,
          d,
          { count: { values: { ...values, test: String(testId) }, errors: form.errors } },
          422,
        )
      const unit = await findStructureUnit(db, d.id, testId, form.data.unit_id)
      if (!unit)
        return renderPage(
          request,
          reply,
          d,
          {
            count: { values: { ...values, test: String(testId) }, errors: { unit_id: 'Choose a unit of this test.' } },
          },
          422,
        )
      const errors: FieldErrors = {}
      if (form.data.total > unit.headcount)
        errors.total = `More than the unit’s headcount of ${unit.headcount}: check the number or the headcount.`
      const today = todayIn(d.time_zone)
      if (form.data.counted_on > today) errors.counted_on = 'The date is in the future.'
      if (form.data.counted_on < '2000-01-01') errors.counted_on = 'Give a date from this campaign.'
      if (Object.keys(errors).length)
        return renderPage(request, reply, d, { count: { values: { ...values, test: String(testId) }, errors } }, 422)
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('structure_test_counts')
          .values({
            unit_id: unit.id,
            counted_on: form.data.counted_on,
            total: form.data.total,
            actor_id: request.user!.id,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(trx, request.actor, {
          action: 'count',
          entity: 'structure_test',
          entityId: testId,
          chapterId: d.chapter_id,
          after: { unit: unit.name, counted_on: row.counted_on, total: row.total },
        })
      })
      return back(reply, d, 'tests', 'Count added.')
    },
  )

  app.post(
    '/drives/:id/whip/majority-check',
    { schema: { params: driveParams } },
    async function saveMajorityCheck(request, reply) {
      const d = await loadDrive(request, 'edit')
      const form = parseForm(majorityCheckForm, request.body)
      const on = form.ok ? form.data.majority_check : false
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('drives').set({ majority_check: on }).where('id', '=', d.id).execute()
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'drive',
          entityId: d.id,
          chapterId: d.chapter_id,
          before: { majority_check: d.majority_check },
          after: { majority_check: on },
        })
      })
      return back(
        reply,
        d,
        'tests',
        on ? 'Filing now checks for a majority structure test.' : 'Majority check turned off.',
      )
    },
  )
}
