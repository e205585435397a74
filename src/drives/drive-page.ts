// The drive page, shared by the drive's route files (routes.ts, stage-routes.ts,
// process-routes.ts, filing-routes.ts, decision-routes.ts): loading a drive
// with its supporter and whip facts, the forms' defaults, and rendering
// /drives/:id — also when a POST answers with the page and a form's errors.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { entityHistory } from '../audit/queries.ts'
import { can, readScope } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { listTeam, supporterFacts, type SupporterFacts } from '../people/queries.ts'
import { loadLogPanelRows, logPanelView } from '../people/inline-log.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import type { ConflictView } from '../shared/conflict.ts'
import type { FieldErrors } from '../shared/validation.ts'
import { DECIDING_BODIES, LOCAL_THRESHOLDS, labelOf } from '../unions/labels.ts'
import { filingWarning, whipExitFacts, type WhipExitFacts } from '../whip/panels.ts'
import { DECISION_OUTCOMES, THRESHOLDS } from './decisions.ts'
import { filingNoticeView } from './filings.ts'
import { loadDrivePanels } from './panels.ts'
import {
  daysInStage,
  daysUntil,
  driveConflictView,
  formatDate,
  formatMoment,
  moveOptions,
  placeLabel,
  plural,
  relativeDayLabel,
  stageProgress,
  statusLabel,
  timelineView,
  type DriveConflict,
} from './present.ts'
import { driveTimeline, findDrive, listDriveEndorsements, type DriveRow } from './queries.ts'
import { ASKS, DECISION_CHOICES, MECHANISMS, PROCESS_OUTCOMES } from './schema.ts'
import { exitChecks, factsOf, isEndKey, stageLabel, thresholdsOf, type StageKey } from './stages.ts'
import { todayIn } from './vote-dates.ts'

export type FormState = {
  values: Record<string, string>
  errors: FieldErrors
  warnings?: string[]
  checked?: string[]
  conflict?: ConflictView
  /** Show the form open (its <details>), e.g. back from a confirm step to change what was typed. */
  open?: boolean
}
export type Forms = { nextStep: FormState; process: FormState; filing: FormState; decision: FormState }

export const ZONE = (d: { time_zone: string | null }) => d.time_zone ?? 'UTC'

/** A drive with its supporter roll-up (from the people capability) when it was loaded. */
export type LoadedDrive = DriveRow & { supporters?: SupporterFacts; whipFacts?: WhipExitFacts }

const driveTitle = (d: DriveRow) => `${d.local_name ?? d.union_name ?? 'Drive'} — ${d.slate_name}`

/**
 * Forms re-rendered by a POST (422/409) need a fresh CSRF token too; the security
 * plugin only makes one for GET. Scoped to the calling plugin's routes.
 */
export function freshCsrfForForms(app: FastifyInstance) {
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })
}

/** The drive page's pieces for one app's database. */
export function drivePage(db: Db) {
  async function loadDrive(request: FastifyRequest, opts: { edit?: boolean } = {}): Promise<LoadedDrive> {
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
          // A decision is recorded once held: the vote date while it is not still ahead, else today.
          held_on: d.vote_date && d.vote_date <= today ? d.vote_date : today,
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
      progress: stageProgress(stage, d.status, factsOf(d), thresholdsOf(d)),
      rollup: s
        ? {
            levels: ([1, 2, 3, 4, 5] as const).map((l) => ({ level: l, count: s.byLevel[l] })),
            leaders: s.potentialLeaders,
            trained: s.leadersTrained,
            board: s.boardShare.total
              ? `${s.boardShare.atLevel12} of ${s.boardShare.total} executive-board members and delegates ` +
                'we know are at level 1–2'
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
      filingNotice: filingNoticeView(d),
      logPanel: logPanelView(user, d.chapter_id, `/drives/${d.id}`, logRows),
      panels,
      stageName: stageLabel(stage),
      // What a decision will do here, said before the form is filled (the confirm step says it again in full).
      decisionNote: isEndKey(d.status)
        ? 'This drive has ended: a decision recorded now reopens it at the vote, or ends it again. ' +
          'You will see what happens and confirm first.'
        : stage !== 'vote'
          ? `This drive is at “${stageLabel(stage)}”: a decision moves it to “${stageLabel('vote')}”. ` +
            'You will see what happens and confirm first.'
          : 'A vote that is adopted or fails ends the drive: you will see what happens and confirm first.',
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

  return { loadDrive, renderDrive, conflictForm }
}
