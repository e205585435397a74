// The drive pipeline: POST /drives (start a drive from a local's page),
// /drives/:id (the drive page), its next step, moves between stages, process
// pushes, filings and decisions. The board is in board-routes.ts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { entityHistory } from '../audit/queries.ts'
import { can, readScope } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import {
  expectedVersion,
  isConflict,
  readConflict,
  versionedTransaction,
  type ConflictView,
} from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idFilter, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { findLocal } from '../unions/queries.ts'
import { DECIDING_BODIES, LOCAL_THRESHOLDS, labelOf } from '../unions/labels.ts'
import { computeOutcome, DECISION_OUTCOMES, outcomeEnds, THRESHOLDS, type DecisionOutcome } from './decisions.ts'
import { listTeam, supporterFacts, type SupporterFacts } from '../people/queries.ts'
import {
  endLabel,
  exitChecks,
  isEndKey,
  isStageKey,
  moveRequirements,
  stageIndex,
  stageLabel,
  type ExitFacts,
  type StageKey,
  type Thresholds,
} from './stages.ts'
import { earliestVoteDate, todayIn, voteAfterElection } from './vote-dates.ts'
import {
  driveTimeline,
  findDrive,
  insertDrive,
  insertFiling,
  insertProcessPush,
  insertStageChange,
  touchDrive,
  listCandidateOptions,
  listDriveEndorsements,
  listSlateOptions,
  findLocalDriveForSlate,
  updateDrive,
  findSlate,
  findSlateCandidate,
  type DriveRow,
} from './queries.ts'
import {
  ASKS,
  DECISION_CHOICES,
  MECHANISMS,
  PROCESS_OUTCOMES,
  decisionForm,
  filingForm,
  moveForm,
  nextStepForm,
  processForm,
  startDriveForm,
  type MoveTarget,
} from './schema.ts'
import {
  formatDate,
  formatMoment,
  moveOptions,
  placeLabel,
  plural,
  relativeDayLabel,
  daysUntil,
  daysInStage,
  stageProgress,
  statusLabel,
  timelineView,
  MOVE_TARGET_LABELS,
  driveConflictView,
  type DriveConflict,
} from './present.ts'
import { loadLogPanelRows, logPanelView } from '../people/inline-log.ts'
import { decisionMessage, recordDecision as saveDecision } from './record-decision.ts'
import { loadDrivePanels, startView } from './panels.ts'
import { filingWarning, whipExitFacts, type WhipExitFacts } from '../whip/panels.ts'

type FormState = {
  values: Record<string, string>
  errors: FieldErrors
  warnings?: string[]
  checked?: string[]
  conflict?: ConflictView
}
type Forms = { nextStep: FormState; process: FormState; filing: FormState; decision: FormState }

const ZONE = (d: { time_zone: string | null }) => d.time_zone ?? 'UTC'

/** A drive with its supporter roll-up (from the people capability) when it was loaded. */
type LoadedDrive = DriveRow & { supporters?: SupporterFacts; whipFacts?: WhipExitFacts }

export function factsOf(d: LoadedDrive): ExitFacts {
  const s = d.supporters
  return {
    supportersLevel12: s?.supportersLevel12 ?? null,
    potentialLeaders: s?.potentialLeaders ?? null,
    processAdopted: d.process_adopted,
    processSkippedReason: d.process_skipped_reason,
    leadersTrained: s?.leadersTrained ?? null,
    filingRecorded: d.filing_recorded,
    decisionRecorded: d.decision_recorded,
    whip: d.whipFacts?.whip ?? null,
    majorityTest: d.whipFacts?.majorityTest ?? null,
  }
}

export function thresholdsOf(d: DriveRow): Thresholds {
  return {
    minSupporters: d.min_supporters ?? 5,
    minLeaders: d.min_leaders ?? 1,
    minTrainedLeaders: d.min_trained_leaders ?? 3,
  }
}

const driveTitle = (d: DriveRow) => `${d.local_name ?? d.union_name ?? 'Drive'} — ${d.slate_name}`

type MovePlan = {
  warnings: string[]
  reasonRequired: boolean
  toStage: StageKey
  toStatus: 'active' | 'paused' | 'won' | 'lost' | 'dropped'
  newStage: boolean
}

/** What a move does and asks for; `null` when the drive is already there. Never a hard block. */
export function planMove(d: DriveRow, to: MoveTarget): MovePlan | null {
  const stage = d.stage as StageKey
  const ended = isEndKey(d.status)
  const reopen = ended ? [`Reopening a drive that ended as “${endLabel(d.status as 'won')}”.`] : []
  if (isStageKey(to)) {
    if (!ended && to === stage) return null
    if (ended) return { warnings: reopen, reasonRequired: true, toStage: to, toStatus: 'active', newStage: true }
    const req = moveRequirements(stage, to, factsOf(d), thresholdsOf(d))
    return {
      warnings: req.warnings,
      reasonRequired: req.reasonRequired,
      toStage: to,
      toStatus: d.status as 'active',
      newStage: true,
    }
  }
  if (to === 'paused')
    return d.status === 'active'
      ? { warnings: [], reasonRequired: false, toStage: stage, toStatus: 'paused', newStage: false }
      : null
  if (to === 'active')
    return d.status === 'active'
      ? null
      : { warnings: reopen, reasonRequired: ended, toStage: stage, toStatus: 'active', newStage: ended }
  if (to === d.status) return null
  if (to === 'dropped')
    return {
      warnings: ['A dropped drive needs a reason, so the chapter remembers why.'],
      reasonRequired: true,
      toStage: stage,
      toStatus: 'dropped',
      newStage: true,
    }
  const warnings = [...reopen]
  if (!d.decision_recorded)
    warnings.push(
      `No decision is recorded. Record the vote with the decision form${to === 'won' ? ' so the endorsement is counted' : ''}, or give a reason.`,
    )
  return { warnings, reasonRequired: warnings.length > 0, toStage: stage, toStatus: to, newStage: true }
}

export default async function drivesRoutes(app: FastifyInstance) {
  const db = app.db
  // Forms re-rendered by a POST (422/409) need a fresh CSRF token too; the security
  // plugin only makes one for GET. Scoped to this plugin's routes.
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  async function loadDrive(request: FastifyRequest, opts: { edit?: boolean } = {}) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const found = await findDrive(db, readScope(user), id)
    if (!found) throw notFound('That drive')
    const [supporters, whip] = await Promise.all([supporterFacts(db, [found.id]), whipExitFacts(db, [found.id])])
    const drive: LoadedDrive = { ...found, supporters: supporters.get(found.id), whipFacts: whip.get(found.id) }
    if (opts.edit && !can.edit(user, drive.chapter_id))
      throw forbidden('Only the chapter’s organizers can change this drive.')
    return drive
  }

  function defaultForms(d: DriveRow): Forms {
    const today = todayIn(ZONE(d))
    const body = d.deciding_body ? labelOf(DECIDING_BODIES, d.deciding_body) : ''
    return {
      nextStep: { values: { next_step: d.next_step ?? '', next_step_due: d.next_step_due ?? '' }, errors: {} },
      process: { values: { outcome: 'pending', decided_on: today, body }, errors: {}, checked: [] },
      filing: { values: { filed_on: today, body }, errors: {} },
      decision: {
        values: {
          held_on: d.vote_date ?? today,
          body,
          kind: 'meeting',
          quorum_met: 'on',
          binding: 'on',
          choice: 'counted',
          threshold: d.local_threshold ?? '',
          threshold_percent: d.local_threshold_percent === null ? '' : String(d.local_threshold_percent),
        },
        errors: {},
      },
    }
  }

  async function renderDrive(
    request: FastifyRequest,
    reply: FastifyReply,
    d: LoadedDrive,
    o: { forms?: Partial<Forms>; status?: number } = {},
  ) {
    const user = request.user!
    const tz = ZONE(d)
    const [timeline, history, endorsements, team, logRows, panels] = await Promise.all([
      driveTimeline(db, d.id),
      entityHistory(db, 'drive', d.id, 30),
      listDriveEndorsements(db, d.id),
      can.seeNames(user, d.chapter_id) ? listTeam(db, d.id) : Promise.resolve([]),
      d.chapter_id !== null && d.local_id !== null && can.log(user, d.chapter_id) && can.seeNames(user, d.chapter_id)
        ? loadLogPanelRows(db, d.chapter_id, d.local_id)
        : Promise.resolve(null),
      loadDrivePanels(db, user, d),
    ])
    const s = d.supporters
    const stage = d.stage as StageKey
    const due = d.next_step_due ? daysUntil(d.next_step_due, tz) : null
    const vote = d.vote_date ? daysUntil(d.vote_date, tz) : null
    const forms = { ...defaultForms(d), ...(o.forms ?? {}) }
    const view = {
      title: driveTitle(d),
      drive: {
        id: d.id,
        version: d.version,
        localId: d.local_id,
        local: d.local_name ?? d.union_name ?? '',
        union: d.union_abbreviation ? `${d.union_name} (${d.union_abbreviation})` : 'Independent',
        chapter: d.chapter_name ?? 'No chapter',
        slate: d.slate_name,
        asks: labelOf(ASKS, d.asks),
        candidate: d.candidate_name ? `${d.candidate_name}, ${d.candidate_office}` : '',
        place: placeLabel(d.stage, d.status),
        status: d.status,
        statusLabel: statusLabel(d.status),
        ended: isEndKey(d.status),
        owner: d.owner_name ?? 'Nobody yet',
        daysInStage: plural(daysInStage(d.stage_entered_at as unknown as Date, tz), 'day'),
        nextStep: d.next_step ?? '',
        due: d.next_step_due ? `${formatDate(d.next_step_due)} (${relativeDayLabel(due!)})` : '',
        overdue: d.status === 'active' && due !== null && due < 0,
        vote: d.vote_date ? `${formatDate(d.vote_date)} (${relativeDayLabel(vote!)})` : '',
        endReason: d.end_reason ?? '',
        timeZone: tz,
      },
      progress: stageProgress(stage, d.status),
      rollup: s
        ? {
            levels: ([1, 2, 3, 4, 5] as const).map((l) => ({ level: l, count: s.byLevel[l] })),
            leaders: s.potentialLeaders,
            trained: s.leadersTrained,
            board: s.boardShare.total
              ? `${s.boardShare.atLevel12} of ${s.boardShare.total} executive-board members and delegates we know are at level 1–2`
              : 'No executive-board members or delegates known yet',
          }
        : null,
      team: team.map((m) => ({
        id: m.supporter_id,
        name: m.name,
        role: m.role,
        trained: m.trained_on ? formatDate(m.trained_on) : 'not yet trained',
        level: m.current_level,
      })),
      canSeeNames: can.seeNames(user, d.chapter_id),
      filingWarning: filingWarning(d.whipFacts),
      logPanel: logPanelView(user, d.chapter_id, `/drives/${d.id}`, logRows),
      panels,
      stageName: stageLabel(stage),
      checks: exitChecks(stage, factsOf(d), thresholdsOf(d)).map((c) => ({
        ...c,
        badge: c.state === 'met' ? 'ok' : c.state === 'unmet' ? 'warn' : '',
        stateLabel: c.state === 'met' ? 'Met' : c.state === 'unmet' ? 'Not met' : 'Not measurable yet',
      })),
      rules: {
        deciding: d.deciding_body ? labelOf(DECIDING_BODIES, d.deciding_body) : 'Not known',
        recommending: d.recommending_body ?? '',
        threshold:
          d.local_threshold === 'custom'
            ? `${d.local_threshold_percent}%`
            : d.local_threshold
              ? labelOf(LOCAL_THRESHOLDS, d.local_threshold)
              : 'Not known',
        quorum: d.quorum ?? 'Not known',
        notice:
          d.notice_days === null
            ? 'Not known'
            : `${plural(d.notice_days, 'day')}${d.first_reading ? ', first reading required' : ''}`,
        meetings: d.meeting_schedule ?? 'Not known',
        parentApproval: d.parent_approval_offices ?? 'None recorded',
        verified: d.rules_verified === true,
      },
      timeline: timelineView(timeline, tz),
      history: history.map((h) => ({ at: formatMoment(h.at, tz), actor: h.actor ?? 'Tenfold', action: h.action })),
      endorsements: endorsements.map((e) => ({
        ...e,
        decided_on: formatDate(e.decided_on),
        scope: e.candidate_name ?? 'Whole slate',
      })),
      canEdit: can.edit(user, d.chapter_id),
      moveOptions: moveOptions(stage, d.status),
      forms,
      mechanismOptions: MECHANISMS,
      processOutcomeOptions: PROCESS_OUTCOMES,
      thresholdOptions: THRESHOLDS.map((t) => ({ value: t.key, label: t.label })),
      choiceOptions: [
        { value: 'counted', label: 'A counted vote (the outcome is computed)' },
        ...DECISION_OUTCOMES.filter((x) => (DECISION_CHOICES as readonly string[]).includes(x.key)).map((x) => ({
          value: x.key,
          label: x.label,
        })),
      ],
      kindOptions: [
        { value: 'meeting', label: 'Meeting' },
        { value: 'poll', label: 'Member poll' },
      ],
    }
    // A re-rendered form answers a POST: keep the address bar on a URL that can be reloaded.
    if (o.status && o.status >= 400) reply.header('HX-Push-Url', 'false')
    return reply.page('drives/show', view, {
      fragment: { target: 'next-step', view: 'drives/_next-step' },
      status: o.status,
    })
  }

  /** A 409's form state: what was typed, the message naming who saved first, and the saved values. */
  function conflictForm(request: FastifyRequest, values: Record<string, string>, c: DriveConflict, d: DriveRow) {
    const conflict = driveConflictView(c, request.user!.id, ZONE(d))
    return { values, errors: { _form: conflict.message }, conflict }
  }

  // ---- Start a drive ----------------------------------------------------------

  app.post('/drives', async function startDrive(request, reply) {
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden('Only organizers can start a drive.')
    const values = formValues(request.body)
    const rerender = async (errors: FieldErrors, status = 422) => {
      const localId = idFilter(values.local_id)
      const local = localId ? await findLocal(db, localId) : undefined
      const [slates, candidates] = await Promise.all([listSlateOptions(db), listCandidateOptions(db)])
      return reply.page(
        'drives/new',
        {
          title: 'Start a drive',
          localName: local?.name ?? '',
          start: startView(slates, candidates, values, errors, true),
        },
        { status },
      )
    }
    const form = parseForm(startDriveForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const local = await findLocal(db, form.data.local_id)
    if (!local) throw notFound('That local')
    if (local.chapter_id === null)
      return rerender({ local_id: 'This local has no chapter yet. Set its chapter on the local’s page first.' })
    if (!can.edit(user, local.chapter_id)) throw forbidden('Only the chapter’s organizers can start a drive.')
    const slate = await findSlate(db, form.data.slate_id)
    if (!slate) return rerender({ slate_id: 'Choose a slate from the list.' })
    if (form.data.candidate_id !== null && !(await findSlateCandidate(db, slate.id, form.data.candidate_id))) {
      return rerender({ candidate_id: 'That candidate is not on the chosen slate.' })
    }
    try {
      const drive = await db.transaction().execute(async (trx) => {
        const row = await insertDrive(trx, {
          slate_id: slate.id,
          local_id: local.id,
          chapter_id: local.chapter_id,
          asks: form.data.asks,
          candidate_id: form.data.candidate_id,
          owner_id: user.id,
        })
        await insertStageChange(trx, {
          drive_id: row.id,
          from_stage: null,
          to_stage: row.stage,
          from_status: null,
          to_status: row.status,
          reason: null,
          warnings: [],
          actor_id: user.id,
        })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'drive',
          entityId: row.id,
          chapterId: row.chapter_id,
          after: row,
        })
        return row
      })
      setFlash(reply, 'ok', `The drive at ${local.name} has started.`)
      return reply.redirect(`/drives/${drive.id}`, 303)
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        const existing = await findLocalDriveForSlate(db, local.id, slate.id)
        return rerender({
          slate_id: 'This local already has a drive for that slate.',
          _form: 'This local already has a drive for that slate.',
          ...(existing ? { _exists: `/drives/${existing.id}`, _existsLabel: 'Open that drive' } : {}),
        })
      }
      throw err
    }
  })

  // ---- The drive page ---------------------------------------------------------

  app.get('/drives/:id', { schema: { params: idParam } }, async function showDrive(request, reply) {
    return renderDrive(request, reply, await loadDrive(request))
  })

  app.post('/drives/:id/next-step', { schema: { params: idParam } }, async function saveNextStep(request, reply) {
    const d = await loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(nextStepForm, request.body)
    if (!form.ok)
      return renderDrive(request, reply, d, { forms: { nextStep: { values, errors: form.errors } }, status: 422 })
    const saved = await versionedTransaction(db, async (trx) => {
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
      return renderDrive(request, reply, await loadDrive(request), {
        forms: { nextStep: conflictForm(request, values, saved, d) },
        status: 409,
      })
    // htmx swaps the panel in place: no flash, which would show up on a later page.
    if (request.htmx.partial && request.htmx.target === 'next-step')
      return renderDrive(request, reply, await loadDrive(request))
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
  ) {
    reply.header('HX-Push-Url', 'false')
    return reply.page(
      'drives/move',
      {
        title: `Move ${d.local_name ?? 'the drive'}`,
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
    const d = await loadDrive(request, { edit: true })
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
    if (plan.reasonRequired && !form.data.reason) {
      return renderMove(
        request,
        reply,
        d,
        values,
        { reason: 'Give a reason for this move: it goes into the drive’s history.' },
        plan.warnings,
        422,
      )
    }
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
    if (isConflict(saved)) return moveConflict(saved, await loadDrive(request))
    setFlash(reply, 'ok', `${d.local_name ?? 'The drive'}: now at “${placeLabel(plan.toStage, plan.toStatus)}”.`)
    return reply.redirect(back, 303)
  })

  // ---- Process pushes, filings and decisions ---------------------------------

  app.post('/drives/:id/process', { schema: { params: idParam } }, async function recordProcess(request, reply) {
    const d = await loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const raw = (request.body as Record<string, unknown> | undefined)?.mechanisms
    const checked = raw === undefined ? [] : ([] as unknown[]).concat(raw).map(String)
    const form = parseForm(processForm, request.body)
    if (!form.ok)
      return renderDrive(request, reply, d, {
        forms: { process: { values, errors: form.errors, checked } },
        status: 422,
      })
    await db.transaction().execute(async (trx) => {
      const row = await insertProcessPush(trx, { drive_id: d.id, ...form.data, actor_id: request.user!.id })
      await touchDrive(trx, d.id)
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'process_push',
        entityId: row.id,
        chapterId: d.chapter_id,
        after: row,
      })
    })
    setFlash(reply, 'ok', 'Process push recorded.')
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })

  app.post('/drives/:id/filings', { schema: { params: idParam } }, async function recordFiling(request, reply) {
    const d = await loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(filingForm, request.body)
    if (!form.ok)
      return renderDrive(request, reply, d, { forms: { filing: { values, errors: form.errors } }, status: 422 })
    const earliest = earliestVoteDate({
      filedOn: form.data.filed_on,
      noticeDays: d.notice_days ?? 0,
      timeZone: ZONE(d),
    })
    const election = d.candidate_election_date ?? d.slate_election_date
    await db.transaction().execute(async (trx) => {
      const row = await insertFiling(trx, {
        drive_id: d.id,
        ...form.data,
        candidate_id: d.candidate_id,
        earliest_vote_on: earliest,
        actor_id: request.user!.id,
      })
      await touchDrive(trx, d.id, d.vote_date === null ? { vote_date: earliest } : {})
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'filing',
        entityId: row.id,
        chapterId: d.chapter_id,
        after: { ...row, text_filed: `${row.text_filed.length} characters` },
      })
    })
    const short = filingWarning(d.whipFacts).replace(' — file anyway?', '.')
    if (voteAfterElection(earliest, election)) {
      setFlash(
        reply,
        'warn',
        `Filing recorded. The earliest vote, ${formatDate(earliest)}, falls after the election on ${formatDate(election)}.${short ? ` ${short}` : ''}`,
      )
    } else if (short) {
      setFlash(reply, 'warn', `Filing recorded. Earliest vote: ${formatDate(earliest)}. ${short}`)
    } else {
      setFlash(
        reply,
        'ok',
        `Filing recorded. Earliest vote: ${formatDate(earliest)}${d.notice_days === null ? ' (the local’s notice period is not known)' : ''}.`,
      )
    }
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })

  app.post('/drives/:id/decisions', { schema: { params: idParam } }, async function recordDecision(request, reply) {
    const d = await loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(decisionForm, request.body)
    if (!form.ok)
      return renderDrive(request, reply, d, { forms: { decision: { values, errors: form.errors } }, status: 422 })
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
      return renderDrive(request, reply, await loadDrive(request), {
        forms: { decision: conflictForm(request, values, saved, d) },
        status: 409,
      })
    setFlash(reply, outcomeEnds(outcome) === 'lost' ? 'warn' : 'ok', decisionMessage(outcome, f.next_date))
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })
}
