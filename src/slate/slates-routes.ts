// Slates: /slates (list, create), /slates/current, /slates/:id (candidates,
// goals, the 10×10 picture, endorsements over time).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { entityHistory } from '../audit/queries.ts'
import { can, readScope, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formatDate, viewerZone } from '../shared/format.ts'
import { listChapterOptions } from '../unions/queries.ts'
import { formValues, parseForm, type FieldErrors } from '../shared/validation.ts'
import { endorsementLevel, isInForce, LEVEL_LABELS } from './build-matrix.ts'
import { stepChartSvg } from './chart.ts'
import { computeGoals, cumulativeByWeek, squares } from './goals.ts'
import { likelyStandings } from '../whip/panels.ts'
import { CURRENT_RULE, loadSlate as loadSlateRow, mayCreate, mayMakeCurrent, mayManageSlate } from './guards.ts'
import { slateHistory } from './present.ts'
import { candidateView, cellUrl, matrixCandidates, today } from './present.ts'
import {
  findCurrentSlate,
  findCurrentSlateId,
  type findSlate,
  insertSlate,
  listSlates,
  slateMatrixData,
  updateSlate,
} from './queries.ts'
import { ENDORSEMENT_STATUSES, labelOf, slateForm, slateIdParam } from './schema.ts'

const RECENT_ENDORSEMENTS = 10

export default async function slatesRoutes(app: FastifyInstance) {
  const db = app.db
  const loadSlate = (id: number) => loadSlateRow(db, id)

  // ---- Slates -------------------------------------------------------------------

  app.get('/slates/current', async function showCurrentSlate(_request, reply) {
    const id = await findCurrentSlateId(db)
    return reply.redirect(id === undefined ? '/slates' : `/slates/${id}`, 303)
  })

  app.get('/slates', async function listSlatesPage(request, reply) {
    const rows = await listSlates(db)
    return reply.page('slates/index', {
      title: 'Slates',
      rows: rows.map((r) => ({ ...r, election: formatDate(r.election_date) })),
      canCreate: mayCreate(request.user!),
    })
  })

  type SlateRow = NonNullable<Awaited<ReturnType<typeof findSlate>>>

  /** The "Run by" choices: admins pick any chapter or none; organizers one of their own chapters. */
  async function ownerOptions(user: CurrentUser) {
    const chapters = await listChapterOptions(db)
    return chapters.filter((c) => user.isAdmin || can.edit(user, c.id)).map((c) => ({ value: c.id, label: c.name }))
  }

  async function slateFormView(
    user: CurrentUser,
    values: Record<string, string>,
    errors: FieldErrors,
    slate?: SlateRow,
    extra: Record<string, unknown> = {},
  ) {
    const current = await findCurrentSlate(db)
    const draft = { chapter_id: Number(values.chapter_id) || null }
    return {
      title: slate ? `Edit ${slate.name}` : 'New slate',
      action: slate ? `/slates/${slate.id}/edit` : '/slates',
      submitLabel: slate ? 'Save' : 'Create',
      cancelUrl: slate ? `/slates/${slate.id}` : '/slates',
      slate: slate ?? null,
      values,
      errors,
      ownerOptions: await ownerOptions(user),
      // Admins may leave "Run by" empty: the slate is then managed by admins only.
      ownerBlank: user.isAdmin ? 'No chapter (admins manage it)' : undefined,
      canMakeCurrent: Boolean(slate?.is_current) || mayMakeCurrent(user, draft, current),
      currentRule: CURRENT_RULE,
      currentNow: current && current.id !== slate?.id ? current.name : null,
      ...extra,
    }
  }

  /** The form's checks beyond its fields: who runs the slate, and the current-slate rule. */
  async function checkSlateForm(
    user: CurrentUser,
    data: { chapter_id: number | null; is_current: boolean },
    slate?: SlateRow,
  ) {
    const errors: FieldErrors = {}
    const keepsOwner = slate !== undefined && data.chapter_id === slate.chapter_id
    if (!keepsOwner && !mayManageSlate(user, { chapter_id: data.chapter_id }))
      errors.chapter_id = 'Choose a chapter you organize in.'
    if (data.is_current && !(slate?.is_current ?? false)) {
      const current = await findCurrentSlate(db)
      if (!mayMakeCurrent(user, { chapter_id: data.chapter_id }, current))
        errors.is_current =
          'Only an admin can make it the current slate now: ' + `${current?.name ?? 'another slate'} is current.`
    }
    return errors
  }

  app.get('/slates/new', async function newSlate(request, reply) {
    const user = request.user!
    if (!mayCreate(user)) throw forbidden()
    const own = user.isAdmin ? '' : String(user.chapters.find((c) => c.role === 'organizer')?.id ?? '')
    return reply.page('slates/form', await slateFormView(user, { goal: '100', chapter_id: own }, {}))
  })

  app.post('/slates', async function createSlate(request, reply) {
    const user = request.user!
    if (!mayCreate(user)) throw forbidden()
    const form = parseForm(slateForm, request.body)
    const rerender = async (errors: FieldErrors) =>
      reply.page('slates/form', await slateFormView(user, formValues(request.body), errors), { status: 422 })
    if (!form.ok) return rerender(form.errors)
    const problems = await checkSlateForm(user, form.data)
    if (Object.keys(problems).length) return rerender(problems)
    const slate = await db.transaction().execute(async (trx) => {
      const row = await insertSlate(trx, form.data)
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'slate',
        entityId: row.id,
        chapterId: row.chapter_id,
        after: row,
      })
      return row
    })
    setFlash(reply, 'ok', `${slate.name} was created.`)
    return reply.redirect(`/slates/${slate.id}`, 303)
  })

  async function loadManaged(request: FastifyRequest) {
    const { id } = request.params as { id: number }
    const slate = await loadSlate(id)
    if (!mayManageSlate(request.user!, slate)) throw forbidden()
    return slate
  }

  const slateValues = (s: SlateRow) => ({
    name: s.name,
    cycle: s.cycle ?? '',
    election_date: s.election_date ?? '',
    goal: String(s.goal),
    chapter_id: s.chapter_id === null ? '' : String(s.chapter_id),
    is_current: s.is_current ? 'on' : '',
    version: String(s.version),
  })

  app.get('/slates/:id/edit', { schema: { params: slateIdParam } }, async function editSlate(request, reply) {
    const slate = await loadManaged(request)
    return reply.page('slates/form', await slateFormView(request.user!, slateValues(slate), {}, slate))
  })

  app.post('/slates/:id/edit', { schema: { params: slateIdParam } }, async function saveSlate(request, reply) {
    const user = request.user!
    const before = await loadManaged(request)
    const values = formValues(request.body)
    const rerender = async (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page('slates/form', await slateFormView(user, values, errors, before, extra), { status })
    const form = parseForm(slateForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const problems = await checkSlateForm(user, form.data, before)
    if (Object.keys(problems).length) return rerender(problems)
    const after = await versionedTransaction(db, async (trx) => {
      const row = await updateSlate(trx, before.id, expectedVersion(values.version), form.data)
      if (isConflict(row)) return row
      const { chapter_name: _n, chapter_zone: _z, ...plain } = before
      const diff = diffRecords(plain, row)
      await audit(trx, request.actor, {
        action: 'update',
        entity: 'slate',
        entityId: row.id,
        chapterId: row.chapter_id,
        before: diff.before,
        after: diff.after,
      })
      return row
    })
    if (isConflict(after)) {
      const current = after.current
      if (!current) throw notFound('That slate')
      values.version = String(current.version)
      const conflict = conflictView(after, {
        what: 'slate',
        userId: user.id,
        timeZone: viewerZone(user),
        saved: [
          { label: 'Name', value: current.name },
          { label: 'Election cycle', value: current.cycle ?? '' },
          { label: 'Election date', value: formatDate(current.election_date) },
          { label: 'Goal', value: String(current.goal) },
          { label: 'Current slate', value: current.is_current ? 'yes' : 'no' },
        ],
      })
      return rerender({ _form: conflict.message }, 409, { conflict })
    }
    setFlash(reply, 'ok', 'Saved.')
    return reply.redirect(`/slates/${before.id}`, 303)
  })

  app.get('/slates/:id', { schema: { params: slateIdParam } }, async function showSlate(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const slate = await loadSlate(id)
    const [data, history] = await Promise.all([
      slateMatrixData(db, id, readScope(user), {}, { drives: 'projecting' }),
      entityHistory(db, 'slate', id, 20),
    ])
    const candidates = matrixCandidates(data.candidates)
    // The whip count's likely case of the drives heading to a vote (one query).
    const standings = await likelyStandings(
      db,
      data.drives.map((d) => d.driveId),
    )
    const goals = computeGoals({
      candidates,
      bodies: data.bodies,
      drives: data.drives,
      endorsements: data.endorsements,
      today: today(),
      likelyWins: new Set([...standings].filter(([, st]) => st === 'won').map(([id]) => id)),
    })
    // Week starts as the page writes every date ("Mon 2 Feb 2026"), in the chart and in the table beside it.
    const points = cumulativeByWeek(data.endorsements, data.bodies, today()).map((p) => ({
      ...p,
      weekStart: formatDate(p.weekStart),
    }))
    const bodyById = new Map(data.bodies.map((b) => [b.id, b]))
    const candidateById = new Map(data.candidates.map((c) => [c.id, c]))
    const slateGoal = slate.goal > 0 ? slate.goal : goals.slate.goal
    const endorsements = [...data.endorsements]
      .sort((a, b) => (a.decidedOn === b.decidedOn ? b.id - a.id : a.decidedOn < b.decidedOn ? 1 : -1))
      .map((e) => {
        const body = bodyById.get(e.bodyId)
        const cand = e.candidateId === null ? undefined : candidateById.get(e.candidateId)
        return {
          date: formatDate(e.decidedOn),
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
      slate: { ...slate, election: formatDate(slate.election_date) },
      runBy: slate.chapter_name ? `Run by ${slate.chapter_name}` : 'Run by the admins',
      canManage: mayManageSlate(user, slate),
      history: slateHistory(history, viewerZone(user)),
      candidates: data.candidates.map((c) => candidateView(c, user)),
      goals: goals.candidates.map((g) => ({
        ...g,
        squares: squares(g).map((s) => ({
          // The class is sq-won, sq-projected or sq-open: never the page-wide .empty.
          state: s === 'empty' ? 'open' : s,
          label: s === 'won' ? 'won' : s === 'projected' ? 'projected' : 'open',
        })),
        summary:
          `${g.won} won, ${g.projected} projected` +
          `${g.projectedToWin ? ` (${g.projectedToWin} projected to win)` : ''}, goal ${g.goal}`,
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
        projectedToWin: goals.slate.projectedToWin,
        goal: slateGoal,
        barValue: Math.min(goals.slate.distinctLocals, slateGoal),
        percent: Math.min(100, Math.round((goals.slate.distinctLocals / slateGoal) * 100)),
        sumOfGoals: goals.slate.goal,
      },
      chart: stepChartSvg(points, { title: `Endorsing locals by week for ${slate.name}` }),
      points,
      endorsements,
      // The latest ten on the page, the rest behind a summary (a slate gathers dozens over a cycle).
      recentEndorsements: endorsements.slice(0, RECENT_ENDORSEMENTS),
      olderEndorsements: endorsements.slice(RECENT_ENDORSEMENTS),
      canAddCandidate: mayCreate(user),
      canRecord: mayCreate(user),
    })
  })
}
