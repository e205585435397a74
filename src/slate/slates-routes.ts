// Slates: /slates (list, create), /slates/current, /slates/:id (candidates,
// goals, the 10×10 picture, endorsements over time).
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { readScope, type CurrentUser } from '../auth/access.ts'
import { forbidden } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, parseForm, type FieldErrors } from '../shared/validation.ts'
import { endorsementLevel, isInForce, LEVEL_LABELS } from './build-matrix.ts'
import { stepChartSvg } from './chart.ts'
import { computeGoals, cumulativeByWeek, squares } from './goals.ts'
import { likelyStandings } from '../whip/panels.ts'
import { loadSlate as loadSlateRow, mayCreate } from './guards.ts'
import { candidateView, cellUrl, matrixCandidates, today } from './present.ts'
import { findCurrentSlateId, insertSlate, listSlates, slateMatrixData } from './queries.ts'
import { ENDORSEMENT_STATUSES, labelOf, slateForm, slateIdParam } from './schema.ts'

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
        summary: `${g.won} won, ${g.projected} projected${g.projectedToWin ? ` (${g.projectedToWin} projected to win)` : ''}, goal ${g.goal}`,
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
      canAddCandidate: mayCreate(user),
      canRecord: mayCreate(user),
    })
  })
}
