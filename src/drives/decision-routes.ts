// Decisions on the drive page: POST /drives/:id/decisions records the vote or
// a procedural outcome; record-decision.ts writes it and ends the drive when
// the outcome does.
import type { FastifyInstance } from 'fastify'
import { expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm } from '../shared/validation.ts'
import { computeOutcome, outcomeEnds, type DecisionOutcome } from './decisions.ts'
import { drivePage, freshCsrfForForms } from './drive-page.ts'
import { decisionMessage, recordDecision as saveDecision } from './record-decision.ts'
import { decisionForm } from './schema.ts'

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
    const saved = await versionedTransaction(db, (trx) =>
      saveDecision(
        trx,
        request.actor,
        d,
        expectedVersion(values.version),
        { ...f, threshold: f.threshold ?? null },
        outcome,
      ),
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
