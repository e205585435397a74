// planMove, factsOf and thresholdsOf (src/drives/stages.ts): each row is a drive's facts and a move's
// target, and what the move does and asks for. The move form and the board both go through planMove.
import t from 'tap'
import {
  factsOf,
  planMove,
  thresholdsOf,
  type MoveDrive,
  type MovePlan,
  type MoveTarget,
} from '../../src/drives/stages.ts'

// A drive at "Identify supporters" whose checks all pass, with the local's own thresholds unset.
const ready: MoveDrive = {
  stage: 'identify',
  status: 'active',
  process_adopted: false,
  process_skipped_reason: null,
  filing_recorded: false,
  decision_recorded: false,
  min_supporters: null,
  min_leaders: null,
  min_trained_leaders: null,
  supporters: { supportersLevel12: 6, potentialLeaders: 2, leadersTrained: 0 },
  whipFacts: null,
}
const drive = (patch: Partial<MoveDrive>): MoveDrive => ({ ...ready, ...patch })

type Row = {
  name: string
  drive: MoveDrive
  to: MoveTarget
  // null: the drive is already there, nothing to do.
  plan: (Omit<MovePlan, 'warnings'> & { warnings: (string | RegExp)[] }) | null
}

const rows: Row[] = [
  {
    name: 'a forward move with every check met asks for nothing',
    drive: ready,
    to: 'democratize',
    plan: { warnings: [], reasonRequired: false, toStage: 'democratize', toStatus: 'active', newStage: true },
  },
  {
    name: 'a forward move with a check short warns and asks for a reason',
    drive: drive({ supporters: { supportersLevel12: 3, potentialLeaders: 2, leadersTrained: 0 } }),
    to: 'democratize',
    plan: {
      warnings: ['Exit check not met — Supporters at level 1–2: 3 of 5 supporters at level 1–2.'],
      reasonRequired: true,
      toStage: 'democratize',
      toStatus: 'active',
      newStage: true,
    },
  },
  {
    name: 'the local’s own threshold counts instead of the default',
    drive: drive({ min_supporters: 8 }),
    to: 'democratize',
    plan: {
      warnings: ['Exit check not met — Supporters at level 1–2: 6 of 8 supporters at level 1–2.'],
      reasonRequired: true,
      toStage: 'democratize',
      toStatus: 'active',
      newStage: true,
    },
  },
  {
    name: 'no supporter roll-up loaded: the checks are not measurable, and say so',
    drive: drive({ supporters: undefined }),
    to: 'democratize',
    plan: {
      warnings: [/^Exit check not measurable yet — Supporters/, /^Exit check not measurable yet — Potential leaders/],
      reasonRequired: true,
      toStage: 'democratize',
      toStatus: 'active',
      newStage: true,
    },
  },
  {
    name: 'skipping stages names them and asks for a reason',
    drive: ready,
    to: 'build_team',
    plan: {
      warnings: ['Skipping “Democratize the endorsement process”.'],
      reasonRequired: true,
      toStage: 'build_team',
      toStatus: 'active',
      newStage: true,
    },
  },
  {
    name: 'a backward move asks for a reason',
    drive: drive({ stage: 'build_team' }),
    to: 'identify',
    plan: {
      warnings: ['Moving back from “Build teams” to “Identify supporters”.'],
      reasonRequired: true,
      toStage: 'identify',
      toStatus: 'active',
      newStage: true,
    },
  },
  { name: 'the stage the drive is at: nothing to do', drive: ready, to: 'identify', plan: null },
  {
    name: 'a paused drive moves forward and stays paused',
    drive: drive({ status: 'paused' }),
    to: 'democratize',
    plan: { warnings: [], reasonRequired: false, toStage: 'democratize', toStatus: 'paused', newStage: true },
  },
  {
    name: 'an ended drive moved to a stage reopens there, with a reason',
    drive: drive({ stage: 'vote', status: 'lost', decision_recorded: true }),
    to: 'file_resolution',
    plan: {
      warnings: ['Reopening a drive that ended as “Lost”.'],
      reasonRequired: true,
      toStage: 'file_resolution',
      toStatus: 'active',
      newStage: true,
    },
  },
  {
    name: 'an ended drive moved to its own stage still reopens',
    drive: drive({ stage: 'vote', status: 'won', decision_recorded: true }),
    to: 'vote',
    plan: {
      warnings: ['Reopening a drive that ended as “Won”.'],
      reasonRequired: true,
      toStage: 'vote',
      toStatus: 'active',
      newStage: true,
    },
  },
  {
    name: 'pausing an active drive keeps its stage and starts no new stage',
    drive: drive({ stage: 'build_team' }),
    to: 'paused',
    plan: { warnings: [], reasonRequired: false, toStage: 'build_team', toStatus: 'paused', newStage: false },
  },
  { name: 'pausing a paused drive: nothing to do', drive: drive({ status: 'paused' }), to: 'paused', plan: null },
  { name: 'pausing an ended drive: nothing to do', drive: drive({ status: 'dropped' }), to: 'paused', plan: null },
  {
    name: 'resuming a paused drive needs no reason',
    drive: drive({ status: 'paused', stage: 'democratize' }),
    to: 'active',
    plan: { warnings: [], reasonRequired: false, toStage: 'democratize', toStatus: 'active', newStage: false },
  },
  {
    name: 'reopening an ended drive where it stood asks for a reason',
    drive: drive({ status: 'dropped', stage: 'democratize' }),
    to: 'active',
    plan: {
      warnings: ['Reopening a drive that ended as “Dropped”.'],
      reasonRequired: true,
      toStage: 'democratize',
      toStatus: 'active',
      newStage: true,
    },
  },
  { name: 'resuming an active drive: nothing to do', drive: ready, to: 'active', plan: null },
  {
    name: 'dropping always asks for a reason',
    drive: drive({ stage: 'build_team' }),
    to: 'dropped',
    plan: {
      warnings: ['A dropped drive needs a reason, so the chapter remembers why.'],
      reasonRequired: true,
      toStage: 'build_team',
      toStatus: 'dropped',
      newStage: true,
    },
  },
  { name: 'dropping a dropped drive: nothing to do', drive: drive({ status: 'dropped' }), to: 'dropped', plan: null },
  {
    name: 'won with a decision recorded asks for nothing',
    drive: drive({ stage: 'vote', decision_recorded: true }),
    to: 'won',
    plan: { warnings: [], reasonRequired: false, toStage: 'vote', toStatus: 'won', newStage: true },
  },
  {
    name: 'won without a decision points at the decision form and asks for a reason',
    drive: drive({ stage: 'vote' }),
    to: 'won',
    plan: {
      warnings: [
        'No decision is recorded. Record the vote with the decision form so the endorsement is counted, ' +
          'or give a reason.',
      ],
      reasonRequired: true,
      toStage: 'vote',
      toStatus: 'won',
      newStage: true,
    },
  },
  {
    name: 'lost without a decision asks for a reason',
    drive: drive({ stage: 'vote' }),
    to: 'lost',
    plan: {
      warnings: ['No decision is recorded. Record the vote with the decision form, or give a reason.'],
      reasonRequired: true,
      toStage: 'vote',
      toStatus: 'lost',
      newStage: true,
    },
  },
  {
    name: 'lost after won: reopening warning and reason',
    drive: drive({ stage: 'vote', status: 'won', decision_recorded: true }),
    to: 'lost',
    plan: {
      warnings: ['Reopening a drive that ended as “Won”.'],
      reasonRequired: true,
      toStage: 'vote',
      toStatus: 'lost',
      newStage: true,
    },
  },
  { name: 'won when already won: nothing to do', drive: drive({ status: 'won' }), to: 'won', plan: null },
]

for (const row of rows) {
  t.test(row.name, async (t) => {
    const got = planMove(row.drive, row.to)
    if (row.plan === null) {
      t.equal(got, null)
      return
    }
    t.ok(got, 'a plan')
    if (!got) return
    const { warnings, ...rest } = row.plan
    t.same({ ...got, warnings: undefined }, { ...rest, warnings: undefined })
    t.equal(got.warnings.length, warnings.length, `warnings: ${JSON.stringify(got.warnings)}`)
    for (const [i, w] of warnings.entries()) {
      if (typeof w === 'string') t.equal(got.warnings[i], w)
      else t.match(got.warnings[i], w)
    }
  })
}

t.test('factsOf reads the drive row, the supporter roll-up and the whip facts', async (t) => {
  const whip = { wins: true, quorumMet: true, short: 0, spare: 2 }
  const majorityTest = { required: true, reached: false, best: null }
  t.same(
    factsOf(
      drive({
        process_adopted: true,
        filing_recorded: true,
        process_skipped_reason: 'n/a',
        whipFacts: { whip, majorityTest },
      }),
    ),
    {
      supportersLevel12: 6,
      potentialLeaders: 2,
      processAdopted: true,
      processSkippedReason: 'n/a',
      leadersTrained: 0,
      filingRecorded: true,
      decisionRecorded: false,
      whip,
      majorityTest,
    },
  )
  const bare = factsOf(drive({ supporters: undefined, whipFacts: undefined }))
  t.equal(bare.supportersLevel12, null, 'no roll-up: not measurable')
  t.equal(bare.leadersTrained, null)
  t.equal(bare.whip, null)
  t.equal(bare.majorityTest, null)
})

t.test('thresholdsOf takes the local’s own numbers, the defaults for the rest', async (t) => {
  t.same(thresholdsOf({ min_supporters: null, min_leaders: null, min_trained_leaders: null }), {
    minSupporters: 5,
    minLeaders: 1,
    minTrainedLeaders: 3,
  })
  t.same(thresholdsOf({ min_supporters: 9, min_leaders: 0, min_trained_leaders: 2 }), {
    minSupporters: 9,
    minLeaders: 0,
    minTrainedLeaders: 2,
  })
})
