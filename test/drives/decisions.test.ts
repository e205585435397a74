import t from 'tap'
import {
  DECISION_OUTCOMES,
  THRESHOLDS,
  computeOutcome,
  isDecisionOutcome,
  isVoteThreshold,
  outcomeEnds,
  outcomeKeepsVote,
  outcomeLabel,
  thresholdLabel,
} from '../../src/drives/decisions.ts'
import type { ComputedOutcome, DecisionOutcome, TallyInput, VoteThreshold } from '../../src/drives/decisions.ts'

t.test('The outcome list holds every documented outcome with a label.', async (t) => {
  t.same(
    DECISION_OUTCOMES.map((o) => [o.key, o.label]),
    [
      ['adopted', 'Adopted'],
      ['failed', 'Failed'],
      ['tabled', 'Tabled'],
      ['postponed', 'Postponed'],
      ['referred', 'Referred'],
      ['out_of_order', 'Ruled out of order'],
      ['no_quorum', 'No quorum'],
      ['enjoined', 'Enjoined'],
    ],
  )
  t.equal(outcomeLabel('out_of_order'), 'Ruled out of order')
})

t.test('The threshold list holds the four thresholds a form offers.', async (t) => {
  t.same(
    THRESHOLDS.map((x) => x.key),
    ['majority_cast', 'majority_present', 'two_thirds', 'custom'],
  )
  for (const x of THRESHOLDS) t.ok(x.label.length > 0 && x.description.length > 0, `${x.key} is labelled`)
  t.equal(thresholdLabel('two_thirds'), 'Two-thirds')
  t.equal(thresholdLabel('custom', 58), '58%')
  t.equal(thresholdLabel('custom'), 'Custom percentage')
})

t.test('Type guards accept known keys only.', async (t) => {
  const cases: { name: string; value: unknown; threshold: boolean; outcome: boolean }[] = [
    { name: 'A threshold key is a threshold.', value: 'two_thirds', threshold: true, outcome: false },
    { name: 'An outcome key is an outcome.', value: 'no_quorum', threshold: false, outcome: true },
    { name: 'A label is neither.', value: 'Two-thirds', threshold: false, outcome: false },
    { name: 'Undefined is neither.', value: undefined, threshold: false, outcome: false },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(isVoteThreshold(c.value), c.threshold)
      t.equal(isDecisionOutcome(c.value), c.outcome)
    })
  }
})

type Row = {
  name: string
  tally: [votesFor: number, votesAgainst: number, abstain: number]
  threshold: VoteThreshold
  customPercent?: number
  customCountsAbstentions?: boolean
  quorumMet?: boolean
  expect: ComputedOutcome
}

t.test('The outcome of a counted vote follows the tally and the threshold.', async (t) => {
  const cases: Row[] = [
    // majority of votes cast
    {
      name: 'A majority of votes cast adopts 10 to 9.',
      tally: [10, 9, 0],
      threshold: 'majority_cast',
      expect: 'adopted',
    },
    {
      name: 'A tie fails under a majority of votes cast.',
      tally: [10, 10, 0],
      threshold: 'majority_cast',
      expect: 'failed',
    },
    {
      name: 'Abstentions do not count under a majority of votes cast.',
      tally: [10, 9, 50],
      threshold: 'majority_cast',
      expect: 'adopted',
    },
    {
      name: 'A single vote for and none against adopts under a majority of votes cast.',
      tally: [1, 0, 0],
      threshold: 'majority_cast',
      expect: 'adopted',
    },
    {
      name: 'Zero votes cast fails under a majority of votes cast.',
      tally: [0, 0, 0],
      threshold: 'majority_cast',
      expect: 'failed',
    },
    {
      name: 'Only abstentions fails under a majority of votes cast.',
      tally: [0, 0, 12],
      threshold: 'majority_cast',
      expect: 'failed',
    },
    // majority of those present
    {
      name: 'A majority of those present adopts when for outnumbers against and abstain together.',
      tally: [11, 5, 5],
      threshold: 'majority_present',
      expect: 'adopted',
    },
    {
      name: 'Abstentions count against under a majority of those present.',
      tally: [10, 5, 6],
      threshold: 'majority_present',
      expect: 'failed',
    },
    {
      name: 'Exactly half of those present is not a majority.',
      tally: [10, 5, 5],
      threshold: 'majority_present',
      expect: 'failed',
    },
    {
      name: 'A tie with no abstentions fails under a majority of those present.',
      tally: [7, 7, 0],
      threshold: 'majority_present',
      expect: 'failed',
    },
    {
      name: 'Zero votes fails under a majority of those present.',
      tally: [0, 0, 0],
      threshold: 'majority_present',
      expect: 'failed',
    },
    {
      name: 'Only abstentions fails under a majority of those present.',
      tally: [0, 0, 3],
      threshold: 'majority_present',
      expect: 'failed',
    },
    // two-thirds
    {
      name: 'Exactly two-thirds adopts under a two-thirds threshold.',
      tally: [20, 10, 0],
      threshold: 'two_thirds',
      expect: 'adopted',
    },
    {
      name: 'Exactly two-thirds of a small body adopts, 2 to 1.',
      tally: [2, 1, 0],
      threshold: 'two_thirds',
      expect: 'adopted',
    },
    { name: 'One vote short of two-thirds fails.', tally: [19, 10, 0], threshold: 'two_thirds', expect: 'failed' },
    {
      name: 'Sixty-six percent is just under two-thirds and fails.',
      tally: [66, 34, 0],
      threshold: 'two_thirds',
      expect: 'failed',
    },
    { name: 'Sixty-seven percent clears two-thirds.', tally: [67, 33, 0], threshold: 'two_thirds', expect: 'adopted' },
    {
      name: 'Abstentions do not count under two-thirds.',
      tally: [20, 10, 40],
      threshold: 'two_thirds',
      expect: 'adopted',
    },
    { name: 'A tie fails under two-thirds.', tally: [5, 5, 0], threshold: 'two_thirds', expect: 'failed' },
    { name: 'Zero votes cast fails under two-thirds.', tally: [0, 0, 4], threshold: 'two_thirds', expect: 'failed' },
    // custom
    {
      name: 'A custom 58% adopts at exactly 58 of 100.',
      tally: [58, 42, 0],
      threshold: 'custom',
      customPercent: 58,
      expect: 'adopted',
    },
    {
      name: 'A custom 58% fails at 57 of 100.',
      tally: [57, 43, 0],
      threshold: 'custom',
      customPercent: 58,
      expect: 'failed',
    },
    {
      name: 'A custom 58% adopts 7 to 5, which is 58.33%.',
      tally: [7, 5, 0],
      threshold: 'custom',
      customPercent: 58,
      expect: 'adopted',
    },
    {
      name: 'A custom 58% fails 4 to 3, which is 57.14%.',
      tally: [4, 3, 0],
      threshold: 'custom',
      customPercent: 58,
      expect: 'failed',
    },
    {
      name: 'A custom 58% ignores abstentions by default.',
      tally: [58, 42, 30],
      threshold: 'custom',
      customPercent: 58,
      expect: 'adopted',
    },
    {
      name: 'A custom 58% counting abstentions fails when abstentions pull it under.',
      tally: [58, 42, 30],
      threshold: 'custom',
      customPercent: 58,
      customCountsAbstentions: true,
      expect: 'failed',
    },
    {
      name: 'A custom 58% counting abstentions adopts at exactly 58% of everyone voting.',
      tally: [58, 22, 20],
      threshold: 'custom',
      customPercent: 58,
      customCountsAbstentions: true,
      expect: 'adopted',
    },
    {
      name: 'A custom percentage with decimals is compared exactly, 573 of 1000 at 57.3%.',
      tally: [573, 427, 0],
      threshold: 'custom',
      customPercent: 57.3,
      expect: 'adopted',
    },
    {
      name: 'A custom percentage with decimals fails one vote short, 572 of 1000 at 57.3%.',
      tally: [572, 428, 0],
      threshold: 'custom',
      customPercent: 57.3,
      expect: 'failed',
    },
    {
      name: 'A custom 100% needs every vote cast.',
      tally: [30, 1, 0],
      threshold: 'custom',
      customPercent: 100,
      expect: 'failed',
    },
    {
      name: 'A custom 100% adopts when unanimous.',
      tally: [30, 0, 2],
      threshold: 'custom',
      customPercent: 100,
      expect: 'adopted',
    },
    {
      name: 'A tie fails under a custom threshold just above half.',
      tally: [9, 9, 0],
      threshold: 'custom',
      customPercent: 50.01,
      expect: 'failed',
    },
    {
      name: 'Zero votes cast fails under a custom threshold.',
      tally: [0, 0, 0],
      threshold: 'custom',
      customPercent: 58,
      expect: 'failed',
    },
    // quorum
    {
      name: 'No quorum wins over a landslide.',
      tally: [40, 0, 0],
      threshold: 'majority_cast',
      quorumMet: false,
      expect: 'no_quorum',
    },
    {
      name: 'No quorum is reported under two-thirds too.',
      tally: [1, 1, 0],
      threshold: 'two_thirds',
      quorumMet: false,
      expect: 'no_quorum',
    },
    {
      name: 'No quorum is reported for a custom threshold.',
      tally: [0, 0, 0],
      threshold: 'custom',
      customPercent: 60,
      quorumMet: false,
      expect: 'no_quorum',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const [votesFor, votesAgainst, abstain] = c.tally
      const input: TallyInput = {
        votesFor,
        votesAgainst,
        abstain,
        threshold: c.threshold,
        customPercent: c.customPercent ?? null,
        quorumMet: c.quorumMet ?? true,
      }
      if (c.customCountsAbstentions !== undefined) input.customCountsAbstentions = c.customCountsAbstentions
      t.equal(computeOutcome(input), c.expect)
    })
  }
})

t.test('A tally that cannot be real is refused rather than guessed at.', async (t) => {
  const base: TallyInput = { votesFor: 5, votesAgainst: 3, abstain: 0, threshold: 'majority_cast', quorumMet: true }
  const cases: { name: string; input: TallyInput; message: RegExp }[] = [
    { name: 'Negative votes are refused.', input: { ...base, votesAgainst: -1 }, message: /votesAgainst/ },
    { name: 'Fractional votes are refused.', input: { ...base, votesFor: 2.5 }, message: /votesFor/ },
    { name: 'A missing abstain count is refused.', input: { ...base, abstain: Number.NaN }, message: /abstain/ },
    {
      name: 'A custom threshold without a percentage is refused.',
      input: { ...base, threshold: 'custom' },
      message: /customPercent/,
    },
    {
      name: 'A custom threshold of exactly half is refused.',
      input: { ...base, threshold: 'custom', customPercent: 50 },
      message: /customPercent/,
    },
    {
      name: 'A custom threshold above 100% is refused.',
      input: { ...base, threshold: 'custom', customPercent: 101 },
      message: /customPercent/,
    },
    {
      name: 'A custom threshold with more than two decimals is refused.',
      input: { ...base, threshold: 'custom', customPercent: 58.333 },
      message: /two decimals/,
    },
    {
      name: 'An unknown threshold is refused.',
      input: { ...base, threshold: 'consensus' as VoteThreshold },
      message: /Unknown vote threshold/,
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.throws(() => computeOutcome(c.input), { name: 'RangeError', message: c.message })
    })
  }
})

t.test('Each outcome either keeps the drive in the vote stage or ends it.', async (t) => {
  const cases: { name: string; outcome: DecisionOutcome; keepsVote: boolean; ends: 'won' | 'lost' | null }[] = [
    { name: 'An adopted resolution wins the drive.', outcome: 'adopted', keepsVote: false, ends: 'won' },
    { name: 'A failed resolution loses the drive.', outcome: 'failed', keepsVote: false, ends: 'lost' },
    { name: 'A tabled resolution keeps the drive in the vote stage.', outcome: 'tabled', keepsVote: true, ends: null },
    {
      name: 'A postponed vote keeps the drive in the vote stage and is never a loss.',
      outcome: 'postponed',
      keepsVote: true,
      ends: null,
    },
    {
      name: 'A referred resolution keeps the drive in the vote stage.',
      outcome: 'referred',
      keepsVote: true,
      ends: null,
    },
    {
      name: 'A resolution ruled out of order keeps the drive in the vote stage.',
      outcome: 'out_of_order',
      keepsVote: true,
      ends: null,
    },
    {
      name: 'No quorum keeps the drive in the vote stage and is never a loss.',
      outcome: 'no_quorum',
      keepsVote: true,
      ends: null,
    },
    { name: 'An enjoined vote keeps the drive in the vote stage.', outcome: 'enjoined', keepsVote: true, ends: null },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(outcomeKeepsVote(c.outcome), c.keepsVote, 'keeps vote')
      t.equal(outcomeEnds(c.outcome), c.ends, 'ends')
    })
  }
  t.equal(cases.length, DECISION_OUTCOMES.length, 'every outcome is covered')
})
