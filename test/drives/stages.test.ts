import t from 'tap'
import {
  DEFAULT_THRESHOLDS,
  DRIVE_STATUSES,
  ENDS,
  STAGES,
  classifyMove,
  driveStatusLabel,
  endLabel,
  exitCheckPasses,
  exitChecks,
  isDriveStatus,
  isEndKey,
  isStageKey,
  moveRequirements,
  nextStage,
  previousStage,
  skippedStages,
  stageIndex,
  stageLabel,
} from '../../src/drives/stages.ts'
import type { CheckState, ExitFacts, MoveKind, StageKey, Thresholds } from '../../src/drives/stages.ts'

// A drive that has done everything: every exit check passes.
const done: ExitFacts = {
  supportersLevel12: 12,
  potentialLeaders: 3,
  processAdopted: true,
  processSkippedReason: null,
  leadersTrained: 4,
  filingRecorded: true,
  decisionRecorded: true,
}

// A brand-new drive: nothing measured, nothing recorded.
const fresh: ExitFacts = {
  supportersLevel12: null,
  potentialLeaders: null,
  processAdopted: false,
  processSkippedReason: null,
  leadersTrained: null,
  filingRecorded: false,
  decisionRecorded: false,
}

t.test('The stages are the five pipeline stages, in order, with their labels.', async (t) => {
  t.same(
    STAGES.map((s) => [s.key, s.label]),
    [
      ['identify', 'Identify supporters'],
      ['democratize', 'Democratize the endorsement process'],
      ['build_team', 'Build teams'],
      ['file_resolution', 'File the resolution'],
      ['vote', 'Hold the vote'],
    ],
  )
  for (const s of STAGES) t.ok(s.description.length > 0, `${s.key} has a description`)
  t.ok(Object.isFrozen(STAGES) && Object.isFrozen(STAGES[0]), 'the stage list cannot be changed by a caller')
})

t.test('The ends and drive statuses are the documented ones.', async (t) => {
  t.same(
    ENDS.map((e) => e.key),
    ['won', 'lost', 'dropped'],
  )
  t.same(
    DRIVE_STATUSES.map((s) => s.key),
    ['active', 'paused', 'won', 'lost', 'dropped'],
  )
  t.equal(endLabel('dropped'), 'Dropped')
  t.equal(driveStatusLabel('paused'), 'Paused')
})

t.test('Type guards accept known keys and reject everything else.', async (t) => {
  const cases: { name: string; value: unknown; stage: boolean; end: boolean; status: boolean }[] = [
    { name: 'a stage key', value: 'build_team', stage: true, end: false, status: false },
    { name: 'an end key', value: 'won', stage: false, end: true, status: true },
    { name: 'a status that is not an end', value: 'paused', stage: false, end: false, status: true },
    { name: 'a label instead of a key', value: 'Build teams', stage: false, end: false, status: false },
    { name: 'a key in the wrong case', value: 'VOTE', stage: false, end: false, status: false },
    { name: 'an empty string', value: '', stage: false, end: false, status: false },
    { name: 'a number', value: 1, stage: false, end: false, status: false },
    { name: 'null', value: null, stage: false, end: false, status: false },
    { name: 'an inherited property name', value: 'toString', stage: false, end: false, status: false },
  ]
  for (const c of cases) {
    t.test(`Guards classify ${c.name} correctly.`, async (t) => {
      t.equal(isStageKey(c.value), c.stage, 'isStageKey')
      t.equal(isEndKey(c.value), c.end, 'isEndKey')
      t.equal(isDriveStatus(c.value), c.status, 'isDriveStatus')
    })
  }
})

t.test('Each stage knows its position, label and neighbours.', async (t) => {
  const cases: {
    name: string
    key: StageKey
    index: number
    label: string
    next: StageKey | null
    prev: StageKey | null
  }[] = [
    {
      name: 'Identify is first and has no previous stage.',
      key: 'identify',
      index: 0,
      label: 'Identify supporters',
      next: 'democratize',
      prev: null,
    },
    {
      name: 'Democratize sits between identify and build team.',
      key: 'democratize',
      index: 1,
      label: 'Democratize the endorsement process',
      next: 'build_team',
      prev: 'identify',
    },
    {
      name: 'Build team sits between democratize and filing.',
      key: 'build_team',
      index: 2,
      label: 'Build teams',
      next: 'file_resolution',
      prev: 'democratize',
    },
    {
      name: 'Filing sits between build team and the vote.',
      key: 'file_resolution',
      index: 3,
      label: 'File the resolution',
      next: 'vote',
      prev: 'build_team',
    },
    {
      name: 'The vote is last and has no next stage.',
      key: 'vote',
      index: 4,
      label: 'Hold the vote',
      next: null,
      prev: 'file_resolution',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(stageIndex(c.key), c.index, 'index')
      t.equal(stageLabel(c.key), c.label, 'label')
      t.equal(nextStage(c.key), c.next, 'next')
      t.equal(previousStage(c.key), c.prev, 'previous')
    })
  }
})

t.test('An unknown stage key read from storage is refused loudly.', async (t) => {
  const bogus = 'negotiate' as StageKey
  t.throws(() => stageIndex(bogus), RangeError)
  t.throws(() => stageLabel(bogus), RangeError)
  t.throws(() => classifyMove('identify', bogus), RangeError)
  t.throws(() => exitChecks(bogus, done), RangeError)
})

t.test('Moves are classified by how far and which way they go.', async (t) => {
  const cases: { name: string; from: StageKey; to: StageKey; kind: MoveKind; skipped: StageKey[] }[] = [
    { name: 'Staying on the same stage is the same.', from: 'build_team', to: 'build_team', kind: 'same', skipped: [] },
    { name: 'One step ahead is forward.', from: 'identify', to: 'democratize', kind: 'forward', skipped: [] },
    {
      name: 'The last step, into the vote, is forward.',
      from: 'file_resolution',
      to: 'vote',
      kind: 'forward',
      skipped: [],
    },
    {
      name: 'Two steps ahead is a skip over one stage.',
      from: 'identify',
      to: 'build_team',
      kind: 'skip',
      skipped: ['democratize'],
    },
    {
      name: 'Jumping from the start to the vote skips three stages.',
      from: 'identify',
      to: 'vote',
      kind: 'skip',
      skipped: ['democratize', 'build_team', 'file_resolution'],
    },
    { name: 'One step back is backward.', from: 'vote', to: 'file_resolution', kind: 'backward', skipped: [] },
    {
      name: 'Several steps back is still backward, not a skip.',
      from: 'vote',
      to: 'identify',
      kind: 'backward',
      skipped: [],
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(classifyMove(c.from, c.to), c.kind)
      t.same(skippedStages(c.from, c.to), c.skipped)
    })
  }
})

t.test('Exit checks report met, unmet and unmeasured in organizer language.', async (t) => {
  const cases: {
    name: string
    stage: StageKey
    facts: Partial<ExitFacts>
    thresholds?: Thresholds
    expect: { key: string; state: CheckState; detail: string }[]
    passes: boolean
  }[] = [
    {
      name: 'Identify is unmet with 3 of 5 supporters even when a leader is found.',
      stage: 'identify',
      facts: { supportersLevel12: 3, potentialLeaders: 1 },
      expect: [
        { key: 'supporters', state: 'unmet', detail: '3 of 5 supporters at level 1–2' },
        { key: 'potential_leaders', state: 'met', detail: '1 potential leader identified (1 needed)' },
      ],
      passes: false,
    },
    {
      name: 'Identify passes with exactly 5 supporters and 1 leader.',
      stage: 'identify',
      facts: { supportersLevel12: 5, potentialLeaders: 1 },
      expect: [
        { key: 'supporters', state: 'met', detail: '5 supporters at level 1–2 (5 needed)' },
        { key: 'potential_leaders', state: 'met', detail: '1 potential leader identified (1 needed)' },
      ],
      passes: true,
    },
    {
      name: 'Identify is unmet with enough supporters but no leader.',
      stage: 'identify',
      facts: { supportersLevel12: 9, potentialLeaders: 0 },
      expect: [
        { key: 'supporters', state: 'met', detail: '9 supporters at level 1–2 (5 needed)' },
        { key: 'potential_leaders', state: 'unmet', detail: '0 of 1 potential leader identified' },
      ],
      passes: false,
    },
    {
      name: 'Identify is unmeasured before any supporter or leader is assessed, and does not pass.',
      stage: 'identify',
      facts: {},
      expect: [
        { key: 'supporters', state: 'unmeasured', detail: 'No supporter levels recorded yet' },
        { key: 'potential_leaders', state: 'unmeasured', detail: 'No potential leaders assessed yet' },
      ],
      passes: false,
    },
    {
      name: 'Identify with one measured and one unmeasured check does not pass.',
      stage: 'identify',
      facts: { supportersLevel12: 6, potentialLeaders: null },
      expect: [
        { key: 'supporters', state: 'met', detail: '6 supporters at level 1–2 (5 needed)' },
        { key: 'potential_leaders', state: 'unmeasured', detail: 'No potential leaders assessed yet' },
      ],
      passes: false,
    },
    {
      name: 'Identify uses the chapter thresholds when they differ from the defaults.',
      stage: 'identify',
      facts: { supportersLevel12: 1, potentialLeaders: 2 },
      thresholds: { minSupporters: 10, minLeaders: 2, minTrainedLeaders: 3 },
      expect: [
        { key: 'supporters', state: 'unmet', detail: '1 of 10 supporters at level 1–2' },
        { key: 'potential_leaders', state: 'met', detail: '2 potential leaders identified (2 needed)' },
      ],
      passes: false,
    },
    {
      name: 'Democratize passes once a democratic process is adopted.',
      stage: 'democratize',
      facts: { processAdopted: true },
      expect: [{ key: 'process', state: 'met', detail: 'A democratic process is adopted (or already in place)' }],
      passes: true,
    },
    {
      name: 'Democratize passes when the team skipped it with a recorded reason.',
      stage: 'democratize',
      facts: { processSkippedReason: '  Already a binding member poll  ' },
      expect: [{ key: 'process', state: 'met', detail: 'Skipped by the team: Already a binding member poll' }],
      passes: true,
    },
    {
      name: 'Democratize is unmet when the skip reason is only whitespace.',
      stage: 'democratize',
      facts: { processSkippedReason: '   ' },
      expect: [
        {
          key: 'process',
          state: 'unmet',
          detail: 'No democratic process adopted yet, and no reason recorded for skipping it',
        },
      ],
      passes: false,
    },
    {
      name: 'Build team is unmet with 2 of 3 trained leaders.',
      stage: 'build_team',
      facts: { leadersTrained: 2 },
      expect: [{ key: 'trained_leaders', state: 'unmet', detail: '2 of 3 leaders with training completed' }],
      passes: false,
    },
    {
      name: 'Build team passes with 3 trained leaders.',
      stage: 'build_team',
      facts: { leadersTrained: 3 },
      expect: [{ key: 'trained_leaders', state: 'met', detail: '3 leaders with training completed (3 needed)' }],
      passes: true,
    },
    {
      name: 'Build team is unmeasured before any team is recorded.',
      stage: 'build_team',
      facts: { leadersTrained: null },
      expect: [{ key: 'trained_leaders', state: 'unmeasured', detail: 'No team or trainings recorded yet' }],
      passes: false,
    },
    {
      name: 'Filing passes once the filing is recorded.',
      stage: 'file_resolution',
      facts: { filingRecorded: true },
      expect: [{ key: 'filing', state: 'met', detail: 'Filing recorded: date, body and text filed' }],
      passes: true,
    },
    {
      name: 'Filing is unmet until the filing is recorded.',
      stage: 'file_resolution',
      facts: {},
      expect: [
        {
          key: 'filing',
          state: 'unmet',
          detail: 'No filing recorded yet: the date, the body and the exact text filed',
        },
      ],
      passes: false,
    },
    {
      name: 'The vote passes once an outcome is recorded.',
      stage: 'vote',
      facts: { decisionRecorded: true },
      expect: [{ key: 'decision', state: 'met', detail: 'The outcome of the vote is recorded' }],
      passes: true,
    },
    {
      name: 'The vote is unmet until an outcome is recorded.',
      stage: 'vote',
      facts: {},
      expect: [{ key: 'decision', state: 'unmet', detail: 'No outcome recorded yet' }],
      passes: false,
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const facts = { ...fresh, ...c.facts }
      const checks = exitChecks(c.stage, facts, c.thresholds)
      t.same(
        checks.map(({ key, state, detail }) => ({ key, state, detail })),
        c.expect,
      )
      for (const check of checks) t.ok(check.label.length > 0, `${check.key} has a label`)
      t.equal(exitCheckPasses(c.stage, facts, c.thresholds), c.passes, 'exitCheckPasses')
    })
  }
})

t.test('The default thresholds are 5 supporters, 1 leader and 3 trained leaders.', async (t) => {
  t.same(DEFAULT_THRESHOLDS, { minSupporters: 5, minLeaders: 1, minTrainedLeaders: 3 })
  t.ok(Object.isFrozen(DEFAULT_THRESHOLDS))
})

t.test('Move requirements ask for a reason whenever a move departs from the plan.', async (t) => {
  const cases: {
    name: string
    from: StageKey
    to: StageKey
    facts: ExitFacts
    kind: MoveKind
    reasonRequired: boolean
    warnings: string[]
  }[] = [
    {
      name: 'Moving forward after the exit check passes needs no reason and warns of nothing.',
      from: 'identify',
      to: 'democratize',
      facts: done,
      kind: 'forward',
      reasonRequired: false,
      warnings: [],
    },
    {
      name: 'Moving forward with an unmet exit check needs a reason and says what is missing.',
      from: 'build_team',
      to: 'file_resolution',
      facts: { ...done, leadersTrained: 1 },
      kind: 'forward',
      reasonRequired: true,
      warnings: ['Exit check not met — Trained leaders: 1 of 3 leaders with training completed.'],
    },
    {
      name: 'Moving forward with an unmeasured exit check needs a reason, because unmeasured is not passing.',
      from: 'identify',
      to: 'democratize',
      facts: { ...done, supportersLevel12: null },
      kind: 'forward',
      reasonRequired: true,
      warnings: ['Exit check not measurable yet — Supporters at level 1–2: No supporter levels recorded yet.'],
    },
    {
      name: 'Moving forward from a fresh drive lists every failing check of the stage being left.',
      from: 'identify',
      to: 'democratize',
      facts: fresh,
      kind: 'forward',
      reasonRequired: true,
      warnings: [
        'Exit check not measurable yet — Supporters at level 1–2: No supporter levels recorded yet.',
        'Exit check not measurable yet — Potential leaders: No potential leaders assessed yet.',
      ],
    },
    {
      name: 'Skipping a stage needs a reason even when the exit check passes.',
      from: 'identify',
      to: 'build_team',
      facts: done,
      kind: 'skip',
      reasonRequired: true,
      warnings: ['Skipping “Democratize the endorsement process”.'],
    },
    {
      name: 'Skipping with a failing exit check warns about both.',
      from: 'democratize',
      to: 'vote',
      facts: { ...done, processAdopted: false },
      kind: 'skip',
      reasonRequired: true,
      warnings: [
        'Exit check not met — Democratic endorsement process: No democratic process adopted yet, and no reason recorded for skipping it.',
        'Skipping “Build teams”, “File the resolution”.',
      ],
    },
    {
      name: 'Moving backward needs a reason even when every check passes.',
      from: 'vote',
      to: 'build_team',
      facts: done,
      kind: 'backward',
      reasonRequired: true,
      warnings: ['Moving back from “Hold the vote” to “Build teams”.'],
    },
    {
      name: 'Moving backward does not repeat the exit check of the stage being left.',
      from: 'file_resolution',
      to: 'identify',
      facts: fresh,
      kind: 'backward',
      reasonRequired: true,
      warnings: ['Moving back from “File the resolution” to “Identify supporters”.'],
    },
    {
      name: 'Staying on the same stage is a no-op that needs no reason, even with failing checks.',
      from: 'identify',
      to: 'identify',
      facts: fresh,
      kind: 'same',
      reasonRequired: false,
      warnings: [],
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = moveRequirements(c.from, c.to, c.facts, DEFAULT_THRESHOLDS)
      t.equal(r.kind, c.kind, 'kind')
      t.equal(r.reasonRequired, c.reasonRequired, 'reasonRequired')
      t.same(r.warnings, c.warnings, 'warnings')
    })
  }
})

t.test('Moves are never blocked: every pair of stages yields requirements, not an error.', async (t) => {
  for (const from of STAGES) {
    for (const to of STAGES) {
      const r = moveRequirements(from.key, to.key, fresh)
      t.equal(r.kind, classifyMove(from.key, to.key), `${from.key} → ${to.key}`)
    }
  }
})
