import t from 'tap'
import { type ExitFacts, exitChecks, moveRequirements } from '../../src/drives/stages.ts'

const base: ExitFacts = {
  supportersLevel12: 6,
  potentialLeaders: 2,
  processAdopted: true,
  processSkippedReason: null,
  leadersTrained: 3,
  filingRecorded: true,
  decisionRecorded: false,
}

t.test('The vote stage checks the whip count only when the drive lists its deciding body.', async (t) => {
  const cases: { name: string; whip: ExitFacts['whip']; want: [string, string] | null }[] = [
    { name: 'No body: no whip check.', whip: undefined, want: null },
    {
      name: 'A likely case 3 short is a warning.',
      whip: { wins: false, quorumMet: true, short: 3, spare: 0 },
      want: ['unmet', 'The likely case is 3 short'],
    },
    {
      name: 'A likely case without quorum is a warning.',
      whip: { wins: false, quorumMet: false, short: 2, spare: 0 },
      want: ['unmet', 'No quorum on the likely case: 2 short'],
    },
    {
      name: 'A winning likely case is met.',
      whip: { wins: true, quorumMet: true, short: 0, spare: 2 },
      want: ['met', 'The likely case wins with 2 to spare'],
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const check = exitChecks('vote', { ...base, whip: c.whip }).find((x) => x.key === 'whip')
      t.same(check ? [check.state, check.detail] : null, c.want)
    })
  }
})

t.test('“Majority reached” is a filing check only for drives that ask for it, and never blocks.', async (t) => {
  t.notOk(
    exitChecks('file_resolution', { ...base, majorityTest: { required: false, reached: false, best: null } }).some(
      (c) => c.key === 'majority',
    ),
  )
  const unmet = exitChecks('file_resolution', {
    ...base,
    majorityTest: { required: true, reached: false, best: 'Petition: 40 of 100 (40%)' },
  })
  t.same(
    unmet.map((c) => [c.key, c.state]),
    [
      ['majority', 'unmet'],
      ['filing', 'met'],
    ],
  )
  const move = moveRequirements('file_resolution', 'vote', {
    ...base,
    majorityTest: { required: true, reached: false, best: null },
  })
  t.ok(move.reasonRequired, 'moving on without a majority asks for a reason')
  t.match(move.warnings.join(' '), 'Majority reached on a structure test')
  const met = exitChecks('file_resolution', {
    ...base,
    majorityTest: { required: true, reached: true, best: 'Petition: 60 of 100 (60%)' },
  })
  t.equal(met[0]?.state, 'met')
})
