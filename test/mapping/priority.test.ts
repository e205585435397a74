// The mapping priority: each part and the order, table-driven.
import t from 'tap'
import {
  comingUp,
  oneYearAfter,
  priority,
  rankLocals,
  sizePoints,
  type PriorityInput,
} from '../../src/mapping/priority.ts'

const base: PriorityInput = {
  orientation: null,
  members: null,
  positionsPassed: 0,
  officerElectionOn: null,
  contractExpiresOn: null,
  membersInCommon: 0,
  today: '2026-11-23',
}

t.test('each part scores as documented', async (t) => {
  const cases: [string, Partial<PriorityInput>, number][] = [
    ['nothing known scores 0', {}, 0],
    ['left-led scores 40', { orientation: 'left_led' }, 40],
    ['progressive-opportunist scores 25', { orientation: 'progressive_opportunist' }, 25],
    ['middling scores 10', { orientation: 'middling' }, 10],
    ['hostile scores −50', { orientation: 'hostile' }, -50],
    ['10 members score 5', { members: 10 }, 5],
    ['1,000 members score 15', { members: 1000 }, 15],
    ['10,000 members score 20', { members: 10000 }, 20],
    ['a million members still score 20', { members: 1_000_000 }, 20],
    ['one position passed scores 5', { positionsPassed: 1 }, 5],
    ['five positions passed score at most 15', { positionsPassed: 5 }, 15],
    ['an officer election in 3 months scores 10', { officerElectionOn: '2027-02-01' }, 10],
    ['a contract expiry in 13 months scores 0', { contractExpiresOn: '2027-12-31' }, 0],
    ['a past officer election scores 0', { officerElectionOn: '2026-01-01' }, 0],
    [
      'both an election and an expiry score 10 once',
      { officerElectionOn: '2027-01-01', contractExpiresOn: '2027-03-01' },
      10,
    ],
    ['two members in common score 10', { membersInCommon: 2 }, 10],
    ['six members in common score at most 20', { membersInCommon: 6 }, 20],
    [
      'everything at its best scores 105',
      {
        orientation: 'left_led',
        members: 50000,
        positionsPassed: 4,
        officerElectionOn: '2027-06-01',
        membersInCommon: 9,
      },
      105,
    ],
  ]
  for (const [name, input, score] of cases) t.equal(priority({ ...base, ...input }).score, score, name)
})

t.test('the parts explain the score', async (t) => {
  const p = priority({ ...base, orientation: 'middling', members: 100, positionsPassed: 1, membersInCommon: 1 })
  t.same(
    p.parts.map((x) => [x.key, x.points]),
    [
      ['orientation', 10],
      ['size', 10],
      ['positions', 5],
      ['members_in_common', 5],
    ],
  )
  t.equal(
    p.score,
    p.parts.reduce((s, x) => s + x.points, 0),
  )
})

t.test('locals are ranked by score, then size, then name', async (t) => {
  const rows = [
    { ...base, name: 'Hostile Big', orientation: 'hostile' as const, members: 100000 },
    { ...base, name: 'Middling Small', orientation: 'middling' as const, members: 100 },
    { ...base, name: 'Left Small', orientation: 'left_led' as const, members: 10 },
    { ...base, name: 'B Middling', orientation: 'middling' as const, members: 100 },
    { ...base, name: 'Middling Positions', orientation: 'middling' as const, members: 100, positionsPassed: 1 },
  ]
  t.same(
    rankLocals(rows).map((r) => r.name),
    ['Left Small', 'Middling Positions', 'B Middling', 'Middling Small', 'Hostile Big'],
  )
})

t.test('dates: a year ahead, and what counts as coming up', async (t) => {
  t.equal(oneYearAfter('2026-11-23'), '2027-11-23')
  t.equal(oneYearAfter('2028-02-29'), '2029-02-28')
  t.ok(comingUp('2026-11-23', '2026-11-23'))
  t.ok(comingUp('2027-11-23', '2026-11-23'))
  t.notOk(comingUp('2027-11-24', '2026-11-23'))
  t.notOk(comingUp(null, '2026-11-23'))
  t.equal(sizePoints(0), 0)
  t.equal(sizePoints(null), 0)
})
