import t from 'tap'
import { computeGoals, cumulativeByWeek, MAX_WEEKS, squares } from '../../src/slate/goals.ts'
import type { CandidateGoal, Goals, SlateGoal, Square, WeekPoint } from '../../src/slate/goals.ts'
import type {
  EndorsementStatus,
  MatrixBody,
  MatrixCandidate,
  MatrixDrive,
  MatrixEndorsement,
} from '../../src/slate/build-matrix.ts'
import type { DriveStatus, StageKey } from '../../src/drives/stages.ts'

// The assertions a check uses, shared by tap's root and its subtests.
type Assert = Pick<typeof t, 'equal' | 'same' | 'ok' | 'throws'>

const ANA = 1
const BEN = 2
const CARA = 3
const DEE = 4
const ELECTION = '2026-11-03'
const TODAY = '2026-05-01'

function candidate(id: number, name: string, extra: Partial<MatrixCandidate> = {}): MatrixCandidate {
  return { id, name, office: 'City Council', status: 'running', goal: 10, electionDate: ELECTION, ...extra }
}

const candidates: MatrixCandidate[] = [
  candidate(ANA, 'Ana Ruiz'),
  candidate(BEN, 'Ben Okafor'),
  candidate(CARA, 'Cara Diaz', { status: 'withdrawn' }),
  candidate(DEE, 'Dee Park'),
]

const SEIU = 100
const CWA = 101
const JOINT = 200
const AFLCIO = 201
const CWA1400 = 300
const UH26 = 301
const ATU589 = 302
const CTU1 = 400

function body(id: number, kind: MatrixBody['kind'], name: string): MatrixBody {
  const chapter = kind === 'local' ? { chapterId: 1, chapterName: 'Boston' } : { chapterId: null, chapterName: null }
  return { id, kind, name, nationalName: null, ...chapter }
}

const bodies: MatrixBody[] = [
  body(SEIU, 'national', 'SEIU'),
  body(CWA, 'national', 'CWA'),
  body(JOINT, 'council', 'CWA District 1'),
  body(AFLCIO, 'federation', 'Massachusetts AFL-CIO'),
  body(CWA1400, 'local', 'CWA Local 1400'),
  body(UH26, 'local', 'UNITE HERE Local 26'),
  body(ATU589, 'local', 'ATU Local 589'),
  body(CTU1, 'local', 'Chicago Teachers Union Local 1'),
]

function drive(
  bodyId: number,
  stage: StageKey,
  status: DriveStatus,
  asks: MatrixDrive['asks'],
  candidateId: number | null,
  voteDate: string | null,
): MatrixDrive {
  return { bodyId, driveId: bodyId * 10, stage, status, asks, candidateId, voteDate }
}

let nextId = 1
function endorse(
  bodyId: number,
  candidateId: number | null,
  status: EndorsementStatus,
  decidedOn: string,
): MatrixEndorsement {
  const id = nextId++
  return { id, bodyId, candidateId, status, decidedOn, createdAt: `${decidedOn}T12:00:00Z`, conditions: null }
}

type Expected = Partial<
  Pick<CandidateGoal, 'won' | 'projected' | 'withdrawn' | 'wonBodyIds' | 'projectedBodyIds' | 'goal'>
>

type GoalCase = {
  name: string
  candidates?: MatrixCandidate[]
  drives?: MatrixDrive[]
  endorsements?: MatrixEndorsement[]
  today?: string
  expect?: Record<number, Expected>
  slate?: Partial<SlateGoal>
  check?: (t: Assert, g: Goals) => void
}

const goalCases: GoalCase[] = [
  {
    name: 'a local endorsing a candidate counts toward that candidate only',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-04')],
    expect: { [ANA]: { won: 1, wonBodyIds: [CWA1400] }, [BEN]: { won: 0, wonBodyIds: [] } },
    slate: { distinctLocals: 1 },
  },
  {
    name: 'the same local endorsing two candidates counts for each, but once slate-wide',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-04'), endorse(CWA1400, BEN, 'active', '2026-03-05')],
    expect: { [ANA]: { won: 1 }, [BEN]: { won: 1 } },
    slate: { distinctLocals: 1 },
  },
  {
    name: "a local's candidate and slate endorsements count it once for the candidate",
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-04'), endorse(CWA1400, null, 'active', '2026-04-04')],
    expect: { [ANA]: { won: 1 } },
    slate: { distinctLocals: 1 },
  },
  {
    name: 'a slate endorsement counts for every candidate, a withdrawn one included and flagged',
    endorsements: [endorse(UH26, null, 'active', '2026-03-04')],
    expect: {
      [ANA]: { won: 1, withdrawn: false },
      [BEN]: { won: 1 },
      [CARA]: { won: 1, withdrawn: true },
      [DEE]: { won: 1 },
    },
    slate: { distinctLocals: 1 },
  },
  {
    name: 'a withdrawn candidate keeps their own endorsements in the count',
    endorsements: [endorse(CTU1, CARA, 'active', '2026-02-02')],
    expect: { [CARA]: { won: 1, withdrawn: true } },
    slate: { distinctLocals: 1 },
  },
  {
    name: 'conditional endorsements and those pending or in conflict with the parent union count as in force',
    endorsements: [
      endorse(CWA1400, ANA, 'conditional', '2026-03-04'),
      endorse(UH26, ANA, 'pending_parent', '2026-03-04'),
      endorse(ATU589, ANA, 'conflict_parent', '2026-03-04'),
    ],
    expect: { [ANA]: { won: 3, wonBodyIds: [CWA1400, UH26, ATU589] } },
    slate: { distinctLocals: 3 },
  },
  {
    name: 'a rescinded endorsement no longer counts',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-04'), endorse(CWA1400, ANA, 'rescinded', '2026-06-01')],
    expect: { [ANA]: { won: 0 } },
    slate: { distinctLocals: 0 },
  },
  {
    name: 'a rescinded slate endorsement no longer counts for any candidate',
    endorsements: [endorse(UH26, null, 'active', '2026-03-04'), endorse(UH26, null, 'rescinded', '2026-06-01')],
    expect: { [ANA]: { won: 0 }, [CARA]: { won: 0 } },
    slate: { distinctLocals: 0 },
  },
  {
    name: 'an endorsement rescinded and then renewed counts again',
    endorsements: [
      endorse(CWA1400, ANA, 'active', '2026-03-04'),
      endorse(CWA1400, ANA, 'rescinded', '2026-06-01'),
      endorse(CWA1400, ANA, 'active', '2026-08-01'),
    ],
    expect: { [ANA]: { won: 1 } },
  },
  {
    name: 'a superseded row counts only through the row that superseded it',
    endorsements: [
      endorse(CWA1400, ANA, 'superseded', '2026-03-04'),
      endorse(UH26, ANA, 'superseded', '2026-03-04'),
      endorse(UH26, ANA, 'active', '2026-04-04'),
    ],
    expect: { [ANA]: { won: 1, wonBodyIds: [UH26] } },
  },
  {
    name: 'councils and federations never count as locals and are shown beside',
    endorsements: [
      endorse(JOINT, ANA, 'active', '2026-03-04'),
      endorse(AFLCIO, null, 'active', '2026-03-05'),
      endorse(CWA1400, ANA, 'active', '2026-03-06'),
    ],
    expect: { [ANA]: { won: 1, wonBodyIds: [CWA1400] }, [BEN]: { won: 0 } },
    slate: { distinctLocals: 1 },
    check: (t, g) => {
      t.same(
        g.candidates[0]?.councils.map((c) => [c.name, c.level]),
        [
          ['CWA District 1', 'council_candidate'],
          ['Massachusetts AFL-CIO', 'council_slate'],
        ],
      )
      t.same(
        g.candidates[1]?.councils.map((c) => c.name),
        ['Massachusetts AFL-CIO'],
      )
    },
  },
  {
    name: 'national endorsements are shown beside each candidate with their status and never counted',
    endorsements: [
      endorse(SEIU, null, 'active', '2026-03-04'),
      endorse(CWA, ANA, 'active', '2026-03-05'),
      endorse(CWA, BEN, 'active', '2026-03-05'),
      endorse(CWA, BEN, 'rescinded', '2026-04-05'),
    ],
    expect: { [ANA]: { won: 0 }, [BEN]: { won: 0 } },
    slate: { distinctLocals: 0 },
    check: (t, g) => {
      t.same(
        g.candidates[0]?.nationals.map((n) => [n.bodyId, n.name, n.level, n.status]),
        [
          [CWA, 'CWA', 'national_candidate', 'active'],
          [SEIU, 'SEIU', 'national_slate', 'active'],
        ],
      )
      t.same(
        g.candidates[1]?.nationals.map((n) => [n.name, n.status, n.date]),
        [
          ['CWA', 'rescinded', '2026-04-05'],
          ['SEIU', 'active', '2026-03-04'],
        ],
      )
    },
  },
  {
    name: 'a split slate motion counts only the candidates it adopted',
    drives: [drive(ATU589, 'vote', 'won', 'slate', null, '2026-04-20')],
    endorsements: [endorse(ATU589, ANA, 'active', '2026-04-20'), endorse(ATU589, BEN, 'active', '2026-04-20')],
    expect: { [ANA]: { won: 1 }, [BEN]: { won: 1 }, [DEE]: { won: 0, projected: 0 } },
    slate: { distinctLocals: 1 },
  },
  {
    name: 'endorsements of candidates not on the slate are ignored',
    endorsements: [endorse(CWA1400, 999, 'active', '2026-03-04')],
    slate: { distinctLocals: 0 },
  },
  {
    name: 'an active drive at the vote with a date before the election is projected',
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', ANA, '2026-06-01')],
    expect: { [ANA]: { won: 0, projected: 1, projectedBodyIds: [CWA1400] }, [BEN]: { projected: 0 } },
    slate: { projected: 1 },
  },
  {
    name: 'a filed resolution with a vote date before the election is projected',
    drives: [drive(CWA1400, 'file_resolution', 'active', 'candidate', ANA, '2026-06-01')],
    expect: { [ANA]: { projected: 1 } },
  },
  {
    name: 'a vote on election day is not projected',
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', ANA, ELECTION)],
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a vote after the election is not projected',
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', ANA, '2026-11-20')],
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a drive without a vote date is not projected',
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', ANA, null)],
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a drive still building its team is not projected',
    drives: [drive(CWA1400, 'build_team', 'active', 'candidate', ANA, '2026-06-01')],
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a paused drive is not projected',
    drives: [drive(CWA1400, 'vote', 'paused', 'candidate', ANA, '2026-06-01')],
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a lost drive is not projected',
    drives: [drive(CWA1400, 'vote', 'lost', 'candidate', ANA, '2026-06-01')],
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a candidate without an election date is projected from any dated vote',
    candidates: [candidate(ANA, 'Ana Ruiz', { electionDate: null })],
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', ANA, '2027-01-10')],
    expect: { [ANA]: { projected: 1 } },
  },
  {
    name: 'nothing is projected once the election is past',
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', ANA, '2026-10-01')],
    today: '2026-11-04',
    expect: { [ANA]: { projected: 0 } },
  },
  {
    name: 'a local already endorsing the candidate or the slate is won, not projected',
    drives: [
      drive(CWA1400, 'vote', 'active', 'candidate', ANA, '2026-06-01'),
      drive(UH26, 'vote', 'active', 'slate', null, '2026-06-01'),
    ],
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-04-01'), endorse(UH26, null, 'conditional', '2026-04-01')],
    expect: { [ANA]: { won: 2, projected: 0 } },
    slate: { distinctLocals: 2, projected: 0 },
  },
  {
    name: 'a slate drive projects for every running candidate but not for a withdrawn one',
    drives: [drive(UH26, 'vote', 'active', 'slate', null, '2026-06-01')],
    expect: { [ANA]: { projected: 1 }, [BEN]: { projected: 1 }, [CARA]: { projected: 0 }, [DEE]: { projected: 1 } },
    slate: { projected: 1 },
  },
  {
    name: 'a drive for another candidate does not project for this one',
    drives: [drive(CWA1400, 'vote', 'active', 'candidate', BEN, '2026-06-01')],
    expect: { [ANA]: { projected: 0 }, [BEN]: { projected: 1 } },
  },
  {
    name: "a council's drive is never projected as a local",
    drives: [drive(JOINT, 'vote', 'active', 'slate', null, '2026-06-01')],
    expect: { [ANA]: { projected: 0 } },
    slate: { projected: 0 },
  },
  {
    name: 'a local endorsing one candidate and voting soon on another is projected for that one but not again slate-wide',
    drives: [drive(CWA1400, 'vote', 'active', 'both', BEN, '2026-06-01')],
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-04-01')],
    expect: { [ANA]: { won: 1, projected: 0 }, [BEN]: { won: 0, projected: 1 } },
    slate: { distinctLocals: 1, projected: 0 },
  },
  {
    name: "the slate's goal is the sum of the goals of the candidates still on the ballot",
    candidates: [
      candidate(ANA, 'Ana Ruiz', { goal: 12 }),
      candidate(BEN, 'Ben Okafor', { goal: 8 }),
      candidate(CARA, 'Cara Diaz', { status: 'withdrawn' }),
      candidate(DEE, 'Dee Park', { status: 'lost_primary' }),
    ],
    expect: { [ANA]: { goal: 12 }, [BEN]: { goal: 8 } },
    slate: { goal: 20 },
  },
  {
    name: 'a slate with no candidates aims at 100 locals',
    candidates: [],
    endorsements: [endorse(CWA1400, null, 'active', '2026-04-01')],
    slate: { goal: 100, distinctLocals: 1 },
    check: (t, g) => t.same(g.candidates, []),
  },
]

for (const c of goalCases) {
  t.test(c.name, async (t) => {
    const g = computeGoals({
      candidates: c.candidates ?? candidates,
      bodies,
      drives: c.drives ?? [],
      endorsements: c.endorsements ?? [],
      today: c.today ?? TODAY,
    })
    for (const [id, expected] of Object.entries(c.expect ?? {})) {
      const row = g.candidates.find((r) => r.candidateId === Number(id))
      t.ok(row, `a row for candidate ${id}`)
      for (const [key, value] of Object.entries(expected)) {
        t.same(row?.[key as keyof Expected], value, `candidate ${id}: ${key}`)
      }
    }
    for (const [key, value] of Object.entries(c.slate ?? {})) {
      t.equal(g.slate[key as keyof SlateGoal], value, `slate: ${key}`)
    }
    c.check?.(t, g)
  })
}

type SquareCase = {
  name: string
  row: { goal: number; won: number; projected: number }
  cap?: number
  expected: Square[]
}

const fill = (n: number, s: Square): Square[] => Array.from({ length: n }, () => s)

const squareCases: SquareCase[] = [
  {
    name: 'won slots come first, then projected ones, then empty ones up to the goal',
    row: { goal: 10, won: 3, projected: 2 },
    expected: [...fill(3, 'won'), ...fill(2, 'projected'), ...fill(5, 'empty')],
  },
  {
    name: 'progress beyond the goal grows the picture',
    row: { goal: 10, won: 11, projected: 2 },
    expected: [...fill(11, 'won'), ...fill(2, 'projected')],
  },
  {
    name: 'the picture stops at a full 10×10 grid, won slots first',
    row: { goal: 100, won: 98, projected: 7 },
    expected: [...fill(98, 'won'), ...fill(2, 'projected')],
  },
  {
    name: 'a smaller cap can be asked for',
    row: { goal: 10, won: 3, projected: 0 },
    cap: 5,
    expected: [...fill(3, 'won'), ...fill(2, 'empty')],
  },
  { name: 'a zero goal with no progress draws nothing', row: { goal: 0, won: 0, projected: 0 }, expected: [] },
  {
    name: 'negative and fractional inputs are read as whole counts',
    row: { goal: 4.7, won: -1, projected: 1.9 },
    expected: ['projected', 'empty', 'empty', 'empty'],
  },
]

for (const c of squareCases) {
  t.test(c.name, async (t) => {
    t.same(c.cap === undefined ? squares(c.row) : squares(c.row, c.cap), c.expected)
  })
}

type WeekCase = {
  name: string
  endorsements: MatrixEndorsement[]
  until?: string
  expected?: WeekPoint[]
  check?: (t: Assert, run: () => WeekPoint[], endorsements: MatrixEndorsement[]) => void
}

const weekCases: WeekCase[] = [
  {
    name: 'no local endorsements make no weeks',
    endorsements: [endorse(SEIU, null, 'active', '2026-03-04')],
    expected: [],
  },
  {
    name: 'weeks start on Monday',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-08'), endorse(UH26, ANA, 'active', '2026-03-09')],
    expected: [
      { weekStart: '2026-03-02', count: 1 },
      { weekStart: '2026-03-09', count: 2 },
    ],
  },
  {
    name: 'the same local endorsing again in a later week is not counted twice',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-04'), endorse(CWA1400, BEN, 'active', '2026-03-11')],
    expected: [
      { weekStart: '2026-03-02', count: 1 },
      { weekStart: '2026-03-09', count: 1 },
    ],
  },
  {
    name: 'the running count carries through weeks without decisions',
    endorsements: [endorse(UH26, null, 'active', '2026-03-24'), endorse(CWA1400, ANA, 'active', '2026-03-03')],
    expected: [
      { weekStart: '2026-03-02', count: 1 },
      { weekStart: '2026-03-09', count: 1 },
      { weekStart: '2026-03-16', count: 1 },
      { weekStart: '2026-03-23', count: 2 },
    ],
  },
  {
    name: 'a rescission lowers the count from its week on',
    endorsements: [
      endorse(CWA1400, ANA, 'active', '2026-03-03'),
      endorse(UH26, ANA, 'active', '2026-03-03'),
      endorse(CWA1400, ANA, 'rescinded', '2026-03-10'),
    ],
    expected: [
      { weekStart: '2026-03-02', count: 2 },
      { weekStart: '2026-03-09', count: 1 },
    ],
  },
  {
    name: 'councils, federations and national unions are never counted',
    endorsements: [
      endorse(JOINT, ANA, 'active', '2026-03-03'),
      endorse(AFLCIO, null, 'active', '2026-03-03'),
      endorse(CWA, null, 'active', '2026-03-03'),
      endorse(CWA1400, ANA, 'active', '2026-03-10'),
    ],
    expected: [{ weekStart: '2026-03-09', count: 1 }],
  },
  {
    name: 'rows stored as superseded never count',
    endorsements: [endorse(CWA1400, ANA, 'superseded', '2026-03-03'), endorse(CWA1400, null, 'active', '2026-03-10')],
    expected: [
      { weekStart: '2026-03-02', count: 0 },
      { weekStart: '2026-03-09', count: 1 },
    ],
  },
  {
    name: 'a later until date extends the series to its week',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-03')],
    until: '2026-03-18',
    expected: [
      { weekStart: '2026-03-02', count: 1 },
      { weekStart: '2026-03-09', count: 1 },
      { weekStart: '2026-03-16', count: 1 },
    ],
  },
  {
    name: 'an earlier until date does not cut the history short',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-03'), endorse(UH26, ANA, 'active', '2026-03-10')],
    until: '2026-01-01',
    expected: [
      { weekStart: '2026-03-02', count: 1 },
      { weekStart: '2026-03-09', count: 2 },
    ],
  },
  {
    name: 'a stored date that is not YYYY-MM-DD (03/03/2026, year 12000) is left out, never a failure',
    endorsements: [
      endorse(CWA1400, ANA, 'active', '03/03/2026'),
      endorse(UH26, null, 'active', '12000-06-01'),
      endorse(ATU589, BEN, 'active', '2026-03-03'),
    ],
    check: (t, run) => t.same(run(), [{ weekStart: '2026-03-02', count: 1 }]),
  },
  {
    name: 'a decision dated 9999-12-31 stretches the series at most a year past today',
    endorsements: [endorse(CWA1400, ANA, 'active', '2026-03-03'), endorse(UH26, null, 'active', '9999-12-31')],
    until: '2026-03-10',
    check: (t, run) => {
      const weeks = run()
      t.equal(weeks.length, 54, 'from the first week to 52 weeks after today')
      t.equal(weeks[weeks.length - 1]!.count, 1, 'the far-future decision is not reached')
    },
  },
  {
    name: 'a decision dated in year 1 draws at most ten years of weeks, counted in from the start',
    endorsements: [endorse(CWA1400, ANA, 'active', '0001-01-01'), endorse(UH26, null, 'active', '2026-03-03')],
    until: '2026-03-03',
    check: (t, run) => {
      const weeks = run()
      t.equal(weeks.length, MAX_WEEKS)
      t.equal(weeks[0]!.count, 1, 'the year-1 decision is replayed into the first week drawn')
      t.equal(weeks[weeks.length - 1]!.count, 2)
    },
  },
  {
    name: 'the last week ends on the same count as the slate-wide distinct locals',
    endorsements: [
      endorse(CWA1400, ANA, 'active', '2026-03-03'),
      endorse(UH26, null, 'active', '2026-03-17'),
      endorse(ATU589, BEN, 'conditional', '2026-04-02'),
      endorse(ATU589, BEN, 'rescinded', '2026-04-20'),
      endorse(JOINT, ANA, 'active', '2026-04-21'),
    ],
    check: (t, run, endorsements) => {
      const weeks = run()
      const goals = computeGoals({ candidates, bodies, drives: [], endorsements, today: TODAY })
      t.equal(weeks.at(-1)?.count, goals.slate.distinctLocals)
      t.equal(goals.slate.distinctLocals, 2)
    },
  },
]

for (const c of weekCases) {
  t.test(c.name, async (t) => {
    const run = () => cumulativeByWeek(c.endorsements, bodies, c.until)
    if (c.expected !== undefined) t.same(run(), c.expected)
    c.check?.(t, run, c.endorsements)
  })
}
