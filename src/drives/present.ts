// View models for the pipeline's pages: dates in the chapter's time zone with
// luxon ("in 3 days", "12 days in stage"), labels for stages, statuses, moves
// and timeline entries, and the board's cards. Templates only print these.
import * as fmt from '../shared/format.ts'
import type { Selectable } from 'kysely'
import type { DrivesTable } from '../db/schema.ts'
import { conflictView, type VersionConflict } from '../shared/conflict.ts'
import { ORIENTATIONS, labelOf } from '../unions/labels.ts'
import { outcomeLabel, thresholdLabel, type DecisionOutcome, type VoteThreshold } from './decisions.ts'
import {
  END_KEYS,
  STAGES,
  driveStatusLabel,
  endLabel,
  exitChecks,
  isEndKey,
  isStageKey,
  stageLabel,
  type DriveStatus,
  type ExitFacts,
  type StageKey,
  type Thresholds,
} from './stages.ts'
import { MECHANISMS, PROCESS_OUTCOMES, type MoveTarget } from './schema.ts'
import type { CardRow, TimelineRow } from './queries.ts'

// Dates, day counts and plurals are written by shared/format.ts; these names
// stay so the pipeline's modules keep importing them from here.
export const formatDate = (iso: string | null | undefined): string => fmt.formatDate(iso)
export const formatMoment = (at: Date, tz: string | null | undefined): string => fmt.formatMoment(at, tz)
export const relativeDayLabel = fmt.relativeDayLabel
export const plural = fmt.plural

/** Days from today (in `tz`) to a date: negative when past. */
export const daysUntil = (iso: string, tz: string | null | undefined, now = new Date()): number =>
  fmt.daysUntil(iso, tz, now)

export const daysInStage = (enteredAt: Date, tz: string | null | undefined, now = new Date()): number =>
  fmt.daysSince(enteredAt, tz, now)

export function statusLabel(status: string): string {
  return driveStatusLabel(status as DriveStatus)
}

export function placeLabel(stage: string, status: string): string {
  if (isEndKey(status)) return endLabel(status)
  const s = isStageKey(stage) ? stageLabel(stage) : stage
  return status === 'paused' ? `${s} (paused)` : s
}

export const MOVE_TARGET_LABELS: Record<MoveTarget, string> = {
  identify: stageLabel('identify'),
  democratize: stageLabel('democratize'),
  build_team: stageLabel('build_team'),
  file_resolution: stageLabel('file_resolution'),
  vote: stageLabel('vote'),
  won: 'Won',
  lost: 'Lost',
  dropped: 'Dropped',
  paused: 'Pause the drive',
  active: 'Resume the drive',
}

/** The choices of a move form, leaving out where the drive already is. */
/**
 * Where a drive can go, most likely first: the stages ahead (the next one
 * first), the ends, pause or resume, then the stages behind. An ended drive
 * reopens at any stage, in pipeline order.
 */
export function moveOptions(stage: StageKey, status: string): { value: string; label: string }[] {
  const open = status === 'active' || status === 'paused'
  const here = STAGES.findIndex((s) => s.key === stage)
  const opt = (s: (typeof STAGES)[number]) => ({ value: s.key, label: s.label })
  const ends = END_KEYS.filter((e) => e !== status).map((e) => ({ value: e, label: MOVE_TARGET_LABELS[e] }))
  if (!open) return [...STAGES.map(opt), ...ends]
  return [
    ...STAGES.filter((_, i) => i > here).map(opt),
    ...ends,
    status === 'active'
      ? { value: 'paused', label: MOVE_TARGET_LABELS.paused }
      : { value: 'active', label: MOVE_TARGET_LABELS.active },
    ...STAGES.filter((_, i) => i < here).map(opt),
  ]
}

/**
 * The stage list at the top of a drive's page. A stage behind the drive is "done" only when its exit checks
 * are met today; one passed with checks still open says how many ("passed — 2 checks open"). Without the
 * facts (`facts` undefined) every stage behind counts as done. The vote of a won drive is done: it was won.
 */
export function stageProgress(stage: StageKey, status: string, facts?: ExitFacts, thresholds?: Thresholds) {
  const current = STAGES.findIndex((s) => s.key === stage)
  return STAGES.map((s, i) => {
    const passed = status === 'won' || i < current
    const open =
      passed && facts && !(status === 'won' && s.key === 'vote')
        ? exitChecks(s.key, facts, thresholds).filter((c) => c.state !== 'met').length
        : 0
    return {
      key: s.key,
      label: s.label,
      description: s.description,
      state: passed ? (open ? 'open' : 'done') : i === current ? 'current' : 'todo',
      note: passed ? (open ? `passed — ${plural(open, 'check')} open` : 'done') : '',
    }
  })
}

export function orientationLabel(o: string | null): string {
  return o ? labelOf(ORIENTATIONS, o) : ''
}

export function cardView(r: CardRow, canMove: boolean, now = new Date()) {
  const active = r.status === 'active'
  const due = r.next_step_due ? daysUntil(r.next_step_due, r.time_zone, now) : null
  const days = daysInStage(r.stage_entered_at, r.time_zone, now)
  return {
    id: r.id,
    version: r.version,
    stage: r.stage,
    status: r.status,
    local: r.local_name ?? 'National union drive',
    union: r.union_abbreviation ?? '',
    daysLabel: isEndKey(r.status) ? `ended ${plural(days, 'day')} ago` : `${plural(days, 'day')} in stage`,
    paused: r.status === 'paused',
    nextStep: r.next_step ?? '',
    dueLabel: due === null ? '' : relativeDayLabel(due),
    overdue: active && due !== null && due < 0,
    orientation: r.orientation ?? '',
    orientationLabel: orientationLabel(r.orientation),
    owner: r.owner_name ?? '',
    canMove,
    moveOptions: moveOptions(r.stage, r.status),
  }
}

const mechanismLabel = (m: string) => MECHANISMS.find((x) => x.value === m)?.label ?? m

export function timelineView(rows: TimelineRow[], tz: string | null | undefined) {
  return rows.map((r) => {
    const d = r.data as Record<string, any>
    let title = ''
    const lines: string[] = []
    if (r.kind === 'stage') {
      if (d.from_stage === null) title = `Drive started in “${stageLabel(d.to_stage)}”`
      else if (d.from_status !== d.to_status)
        title =
          `${statusLabel(d.from_status)} → ${statusLabel(d.to_status)}` +
          (d.from_stage !== d.to_stage ? ` (${stageLabel(d.to_stage)})` : '')
      else title = `Moved from “${stageLabel(d.from_stage)}” to “${stageLabel(d.to_stage)}”`
      if (d.reason) lines.push(`Reason: ${d.reason}`)
      for (const w of (d.warnings as string[] | null) ?? []) lines.push(`Warning: ${w}`)
    } else if (r.kind === 'process') {
      const mech = ((d.mechanisms as string[] | null) ?? []).map(mechanismLabel).join(', ')
      title = `Process push: ${mech || 'democratic process'} — ${labelOf(PROCESS_OUTCOMES, d.outcome)}`
      if (d.body) lines.push(`Body: ${d.body}`)
      if (d.note) lines.push(d.note)
    } else if (r.kind === 'filing') {
      title = `Resolution filed with ${d.body}`
      if (d.earliest_vote_on) lines.push(`Earliest vote: ${formatDate(d.earliest_vote_on)}`)
      lines.push(`Text filed: ${excerpt(String(d.text_filed), 300)}`)
    } else {
      title = `${d.kind === 'poll' ? 'Poll' : 'Meeting'} of ${d.body}: ${outcomeLabel(d.outcome as DecisionOutcome)}`
      if (d.votes_for !== null && d.votes_for !== undefined) {
        const percent = d.threshold_percent === null ? null : Number(d.threshold_percent)
        const rule = d.threshold ? ` · ${thresholdLabel(d.threshold as VoteThreshold, percent)}` : ''
        lines.push(
          `For ${d.votes_for} · against ${d.votes_against ?? 0} · abstain ${d.abstain ?? 0}${rule}` +
            (d.binding ? '' : ' · advisory'),
        )
      }
      if (d.quorum_met === false) lines.push('No quorum')
      if (d.next_date) lines.push(`Next date: ${formatDate(d.next_date)}`)
      if (d.note) lines.push(d.note)
    }
    return {
      kind: r.kind,
      at: r.on ? formatDate(r.on) : formatMoment(r.at, tz),
      actor: r.actor ?? 'Tenfold',
      title,
      lines,
    }
  })
}

export type DriveConflict = VersionConflict<Selectable<DrivesTable>>

/** A drive's 409: the message naming who saved first, and the saved values every drive form touches. */
export function driveConflictView(c: DriveConflict, userId: number, tz: string) {
  const cur = c.current
  return conflictView(c, {
    what: 'drive',
    userId,
    timeZone: tz,
    saved: cur
      ? [
          { label: 'Stage', value: placeLabel(cur.stage, cur.status) },
          { label: 'Next step', value: cur.next_step ?? '' },
          { label: 'Due', value: formatDate(cur.next_step_due) },
          { label: 'Vote', value: formatDate(cur.vote_date) },
        ]
      : [],
  })
}

/** The start of a long text, cut at the last space before `max` characters (never mid-word, as in "W…"). */
function excerpt(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max + 1).replace(/\s+\S*$/, '')
  return `${(cut || text.slice(0, max)).trimEnd()} …`
}
