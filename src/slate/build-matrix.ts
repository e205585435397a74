// The endorsement matrix of a slate: endorsing bodies (national unions, then
// councils and federations, then locals grouped by chapter) against the
// candidates plus a "whole slate" column, each cell saying where that body
// stands — not targeted, in a drive at some stage, endorsed at some level,
// conditional, pending or in conflict with the parent union, lost, rescinded —
// with row and column totals, a legend and a CSV rendering. The inputs are the
// flat rows of one query; this module only pivots them. Pure: no database, no
// I/O. The goal figures live in goals.ts and reuse the rules exported here.

import { stageLabel } from '../drives/stages.ts'
import type { StageKey, DriveStatus } from '../drives/stages.ts'

export type CandidateStatus = 'running' | 'withdrawn' | 'lost_primary' | 'won' | 'lost'
export type BodyKind = 'national' | 'council' | 'federation' | 'local'
export type DriveAsk = 'candidate' | 'slate' | 'both'
export type EndorsementStatus =
  | 'active'
  | 'conditional'
  | 'rescinded'
  | 'superseded'
  | 'pending_parent'
  | 'conflict_parent'

export type MatrixCandidate = {
  id: number
  name: string
  office: string
  status: CandidateStatus
  goal: number
  electionDate: string | null
}

export type MatrixBody = {
  id: number
  kind: BodyKind
  name: string
  chapterId: number | null
  chapterName: string | null
  nationalName: string | null
}

export type MatrixDrive = {
  bodyId: number
  driveId: number
  stage: StageKey
  status: DriveStatus
  asks: DriveAsk
  // The local candidate the drive asks for (with asks 'candidate' or 'both').
  candidateId: number | null
  voteDate: string | null
}

export type MatrixEndorsement = {
  id: number
  bodyId: number
  // null: the whole slate.
  candidateId: number | null
  status: EndorsementStatus
  decidedOn: string
  // Orders rows decided on the same date.
  createdAt: string
  conditions: string | null
}

export type MatrixInput = {
  candidates: readonly MatrixCandidate[]
  bodies: readonly MatrixBody[]
  drives: readonly MatrixDrive[]
  endorsements: readonly MatrixEndorsement[]
}

export type EndorsementLevel =
  | 'national_slate'
  | 'national_candidate'
  | 'local_slate'
  | 'local_candidate'
  | 'council_slate'
  | 'council_candidate'

export type CellState =
  | 'not_targeted'
  | 'in_drive'
  | 'endorsed'
  | 'conditional'
  | 'pending'
  | 'conflict'
  | 'lost'
  | 'rescinded'

export type Cell = {
  state: CellState
  label: string
  stage?: StageKey
  level?: EndorsementLevel
  date?: string
  endorsementId?: number
  driveId?: number
  conditions?: string
  // A candidate cell of a body whose whole-slate endorsement is in force.
  coveredBySlate?: boolean
  // A candidate cell whose drive state comes from the body's slate drive.
  viaSlate?: boolean
  withdrawnCandidate?: boolean
}

export type MatrixColumn = (MatrixCandidate & { kind: 'candidate'; label: string }) | { kind: 'slate'; label: string }

export type MatrixGroup = 'National unions' | 'Councils and federations' | (string & {})

export type MatrixRow = {
  body: MatrixBody
  group: MatrixGroup
  cells: Cell[]
  // Cells in force in this row, the slate column included.
  total: number
}

export type LegendEntry = { key: string; label: string; description: string }

export type Legend = {
  states: LegendEntry[]
  levels: LegendEntry[]
  marks: LegendEntry[]
}

export type Matrix = {
  columns: MatrixColumn[]
  rows: MatrixRow[]
  // Cells in force per column, every kind of body.
  columnTotals: number[]
  // Cells in force per column, locals only (what a goal is made of).
  localColumnTotals: number[]
  legend: Legend
}

// ---- Shared rules (goals.ts reads these too) --------------------------------

export const IN_FORCE_STATUSES: readonly EndorsementStatus[] = Object.freeze([
  'active',
  'conditional',
  'pending_parent',
  'conflict_parent',
])

export const IN_FORCE_STATES: readonly CellState[] = Object.freeze(['endorsed', 'conditional', 'pending', 'conflict'])

export function isInForce(status: EndorsementStatus): boolean {
  return IN_FORCE_STATUSES.includes(status)
}

export function isCellInForce(cell: Cell): boolean {
  return IN_FORCE_STATES.includes(cell.state)
}

export const LEVEL_LABELS: Readonly<Record<EndorsementLevel, string>> = Object.freeze({
  national_slate: 'national–slate',
  national_candidate: 'national–candidate',
  local_slate: 'local–slate',
  local_candidate: 'local–candidate',
  council_slate: 'council–slate',
  council_candidate: 'council–candidate',
})

// Federations (central labor councils, state federations) share the council
// levels: both sit between the national union and its locals.
export function endorsementLevel(kind: BodyKind, candidateId: number | null): EndorsementLevel {
  const tier = kind === 'national' ? 'national' : kind === 'local' ? 'local' : 'council'
  return `${tier}_${candidateId === null ? 'slate' : 'candidate'}`
}

export function cellKey(bodyId: number, candidateId: number | null): string {
  return `${bodyId}:${candidateId ?? 'slate'}`
}

function timestamp(iso: string): number {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? 0 : ms
}

// Decision order: the date decided, then when the row was recorded, then id.
export function compareEndorsements(a: MatrixEndorsement, b: MatrixEndorsement): number {
  if (a.decidedOn !== b.decidedOn) return a.decidedOn < b.decidedOn ? -1 : 1
  const t = timestamp(a.createdAt) - timestamp(b.createdAt)
  if (t !== 0) return t
  return a.id - b.id
}

// The row deciding each (body, candidate-or-slate) cell: the latest one. A
// superseded row that is still the latest of its cell was replaced by a
// decision recorded in another cell (say a candidate endorsement replaced by a
// slate one), so it decides "no longer in force here", never "endorsed".
export function decidingEndorsements(endorsements: readonly MatrixEndorsement[]): Map<string, MatrixEndorsement> {
  const latest = new Map<string, MatrixEndorsement>()
  for (const e of endorsements) {
    const key = cellKey(e.bodyId, e.candidateId)
    const current = latest.get(key)
    if (current === undefined || compareEndorsements(e, current) > 0) latest.set(key, e)
  }
  return latest
}

// candidateId null asks "does this drive ask for the whole slate?".
export function driveAsksFor(drive: MatrixDrive, candidateId: number | null): boolean {
  if (candidateId === null) return drive.asks === 'slate' || drive.asks === 'both'
  return (drive.asks === 'candidate' || drive.asks === 'both') && drive.candidateId === candidateId
}

const DRIVE_PREFERENCE: Readonly<Record<DriveStatus, number>> = { active: 0, paused: 1, won: 2, lost: 3, dropped: 4 }

// A body rarely has more than one drive per slate, but a reopened or restarted
// drive can leave an old one behind: the live one speaks for the cell.
function currentDrive(drives: readonly MatrixDrive[], candidateId: number | null): MatrixDrive | undefined {
  let best: MatrixDrive | undefined
  for (const d of drives) {
    if (!driveAsksFor(d, candidateId)) continue
    if (
      best === undefined ||
      DRIVE_PREFERENCE[d.status] < DRIVE_PREFERENCE[best.status] ||
      (DRIVE_PREFERENCE[d.status] === DRIVE_PREFERENCE[best.status] && d.driveId > best.driveId)
    ) {
      best = d
    }
  }
  return best
}

// ---- Cells ------------------------------------------------------------------

const ENDORSEMENT_STATE: Readonly<Record<Exclude<EndorsementStatus, 'superseded'>, CellState>> = {
  active: 'endorsed',
  conditional: 'conditional',
  pending_parent: 'pending',
  conflict_parent: 'conflict',
  rescinded: 'rescinded',
}

const STATE_LABELS: Readonly<Record<CellState, string>> = {
  not_targeted: 'Not targeted',
  in_drive: 'In drive',
  endorsed: 'Endorsed',
  conditional: 'Conditional',
  pending: 'Pending parent approval',
  conflict: 'Conflicts with parent',
  lost: 'Lost',
  rescinded: 'Rescinded',
}

function endorsementCell(e: MatrixEndorsement, level: EndorsementLevel, state: CellState): Cell {
  const cell: Cell = {
    state,
    label: `${STATE_LABELS[state]} · ${LEVEL_LABELS[level]} · ${e.decidedOn}`,
    level,
    date: e.decidedOn,
    endorsementId: e.id,
  }
  if (state === 'conditional' && e.conditions !== null && e.conditions.trim() !== '') {
    cell.conditions = e.conditions.trim()
  }
  return cell
}

function driveCell(d: MatrixDrive, viaSlate: boolean): Cell {
  const slate = viaSlate ? { viaSlate: true } : {}
  switch (d.status) {
    case 'active':
    case 'paused': {
      const paused = d.status === 'paused' ? ' (paused)' : ''
      const prefix = viaSlate ? 'Slate drive' : 'Drive'
      return {
        state: 'in_drive',
        stage: d.stage,
        driveId: d.driveId,
        label: `${prefix}: ${stageLabel(d.stage)}${paused}`,
        ...slate,
      }
    }
    case 'lost': {
      const date = d.voteDate === null ? '' : ` · ${d.voteDate}`
      return { state: 'lost', driveId: d.driveId, label: `${viaSlate ? 'Slate lost' : 'Lost'}${date}`, ...slate }
    }
    // The drive won an endorsement, just not this one: a split motion adopted
    // for some candidates, or a local that endorsed its candidate but not the
    // slate. The ask was put and failed, so the cell reads as lost.
    case 'won':
      return {
        state: 'lost',
        driveId: d.driveId,
        label: viaSlate ? 'Not adopted · slate vote' : 'Not adopted',
        ...slate,
      }
    case 'dropped':
      return { state: 'not_targeted', driveId: d.driveId, label: 'Not targeted (drive dropped)', ...slate }
    default:
      throw new RangeError(`Unknown drive status: ${String(d.status satisfies never)}`)
  }
}

const NOT_TARGETED: Readonly<Cell> = Object.freeze({ state: 'not_targeted', label: 'Not targeted' })

function supersededCell(e: MatrixEndorsement, level: EndorsementLevel): Cell {
  return {
    state: 'not_targeted',
    label: `Superseded · ${LEVEL_LABELS[level]} · ${e.decidedOn}`,
    level,
    date: e.decidedOn,
    endorsementId: e.id,
  }
}

function slateCell(body: MatrixBody, deciding: MatrixEndorsement | undefined, drives: readonly MatrixDrive[]): Cell {
  const level = endorsementLevel(body.kind, null)
  if (deciding !== undefined) {
    if (deciding.status === 'superseded') return supersededCell(deciding, level)
    return endorsementCell(deciding, level, ENDORSEMENT_STATE[deciding.status])
  }
  const drive = currentDrive(drives, null)
  return drive === undefined ? { ...NOT_TARGETED } : driveCell(drive, false)
}

function candidateCell(
  body: MatrixBody,
  candidate: MatrixCandidate,
  deciding: MatrixEndorsement | undefined,
  drives: readonly MatrixDrive[],
  coveredBySlate: boolean,
  slateDriveCell: () => Cell,
): Cell {
  const level = endorsementLevel(body.kind, candidate.id)
  const covered = coveredBySlate ? { coveredBySlate: true } : {}
  if (deciding !== undefined) {
    if (deciding.status === 'superseded') {
      return coveredBySlate
        ? { ...supersededCell(deciding, level), label: 'Covered by slate endorsement', ...covered }
        : supersededCell(deciding, level)
    }
    return { ...endorsementCell(deciding, level, ENDORSEMENT_STATE[deciding.status]), ...covered }
  }
  const own = currentDrive(drives, candidate.id)
  if (coveredBySlate) {
    // The slate endorsement already answers for this candidate; only a drive
    // still asking for the candidate alone has anything to add.
    if (own !== undefined && own.status !== 'won' && own.status !== 'dropped') {
      const cell = driveCell(own, false)
      return { ...cell, label: `${cell.label} · covered by slate`, ...covered }
    }
    return { state: 'not_targeted', label: 'Covered by slate endorsement', ...covered }
  }
  if (own !== undefined) return driveCell(own, false)
  // Asking for the slate is asking for every candidate on it.
  return slateDriveCell()
}

// ---- Rows -------------------------------------------------------------------

const COUNCIL_GROUP = 'Councils and federations'
const NATIONAL_GROUP = 'National unions'
const NO_CHAPTER = 'No chapter'

function groupOf(body: MatrixBody): MatrixGroup {
  if (body.kind === 'national') return NATIONAL_GROUP
  if (body.kind === 'council' || body.kind === 'federation') return COUNCIL_GROUP
  return body.chapterName ?? NO_CHAPTER
}

function tierOf(body: MatrixBody): number {
  if (body.kind === 'national') return 0
  if (body.kind === 'local') return body.chapterName === null ? 3 : 2
  return 1
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true })

export function compareBodies(a: MatrixBody, b: MatrixBody): number {
  return (
    tierOf(a) - tierOf(b) ||
    (a.kind === 'local' && b.kind === 'local' ? collator.compare(a.chapterName ?? '', b.chapterName ?? '') : 0) ||
    collator.compare(a.name, b.name) ||
    a.id - b.id
  )
}

function candidateLabel(c: MatrixCandidate): string {
  return c.status === 'withdrawn' ? `${c.name} (withdrawn)` : c.name
}

export function buildMatrix({ candidates, bodies, drives, endorsements }: MatrixInput): Matrix {
  const candidateIds = new Set(candidates.map((c) => c.id))
  // Rows of another slate's candidates may ride along in a broad query.
  const relevant = endorsements.filter((e) => e.candidateId === null || candidateIds.has(e.candidateId))
  const deciding = decidingEndorsements(relevant)

  const drivesByBody = new Map<number, MatrixDrive[]>()
  for (const d of drives) {
    const list = drivesByBody.get(d.bodyId)
    if (list === undefined) drivesByBody.set(d.bodyId, [d])
    else list.push(d)
  }
  const withEndorsement = new Set(relevant.map((e) => e.bodyId))

  const seen = new Set<number>()
  const rowBodies = bodies
    .filter((b) => {
      if (seen.has(b.id)) return false
      seen.add(b.id)
      return drivesByBody.has(b.id) || withEndorsement.has(b.id)
    })
    .sort(compareBodies)

  const columns: MatrixColumn[] = [
    ...candidates.map((c) => ({ ...c, kind: 'candidate' as const, label: candidateLabel(c) })),
    { kind: 'slate', label: 'Whole slate' },
  ]
  const columnTotals = columns.map(() => 0)
  const localColumnTotals = columns.map(() => 0)

  const rows = rowBodies.map((body): MatrixRow => {
    const bodyDrives = drivesByBody.get(body.id) ?? []
    const slate = slateCell(body, deciding.get(cellKey(body.id, null)), bodyDrives)
    const covered = isCellInForce(slate)
    // The cell a slate drive gives every candidate without a drive of their
    // own: worked out once per row (a row has a hundred such cells).
    let viaSlate: Cell | undefined
    const slateDriveCell = (): Cell => {
      if (viaSlate === undefined) {
        const drive = currentDrive(bodyDrives, null)
        viaSlate = Object.freeze(drive === undefined ? NOT_TARGETED : driveCell(drive, true))
      }
      return viaSlate
    }
    const cells = candidates.map((c) => {
      const cell = candidateCell(body, c, deciding.get(cellKey(body.id, c.id)), bodyDrives, covered, slateDriveCell)
      if (c.status !== 'withdrawn') return cell
      const suffix = isCellInForce(cell) ? ' · candidate withdrawn' : ''
      return { ...cell, label: `${cell.label}${suffix}`, withdrawnCandidate: true }
    })
    cells.push(slate)
    let total = 0
    cells.forEach((cell, i) => {
      if (!isCellInForce(cell)) return
      total++
      columnTotals[i] = (columnTotals[i] ?? 0) + 1
      if (body.kind === 'local') localColumnTotals[i] = (localColumnTotals[i] ?? 0) + 1
    })
    return { body, group: groupOf(body), cells, total }
  })

  return { columns, rows, columnTotals, localColumnTotals, legend: matrixLegend() }
}

// ---- Legend -----------------------------------------------------------------

export function matrixLegend(): Legend {
  return {
    states: [
      {
        key: 'not_targeted',
        label: STATE_LABELS.not_targeted,
        description: 'No drive and no endorsement for this column.',
      },
      {
        key: 'in_drive',
        label: STATE_LABELS.in_drive,
        description: 'A drive is asking for it; the cell names the stage.',
      },
      { key: 'endorsed', label: STATE_LABELS.endorsed, description: 'Endorsed, with the level and the date decided.' },
      {
        key: 'conditional',
        label: STATE_LABELS.conditional,
        description: 'Endorsed on conditions, which the cell carries.',
      },
      {
        key: 'pending',
        label: STATE_LABELS.pending,
        description: "Adopted, waiting for the parent union's approval. Counted as in force.",
      },
      {
        key: 'conflict',
        label: STATE_LABELS.conflict,
        description: "Adopted against the parent union's position: recorded and flagged, counted as in force.",
      },
      {
        key: 'lost',
        label: STATE_LABELS.lost,
        description: 'The vote went against it, or a split motion adopted other candidates but not this one.',
      },
      { key: 'rescinded', label: STATE_LABELS.rescinded, description: 'Endorsed, then rescinded; no longer in force.' },
    ],
    levels: (Object.keys(LEVEL_LABELS) as EndorsementLevel[]).map((key) => ({
      key,
      label: LEVEL_LABELS[key],
      description: levelDescription(key),
    })),
    marks: [
      {
        key: 'covered_by_slate',
        label: 'Covered by slate endorsement',
        description:
          "The body's whole-slate endorsement includes this candidate; it is counted once, in the slate column.",
      },
      {
        key: 'via_slate',
        label: 'Slate drive',
        description: 'The drive asks for the whole slate, and so for this candidate too.',
      },
      {
        key: 'withdrawn_candidate',
        label: 'Candidate withdrawn',
        description: 'The candidate has withdrawn; their endorsements are kept and shown as such.',
      },
    ],
  }
}

function levelDescription(level: EndorsementLevel): string {
  switch (level) {
    case 'national_slate':
      return 'A national union endorses the whole slate.'
    case 'national_candidate':
      return 'A national union endorses one candidate.'
    case 'local_slate':
      return 'A local endorses the whole slate.'
    case 'local_candidate':
      return 'A local endorses one candidate.'
    case 'council_slate':
      return 'A council or federation endorses the whole slate; never counted as its locals.'
    case 'council_candidate':
      return 'A council or federation endorses one candidate; never counted as its locals.'
    default:
      throw new RangeError(`Unknown level: ${String(level satisfies never)}`)
  }
}

// ---- CSV --------------------------------------------------------------------

const KIND_LABELS: Readonly<Record<BodyKind, string>> = {
  national: 'National union',
  council: 'Council',
  federation: 'Federation',
  local: 'Local',
}

// Rows for a CSV writer: a header, then one row per body, cells as their
// labels. Quoting and formula-injection guards belong to the writer.
export function matrixToCsv(matrix: Matrix): string[][] {
  const header = [
    'Body',
    'Kind',
    'Group',
    ...matrix.columns.map((c) => (c.kind === 'slate' ? c.label : `${c.label} – ${c.office}`)),
    'Total in force',
  ]
  const rows = matrix.rows.map((r) => [
    r.body.name,
    KIND_LABELS[r.body.kind],
    r.group,
    ...r.cells.map((c) => c.label),
    String(r.total),
  ])
  return [header, ...rows]
}
