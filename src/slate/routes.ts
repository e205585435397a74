// The slate: /slates (list, create), /slates/current, /slates/:id (candidates,
// goals, the 10×10 picture, endorsements over time), candidate forms and
// withdrawal, endorsements (record, rescind or supersede — always a new row),
// the matrix /slates/:id/matrix (filters, CSV, a cell's detail in place).
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { can, editScope, readScope, type CurrentUser, type Scope } from '../auth/access.ts'
import { stageLabel } from '../drives/stages.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { csvFilename, csvLines, toCsv } from '../shared/csv.ts'
import { setFlash } from '../shared/flash.ts'
import { escaper } from '../shared/html.ts'
import { formValues, idFilter, parseForm, type FieldErrors, formVersion } from '../shared/validation.ts'
import { listChapterOptions, listNationalUnionOptions } from '../unions/queries.ts'
import {
  buildMatrix,
  endorsementLevel,
  isInForce,
  LEVEL_LABELS,
  matrixToCsv,
  type BodyKind,
  type Matrix,
  type MatrixBody,
  type MatrixCandidate,
} from './build-matrix.ts'
import { createStampedCache, orderBodies, type OrderedBodies } from './matrix-order.ts'
import { stepChartSvg } from './chart.ts'
import { computeGoals, cumulativeByWeek, squares } from './goals.ts'
import {
  findBody,
  findCandidate,
  findCurrentSlateId,
  findEndorsement,
  findSlate,
  insertCandidate,
  insertEndorsement,
  insertSlate,
  listBodyDrives,
  listBodyOptions,
  listCandidateOptions,
  listCellEndorsements,
  listMatrixBodies,
  listMatrixCandidates,
  listSlates,
  matrixCellData,
  matrixStamp,
  matrixTotals,
  slateMatrixData,
  updateCandidate,
  type MatrixFilters,
  type MatrixTotalsRow,
  type SlateCandidateRow,
} from './queries.ts'
import {
  CANDIDATE_LEVELS,
  CANDIDATE_STATUSES,
  ENDORSEMENT_STATUSES,
  RECORD_STATUSES,
  REPLACE_STATUSES,
  THRESHOLD_MET,
  candidateForm,
  candidateParams,
  cellQuery,
  endorsementForm,
  endorsementParams,
  labelOf,
  matrixQuery,
  newEndorsementQuery,
  parseBodyRef,
  replaceForm,
  slateForm,
  slateIdParam,
  withdrawForm,
} from './schema.ts'

type BodyRef = { kind: 'local' | 'national'; id: number }
type Body = NonNullable<Awaited<ReturnType<typeof findBody>>>

const today = () => new Date().toISOString().slice(0, 10)

function mayCreate(user: CurrentUser): boolean {
  return user.isAdmin || user.chapters.some((c) => c.role === 'organizer')
}

function mayEditCandidate(user: CurrentUser, chapterId: number | null): boolean {
  return user.isAdmin || (chapterId !== null && can.edit(user, chapterId))
}

/** National unions: admins only. Locals: admins, or organizers of the local's chapter. */
function mayRecordFor(user: CurrentUser, body: Body): boolean {
  if (user.isAdmin) return true
  return body.kind === 'local' && body.chapterId !== null && can.edit(user, body.chapterId)
}

function mayExport(user: CurrentUser): boolean {
  return user.isAdmin || user.isNational || user.chapters.some((c) => c.role === 'organizer')
}

function bodyKindOf(body: Body): BodyKind {
  if (body.kind === 'national') return 'national'
  if (body.localKind === 'council') return 'council'
  if (body.localKind === 'clc' || body.localKind === 'federation') return 'federation'
  return 'local'
}

const refOf = (bodyId: number) => (bodyId < 0 ? `n${-bodyId}` : `l${bodyId}`)
const cellUrl = (slateId: number, bodyId: number, candidateId: number | null) =>
  `/slates/${slateId}/matrix/cell?body=${refOf(bodyId)}&candidate=${candidateId ?? 'slate'}`

function matrixCandidates(rows: SlateCandidateRow[]): MatrixCandidate[] {
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    office: c.office,
    status: c.status,
    goal: c.goal,
    electionDate: c.election_date,
  }))
}

function candidateView(c: SlateCandidateRow, user: CurrentUser) {
  return {
    ...c,
    levelLabel: labelOf(CANDIDATE_LEVELS, c.level),
    statusLabel: labelOf(CANDIDATE_STATUSES, c.status),
    election: [c.election_type, c.election_date].filter(Boolean).join(' · '),
    dates: [c.joined_on ? `joined ${c.joined_on}` : '', c.left_on ? `left ${c.left_on}` : '']
      .filter(Boolean)
      .join(', '),
    withdrawn: c.status === 'withdrawn',
    canEdit: mayEditCandidate(user, c.chapter_id),
  }
}

const candidateValues = (c: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]))

// A page of the matrix draws about this many cells: a national slate has
// thousands of bodies and a hundred candidates, so the bodies per page follow
// the number of columns (20 rows of 101 columns, 100 rows of 20).
const MATRIX_PAGE_CELLS = 2000
const matrixPageSize = (columns: number) =>
  Math.min(100, Math.max(20, Math.round(MATRIX_PAGE_CELLS / Math.max(1, columns))))
// Bodies per round trip when the CSV export walks the whole matrix.
const CSV_CHUNK = 500

export default async function slateRoutes(app: FastifyInstance) {
  const db = app.db

  async function loadSlate(id: number) {
    const slate = await findSlate(db, id)
    if (!slate) throw notFound('That slate')
    return slate
  }

  // ---- Slates -------------------------------------------------------------------

  app.get('/slates/current', async function showCurrentSlate(_request, reply) {
    const id = await findCurrentSlateId(db)
    return reply.redirect(id === undefined ? '/slates' : `/slates/${id}`, 303)
  })

  app.get('/slates', async function listSlatesPage(request, reply) {
    const rows = await listSlates(db)
    return reply.page('slates/index', {
      title: 'Slates',
      rows: rows.map((r) => ({ ...r, election: r.election_date ?? '' })),
      canCreate: mayCreate(request.user!),
    })
  })

  const slateFormView = (values: Record<string, string>, errors: FieldErrors, user: CurrentUser) => ({
    title: 'New slate',
    action: '/slates',
    values,
    errors,
    canMakeCurrent: user.isAdmin,
  })

  app.get('/slates/new', async function newSlate(request, reply) {
    if (!mayCreate(request.user!)) throw forbidden()
    return reply.page('slates/form', slateFormView({ goal: '100' }, {}, request.user!))
  })

  app.post('/slates', async function createSlate(request, reply) {
    const user = request.user!
    if (!mayCreate(user)) throw forbidden()
    const form = parseForm(slateForm, request.body)
    const rerender = (errors: FieldErrors) =>
      reply.page('slates/form', slateFormView(formValues(request.body), errors, user), { status: 422 })
    if (!form.ok) return rerender(form.errors)
    if (form.data.is_current && !user.isAdmin)
      return rerender({ is_current: 'Only an admin can make a slate the current one.' })
    const slate = await db.transaction().execute(async (trx) => {
      const row = await insertSlate(trx, form.data)
      await audit(trx, request.actor, { action: 'create', entity: 'slate', entityId: row.id, after: row })
      return row
    })
    setFlash(reply, 'ok', `${slate.name} was created.`)
    return reply.redirect(`/slates/${slate.id}`, 303)
  })

  app.get('/slates/:id', { schema: { params: slateIdParam } }, async function showSlate(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const slate = await loadSlate(id)
    const data = await slateMatrixData(db, id, readScope(user), {}, { drives: 'projecting' })
    const candidates = matrixCandidates(data.candidates)
    const goals = computeGoals({
      candidates,
      bodies: data.bodies,
      drives: data.drives,
      endorsements: data.endorsements,
      today: today(),
    })
    const points = cumulativeByWeek(data.endorsements, data.bodies, today())
    const bodyById = new Map(data.bodies.map((b) => [b.id, b]))
    const candidateById = new Map(data.candidates.map((c) => [c.id, c]))
    const slateGoal = slate.goal > 0 ? slate.goal : goals.slate.goal
    const endorsements = [...data.endorsements]
      .sort((a, b) => (a.decidedOn === b.decidedOn ? b.id - a.id : a.decidedOn < b.decidedOn ? 1 : -1))
      .map((e) => {
        const body = bodyById.get(e.bodyId)
        const cand = e.candidateId === null ? undefined : candidateById.get(e.candidateId)
        return {
          date: e.decidedOn,
          body: body?.name ?? '',
          candidate:
            e.candidateId === null
              ? 'Whole slate'
              : cand
                ? `${cand.name}${cand.status === 'withdrawn' ? ' (withdrawn)' : ''}`
                : '',
          level: body ? LEVEL_LABELS[endorsementLevel(body.kind, e.candidateId)] : '',
          statusLabel: labelOf(ENDORSEMENT_STATUSES, e.status),
          inForce: isInForce(e.status),
          conditions: e.conditions ?? '',
          url: cellUrl(id, e.bodyId, e.candidateId),
        }
      })
    return reply.page('slates/show', {
      title: slate.name,
      slate: { ...slate, election: slate.election_date ?? '' },
      candidates: data.candidates.map((c) => candidateView(c, user)),
      goals: goals.candidates.map((g) => ({
        ...g,
        squares: squares(g).map((s) => ({
          state: s,
          label: s === 'won' ? 'won' : s === 'projected' ? 'projected' : 'open',
        })),
        summary: `${g.won} won, ${g.projected} projected, goal ${g.goal}`,
        nationals: g.nationals.map((n) => ({
          ...n,
          levelLabel: LEVEL_LABELS[n.level],
          statusLabel: labelOf(ENDORSEMENT_STATUSES, n.status),
          inForce: isInForce(n.status),
        })),
        councils: g.councils.map((n) => ({
          ...n,
          levelLabel: LEVEL_LABELS[n.level],
          statusLabel: labelOf(ENDORSEMENT_STATUSES, n.status),
          inForce: isInForce(n.status),
        })),
      })),
      total: {
        locals: goals.slate.distinctLocals,
        projected: goals.slate.projected,
        goal: slateGoal,
        barValue: Math.min(goals.slate.distinctLocals, slateGoal),
        percent: Math.min(100, Math.round((goals.slate.distinctLocals / slateGoal) * 100)),
        sumOfGoals: goals.slate.goal,
      },
      chart: stepChartSvg(points, { title: `Endorsing locals by week for ${slate.name}` }),
      points,
      endorsements,
      canAddCandidate: mayCreate(user),
      canRecord: mayCreate(user),
    })
  })

  // ---- Candidates ---------------------------------------------------------------

  async function candidateFormOptions(user: CurrentUser) {
    const chapters = await listChapterOptions(db)
    return {
      chapterOptions: chapters
        .filter((c) => user.isAdmin || can.edit(user, c.id))
        .map((c) => ({ value: c.id, label: c.name })),
      levelOptions: CANDIDATE_LEVELS,
      statusOptions: CANDIDATE_STATUSES,
    }
  }

  app.get(
    '/slates/:id/candidates/new',
    { schema: { params: slateIdParam } },
    async function newCandidate(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const values = {
        goal: '10',
        level: 'municipal',
        status: 'running',
        joined_on: today(),
        election_date: slate.election_date ?? '',
        chapter_id: String(user.chapters.find((c) => c.role === 'organizer')?.id ?? ''),
      }
      return reply.page('slates/candidate-form', {
        title: `New candidate on ${slate.name}`,
        slate,
        action: `/slates/${id}/candidates`,
        values,
        errors: {},
        ...(await candidateFormOptions(user)),
      })
    },
  )

  app.post(
    '/slates/:id/candidates',
    { schema: { params: slateIdParam } },
    async function createCandidate(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const rerender = async (errors: FieldErrors) =>
        reply.page(
          'slates/candidate-form',
          {
            title: `New candidate on ${slate.name}`,
            slate,
            action: `/slates/${id}/candidates`,
            values: formValues(request.body),
            errors,
            ...(await candidateFormOptions(user)),
          },
          { status: 422 },
        )
      const form = parseForm(candidateForm, request.body)
      if (!form.ok) return rerender(form.errors)
      if (!mayEditCandidate(user, form.data.chapter_id))
        return rerender({ chapter_id: 'Choose a chapter you organize in.' })
      const candidate = await db.transaction().execute(async (trx) => {
        const row = await insertCandidate(trx, { ...form.data, slate_id: id })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'candidate',
          entityId: row.id,
          chapterId: row.chapter_id,
          after: row,
        })
        return row
      })
      setFlash(reply, 'ok', `${candidate.name} was added to the slate.`)
      return reply.redirect(`/slates/${id}`, 303)
    },
  )

  async function loadCandidate(request: FastifyRequest) {
    const { id, cid } = request.params as { id: number; cid: number }
    const slate = await loadSlate(id)
    const candidate = await findCandidate(db, id, cid)
    if (!candidate) throw notFound('That candidate')
    if (!mayEditCandidate(request.user!, candidate.chapter_id)) throw forbidden()
    return { slate, candidate }
  }

  async function renderCandidateEdit(
    reply: FastifyReply,
    user: CurrentUser,
    slate: { id: number; name: string },
    candidate: { id: number; name: string },
    values: Record<string, string>,
    errors: FieldErrors,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    return reply.page(
      'slates/candidate-form',
      {
        title: `Edit ${candidate.name}`,
        slate,
        candidateId: candidate.id,
        action: `/slates/${slate.id}/candidates/${candidate.id}`,
        withdrawAction: `/slates/${slate.id}/candidates/${candidate.id}/withdraw`,
        values,
        errors,
        ...extra,
        ...(await candidateFormOptions(user)),
      },
      { status },
    )
  }

  app.get(
    '/slates/:id/candidates/:cid/edit',
    { schema: { params: candidateParams } },
    async function editCandidate(request, reply) {
      const { slate, candidate } = await loadCandidate(request)
      return renderCandidateEdit(
        reply,
        request.user!,
        slate,
        candidate,
        { ...candidateValues(candidate), withdraw_on: today() },
        {},
      )
    },
  )

  async function saveCandidate(request: FastifyRequest, reply: FastifyReply, mode: 'edit' | 'withdraw') {
    const user = request.user!
    const { slate, candidate: before } = await loadCandidate(request)
    const values = formValues(request.body)
    const version = formVersion(values)
    const rerender = (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      renderCandidateEdit(reply, user, slate, before, values, errors, status, extra)
    let input: Parameters<typeof updateCandidate>[3]
    if (mode === 'withdraw') {
      const form = parseForm(withdrawForm, { left_on: values.withdraw_on })
      if (!form.ok) return rerender({ withdraw_on: form.errors.left_on ?? 'Give the date.' })
      input = { status: 'withdrawn', left_on: form.data.left_on }
    } else {
      const form = parseForm(candidateForm, request.body)
      if (!form.ok) return rerender(form.errors)
      if (form.data.chapter_id !== before.chapter_id && !mayEditCandidate(user, form.data.chapter_id))
        return rerender({ chapter_id: 'Choose a chapter you organize in.' })
      input = form.data
    }
    const after = await db.transaction().execute(async (trx) => {
      const row = await updateCandidate(trx, before.id, Number.isInteger(version) ? version : -1, input)
      if (!row) return undefined
      const { chapter_name: _, ...plain } = before
      const diff = diffRecords(plain, row)
      await audit(trx, request.actor, {
        action: mode === 'withdraw' ? 'withdraw' : 'update',
        entity: 'candidate',
        entityId: row.id,
        chapterId: row.chapter_id,
        before: diff.before,
        after: diff.after,
      })
      return row
    })
    if (!after) {
      const current = await findCandidate(db, slate.id, before.id)
      if (!current) throw notFound('That candidate')
      values.version = String(current.version)
      return rerender(
        {
          _form:
            'Someone else changed this candidate after you opened the form. Your changes are kept below; the saved values are listed under the form. Save again to overwrite them.',
        },
        409,
        { conflict: candidateView({ ...current, chapter_name: current.chapter_name }, user) },
      )
    }
    setFlash(
      reply,
      'ok',
      mode === 'withdraw' ? `${after.name} is marked withdrawn; their endorsements are kept.` : 'Saved.',
    )
    return reply.redirect(`/slates/${slate.id}`, 303)
  }

  app.post('/slates/:id/candidates/:cid', { schema: { params: candidateParams } }, (req, rep) =>
    saveCandidate(req, rep, 'edit'),
  )
  app.post('/slates/:id/candidates/:cid/withdraw', { schema: { params: candidateParams } }, (req, rep) =>
    saveCandidate(req, rep, 'withdraw'),
  )

  // ---- Endorsements -------------------------------------------------------------

  async function endorsementFormOptions(
    user: CurrentUser,
    data: { id: number; name: string; office: string; status: string }[],
  ) {
    const { unions, locals } = await listBodyOptions(db, editScope(user).chapterIds)
    const groups: { label: string; options: { value: string; label: string }[] }[] = []
    if (unions.length)
      groups.push({
        label: 'National unions',
        options: unions.map((u) => ({ value: `n${u.id}`, label: `${u.abbreviation} — ${u.name}` })),
      })
    const byChapter = new Map<string, { value: string; label: string }[]>()
    for (const l of locals) {
      const key = l.chapter_name ?? 'No chapter'
      const list = byChapter.get(key) ?? []
      list.push({ value: `l${l.id}`, label: l.name })
      byChapter.set(key, list)
    }
    for (const [label, options] of byChapter) groups.push({ label, options })
    return {
      bodyGroups: groups,
      candidateOptions: data.map((c) => ({
        value: c.id,
        label: `${c.name} — ${c.office}${c.status === 'withdrawn' ? ' (withdrawn)' : ''}`,
      })),
      statusOptions: RECORD_STATUSES,
      thresholdOptions: THRESHOLD_MET,
    }
  }

  async function renderEndorsementForm(
    reply: FastifyReply,
    user: CurrentUser,
    slate: { id: number; name: string },
    values: Record<string, string>,
    errors: FieldErrors,
    status = 200,
  ) {
    const data = await listCandidateOptions(db, slate.id)
    return reply.page(
      'slates/endorsement-form',
      {
        title: `Record an endorsement — ${slate.name}`,
        slate,
        action: `/slates/${slate.id}/endorsements`,
        values,
        errors,
        ...(await endorsementFormOptions(user, data)),
      },
      { status },
    )
  }

  app.get(
    '/slates/:id/endorsements/new',
    { schema: { params: slateIdParam, querystring: newEndorsementQuery } },
    async function newEndorsement(request, reply) {
      const { id } = request.params as { id: number }
      const q = request.query as { body?: string; candidate?: string }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const values = {
        body: q.body ?? '',
        candidate_id: q.candidate && q.candidate !== 'slate' ? q.candidate : '',
        status: 'active',
        decided_on: today(),
      }
      return renderEndorsementForm(reply, user, slate, values, {})
    },
  )

  app.post(
    '/slates/:id/endorsements',
    { schema: { params: slateIdParam } },
    async function recordEndorsement(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const values = formValues(request.body)
      const rerender = (errors: FieldErrors) => renderEndorsementForm(reply, user, slate, values, errors, 422)
      const form = parseForm(endorsementForm, request.body)
      if (!form.ok) return rerender(form.errors)
      const ref = parseBodyRef(form.data.body)!
      const body = await findBody(db, ref)
      if (!body) return rerender({ body: 'That body was not found.' })
      if (!mayRecordFor(user, body)) {
        return rerender({
          body:
            body.kind === 'national'
              ? 'Only an admin records a national union’s endorsement.'
              : 'You can only record endorsements for locals of a chapter you organize in.',
        })
      }
      if (form.data.candidate_id !== null && !(await findCandidate(db, id, form.data.candidate_id)))
        return rerender({ candidate_id: 'That candidate is not on this slate.' })
      const { body: _ref, threshold_met, ...rest } = form.data
      const row = await db.transaction().execute(async (trx) => {
        const e = await insertEndorsement(trx, {
          ...rest,
          threshold_met: threshold_met === null ? null : threshold_met === 'yes',
          slate_id: id,
          local_id: body.kind === 'local' ? body.id : null,
          national_union_id: body.kind === 'national' ? body.id : null,
          chapter_id: body.chapterId,
          actor_id: user.id,
        })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'endorsement',
          entityId: e.id,
          chapterId: e.chapter_id,
          after: e,
        })
        return e
      })
      setFlash(reply, 'ok', `The endorsement by ${body.name} was recorded.`)
      const anchor = refOf(body.kind === 'national' ? -row.national_union_id! : row.local_id!)
      return reply.redirect(`/slates/${id}/matrix?body=${anchor}#${anchor}`, 303)
    },
  )

  async function loadReplace(request: FastifyRequest) {
    const { id, eid } = request.params as { id: number; eid: number }
    const slate = await loadSlate(id)
    const endorsement = await findEndorsement(db, id, eid)
    if (!endorsement) throw notFound('That endorsement')
    const ref: BodyRef =
      endorsement.national_union_id !== null
        ? { kind: 'national', id: endorsement.national_union_id }
        : { kind: 'local', id: endorsement.local_id! }
    const body = await findBody(db, ref)
    if (!body) throw notFound('That endorsing body')
    if (!mayRecordFor(request.user!, body)) throw forbidden()
    return { slate, endorsement, body }
  }

  function replaceView(
    slate: { id: number; name: string },
    e: NonNullable<Awaited<ReturnType<typeof findEndorsement>>>,
    body: Body,
    values: Record<string, string>,
    errors: FieldErrors,
  ) {
    return {
      title: `Rescind or supersede — ${body.name}`,
      slate,
      body,
      values,
      errors,
      action: `/slates/${slate.id}/endorsements/${e.id}/replace`,
      original: {
        date: e.decided_on,
        statusLabel: labelOf(ENDORSEMENT_STATUSES, e.status),
        what: e.candidate_id === null ? 'the whole slate' : 'one candidate',
      },
      statusOptions: REPLACE_STATUSES,
      backUrl: cellUrl(slate.id, body.kind === 'national' ? -body.id : body.id, e.candidate_id),
    }
  }

  app.get(
    '/slates/:id/endorsements/:eid/replace',
    { schema: { params: endorsementParams } },
    async function replaceEndorsementForm(request, reply) {
      const { slate, endorsement, body } = await loadReplace(request)
      return reply.page(
        'slates/replace-form',
        replaceView(slate, endorsement, body, { status: 'rescinded', decided_on: today() }, {}),
      )
    },
  )

  app.post(
    '/slates/:id/endorsements/:eid/replace',
    { schema: { params: endorsementParams } },
    async function replaceEndorsement(request, reply) {
      const { slate, endorsement: e, body } = await loadReplace(request)
      const values = formValues(request.body)
      const rerender = (errors: FieldErrors) =>
        reply.page('slates/replace-form', replaceView(slate, e, body, values, errors), { status: 422 })
      const form = parseForm(replaceForm, request.body)
      if (!form.ok) return rerender(form.errors)
      if (e.replaced || !isInForce(e.status))
        return rerender({ _form: 'This endorsement is no longer in force: it was already rescinded or superseded.' })
      if (form.data.decided_on < e.decided_on)
        return rerender({ decided_on: `It cannot be before the endorsement itself (${e.decided_on}).` })
      const row = await db.transaction().execute(async (trx) => {
        const r = await insertEndorsement(trx, {
          slate_id: e.slate_id,
          local_id: e.local_id,
          national_union_id: e.national_union_id,
          candidate_id: e.candidate_id,
          chapter_id: e.chapter_id,
          status: form.data.status,
          decided_on: form.data.decided_on,
          deciding_body: form.data.deciding_body,
          source_url: form.data.source_url,
          supersedes_id: e.id,
          is_public: e.is_public,
          actor_id: request.user!.id,
        })
        await audit(trx, request.actor, {
          action: form.data.status === 'rescinded' ? 'rescind' : 'supersede',
          entity: 'endorsement',
          entityId: r.id,
          chapterId: r.chapter_id,
          before: { id: e.id, status: e.status },
          after: r,
        })
        return r
      })
      setFlash(
        reply,
        'ok',
        row.status === 'rescinded'
          ? `The endorsement by ${body.name} is recorded as rescinded.`
          : `The endorsement by ${body.name} is recorded as superseded.`,
      )
      return reply.redirect(`/slates/${slate.id}/matrix`, 303)
    },
  )

  // ---- The matrix ---------------------------------------------------------------

  type MatrixQ = {
    chapter?: string
    union?: string
    state?: string
    level?: string
    status?: string
    format?: string
    page?: string
    body?: string
  }

  const matrixCache = createStampedCache<OrderedBodies & { totals: MatrixTotalsRow[] }>()

  /** The matrix's rows in order and its totals: kept per slate, scope and filters until the stamp moves. */
  async function matrixFrame(slateId: number, scope: Scope, filters: MatrixFilters) {
    const stamp = await matrixStamp(db)
    const key = JSON.stringify([
      slateId,
      scope.chapterIds,
      filters.chapter,
      filters.union,
      filters.state,
      filters.level,
      filters.status,
    ])
    return matrixCache.get(key, stamp, async () => {
      const [bodies, totals] = await Promise.all([
        listMatrixBodies(db, slateId, scope, filters),
        matrixTotals(db, slateId, filters),
      ])
      return { ...orderBodies(bodies), totals }
    })
  }

  /** One page of rows, drawn from its own bodies' drives and endorsements; totals from SQL over every body. */
  function matrixView(slateId: number, matrix: Matrix, totals: MatrixTotalsRow[]) {
    const column = (rows: MatrixTotalsRow[], pick: 'all_bodies' | 'locals') =>
      matrix.columns.map((c) => rows.find((t) => t.candidate_id === (c.kind === 'slate' ? null : c.id))?.[pick] ?? 0)
    // A page has thousands of cells but few distinct labels: each is escaped
    // once here and printed raw (<%~ %>) by the template.
    const html = escaper()
    let group: string | null = null
    const rows: unknown[] = []
    const width = matrix.columns.length + 2
    for (const r of matrix.rows) {
      if (r.group !== group) {
        group = r.group
        rows.push({ isGroup: true, label: r.group, width })
      }
      const ref = refOf(r.body.id)
      rows.push({
        isGroup: false,
        anchor: ref,
        name: r.body.name,
        sub: [
          r.body.nationalName,
          r.body.kind === 'council' ? 'council' : r.body.kind === 'federation' ? 'federation' : '',
        ]
          .filter(Boolean)
          .join(' · '),
        total: r.total,
        cells: r.cells.map((c, i) => {
          const col = matrix.columns[i]!
          return {
            labelHtml: html(c.label),
            state: c.state,
            conditions: c.conditions ?? '',
            // Only letters, digits and / ? = & in a cell's address: & is the one to escape.
            urlHtml: cellUrl(slateId, r.body.id, col.kind === 'slate' ? null : col.id).replace('&', '&amp;'),
          }
        }),
      })
    }
    return {
      columns: matrix.columns.map((c) => ({
        label: c.label,
        office: c.kind === 'slate' ? 'Every candidate' : c.office,
        withdrawn: c.kind === 'candidate' && c.status === 'withdrawn',
      })),
      rows,
      columnTotals: column(totals, 'all_bodies'),
      localColumnTotals: column(totals, 'locals'),
      legend: matrix.legend,
    }
  }

  /** The matrix as CSV, built a chunk of bodies at a time and streamed. */
  async function* matrixCsv(
    slateId: number,
    scope: Scope,
    candidates: MatrixCandidate[],
    bodies: readonly MatrixBody[],
  ) {
    for (let at = 0; at < Math.max(bodies.length, 1); at += CSV_CHUNK) {
      const chunk = bodies.slice(at, at + CSV_CHUNK)
      const cells = chunk.length
        ? await matrixCellData(
            db,
            slateId,
            scope,
            chunk.map((b) => b.id),
          )
        : { drives: [], endorsements: [] }
      const [header, ...rows] = matrixToCsv(buildMatrix({ candidates, bodies: chunk, ...cells }))
      yield at === 0 ? toCsv(header ?? [], rows) : csvLines(rows)
    }
  }

  app.get(
    '/slates/:id/matrix',
    { schema: { params: slateIdParam, querystring: matrixQuery } },
    async function showMatrix(request, reply) {
      const { id } = request.params as { id: number }
      const q = request.query as MatrixQ
      const user = request.user!
      const scope = readScope(user)
      const filters: MatrixFilters = {
        chapter: idFilter(q.chapter),
        union: idFilter(q.union),
        state: q.state?.trim().toUpperCase() || undefined,
        level: q.level || undefined,
        status: q.status || undefined,
      }
      if (q.format === 'csv' && !mayExport(user)) throw forbidden()
      const slate = await loadSlate(id)
      const [ordered, candidateRows] = await Promise.all([
        matrixFrame(id, scope, filters),
        listMatrixCandidates(db, id, filters),
      ])
      const candidates = matrixCandidates(candidateRows)
      if (q.format === 'csv') {
        await audit(db, request.actor, {
          action: 'export',
          entity: 'slate_matrix',
          entityId: id,
          after: { rows: ordered.bodies.length, filters },
        })
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${csvFilename(`slate-${id}-matrix`)}"`)
          .send(Readable.from(matrixCsv(id, scope, candidates, ordered.bodies)))
      }
      const perPage = matrixPageSize(candidates.length + 1)
      const pages = Math.max(1, Math.ceil(ordered.bodies.length / perPage))
      // ?body=l12 opens the page that body is on (after recording its endorsement).
      const ref = q.body ? parseBodyRef(q.body) : null
      const at = ref === null ? undefined : ordered.position.get(ref.kind === 'national' ? -ref.id : ref.id)
      const page = at !== undefined ? Math.floor(at / perPage) + 1 : Math.min(Math.max(Number(q.page) || 1, 1), pages)
      const pageBodies = ordered.bodies.slice((page - 1) * perPage, page * perPage)
      const [cells, chapters, unions] = await Promise.all([
        pageBodies.length
          ? matrixCellData(
              db,
              id,
              scope,
              pageBodies.map((b) => b.id),
            )
          : { drives: [], endorsements: [] },
        listChapterOptions(db),
        listNationalUnionOptions(db),
      ])
      const matrix = buildMatrix({ candidates, bodies: pageBodies, ...cells })
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') params.set(k, String(v))
      const base = params.toString()
      const pageUrl = (n: number) => `/slates/${id}/matrix?${base ? base + '&' : ''}page=${n}`
      const first = (page - 1) * perPage + 1
      const view = {
        title: `Matrix — ${slate.name}`,
        slate,
        filters: { ...filters, state: filters.state ?? '', level: filters.level ?? '', status: filters.status ?? '' },
        chapterOptions: chapters.map((c) => ({ value: c.id, label: c.name })),
        unionOptions: unions.map((u) => ({ value: u.id, label: u.abbreviation })),
        levelOptions: CANDIDATE_LEVELS,
        statusOptions: CANDIDATE_STATUSES,
        csvUrl: `/slates/${id}/matrix?${base ? base + '&' : ''}format=csv`,
        canExport: mayExport(user),
        canRecord: mayCreate(user),
        anyFilter: Boolean(base),
        empty: ordered.bodies.length === 0,
        paging:
          pages > 1
            ? {
                summary: `Bodies ${first.toLocaleString('en-US')}–${(first + pageBodies.length - 1).toLocaleString('en-US')} of ${ordered.bodies.length.toLocaleString('en-US')}`,
                previous: page > 1 ? pageUrl(page - 1) : null,
                next: page < pages ? pageUrl(page + 1) : null,
                page,
                pages,
              }
            : null,
        ...matrixView(id, matrix, ordered.totals),
      }
      return reply.page('slates/matrix', view, { fragment: { target: 'matrix-results', view: 'slates/_matrix' } })
    },
  )

  app.get(
    '/slates/:id/matrix/cell',
    { schema: { params: slateIdParam, querystring: cellQuery } },
    async function showMatrixCell(request, reply) {
      const { id } = request.params as { id: number }
      const q = request.query as { body: string; candidate: string }
      const user = request.user!
      const slate = await loadSlate(id)
      const ref = parseBodyRef(q.body)
      if (!ref) throw notFound('That body')
      const body = await findBody(db, ref)
      if (!body) throw notFound('That body')
      const candidateId = q.candidate === 'slate' ? null : Number(q.candidate)
      const candidate = candidateId === null ? undefined : await findCandidate(db, id, candidateId)
      if (candidateId !== null && !candidate) throw notFound('That candidate')
      const [history, drives] = await Promise.all([
        listCellEndorsements(db, id, ref, candidateId),
        listBodyDrives(db, id, ref, readScope(user)),
      ])
      const kind = bodyKindOf(body)
      const level = LEVEL_LABELS[endorsementLevel(kind, candidateId)]
      const replacedIds = new Set(history.map((h) => h.supersedes_id).filter((x): x is number => x !== null))
      const canRecord = mayRecordFor(user, body)
      const view = {
        title: `${body.name} — ${candidate ? candidate.name : 'Whole slate'}`,
        slate,
        bodyName: body.name,
        columnLabel: candidate
          ? `${candidate.name}${candidate.status === 'withdrawn' ? ' (withdrawn)' : ''}`
          : 'Whole slate',
        level,
        history: history.map((h) => ({
          id: h.id,
          date: h.decided_on,
          statusLabel: labelOf(ENDORSEMENT_STATUSES, h.status),
          status: h.status,
          conditions: h.conditions ?? '',
          details: [
            h.deciding_body ?? '',
            h.votes_for === null && h.votes_against === null
              ? ''
              : `${h.votes_for ?? 0} for, ${h.votes_against ?? 0} against${h.abstain !== null ? `, ${h.abstain} abstaining` : ''}`,
            h.threshold_met === null ? '' : h.threshold_met ? 'threshold met' : 'threshold not met',
          ]
            .filter(Boolean)
            .join(' · '),
          sourceUrl: h.source_url ?? '',
          actor: h.actor_name ?? '',
          replaces: h.supersedes_id !== null,
          isPublic: h.is_public,
          replaceUrl:
            canRecord && isInForce(h.status) && !replacedIds.has(h.id)
              ? `/slates/${id}/endorsements/${h.id}/replace`
              : null,
        })),
        drives: drives
          .filter((d) =>
            candidateId === null ? d.asks !== 'candidate' : d.asks === 'slate' || d.candidate_id === candidateId,
          )
          .map((d) => ({
            id: d.id,
            stageLabel: stageLabel(d.stage),
            status: d.status,
            asks:
              d.asks === 'both'
                ? `the slate and ${d.candidate_name ?? 'a candidate'}`
                : d.asks === 'slate'
                  ? 'the whole slate'
                  : (d.candidate_name ?? 'a candidate'),
            voteDate: d.vote_date ?? '',
          })),
        recordUrl: canRecord ? `/slates/${id}/endorsements/new?body=${q.body}&candidate=${q.candidate}` : null,
        matrixUrl: `/slates/${id}/matrix#${q.body}`,
      }
      return reply.page('slates/cell', view, { fragment: { target: 'matrix-cell', view: 'slates/_cell' } })
    },
  )
}
