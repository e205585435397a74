import t from 'tap'
import { computeOutcome } from '../../src/drives/decisions.ts'
import { type VoteRule, carries, votesNeeded } from '../../src/whip/rule.ts'
import {
  type CaseKey,
  type Read,
  type Seat,
  standing,
  suggestedRead,
  turnoutCount,
  whipCount,
} from '../../src/whip/tally.ts'

const majority: VoteRule = { threshold: 'majority_cast' }
const present: VoteRule = { threshold: 'majority_present' }
const twoThirds: VoteRule = { threshold: 'two_thirds' }
const custom58: VoteRule = { threshold: 'custom', customPercent: 58 }
const custom58abst: VoteRule = { threshold: 'custom', customPercent: 58, customCountsAbstentions: true }

t.test('A tally carries or fails by the body’s threshold, abstentions counted only where the rule says.', async (t) => {
  const cases: { name: string; rule: VoteRule; tally: [number, number, number]; carries: boolean }[] = [
    { name: 'Majority of votes cast: 6 to 5 carries.', rule: majority, tally: [6, 5, 0], carries: true },
    { name: 'Majority of votes cast: a 5 to 5 tie fails.', rule: majority, tally: [5, 5, 0], carries: false },
    { name: 'Majority of votes cast: ten abstentions do not count.', rule: majority, tally: [6, 5, 10], carries: true },
    { name: 'Majority of votes cast: nobody voting fails.', rule: majority, tally: [0, 0, 0], carries: false },
    {
      name: 'Majority present: one abstention turns 6 to 5 into a fail.',
      rule: present,
      tally: [6, 5, 1],
      carries: false,
    },
    { name: 'Majority present: 7 to 5 with one abstention carries.', rule: present, tally: [7, 5, 1], carries: true },
    { name: 'Majority present: a tie fails.', rule: present, tally: [4, 4, 0], carries: false },
    { name: 'Two-thirds: exactly 8 of 12 carries.', rule: twoThirds, tally: [8, 4, 0], carries: true },
    { name: 'Two-thirds: 7 of 11 fails.', rule: twoThirds, tally: [7, 4, 0], carries: false },
    { name: 'Two-thirds: abstentions are not counted.', rule: twoThirds, tally: [8, 4, 3], carries: true },
    { name: 'Two-thirds: nobody voting fails.', rule: twoThirds, tally: [0, 0, 5], carries: false },
    { name: 'Custom 58%: exactly 58 of 100 carries.', rule: custom58, tally: [58, 42, 0], carries: true },
    { name: 'Custom 58%: 57 of 100 fails.', rule: custom58, tally: [57, 43, 0], carries: false },
    {
      name: 'Custom 58% without abstentions: 57 to 33 with 10 abstaining carries.',
      rule: custom58,
      tally: [57, 33, 10],
      carries: true,
    },
    {
      name: 'Custom 58% with abstentions: 57 to 33 with 10 abstaining fails.',
      rule: custom58abst,
      tally: [57, 33, 10],
      carries: false,
    },
    {
      name: 'Custom 58% with abstentions: exactly 58 of 100 with 10 abstaining carries.',
      rule: custom58abst,
      tally: [58, 32, 10],
      carries: true,
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const [f, a, ab] = c.tally
      t.equal(carries(c.rule, { for: f, against: a, abstain: ab }), c.carries)
    })
  }
})

t.test('The votes needed are the fewest votes for that carry when everyone present votes.', async (t) => {
  const cases: { name: string; rule: VoteRule; voting: number; needed: number }[] = [
    { name: 'A majority of 11 is 6.', rule: majority, voting: 11, needed: 6 },
    { name: 'A majority of 10 is 6, because a tie fails.', rule: majority, voting: 10, needed: 6 },
    { name: 'A majority of those present of 10 is 6.', rule: present, voting: 10, needed: 6 },
    { name: 'Two-thirds of 11 is 8.', rule: twoThirds, voting: 11, needed: 8 },
    { name: 'Two-thirds of 12 is exactly 8.', rule: twoThirds, voting: 12, needed: 8 },
    { name: 'Two-thirds of 3 is 2.', rule: twoThirds, voting: 3, needed: 2 },
    { name: '58% of 100 is exactly 58.', rule: custom58, voting: 100, needed: 58 },
    { name: '58% of 12 rounds up to 7.', rule: custom58, voting: 12, needed: 7 },
    { name: 'With nobody present one vote would be needed.', rule: majority, voting: 0, needed: 1 },
  ]
  for (const c of cases) t.test(c.name, async (t) => t.equal(votesNeeded(c.rule, c.voting), c.needed))
})

function roster(spec: Partial<Record<Read, string[]>>): Seat<string>[] {
  const seats: Seat<string>[] = []
  for (const [read, names] of Object.entries(spec) as [Read, string[]][]) {
    for (const n of names) seats.push({ id: n, name: n, read })
  }
  return seats
}
function many(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`)
}

type Expect = { for: number; wins: boolean; short: number; spare: number; quorumMet?: boolean }
t.test('The whip count gives the best, likely and worst case and the smallest set to move.', async (t) => {
  const cases: {
    name: string
    rule: VoteRule
    seats: Seat<string>[]
    needed: number
    cases: Record<CaseKey, Expect>
    toMove: string[] | null
    sentence?: string
  }[] = [
    {
      name: 'The issue’s example: two-thirds of 11 needs 8, leaning yes counts in the likely case, one undecided to move.',
      rule: twoThirds,
      seats: roster({ yes: many('Y', 5), leaning_yes: ['L1', 'L2'], undecided: ['A', 'B', 'C'], no: ['N1'] }),
      needed: 8,
      cases: {
        best: { for: 10, wins: true, short: 0, spare: 2 },
        likely: { for: 7, wins: false, short: 1, spare: 0 },
        worst: { for: 5, wins: false, short: 3, spare: 0 },
      },
      toMove: ['A'],
      sentence:
        '5 yes, 2 leaning yes, 3 undecided, 1 no of 11 seats — two-thirds of those voting needs 8: 1 short; the undecided are A, B and C',
    },
    {
      name: 'A tie under a majority of votes cast loses by one, and a firm no is moved when nobody else can be.',
      rule: majority,
      seats: roster({ yes: many('Y', 4), no: ['N1', 'N2', 'N3', 'N4'] }),
      needed: 5,
      cases: {
        best: { for: 4, wins: false, short: 1, spare: 0 },
        likely: { for: 4, wins: false, short: 1, spare: 0 },
        worst: { for: 4, wins: false, short: 1, spare: 0 },
      },
      toMove: ['N1'],
    },
    {
      name: 'Exactly the votes needed wins with none to spare.',
      rule: majority,
      seats: roster({ yes: many('Y', 5), no: many('N', 4) }),
      needed: 5,
      cases: {
        best: { for: 5, wins: true, short: 0, spare: 0 },
        likely: { for: 5, wins: true, short: 0, spare: 0 },
        worst: { for: 5, wins: true, short: 0, spare: 0 },
      },
      toMove: [],
    },
    {
      name: 'The undecided are moved before those leaning no.',
      rule: majority,
      seats: roster({ yes: many('Y', 3), leaning_no: ['L'], undecided: ['U'], no: ['N1', 'N2'] }),
      needed: 4,
      cases: {
        best: { for: 4, wins: true, short: 0, spare: 0 },
        likely: { for: 3, wins: false, short: 1, spare: 0 },
        worst: { for: 3, wins: false, short: 1, spare: 0 },
      },
      toMove: ['U'],
    },
    {
      name: 'Leaning yes is for in the best and likely case and against in the worst.',
      rule: majority,
      seats: roster({ yes: many('Y', 3), leaning_yes: ['L1', 'L2'], no: many('N', 4) }),
      needed: 5,
      cases: {
        best: { for: 5, wins: true, short: 0, spare: 0 },
        likely: { for: 5, wins: true, short: 0, spare: 0 },
        worst: { for: 3, wins: false, short: 2, spare: 0 },
      },
      toMove: [],
    },
    {
      name: 'Absent members are not in the room: 5 yes, 3 no and 3 absent wins a majority of those voting.',
      rule: { threshold: 'majority_cast', quorum: 6 },
      seats: roster({ yes: many('Y', 5), no: many('N', 3), absent: many('X', 3) }),
      needed: 5,
      cases: {
        best: { for: 5, wins: true, short: 0, spare: 0 },
        likely: { for: 5, wins: true, short: 0, spare: 0 },
        worst: { for: 5, wins: true, short: 0, spare: 0 },
      },
      toMove: [],
    },
    {
      name: 'A quorum that fails is no win whatever the votes, and the fix is an absent member who comes.',
      rule: { threshold: 'majority_cast', quorum: 5 },
      seats: roster({ yes: many('Y', 3), no: ['N1'], absent: many('X', 5) }),
      needed: 3,
      cases: {
        best: { for: 3, wins: false, short: 1, spare: 0, quorumMet: false },
        likely: { for: 3, wins: false, short: 1, spare: 0, quorumMet: false },
        worst: { for: 3, wins: false, short: 1, spare: 0, quorumMet: false },
      },
      toMove: ['X1'],
      sentence:
        '3 yes, 1 no, 5 absent of 9 seats — a majority of votes cast needs 3 (quorum 5): no quorum with 4 present: 1 short',
    },
    {
      name: 'A quorum exactly met counts.',
      rule: { threshold: 'two_thirds', quorum: 6 },
      seats: roster({ yes: many('Y', 4), no: many('N', 2), absent: ['X1'] }),
      needed: 4,
      cases: {
        best: { for: 4, wins: true, short: 0, spare: 0 },
        likely: { for: 4, wins: true, short: 0, spare: 0 },
        worst: { for: 4, wins: true, short: 0, spare: 0 },
      },
      toMove: [],
    },
    {
      name: 'A quorum larger than the body can never be met, and no set of moves wins.',
      rule: { threshold: 'majority_cast', quorum: 10 },
      seats: roster({ yes: many('Y', 9) }),
      needed: 5,
      cases: {
        best: { for: 9, wins: false, short: 1, spare: 0, quorumMet: false },
        likely: { for: 9, wins: false, short: 1, spare: 0, quorumMet: false },
        worst: { for: 9, wins: false, short: 1, spare: 0, quorumMet: false },
      },
      toMove: null,
    },
    {
      name: 'A member with no read yet counts as undecided.',
      rule: majority,
      seats: [...roster({ yes: many('Y', 2), no: many('N', 2) }), { id: 'Q', name: 'Q', read: null }],
      needed: 3,
      cases: {
        best: { for: 3, wins: true, short: 0, spare: 0 },
        likely: { for: 2, wins: false, short: 1, spare: 0 },
        worst: { for: 2, wins: false, short: 1, spare: 0 },
      },
      toMove: ['Q'],
    },
    {
      name: 'A custom 58% of 12 needs 7.',
      rule: custom58,
      seats: roster({ yes: many('Y', 6), leaning_no: many('L', 3), no: many('N', 3) }),
      needed: 7,
      cases: {
        best: { for: 6, wins: false, short: 1, spare: 0 },
        likely: { for: 6, wins: false, short: 1, spare: 0 },
        worst: { for: 6, wins: false, short: 1, spare: 0 },
      },
      toMove: ['L1'],
    },
    {
      name: 'A majority of those present counts like a majority of votes cast when everyone present votes.',
      rule: present,
      seats: roster({ yes: many('Y', 6), no: many('N', 5) }),
      needed: 6,
      cases: {
        best: { for: 6, wins: true, short: 0, spare: 0 },
        likely: { for: 6, wins: true, short: 0, spare: 0 },
        worst: { for: 6, wins: true, short: 0, spare: 0 },
      },
      toMove: [],
    },
    {
      name: 'An empty body cannot win.',
      rule: majority,
      seats: [],
      needed: 1,
      cases: {
        best: { for: 0, wins: false, short: 1, spare: 0 },
        likely: { for: 0, wins: false, short: 1, spare: 0 },
        worst: { for: 0, wins: false, short: 1, spare: 0 },
      },
      toMove: null,
      sentence: 'no reads of 0 seats — a majority of votes cast needs 1: 1 short',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const w = whipCount(c.rule, c.seats)
      t.equal(w.cases.likely.needed, c.needed, 'votes needed')
      for (const k of ['best', 'likely', 'worst'] as const) {
        const got = w.cases[k]
        const want = c.cases[k]
        t.same(
          { for: got.for, wins: got.wins, short: got.short, spare: got.spare, quorumMet: got.quorumMet },
          { quorumMet: true, ...want },
          `${k} case`,
        )
      }
      t.same(w.toMove === null ? null : w.toMove.map((s) => s.name), c.toMove, 'smallest set to move')
      if (c.sentence !== undefined) t.equal(w.sentence, c.sentence, 'sentence')
    })
  }
})

t.test('The turnout count weighs pledged supporters against the expected room.', async (t) => {
  const cases: {
    name: string
    rule: VoteRule
    expected: number
    pledges: { confirmed: number; pledged: number; maybe: number }
    cases: Record<CaseKey, Expect>
  }[] = [
    {
      name: 'A meeting of 120 needs 61; 55 coming in the likely case are 6 short.',
      rule: majority,
      expected: 120,
      pledges: { confirmed: 40, pledged: 15, maybe: 10 },
      cases: {
        best: { for: 65, wins: true, short: 0, spare: 4 },
        likely: { for: 55, wins: false, short: 6, spare: 0 },
        worst: { for: 40, wins: false, short: 21, spare: 0 },
      },
    },
    {
      name: 'An expected room below the quorum has no quorum, and the missing members are counted short.',
      rule: { threshold: 'majority_cast', quorum: 50 },
      expected: 40,
      pledges: { confirmed: 10, pledged: 20, maybe: 0 },
      cases: {
        best: { for: 30, wins: false, short: 10, spare: 0, quorumMet: false },
        likely: { for: 30, wins: false, short: 10, spare: 0, quorumMet: false },
        worst: { for: 10, wins: false, short: 16, spare: 0, quorumMet: false },
      },
    },
    {
      name: 'More supporters than the expected room make the room bigger.',
      rule: majority,
      expected: 20,
      pledges: { confirmed: 25, pledged: 0, maybe: 0 },
      cases: {
        best: { for: 25, wins: true, short: 0, spare: 12 },
        likely: { for: 25, wins: true, short: 0, spare: 12 },
        worst: { for: 25, wins: true, short: 0, spare: 12 },
      },
    },
    {
      name: 'Exactly two-thirds of the expected room wins with none to spare.',
      rule: twoThirds,
      expected: 90,
      pledges: { confirmed: 60, pledged: 0, maybe: 0 },
      cases: {
        best: { for: 60, wins: true, short: 0, spare: 0 },
        likely: { for: 60, wins: true, short: 0, spare: 0 },
        worst: { for: 60, wins: true, short: 0, spare: 0 },
      },
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const w = turnoutCount({ rule: c.rule, expected: c.expected, pledges: c.pledges })
      for (const k of ['best', 'likely', 'worst'] as const) {
        const got = w.cases[k]
        t.same(
          { for: got.for, wins: got.wins, short: got.short, spare: got.spare, quorumMet: got.quorumMet },
          { quorumMet: true, ...c.cases[k] },
          `${k} case`,
        )
      }
    })
  }
  t.equal(
    turnoutCount({ rule: majority, expected: 120, pledges: { confirmed: 40, pledged: 15, maybe: 10 } }).sentence,
    '55 pledged to attend and vote (40 confirmed, 10 more maybe) of 120 members expected — a majority of votes cast needs 61: 6 short',
  )
})

t.test('Standing across drives: won, close within 2 votes, or lost.', async (t) => {
  const w = (yes: number, no: number) =>
    whipCount(majority, roster({ yes: many('Y', yes), no: many('N', no) })).cases.likely
  t.equal(standing(w(6, 5)), 'won')
  t.equal(standing(w(5, 6)), 'close', 'one short')
  t.equal(standing(w(4, 7)), 'close', 'two short')
  t.equal(standing(w(3, 8)), 'lost', 'three short')
})

t.test('A linked supporter’s level suggests a read.', async (t) => {
  t.same([1, 2, 3, 4, 5, null].map(suggestedRead), ['yes', 'leaning_yes', 'undecided', 'leaning_no', 'no', null])
})

t.test('The decision form and the whip count agree on every tally under every rule.', async (t) => {
  const rules: { threshold: 'majority_cast' | 'majority_present' | 'two_thirds' | 'custom'; p?: number }[] = [
    { threshold: 'majority_cast' },
    { threshold: 'majority_present' },
    { threshold: 'two_thirds' },
    { threshold: 'custom', p: 58 },
    { threshold: 'custom', p: 75 },
  ]
  let checked = 0
  for (const r of rules) {
    for (let yes = 0; yes <= 9; yes++) {
      for (let no = 0; no <= 9; no++) {
        for (const quorum of [null, 6]) {
          const rule: VoteRule = { threshold: r.threshold, customPercent: r.p ?? null, quorum }
          const seats = roster({ yes: many('Y', yes), no: many('N', no), absent: ['X'] })
          const projected = whipCount(rule, seats).cases.likely
          const recorded = computeOutcome({
            votesFor: yes,
            votesAgainst: no,
            abstain: 0,
            threshold: r.threshold,
            customPercent: r.p ?? null,
            quorumMet: quorum === null || yes + no >= quorum,
          })
          const expected = !projected.quorumMet ? 'no_quorum' : projected.wins ? 'adopted' : 'failed'
          if (recorded !== expected) t.fail(`${r.threshold} ${yes}-${no} quorum ${quorum}: ${recorded} vs ${expected}`)
          checked++
        }
      }
    }
  }
  t.equal(checked, 1000, 'every tally was compared')
})
