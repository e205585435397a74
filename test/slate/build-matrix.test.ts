import t from 'tap'
import { buildMatrix, matrixToCsv } from '../../src/slate/build-matrix.ts'
import type {
  Cell,
  EndorsementStatus,
  Matrix,
  MatrixBody,
  MatrixCandidate,
  MatrixDrive,
  MatrixEndorsement,
} from '../../src/slate/build-matrix.ts'
import type { DriveStatus, StageKey } from '../../src/drives/stages.ts'

// The assertions a check uses, shared by tap's root and its subtests.
type Assert = Pick<typeof t, 'equal' | 'same' | 'ok' | 'fail'>

const ANA = 1
const BEN = 2
const CARA = 3
const DEE = 4

const candidates: MatrixCandidate[] = [
  { id: ANA, name: 'Ana Ruiz', office: 'City Council D3', status: 'running', goal: 10, electionDate: '2026-11-03' },
  { id: BEN, name: 'Ben Okafor', office: 'State Senate 12', status: 'running', goal: 10, electionDate: '2026-11-03' },
  { id: CARA, name: 'Cara Diaz', office: 'Mayor', status: 'withdrawn', goal: 10, electionDate: '2026-11-03' },
  { id: DEE, name: 'Dee Park', office: 'School Board', status: 'running', goal: 10, electionDate: '2026-11-03' },
]

const SEIU = 100
const CWA = 101
const JOINT = 200
const AFLCIO = 201
const CWA1400 = 300
const UH26 = 301
const ATU589 = 302
const CTU1 = 400
const NURSES = 500

const bodies: MatrixBody[] = [
  {
    id: NURSES,
    kind: 'local',
    name: 'Independent Nurses Union',
    chapterId: null,
    chapterName: null,
    nationalName: null,
  },
  {
    id: CTU1,
    kind: 'local',
    name: 'Chicago Teachers Union Local 1',
    chapterId: 2,
    chapterName: 'Chicago',
    nationalName: 'AFT',
  },
  {
    id: UH26,
    kind: 'local',
    name: 'UNITE HERE Local 26',
    chapterId: 1,
    chapterName: 'Boston',
    nationalName: 'UNITE HERE',
  },
  { id: CWA1400, kind: 'local', name: 'CWA Local 1400', chapterId: 1, chapterName: 'Boston', nationalName: 'CWA' },
  { id: ATU589, kind: 'local', name: 'ATU Local 589', chapterId: 1, chapterName: 'Boston', nationalName: 'ATU' },
  {
    id: AFLCIO,
    kind: 'federation',
    name: 'Massachusetts AFL-CIO',
    chapterId: null,
    chapterName: null,
    nationalName: null,
  },
  { id: JOINT, kind: 'council', name: 'CWA District 1', chapterId: null, chapterName: null, nationalName: 'CWA' },
  { id: SEIU, kind: 'national', name: 'SEIU', chapterId: null, chapterName: null, nationalName: null },
  { id: CWA, kind: 'national', name: 'CWA', chapterId: null, chapterName: null, nationalName: null },
]

function drive(
  bodyId: number,
  driveId: number,
  stage: StageKey,
  status: DriveStatus,
  asks: MatrixDrive['asks'],
  candidateId: number | null = null,
  voteDate: string | null = null,
): MatrixDrive {
  return { bodyId, driveId, stage, status, asks, candidateId, voteDate }
}

function endorse(
  id: number,
  bodyId: number,
  candidateId: number | null,
  status: EndorsementStatus,
  decidedOn: string,
  extra: Partial<MatrixEndorsement> = {},
): MatrixEndorsement {
  return { id, bodyId, candidateId, status, decidedOn, createdAt: `${decidedOn}T12:00:00Z`, conditions: null, ...extra }
}

type Column = number | 'slate'

function cellOf(m: Matrix, bodyId: number, column: Column): Cell | undefined {
  const row = m.rows.find((r) => r.body.id === bodyId)
  const index = m.columns.findIndex((c) =>
    column === 'slate' ? c.kind === 'slate' : c.kind === 'candidate' && c.id === column,
  )
  return row?.cells[index]
}

type Case = {
  name: string
  drives?: MatrixDrive[]
  endorsements?: MatrixEndorsement[]
  // Each listed key must equal exactly; listing a key as undefined asserts its absence.
  cells?: Array<[bodyId: number, column: Column, expected: Partial<Cell>]>
  check?: (t: Assert, m: Matrix) => void
}

const cases: Case[] = [
  {
    name: 'a body with no drive or endorsement for a column is not targeted there',
    drives: [drive(CWA1400, 1, 'identify', 'active', 'candidate', ANA)],
    cells: [
      [CWA1400, BEN, { state: 'not_targeted', label: 'Not targeted', driveId: undefined }],
      [CWA1400, 'slate', { state: 'not_targeted', label: 'Not targeted' }],
    ],
  },
  {
    name: 'an active drive for a candidate shows its stage',
    drives: [drive(CWA1400, 7, 'file_resolution', 'active', 'candidate', ANA)],
    cells: [
      [
        CWA1400,
        ANA,
        {
          state: 'in_drive',
          stage: 'file_resolution',
          driveId: 7,
          label: 'Drive: File the resolution',
          viaSlate: undefined,
        },
      ],
    ],
  },
  {
    name: 'a paused drive shows its stage and says it is paused',
    drives: [drive(CWA1400, 7, 'build_team', 'paused', 'candidate', ANA)],
    cells: [[CWA1400, ANA, { state: 'in_drive', stage: 'build_team', label: 'Drive: Build teams (paused)' }]],
  },
  {
    name: 'a lost drive shows lost with the vote date',
    drives: [drive(CWA1400, 7, 'vote', 'lost', 'candidate', ANA, '2026-04-01')],
    cells: [[CWA1400, ANA, { state: 'lost', driveId: 7, label: 'Lost · 2026-04-01' }]],
  },
  {
    name: 'a dropped drive reads as not targeted but keeps the drive link',
    drives: [drive(CWA1400, 7, 'identify', 'dropped', 'candidate', ANA)],
    cells: [[CWA1400, ANA, { state: 'not_targeted', driveId: 7, label: 'Not targeted (drive dropped)' }]],
  },
  {
    name: 'a live drive speaks for the cell over an old lost one',
    drives: [
      drive(CWA1400, 9, 'identify', 'active', 'candidate', ANA),
      drive(CWA1400, 3, 'vote', 'lost', 'candidate', ANA, '2025-10-01'),
    ],
    cells: [[CWA1400, ANA, { state: 'in_drive', driveId: 9, stage: 'identify' }]],
  },
  {
    name: 'a slate drive puts the slate column and every candidate cell in the drive',
    drives: [drive(UH26, 8, 'vote', 'active', 'slate', null, '2026-05-10')],
    cells: [
      [UH26, 'slate', { state: 'in_drive', stage: 'vote', label: 'Drive: Hold the vote', viaSlate: undefined }],
      [UH26, ANA, { state: 'in_drive', stage: 'vote', viaSlate: true, label: 'Slate drive: Hold the vote' }],
      [UH26, DEE, { state: 'in_drive', viaSlate: true }],
    ],
  },
  {
    name: 'a drive asking for both shows its own candidate directly and the others through the slate',
    drives: [drive(CWA1400, 7, 'democratize', 'active', 'both', BEN)],
    cells: [
      [CWA1400, BEN, { state: 'in_drive', viaSlate: undefined, label: 'Drive: Democratize the endorsement process' }],
      [CWA1400, ANA, { state: 'in_drive', viaSlate: true }],
      [CWA1400, 'slate', { state: 'in_drive', stage: 'democratize' }],
    ],
  },
  {
    name: 'an active endorsement shows its level and date',
    endorsements: [endorse(50, CWA1400, ANA, 'active', '2026-03-04')],
    cells: [
      [
        CWA1400,
        ANA,
        {
          state: 'endorsed',
          level: 'local_candidate',
          date: '2026-03-04',
          endorsementId: 50,
          label: 'Endorsed · local–candidate · 2026-03-04',
        },
      ],
    ],
  },
  {
    name: 'an endorsement decides the cell even while the drive is still recorded',
    drives: [drive(CWA1400, 7, 'vote', 'won', 'candidate', ANA, '2026-03-04')],
    endorsements: [endorse(50, CWA1400, ANA, 'active', '2026-03-04')],
    cells: [[CWA1400, ANA, { state: 'endorsed', driveId: undefined }]],
  },
  {
    name: 'a conditional endorsement carries its conditions',
    endorsements: [
      endorse(51, CWA1400, ANA, 'conditional', '2026-03-04', { conditions: '  Signs the PRO Act pledge ' }),
    ],
    cells: [
      [
        CWA1400,
        ANA,
        {
          state: 'conditional',
          conditions: 'Signs the PRO Act pledge',
          label: 'Conditional · local–candidate · 2026-03-04',
        },
      ],
    ],
  },
  {
    name: "an endorsement pending the parent union's approval shows as pending",
    endorsements: [endorse(52, CWA1400, null, 'pending_parent', '2026-03-04')],
    cells: [
      [
        CWA1400,
        'slate',
        { state: 'pending', level: 'local_slate', label: 'Pending parent approval · local–slate · 2026-03-04' },
      ],
    ],
  },
  {
    name: "an endorsement against the parent union's position is shown as a conflict",
    endorsements: [endorse(53, CWA1400, BEN, 'conflict_parent', '2026-03-04')],
    cells: [[CWA1400, BEN, { state: 'conflict', label: 'Conflicts with parent · local–candidate · 2026-03-04' }]],
  },
  {
    name: 'a rescission recorded after the endorsement leaves the cell rescinded',
    endorsements: [
      endorse(54, CWA1400, ANA, 'active', '2026-03-04'),
      endorse(55, CWA1400, ANA, 'rescinded', '2026-06-01'),
    ],
    cells: [
      [
        CWA1400,
        ANA,
        {
          state: 'rescinded',
          endorsementId: 55,
          date: '2026-06-01',
          label: 'Rescinded · local–candidate · 2026-06-01',
        },
      ],
    ],
  },
  {
    name: 'an endorsement rescinded and then re-endorsed is endorsed again (the latest row wins, whatever the input order)',
    endorsements: [
      endorse(58, CWA1400, ANA, 'active', '2026-09-01'),
      endorse(56, CWA1400, ANA, 'active', '2026-03-04'),
      endorse(57, CWA1400, ANA, 'rescinded', '2026-06-01'),
    ],
    cells: [[CWA1400, ANA, { state: 'endorsed', endorsementId: 58, date: '2026-09-01' }]],
  },
  {
    name: 'rows decided on the same date are ordered by when they were recorded',
    endorsements: [
      endorse(60, CWA1400, ANA, 'rescinded', '2026-06-01', { createdAt: '2026-06-01T18:00:00Z' }),
      endorse(61, CWA1400, ANA, 'active', '2026-06-01', { createdAt: '2026-06-01T09:00:00Z' }),
    ],
    cells: [[CWA1400, ANA, { state: 'rescinded', endorsementId: 60 }]],
  },
  {
    name: 'a superseded row is history and the superseding row decides',
    endorsements: [
      endorse(62, CWA1400, ANA, 'superseded', '2026-03-04', { conditions: 'Meets with the section' }),
      endorse(63, CWA1400, ANA, 'active', '2026-04-15'),
    ],
    cells: [[CWA1400, ANA, { state: 'endorsed', endorsementId: 63, conditions: undefined }]],
  },
  {
    name: 'a candidate endorsement superseded by a slate endorsement leaves the candidate cell covered by the slate',
    endorsements: [
      endorse(64, CWA1400, ANA, 'superseded', '2026-03-04'),
      endorse(65, CWA1400, null, 'active', '2026-05-01'),
    ],
    cells: [
      [
        CWA1400,
        ANA,
        { state: 'not_targeted', coveredBySlate: true, label: 'Covered by slate endorsement', endorsementId: 64 },
      ],
      [CWA1400, 'slate', { state: 'endorsed', level: 'local_slate', endorsementId: 65 }],
    ],
    check: (t, m) => t.equal(m.rows[0]?.total, 1, 'the row counts the slate endorsement once'),
  },
  {
    name: 'a superseded row with nothing replacing it in the matrix is shown as superseded, not in force',
    endorsements: [endorse(66, CWA1400, ANA, 'superseded', '2026-03-04')],
    cells: [[CWA1400, ANA, { state: 'not_targeted', label: 'Superseded · local–candidate · 2026-03-04' }]],
  },
  {
    name: 'a slate endorsement fills the slate column and marks every candidate cell as covered without filling its state',
    drives: [drive(UH26, 8, 'vote', 'won', 'slate', null, '2026-05-10')],
    endorsements: [endorse(70, UH26, null, 'active', '2026-05-10')],
    cells: [
      [UH26, 'slate', { state: 'endorsed', label: 'Endorsed · local–slate · 2026-05-10', coveredBySlate: undefined }],
      [
        UH26,
        ANA,
        { state: 'not_targeted', coveredBySlate: true, label: 'Covered by slate endorsement', driveId: undefined },
      ],
      [UH26, CARA, { state: 'not_targeted', coveredBySlate: true, withdrawnCandidate: true }],
    ],
    check: (t, m) => t.equal(m.rows[0]?.total, 1, 'the row total counts the slate endorsement once'),
  },
  {
    name: "a candidate's own endorsement keeps its state beside a slate endorsement and is marked covered",
    endorsements: [endorse(71, UH26, null, 'active', '2026-05-10'), endorse(72, UH26, ANA, 'active', '2026-02-01')],
    cells: [[UH26, ANA, { state: 'endorsed', coveredBySlate: true }]],
  },
  {
    name: "a candidate drive still running beside a slate endorsement shows its stage and the slate's cover",
    drives: [drive(UH26, 8, 'file_resolution', 'active', 'candidate', BEN)],
    endorsements: [endorse(70, UH26, null, 'conditional', '2026-05-10')],
    cells: [
      [UH26, BEN, { state: 'in_drive', coveredBySlate: true, label: 'Drive: File the resolution · covered by slate' }],
    ],
  },
  {
    name: 'a split slate motion fills only the adopted candidates; the failed ones and the slate read as not adopted',
    drives: [drive(ATU589, 11, 'vote', 'won', 'slate', null, '2026-04-20')],
    endorsements: [endorse(80, ATU589, ANA, 'active', '2026-04-20'), endorse(81, ATU589, BEN, 'active', '2026-04-20')],
    cells: [
      [ATU589, ANA, { state: 'endorsed', level: 'local_candidate' }],
      [ATU589, BEN, { state: 'endorsed' }],
      [ATU589, DEE, { state: 'lost', viaSlate: true, label: 'Not adopted · slate vote', driveId: 11 }],
      [ATU589, 'slate', { state: 'lost', label: 'Not adopted' }],
    ],
    check: (t, m) => t.equal(m.rows[0]?.total, 2, 'the row counts only the adopted candidates'),
  },
  {
    name: 'a withdrawn candidate keeps their endorsements, shown as such and still counted',
    endorsements: [endorse(90, CTU1, CARA, 'active', '2026-02-02')],
    cells: [
      [
        CTU1,
        CARA,
        {
          state: 'endorsed',
          withdrawnCandidate: true,
          label: 'Endorsed · local–candidate · 2026-02-02 · candidate withdrawn',
        },
      ],
      [CTU1, ANA, { withdrawnCandidate: undefined }],
    ],
    check: (t, m) => {
      t.equal(m.rows[0]?.total, 1)
      t.equal(m.columns[2]?.label, 'Cara Diaz (withdrawn)')
    },
  },
  {
    name: 'national, council and federation endorsements carry their own levels',
    endorsements: [
      endorse(1, SEIU, null, 'active', '2026-01-10'),
      endorse(2, CWA, ANA, 'active', '2026-01-11'),
      endorse(3, JOINT, BEN, 'active', '2026-01-12'),
      endorse(4, AFLCIO, null, 'active', '2026-01-13'),
    ],
    cells: [
      [SEIU, 'slate', { level: 'national_slate', label: 'Endorsed · national–slate · 2026-01-10' }],
      [CWA, ANA, { level: 'national_candidate' }],
      [JOINT, BEN, { level: 'council_candidate' }],
      [AFLCIO, 'slate', { level: 'council_slate' }],
    ],
  },
  {
    name: 'endorsements of candidates not on the slate are left out',
    endorsements: [endorse(1, CWA1400, 999, 'active', '2026-01-10')],
    check: (t, m) => t.same(m.rows, [], 'no row for a body with nothing on this slate'),
  },
  {
    name: 'rows are national unions first, then councils and federations, then locals grouped by chapter, then locals without one',
    drives: bodies.map((b, i) => drive(b.id, i + 1, 'identify', 'active', 'slate')),
    check: (t, m) => {
      t.same(
        m.rows.map((r) => [r.group, r.body.name]),
        [
          ['National unions', 'CWA'],
          ['National unions', 'SEIU'],
          ['Councils and federations', 'CWA District 1'],
          ['Councils and federations', 'Massachusetts AFL-CIO'],
          ['Boston', 'ATU Local 589'],
          ['Boston', 'CWA Local 1400'],
          ['Boston', 'UNITE HERE Local 26'],
          ['Chicago', 'Chicago Teachers Union Local 1'],
          ['No chapter', 'Independent Nurses Union'],
        ],
      )
    },
  },
  {
    name: 'bodies with neither a drive nor an endorsement get no row',
    drives: [drive(CTU1, 1, 'identify', 'active', 'candidate', ANA)],
    check: (t, m) =>
      t.same(
        m.rows.map((r) => r.body.id),
        [CTU1],
      ),
  },
  {
    name: 'the columns are the candidates in the given order, then the whole slate',
    check: (t, m) => {
      t.same(
        m.columns.map((c) => [c.kind, c.label]),
        [
          ['candidate', 'Ana Ruiz'],
          ['candidate', 'Ben Okafor'],
          ['candidate', 'Cara Diaz (withdrawn)'],
          ['candidate', 'Dee Park'],
          ['slate', 'Whole slate'],
        ],
      )
    },
  },
  {
    name: 'row and column totals count only cells in force',
    drives: [
      drive(CWA1400, 1, 'vote', 'active', 'candidate', DEE, '2026-06-01'),
      drive(UH26, 2, 'vote', 'lost', 'slate', null, '2026-04-01'),
    ],
    endorsements: [
      endorse(1, CWA1400, ANA, 'active', '2026-03-01'),
      endorse(2, CWA1400, BEN, 'conditional', '2026-03-01'),
      endorse(3, CWA1400, CARA, 'pending_parent', '2026-03-01'),
      endorse(4, CWA1400, null, 'conflict_parent', '2026-03-01'),
      endorse(5, ATU589, ANA, 'active', '2026-03-01'),
      endorse(6, ATU589, BEN, 'rescinded', '2026-03-01'),
      endorse(7, JOINT, ANA, 'active', '2026-03-01'),
      endorse(8, SEIU, null, 'active', '2026-03-01'),
    ],
    check: (t, m) => {
      t.same(
        m.rows.map((r) => [r.body.name, r.total]),
        [
          ['SEIU', 1],
          ['CWA District 1', 1],
          ['ATU Local 589', 1],
          ['CWA Local 1400', 4],
          ['UNITE HERE Local 26', 0],
        ],
      )
      t.same(m.columnTotals, [3, 1, 1, 0, 2], 'every kind of body, per column')
      t.same(m.localColumnTotals, [2, 1, 1, 0, 1], 'locals only, per column')
    },
  },
  {
    name: 'a council endorsement and its locals are separate rows, never folded into one another',
    endorsements: [endorse(1, JOINT, ANA, 'active', '2026-03-01'), endorse(2, CWA1400, ANA, 'active', '2026-03-02')],
    check: (t, m) => {
      t.same(
        m.rows.map((r) => [r.body.kind, r.total]),
        [
          ['council', 1],
          ['local', 1],
        ],
      )
      t.equal(m.columnTotals[0], 2)
      t.equal(m.localColumnTotals[0], 1)
    },
  },
  {
    name: 'the legend explains every cell state, every level and the marks',
    check: (t, m) => {
      t.same(
        m.legend.states.map((s) => s.key),
        ['not_targeted', 'in_drive', 'endorsed', 'conditional', 'pending', 'conflict', 'lost', 'rescinded'],
      )
      t.equal(m.legend.levels.length, 6)
      t.same(
        m.legend.marks.map((s) => s.key),
        ['covered_by_slate', 'via_slate', 'withdrawn_candidate'],
      )
      for (const e of [...m.legend.states, ...m.legend.levels, ...m.legend.marks]) {
        t.ok(e.label !== '' && e.description !== '', `${e.key} has a label and a description`)
      }
    },
  },
  {
    name: 'the CSV has a header row and one row per body, with the cell labels and the row total',
    drives: [drive(UH26, 2, 'file_resolution', 'active', 'slate')],
    endorsements: [endorse(1, CWA1400, ANA, 'active', '2026-03-04'), endorse(2, SEIU, null, 'active', '2026-01-10')],
    check: (t, m) => {
      const csv = matrixToCsv(m)
      t.same(csv, [
        [
          'Body',
          'Kind',
          'Group',
          'Ana Ruiz – City Council D3',
          'Ben Okafor – State Senate 12',
          'Cara Diaz (withdrawn) – Mayor',
          'Dee Park – School Board',
          'Whole slate',
          'Total in force',
        ],
        [
          'SEIU',
          'National union',
          'National unions',
          'Covered by slate endorsement',
          'Covered by slate endorsement',
          'Covered by slate endorsement',
          'Covered by slate endorsement',
          'Endorsed · national–slate · 2026-01-10',
          '1',
        ],
        [
          'CWA Local 1400',
          'Local',
          'Boston',
          'Endorsed · local–candidate · 2026-03-04',
          'Not targeted',
          'Not targeted',
          'Not targeted',
          'Not targeted',
          '1',
        ],
        [
          'UNITE HERE Local 26',
          'Local',
          'Boston',
          'Slate drive: File the resolution',
          'Slate drive: File the resolution',
          'Slate drive: File the resolution',
          'Slate drive: File the resolution',
          'Drive: File the resolution',
          '0',
        ],
      ])
      for (const row of csv) t.equal(row.length, csv[0]?.length, 'every row is as wide as the header')
    },
  },
]

for (const c of cases) {
  t.test(c.name, async (t) => {
    const m = buildMatrix({ candidates, bodies, drives: c.drives ?? [], endorsements: c.endorsements ?? [] })
    for (const [bodyId, column, expected] of c.cells ?? []) {
      const cell = cellOf(m, bodyId, column)
      if (cell === undefined) {
        t.fail(`no cell for body ${bodyId}, column ${column}`)
        continue
      }
      for (const [key, value] of Object.entries(expected)) {
        t.same(cell[key as keyof Cell], value, `body ${bodyId}, column ${column}: ${key}`)
      }
    }
    c.check?.(t, m)
  })
}
