// What recording a decision or ending a drive does, worked out before it
// happens. `decisionProblems` is the one rule for a decision that cannot be
// right (a 0–0 counted vote, a date before 2000 or before the filing, a vote
// still ahead recorded as won or lost); `decisionPlan` says what the decision
// will do to the drive and whether the organizer must confirm it first (it
// ends the drive, the drive is not at "Hold the vote", or the drive had
// ended); `endPlan` says the same for a move to Won, Lost or Dropped. Pure:
// no database, no I/O (today is passed in, in the chapter's time zone).
import { DateTime } from 'luxon'
import type { FieldErrors } from '../shared/validation.ts'
import { outcomeEnds, outcomeKeepsVote, outcomeLabel, thresholdLabel, type DecisionOutcome } from './decisions.ts'
import type { VoteThreshold } from './decisions.ts'
import { formatDate } from './present.ts'
import { endLabel, isEndKey, skippedStages, stageIndex, stageLabel, type EndKey, type StageKey } from './stages.ts'

/** No endorsement decision in Tenfold's world is older than this: an earlier date is a typing slip. */
export const EARLIEST_DECISION_DATE = '2000-01-01'
/** How far ahead a next (scheduled) vote may be set. */
export const MAX_SCHEDULE_DAYS = 366

export type DecisionDraft = {
  held_on: string
  choice: string
  quorum_met: boolean
  votes_for: number | null
  votes_against: number | null
  abstain?: number | null
  next_date: string | null
}

export type DecisionDriveFacts = {
  /** Today in the chapter's time zone (YYYY-MM-DD). */
  today: string
  /** The date the resolution was first filed, when a filing is recorded. */
  filedOn: string | null
}

const addDays = (iso: string, days: number) => DateTime.fromISO(iso, { zone: 'UTC' }).plus({ days }).toISODate()!

/**
 * The field messages for a decision that cannot be right, or `{}`. `outcome` is the one the decision
 * would record (computed from the tally for a counted vote).
 */
/**
 * The one tally rule, for the drive page and the meeting page: 0 for and 0 against is not a
 * result, whatever the abstentions.
 */
export function tallyProblem(f: { votes_for: number | null; votes_against: number | null }): string | undefined {
  if (f.votes_for === 0 && f.votes_against === 0)
    return (
      'A counted vote needs at least one vote for or against: 0 for and 0 against is not a result. ' +
      'If the body did not vote, choose what happened instead (no quorum, tabled, postponed …).'
    )
  return undefined
}

export function decisionProblems(f: DecisionDraft, outcome: DecisionOutcome, d: DecisionDriveFacts): FieldErrors {
  const errors: FieldErrors = {}
  const tally = f.choice === 'counted' && f.quorum_met ? tallyProblem(f) : undefined
  if (tally) errors.votes_for = tally
  if (f.held_on < EARLIEST_DECISION_DATE)
    errors.held_on = `The date ${formatDate(f.held_on)} is before 2000: check the year.`
  else if (d.filedOn !== null && f.held_on < d.filedOn)
    errors.held_on = `The resolution was filed on ${formatDate(d.filedOn)}: the decision cannot come before it.`
  else if (f.held_on > d.today) {
    const end = outcomeEnds(outcome)
    errors.held_on = end
      ? `${formatDate(f.held_on)} is still ahead: a vote can be recorded as ${end} only once it is held. ` +
        'To plan the vote, set the drive’s vote date instead.'
      : `${formatDate(f.held_on)} is still ahead: record what happened once the meeting is held.`
  }
  if (f.next_date !== null && outcomeKeepsVote(outcome)) {
    if (f.next_date < f.held_on) errors.next_date = 'The next date must come after the meeting.'
    else if (f.next_date > addDays(d.today, MAX_SCHEDULE_DAYS))
      errors.next_date = 'The next date must be at most a year from today.'
  }
  return errors
}

export type DrivePlace = {
  stage: StageKey
  status: string
  filingRecorded: boolean
  asks: 'candidate' | 'slate' | 'both'
  candidateName: string | null
}

export type Plan = {
  /** Whether the organizer must see this and confirm before it is saved. */
  confirm: boolean
  /** What will happen, one plain sentence each, in order. */
  effects: string[]
  /** Things that look wrong but do not stop it. */
  warnings: string[]
  /** The confirm button's words. */
  button: string
  /** When it ends the drive: how. */
  endsAs: EndKey | null
}

function endorsementTargets(d: DrivePlace): string {
  const cand = d.candidateName ?? 'the local candidate'
  return d.asks === 'both' ? `${cand} and the whole slate` : d.asks === 'slate' ? 'the whole slate' : cand
}

function tallyText(f: DecisionDraft & { threshold?: VoteThreshold | null; threshold_percent?: number | null }) {
  if (f.choice !== 'counted' || !f.quorum_met) return ''
  const rule = f.threshold ? `, ${thresholdLabel(f.threshold, f.threshold_percent).toLowerCase()}` : ''
  return ` (${f.votes_for ?? 0} for, ${f.votes_against ?? 0} against, ${f.abstain ?? 0} abstaining${rule})`
}

/** What recording this decision does to the drive, and whether it needs a confirmation. */
export function decisionPlan(
  d: DrivePlace,
  f: DecisionDraft & { body: string; threshold?: VoteThreshold | null; threshold_percent?: number | null },
  outcome: DecisionOutcome,
): Plan {
  const end = outcomeEnds(outcome)
  const ended = isEndKey(d.status)
  const effects = [
    `The decision is recorded: ${f.body}, ${formatDate(f.held_on)} — ${outcomeLabel(outcome)}${tallyText(f)}.`,
  ]
  if (d.stage !== 'vote') {
    const skipped = stageIndex(d.stage) < stageIndex('vote') ? skippedStages(d.stage, 'vote') : []
    effects.push(
      `The drive moves from “${stageLabel(d.stage)}” to “${stageLabel('vote')}”` +
        (skipped.length ? `, past ${skipped.map((s) => `“${stageLabel(s)}”`).join(', ')}.` : '.'),
    )
  }
  if (end === 'won' && d.status === 'won')
    effects.push(
      `The drive stays Won. The endorsement of ${endorsementTargets(d)} recorded when it was won stays as it is: ` +
        'a second vote adds none.',
    )
  else if (end === 'won')
    effects.push(`The drive ends as Won, and the endorsement of ${endorsementTargets(d)} is recorded.`)
  else if (end === 'lost') effects.push('The drive ends as Lost. It can be reopened later, with a reason.')
  else if (ended)
    effects.push(`The drive, which had ended as ${endLabel(d.status as EndKey)}, is open again at the vote.`)
  else
    effects.push(`The drive stays at the vote${f.next_date ? `, with the next date ${formatDate(f.next_date)}` : ''}.`)
  const warnings: string[] = []
  if (d.stage !== 'vote') warnings.push(`This drive is at “${stageLabel(d.stage)}”, not at “${stageLabel('vote')}”.`)
  if (!d.filingRecorded) warnings.push('No filing is recorded for this drive.')
  return {
    confirm: end !== null || ended || d.stage !== 'vote',
    effects,
    warnings,
    button:
      end === 'won' ? 'Record it: the drive is won' : end === 'lost' ? 'Record it: the drive is lost' : 'Record it',
    endsAs: end,
  }
}

/** What a move to Won, Lost or Dropped does; always confirmed first. */
export function endPlan(d: { stage: StageKey; status: string; decisionRecorded: boolean }, to: EndKey): Plan {
  const effects = [`The drive ends as ${endLabel(to)}, at “${stageLabel(d.stage)}”.`]
  if (to === 'won')
    effects.push(
      d.decisionRecorded
        ? 'The endorsement comes from the decision already recorded; a move adds none.'
        : 'No endorsement is recorded by a move: it will not count toward any candidate’s goal.',
    )
  if (to === 'dropped') effects.push('Your reason goes into the drive’s history.')
  effects.push('It leaves the open stages of the board; it can be reopened later, with a reason.')
  return { confirm: true, effects, warnings: [], button: `End the drive as ${endLabel(to)}`, endsAs: to }
}
