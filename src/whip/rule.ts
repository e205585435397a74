// A deciding body's voting rule — its threshold, quorum and whether
// abstentions count — and the one function that says whether a tally carries
// under it. The decision form's computed outcome and the whip count both call
// `carries`, so a recorded vote and a projected one can never disagree.
// Pure: no database, no I/O.

export const RULE_THRESHOLD_KEYS = ['majority_cast', 'majority_present', 'two_thirds', 'custom'] as const
export type RuleThreshold = (typeof RULE_THRESHOLD_KEYS)[number]

export type VoteRule = {
  threshold: RuleThreshold
  // 'custom' only: the share needed, above 50 and at most 100, at most two decimals.
  customPercent?: number | null
  // 'custom' only: whether abstentions count in the denominator (and so against).
  customCountsAbstentions?: boolean
  // How many must be present for the vote to count; null when the body has no quorum rule.
  quorum?: number | null
}

export type Tally = { for: number; against: number; abstain: number }

function assertCount(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number of 0 or more, got ${n}`)
}

// The custom share in hundredths of a percent, so 57.3% of 1000 is exactly 573
// votes, not a float a hair above or below it.
function customHundredths(p: number | null | undefined): number {
  // At or below half, a resolution and its opposite could both pass, and a tie
  // would carry; that is not a threshold any body uses.
  if (p == null || !Number.isFinite(p) || p <= 50 || p > 100) {
    throw new RangeError(`customPercent must be above 50 and at most 100, got ${String(p)}`)
  }
  const hundredths = Math.round(p * 100)
  if (Math.abs(p * 100 - hundredths) > 1e-6)
    throw new RangeError(`customPercent may have at most two decimals, got ${p}`)
  return hundredths
}

/** Checks the rule once, so a bad custom share fails loudly wherever it is used. */
export function assertRule(rule: VoteRule): void {
  switch (rule.threshold) {
    case 'majority_cast':
    case 'majority_present':
    case 'two_thirds':
      break
    case 'custom':
      customHundredths(rule.customPercent)
      break
    default:
      throw new RangeError(`Unknown vote threshold: ${String(rule.threshold satisfies never)}`)
  }
  if (rule.quorum != null) assertCount('quorum', rule.quorum)
}

// Whether a counted tally carries, quorum aside. Whole numbers are cross-
// multiplied so "exactly two-thirds" is never lost to rounding.
export function carries(rule: VoteRule, t: Tally): boolean {
  assertCount('votes for', t.for)
  assertCount('votes against', t.against)
  assertCount('abstentions', t.abstain)
  const cast = t.for + t.against
  switch (rule.threshold) {
    case 'majority_cast':
      return t.for * 2 > cast
    case 'majority_present':
      return t.for * 2 > cast + t.abstain
    case 'two_thirds':
      return cast > 0 && t.for * 3 >= cast * 2
    case 'custom': {
      const hundredths = customHundredths(rule.customPercent)
      const base = cast + (rule.customCountsAbstentions === true ? t.abstain : 0)
      return base > 0 && t.for * 10000 >= hundredths * base
    }
    default:
      throw new RangeError(`Unknown vote threshold: ${String(rule.threshold satisfies never)}`)
  }
}

/** Whether enough are present: everyone voting for, against or abstaining is in the room. */
export function quorumMet(rule: VoteRule, present: number): boolean {
  return rule.quorum == null || present >= rule.quorum
}

/** The fewest votes for that carry when `voting` people vote and none abstains. */
export function votesNeeded(rule: VoteRule, voting: number): number {
  assertCount('voting', voting)
  for (let f = 0; f <= voting; f++) if (carries(rule, { for: f, against: voting - f, abstain: 0 })) return f
  // Nobody voting cannot carry; one vote for out of one always does for these thresholds.
  return voting + 1
}

export function ruleLabel(rule: VoteRule): string {
  switch (rule.threshold) {
    case 'majority_cast':
      return 'a majority of votes cast'
    case 'majority_present':
      return 'a majority of those present'
    case 'two_thirds':
      return 'two-thirds of those voting'
    case 'custom':
      return (
        `${String(rule.customPercent)}% of those voting` +
        (rule.customCountsAbstentions === true ? ', abstentions counted' : '')
      )
    default:
      throw new RangeError(`Unknown vote threshold: ${String(rule.threshold satisfies never)}`)
  }
}

/**
 * The rule a body votes by: its own settings where the organizer gave them,
 * else the local's endorsement rules, else a majority of votes cast. A local's
 * quorum is free text; only a plain number is taken as a head count.
 */
export function ruleFor(
  body: {
    threshold: RuleThreshold | null
    threshold_percent: number | null
    counts_abstentions: boolean
    quorum: number | null
  } | null,
  local: { threshold: RuleThreshold | null; threshold_percent: number | null; quorum?: string | null },
): VoteRule {
  const threshold = body?.threshold ?? local.threshold ?? 'majority_cast'
  const percent = body?.threshold ? body.threshold_percent : local.threshold_percent
  const localQuorum = local.quorum != null && /^\s*\d{1,6}\s*$/.test(local.quorum) ? Number(local.quorum) : null
  const rule: VoteRule = {
    threshold,
    quorum: body?.quorum ?? localQuorum,
    customCountsAbstentions: body?.counts_abstentions === true,
  }
  if (threshold === 'custom') rule.customPercent = percent
  // A custom rule with no usable share falls back to a simple majority rather than failing the page.
  if (threshold === 'custom' && (percent == null || percent <= 50 || percent > 100))
    return { ...rule, threshold: 'majority_cast' }
  return rule
}
