// The drive page's next step (POST /drives/:id/next-step) and moves between
// stages, ends and pause (POST /drives/:id/stage, from the drive page and the
// board's cards). What a move asks for is planned in stages.ts (planMove).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import {
  expectedVersion,
  isConflict,
  readConflict,
  versionedTransaction,
  type ConflictView,
} from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { drivePage, freshCsrfForForms, ZONE } from './drive-page.ts'
import { driveConflictView, moveOptions, MOVE_TARGET_LABELS, placeLabel, type DriveConflict } from './present.ts'
import { insertStageChange, updateDrive, type DriveRow } from './queries.ts'
import { moveForm, nextStepForm } from './schema.ts'
import { endPlan, type Plan } from './endings.ts'
import { isEndKey, planMove, stageIndex, type StageKey } from './stages.ts'

export default async function driveStageRoutes(app: FastifyInstance) {
  const db = app.db
  const page = drivePage(db)
  freshCsrfForForms(app)

  app.post('/drives/:id/next-step', { schema: { params: idParam } }, async function saveNextStep(request, reply) {
    const d = await page.loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(nextStepForm, request.body)
    if (!form.ok)
      return page.renderDrive(request, reply, d, { forms: { nextStep: { values, errors: form.errors } }, status: 422 })
    // Saving what is already saved (Save pressed twice, an empty form on a drive with no next step) changes
    // nothing: no version bump that would turn another tab's save into a conflict, no empty "{} → {}" audit row.
    const unchanged = form.data.next_step === d.next_step && form.data.next_step_due === d.next_step_due
    const saved = await versionedTransaction(db, async (trx) => {
      if (unchanged) return
      const row = await updateDrive(trx, d.id, expectedVersion(values.version), {
        next_step: form.data.next_step,
        next_step_due: form.data.next_step_due,
      })
      if (isConflict(row)) return row
      const { before, after } = diffRecords(
        { next_step: d.next_step, next_step_due: d.next_step_due },
        { next_step: row.next_step, next_step_due: row.next_step_due },
      )
      await audit(trx, request.actor, {
        action: 'update',
        entity: 'drive',
        entityId: d.id,
        chapterId: d.chapter_id,
        before,
        after,
      })
    })
    if (isConflict(saved))
      return page.renderDrive(request, reply, await page.loadDrive(request), {
        forms: { nextStep: page.conflictForm(request, values, saved, d) },
        status: 409,
      })
    // htmx swaps the panel in place: no flash, which would show up on a later page.
    if (request.htmx.partial && request.htmx.target === 'next-step')
      return page.renderDrive(request, reply, await page.loadDrive(request))
    setFlash(reply, 'ok', 'Next step saved.')
    return reply.redirect(`/drives/${d.id}`, 303)
  })

  // ---- Moves ------------------------------------------------------------------

  function safeBack(v: string | undefined, id: number) {
    return v && /^\/(board|drives\/\d+)(\?[\w=&%.+-]*)?$/.test(v) ? v : `/drives/${id}`
  }

  async function renderMove(
    _request: FastifyRequest,
    reply: FastifyReply,
    d: DriveRow,
    values: Record<string, string>,
    errors: FieldErrors,
    warnings: string[],
    status: number,
    conflict?: ConflictView,
    plan?: Plan,
  ) {
    reply.header('HX-Push-Url', 'false')
    return reply.page(
      'drives/move',
      {
        title: `${plan ? 'End' : 'Move'} ${d.local_name ?? 'the drive'}`,
        plan,
        drive: {
          id: d.id,
          local: d.local_name ?? d.union_name ?? '',
          place: placeLabel(d.stage, d.status),
          version: d.version,
        },
        values: { ...values, version: String(d.version) },
        errors,
        warnings,
        conflict,
        options: moveOptions(d.stage as StageKey, d.status),
      },
      { status },
    )
  }

  app.post('/drives/:id/stage', { schema: { params: idParam } }, async function changeStage(request, reply) {
    const d = await page.loadDrive(request, { edit: true })
    const user = request.user!
    const values = formValues(request.body)
    const back = safeBack(values.back, d.id)
    const form = parseForm(moveForm, request.body)
    if (!form.ok) return renderMove(request, reply, d, values, form.errors, [], 422)
    const version = expectedVersion(values.version)
    const moveConflict = async (c: DriveConflict, current: DriveRow) => {
      const view = driveConflictView(c, user.id, ZONE(current))
      return renderMove(request, reply, current, values, { _form: view.message }, [], 409, view)
    }
    if (version !== d.version) return moveConflict(await readConflict(db, 'drives', d.id), d)
    const plan = planMove(d, form.data.to)
    if (!plan) {
      setFlash(reply, 'warn', `The drive is already at “${MOVE_TARGET_LABELS[form.data.to]}”.`)
      return reply.redirect(back, 303)
    }
    // Ending a drive says what will happen first (endings.ts); confirm names the end it confirms.
    const ending = isEndKey(plan.toStatus)
      ? endPlan({ stage: d.stage as StageKey, status: d.status, decisionRecorded: d.decision_recorded }, plan.toStatus)
      : undefined
    if (plan.reasonRequired && !form.data.reason) {
      return renderMove(
        request,
        reply,
        d,
        values,
        { reason: 'Give a reason for this move: it goes into the drive’s history.' },
        plan.warnings,
        422,
        undefined,
        ending,
      )
    }
    if (ending && values.confirm !== plan.toStatus)
      return renderMove(request, reply, d, values, {}, plan.warnings, 200, undefined, ending)
    const saved = await versionedTransaction(db, async (trx) => {
      const patch = {
        stage: plan.toStage,
        status: plan.toStatus,
        ...(isEndKey(plan.toStatus)
          ? { end_reason: form.data.reason }
          : plan.toStatus === 'active' && isEndKey(d.status)
            ? { end_reason: null }
            : {}),
        // Leaving `democratize` forward without an adopted process: the reason is the team's recorded skip.
        ...(d.stage === 'democratize' &&
        stageIndex(plan.toStage) > stageIndex('democratize') &&
        !d.process_adopted &&
        form.data.reason
          ? { process_skipped_reason: form.data.reason }
          : {}),
      }
      const row = await updateDrive(trx, d.id, version, patch, { newStage: plan.newStage })
      if (isConflict(row)) return row
      await insertStageChange(trx, {
        drive_id: d.id,
        from_stage: d.stage,
        to_stage: plan.toStage,
        from_status: d.status,
        to_status: plan.toStatus,
        reason: form.data.reason,
        warnings: plan.warnings,
        actor_id: user.id,
      })
      const { before, after } = diffRecords(
        { stage: d.stage, status: d.status, end_reason: d.end_reason },
        { stage: row.stage, status: row.status, end_reason: row.end_reason },
      )
      await audit(trx, request.actor, {
        action: 'move',
        entity: 'drive',
        entityId: d.id,
        chapterId: d.chapter_id,
        before,
        after: { ...after, reason: form.data.reason },
      })
    })
    if (isConflict(saved)) return moveConflict(saved, await page.loadDrive(request))
    setFlash(reply, 'ok', `${d.local_name ?? 'The drive'}: now at “${placeLabel(plan.toStage, plan.toStatus)}”.`)
    return reply.redirect(back, 303)
  })
}
