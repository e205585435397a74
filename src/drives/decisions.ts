// Decisions on a resolution: the vote thresholds a body may apply, the
// outcomes a meeting or poll can have, and the outcome of a counted vote
// computed from its tally. Pure: no database, no I/O.

import { carries } from '../whip/rule.ts'
import type { EndKey } from './stages.ts'

export const VOTE_THRESHOLD_KEYS = ['majority_cast', 'majority_present', 'two_thirds', 'custom'] as const
export type VoteThreshold = (typeof VOTE_THRESHOLD_KEYS)[number]

export type VoteThresholdInfo = { readonly key: VoteThreshold; readonly label: string; readonly description: string }

export const THRESHOLDS: readonly VoteThresholdInfo[] = Object.freeze(
  (
    [
      {
        key: 'majority_cast',
        label: 'Majority of votes cast',
        description: 'More than half of the votes for and against; abstentions are not counted.',
      },
      {
        key: 'majority_present',
        label: 'Majority of those present',
        description: 'More than half of everyone voting, abstentions included, so an abstention counts against.',
      },
      {
        key: 'two_thirds',
        label: 'Two-thirds',
        description: 'At least two-thirds of the votes for and against.',
      },
      {
        key: 'custom',
        label: 'Custom percentage',
        description: 'At least the given percentage of the votes, with or without abstentions.',
      },
    ] satisfies VoteThresholdInfo[]
  ).map((x) => Object.freeze(x)),
)

export const DECISION_OUTCOME_KEYS = [
  'adopted',
  'failed',
  'tabled',
  'postponed',
  'referred',
  'out_of_order',
  'no_quorum',
  'enjoined',
] as const
export type DecisionOutcome = (typeof DECISION_OUTCOME_KEYS)[number]

export type DecisionOutcomeInfo = {
  readonly key: DecisionOutcome
  readonly label: string
  readonly description: string
}

export const DECISION_OUTCOMES: readonly DecisionOutcomeInfo[] = Object.freeze(
  (
    [
      { key: 'adopted', label: 'Adopted', description: 'The resolution passed.' },
      { key: 'failed', label: 'Failed', description: 'The resolution was voted down.' },
      { key: 'tabled', label: 'Tabled', description: 'Laid on the table without a vote.' },
      { key: 'postponed', label: 'Postponed', description: 'Put off to a later meeting.' },
      { key: 'referred', label: 'Referred', description: 'Sent to a committee or another body.' },
      { key: 'out_of_order', label: 'Ruled out of order', description: 'The chair ruled the resolution out of order.' },
      { key: 'no_quorum', label: 'No quorum', description: 'Not enough members present to decide.' },
      { key: 'enjoined', label: 'Enjoined', description: 'Stopped by the parent union or a court.' },
    ] satisfies DecisionOutcomeInfo[]
  ).map((x) => Object.freeze(x)),
)

export function isVoteThreshold(x: unknown): x is VoteThreshold {
  return typeof x === 'string' && (VOTE_THRESHOLD_KEYS as readonly string[]).includes(x)
}

export function isDecisionOutcome(x: unknown): x is DecisionOutcome {
  return typeof x === 'string' && (DECISION_OUTCOME_KEYS as readonly string[]).includes(x)
}

export function thresholdLabel(key: VoteThreshold, customPercent?: number | null): string {
  const info = THRESHOLDS.find((t) => t.key === key)
  if (info === undefined) throw new RangeError(`Unknown vote threshold: ${String(key)}`)
  return key === 'custom' && customPercent != null ? `${customPercent}%` : info.label
}

export function outcomeLabel(key: DecisionOutcome): string {
  const info = DECISION_OUTCOMES.find((o) => o.key === key)
  if (info === undefined) throw new RangeError(`Unknown decision outcome: ${String(key)}`)
  return info.label
}

export type ComputedOutcome = 'adopted' | 'failed' | 'no_quorum'

export type TallyInput = {
  votesFor: number
  votesAgainst: number
  abstain: number
  threshold: VoteThreshold
  // Required for 'custom': the percentage needed, above 50 and at most 100.
  customPercent?: number | null
  // For 'custom' only: whether abstentions count in the denominator (and so against).
  customCountsAbstentions?: boolean
  quorumMet: boolean
}

function assertCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number of 0 or more, got ${n}`)
}

// The outcome of a counted vote. Procedural outcomes (tabled, postponed …) are
// recorded by the organizer, not computed.
export function computeOutcome(input: TallyInput): ComputedOutcome {
  const { votesFor, votesAgainst, abstain, threshold, quorumMet } = input
  assertCount('votesFor', votesFor)
  assertCount('votesAgainst', votesAgainst)
  assertCount('abstain', abstain)
  if (!quorumMet) return 'no_quorum'

  // The same rule function the whip count projects with (src/whip/rule.ts),
  // so a recorded vote and its projection never disagree.
  return carries(
    {
      threshold,
      customPercent: input.customPercent,
      customCountsAbstentions: input.customCountsAbstentions === true,
    },
    { for: votesFor, against: votesAgainst, abstain },
  )
    ? 'adopted'
    : 'failed'
}

// These leave the drive in `vote` waiting for a new date; none of them is a loss.
const KEEPS_VOTE: ReadonlySet<DecisionOutcome> = new Set([
  'tabled',
  'postponed',
  'referred',
  'out_of_order',
  'no_quorum',
  'enjoined',
])

export function outcomeKeepsVote(outcome: DecisionOutcome): boolean {
  return KEEPS_VOTE.has(outcome)
}

export function outcomeEnds(outcome: DecisionOutcome): Extract<EndKey, 'won' | 'lost'> | null {
  if (outcome === 'adopted') return 'won'
  if (outcome === 'failed') return 'lost'
  return null
}
