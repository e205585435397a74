// Decisions on the drive page: POST /drives/:id/decisions records the vote or
// a procedural outcome; record-decision.ts writes it and ends the drive when
// the outcome does. A decision that cannot be right is refused by the field,
// and one that ends the drive, lands on a drive not at the vote or reopens it
// is shown first (endings.ts) and saved only with confirm=yes.
import type { FastifyInstance } from 'fastify'
import { expectedVersion, isConflict, readConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm } from '../shared/validation.ts'
import { computeOutcome, outcomeEnds, type DecisionOutcome } from './decisions.ts'
import { drivePage, freshCsrfForForms, ZONE } from './drive-page.ts'
import { decisionPlan, decisionProblems } from './endings.ts'
import { placeLabel } from './present.ts'
import { decisionMessage, recordDecision as saveDecision } from './record-decision.ts'
import { decisionForm } from './schema.ts'
import type { StageKey } from './stages.ts'
import { todayIn } from './vote-dates.ts'

export default async function driveDecisionRoutes(app: FastifyInstance) {
  const db = app.db
  const page = drivePage(db)
  freshCsrfForForms(app)

  app.post('/drives/:id/decisions', { schema: { params: idParam } }, async function recordDecision(request, reply) {
    const d = await page.loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(decisionForm, request.body)
    if (!form.ok)
      return page.renderDrive(request, reply, d, { forms: { decision: { values, errors: form.errors } }, status: 422 })
    const f = form.data
    const outcome: DecisionOutcome =
      f.choice !== 'counted'
        ? f.choice
        : !f.quorum_met
          ? 'no_quorum'
          : computeOutcome({
              votesFor: f.votes_for ?? 0,
              votesAgainst: f.votes_against ?? 0,
              abstain: f.abstain ?? 0,
              threshold: f.threshold!,
              customPercent: f.threshold_percent,
              quorumMet: true,
            })
    const version = expectedVersion(values.version)
    // A stale page is a conflict before anything else, so a confirm step never shows what is out of date.
    if (version !== d.version)
      return page.renderDrive(request, reply, d, {
        forms: { decision: page.conflictForm(request, values, await readConflict(db, 'drives', d.id), d) },
        status: 409,
      })
    const problems = decisionProblems(f, outcome, { today: todayIn(ZONE(d)), filedOn: d.first_filed_on })
    if (Object.keys(problems).length)
      return page.renderDrive(request, reply, d, { forms: { decision: { values, errors: problems } }, status: 422 })
    const { confirm, ...typed } = values
    if (confirm === 'edit') {
      request.formKeyReleased = true
      reply.header('HX-Push-Url', 'false')
      return page.renderDrive(request, reply, d, { forms: { decision: { values: typed, errors: {}, open: true } } })
    }
    const plan = decisionPlan(
      {
        stage: d.stage as StageKey,
        status: d.status,
        filingRecorded: d.filing_recorded,
        asks: d.asks,
        candidateName: d.candidate_name,
      },
      f,
      outcome,
    )
    if (plan.confirm && confirm !== 'yes') {
      // Nothing is saved yet: the form's one-time key goes on to the confirm form, free to be claimed there.
      request.formKeyReleased = true
      const { _form_key: formKey, ...carried } = typed
      reply.header('HX-Push-Url', 'false')
      return reply.page('drives/confirm-decision', {
        formKey: formKey ?? '',
        title: `Record this decision? — ${d.local_name ?? d.union_name ?? 'Drive'}`,
        drive: { id: d.id, local: d.local_name ?? d.union_name ?? '', place: placeLabel(d.stage, d.status) },
        plan,
        hidden: Object.entries(carried).map(([name, value]) => ({ name, value })),
      })
    }
    const saved = await versionedTransaction(db, (trx) =>
      saveDecision(trx, request.actor, d, version, { ...f, threshold: f.threshold ?? null }, outcome),
    )
    if (isConflict(saved))
      return page.renderDrive(request, reply, await page.loadDrive(request), {
        forms: { decision: page.conflictForm(request, values, saved, d) },
        status: 409,
      })
    setFlash(reply, outcomeEnds(outcome) === 'lost' ? 'warn' : 'ok', decisionMessage(outcome, f.next_date))
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })
}
