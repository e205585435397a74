// Goal progress for a slate: per candidate, the distinct locals whose
// endorsement of the candidate or of the whole slate is in force, the locals
// projected to vote before the election, and the national- and council-level
// endorsements shown beside (never counted); slate-wide, the distinct
// endorsing locals against the sum of the goals. Also the slots of the 10×10
// picture and the weekly running count. Pure: no database, no I/O (today is
// passed in).

import { DateTime } from 'luxon'
import {
  cellKey,
  compareEndorsements,
  decidingEndorsements,
  driveAsksFor,
  endorsementLevel,
  isInForce,
} from './build-matrix.ts'
import type {
  CandidateStatus,
  EndorsementLevel,
  EndorsementStatus,
  MatrixBody,
  MatrixCandidate,
  MatrixEndorsement,
  MatrixInput,
} from './build-matrix.ts'

export type GoalsInput = MatrixInput & {
  today: string
  // Drives whose whip count's likely case wins (src/whip), for "projected to win".
  likelyWins?: ReadonlySet<number>
}

export type BesideEndorsement = {
  bodyId: number
  name: string
  level: EndorsementLevel
  status: EndorsementStatus
  date: string
  endorsementId: number
}

export type CandidateGoal = {
  candidateId: number
  name: string
  status: CandidateStatus
  withdrawn: boolean
  goal: number
  won: number
  projected: number
  // Of the projected locals, those where a drive's whip count wins on the likely case.
  projectedToWin: number
  wonBodyIds: number[]
  projectedBodyIds: number[]
  nationals: BesideEndorsement[]
  councils: BesideEndorsement[]
}

export type SlateGoal = {
  distinctLocals: number
  // Locals not endorsing anyone yet, projected for at least one candidate.
  projected: number
  projectedToWin: number
  goal: number
}

export type Goals = { candidates: CandidateGoal[]; slate: SlateGoal }

export const DEFAULT_SLATE_GOAL = 100

const PROJECTING_STAGES = new Set(['file_resolution', 'vote'])

function sortedIds(ids: Set<number>): number[] {
  return [...ids].sort((a, b) => a - b)
}

// Only a running candidate can still gain a local, and only through a vote
// strictly before election day.
function projectsFor(candidate: MatrixCandidate, voteDate: string | null, today: string): boolean {
  if (candidate.status !== 'running' || voteDate === null) return false
  if (candidate.electionDate === null) return true
  return candidate.electionDate >= today && voteDate < candidate.electionDate
}

export function computeGoals({ candidates, bodies, drives, endorsements, today, likelyWins }: GoalsInput): Goals {
  const bodyById = new Map<number, MatrixBody>()
  for (const b of bodies) if (!bodyById.has(b.id)) bodyById.set(b.id, b)
  const candidateIds = new Set(candidates.map((c) => c.id))
  const deciding = decidingEndorsements(
    endorsements.filter((e) => e.candidateId === null || candidateIds.has(e.candidateId)),
  )

  const localIds = [...bodyById.values()].filter((b) => b.kind === 'local').map((b) => b.id)

  const projectingDrives = drives.filter(
    (d) => d.status === 'active' && PROJECTING_STAGES.has(d.stage) && bodyById.get(d.bodyId)?.kind === 'local',
  )

  const beside = (kinds: readonly MatrixBody['kind'][], candidateId: number): BesideEndorsement[] => {
    const out: BesideEndorsement[] = []
    for (const e of deciding.values()) {
      const body = bodyById.get(e.bodyId)
      if (body === undefined || !kinds.includes(body.kind)) continue
      if (e.candidateId !== null && e.candidateId !== candidateId) continue
      out.push({
        bodyId: body.id,
        name: body.name,
        level: endorsementLevel(body.kind, e.candidateId),
        status: e.status,
        date: e.decidedOn,
        endorsementId: e.id,
      })
    }
    return out.sort((a, b) => a.name.localeCompare(b.name, 'en') || a.level.localeCompare(b.level))
  }

  const endorsingLocals = new Set<number>()
  const projectedLocals = new Set<number>()
  const winningLocals = new Set<number>()

  // Locals whose slate endorsement is in force, and per candidate those whose
  // own endorsement is: built once, not looked up per candidate and local.
  const isLocal = new Set(localIds)
  const slateLocals: number[] = []
  const candidateLocals = new Map<number, number[]>()
  for (const e of deciding.values()) {
    if (!isLocal.has(e.bodyId) || !isInForce(e.status)) continue
    if (e.candidateId === null) slateLocals.push(e.bodyId)
    else {
      const list = candidateLocals.get(e.candidateId)
      if (list === undefined) candidateLocals.set(e.candidateId, [e.bodyId])
      else list.push(e.bodyId)
    }
  }

  const rows = candidates.map((c): CandidateGoal => {
    const won = new Set<number>([...slateLocals, ...(candidateLocals.get(c.id) ?? [])])
    const projected = new Set<number>()
    const toWin = new Set<number>()
    for (const d of projectingDrives) {
      if (won.has(d.bodyId)) continue
      if (!driveAsksFor(d, c.id) && !driveAsksFor(d, null)) continue
      if (projectsFor(c, d.voteDate, today)) {
        projected.add(d.bodyId)
        if (likelyWins?.has(d.driveId)) toWin.add(d.bodyId)
      }
    }
    for (const id of won) endorsingLocals.add(id)
    for (const id of projected) projectedLocals.add(id)
    for (const id of toWin) winningLocals.add(id)
    return {
      candidateId: c.id,
      name: c.name,
      status: c.status,
      withdrawn: c.status === 'withdrawn',
      goal: c.goal,
      won: won.size,
      projected: projected.size,
      projectedToWin: toWin.size,
      wonBodyIds: sortedIds(won),
      projectedBodyIds: sortedIds(projected),
      nationals: beside(['national'], c.id),
      councils: beside(['council', 'federation'], c.id),
    }
  })

  // A slate endorsement with no candidate on the slate yet still makes an
  // endorsing local.
  for (const id of slateLocals) endorsingLocals.add(id)
  for (const id of endorsingLocals) projectedLocals.delete(id)
  for (const id of endorsingLocals) winningLocals.delete(id)

  // Candidates off the ballot drop out of the slate's target; the locals that
  // endorsed them still count as endorsing locals.
  const onBallot = rows.filter((r) => r.status !== 'withdrawn' && r.status !== 'lost_primary')
  const goal = onBallot.length === 0 ? DEFAULT_SLATE_GOAL : onBallot.reduce((sum, r) => sum + Math.max(0, r.goal), 0)

  return {
    candidates: rows,
    slate: {
      distinctLocals: endorsingLocals.size,
      projected: projectedLocals.size,
      projectedToWin: winningLocals.size,
      goal,
    },
  }
}

// ---- The 10×10 picture --------------------------------------------------------

export type Square = 'won' | 'projected' | 'empty'

export const MAX_SQUARES = 100

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0
}

// Won slots first, then projected, then what is left of the goal. Overshooting
// the goal grows the picture, up to `cap` (a full 10×10 grid by default).
export function squares(row: { goal: number; won: number; projected: number }, cap: number = MAX_SQUARES): Square[] {
  const won = count(row.won)
  const projected = count(row.projected)
  const length = Math.min(count(cap), Math.max(count(row.goal), won + projected))
  const out: Square[] = []
  for (let i = 0; i < length; i++) out.push(i < won ? 'won' : i < won + projected ? 'projected' : 'empty')
  return out
}

// ---- Weekly running count -----------------------------------------------------

export type WeekPoint = { weekStart: string; count: number }

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

function parseDate(name: string, iso: string): DateTime {
  const d = ISO_DATE.test(iso) ? DateTime.fromISO(iso, { zone: 'utc' }) : DateTime.invalid('not YYYY-MM-DD')
  if (!d.isValid) throw new RangeError(`${name} must be a date as YYYY-MM-DD, got ${JSON.stringify(iso)}`)
  return d
}

function isoDate(d: DateTime): string {
  const s = d.toISODate()
  if (s === null) throw new RangeError('Date out of range')
  return s
}

/** The longest series drawn: ten years of weeks. */
export const MAX_WEEKS = 520
/** How far past `until` (today) a future-dated decision may still extend the series. */
const FUTURE_WEEKS = 52

function tryParse(iso: string): DateTime | null {
  const d = ISO_DATE.test(iso) ? DateTime.fromISO(iso, { zone: 'utc' }) : null
  return d?.isValid ? d : null
}

// Distinct locals with an endorsement in force at the end of each week (weeks
// start on Monday), from the week of the first local decision to the week of
// the last one, or of `until` when later. The history is replayed, so a
// rescission lowers the count from its week on. A row stored as superseded
// never counts, even before it was superseded: its status is all we know, and
// the last point then equals computeGoals' distinctLocals.
// The range is bounded whatever was stored: a decision dated more than a year
// after `until` (say 9999-12-31) does not stretch the series, a date that is
// not YYYY-MM-DD (year 12000) is left out, and at most MAX_WEEKS weeks are
// drawn (earlier decisions are replayed into the first one).
export function cumulativeByWeek(
  endorsements: readonly MatrixEndorsement[],
  bodies: readonly MatrixBody[],
  until?: string,
): WeekPoint[] {
  const locals = new Set(bodies.filter((b) => b.kind === 'local').map((b) => b.id))
  const rows = endorsements
    .filter((e) => locals.has(e.bodyId) && tryParse(e.decidedOn) !== null)
    .sort(compareEndorsements)
  const first = rows[0]
  const last = rows[rows.length - 1]
  if (first === undefined || last === undefined) return []

  let end = parseDate('decidedOn', last.decidedOn)
  if (until !== undefined) {
    const u = parseDate('until', until)
    const horizon = u.plus({ weeks: FUTURE_WEEKS })
    if (u > end) end = u
    else if (end > horizon) end = horizon
  }
  const lastWeek = end.startOf('week')
  const firstWeek = parseDate('decidedOn', first.decidedOn).startOf('week')
  const earliest = lastWeek.minus({ weeks: MAX_WEEKS - 1 })
  let week = DateTime.max(firstWeek, earliest)

  const latest = new Map<string, MatrixEndorsement>()
  const points: WeekPoint[] = []
  let next = 0
  while (week <= lastWeek) {
    const sunday = isoDate(week.plus({ days: 6 }))
    for (let r = rows[next]; r !== undefined && r.decidedOn <= sunday; r = rows[++next]) {
      latest.set(cellKey(r.bodyId, r.candidateId), r)
    }
    const endorsing = new Set<number>()
    for (const e of latest.values()) if (isInForce(e.status)) endorsing.add(e.bodyId)
    points.push({ weekStart: isoDate(week), count: endorsing.size })
    week = week.plus({ weeks: 1 })
  }
  return points
}
