// The mapping view's priority score: a simple sum of parts a committee can read
// and argue with. Pure, so the weights are documented once and tested by table.
//
//   orientation      left-led +40 · progressive-opportunist +25 · middling +10 · hostile −50 · not assessed 0
//   size             +5 per tenfold of members (10 → 5, 100 → 10, 1,000 → 15, 10,000+ → 20), at most 20
//   past positions   +5 for each position the local passed, at most 15
//   coming up        +10 when an officer election or the contract expiry falls in the next 12 months
//   members in common +5 for each chapter member inside the local, at most 20
import type { Orientation } from '../db/schema.ts'

export const ORIENTATION_POINTS: Readonly<Record<Orientation, number>> = Object.freeze({
  left_led: 40,
  progressive_opportunist: 25,
  middling: 10,
  hostile: -50,
})

export const SIZE_MAX = 20
export const POSITION_POINTS = 5
export const POSITIONS_MAX = 15
export const COMING_UP_POINTS = 10
export const MEMBER_POINTS = 5
export const MEMBERS_MAX = 20

export type PriorityInput = {
  orientation: Orientation | null
  members: number | null
  positionsPassed: number
  officerElectionOn: string | null
  contractExpiresOn: string | null
  membersInCommon: number
  /** 'YYYY-MM-DD' in the chapter's time zone. */
  today: string
}

export type PriorityPart = {
  key: 'orientation' | 'size' | 'positions' | 'coming_up' | 'members_in_common'
  label: string
  points: number
}
export type Priority = { score: number; parts: PriorityPart[] }

export function sizePoints(members: number | null): number {
  if (members === null || members < 1) return 0
  return Math.min(SIZE_MAX, Math.max(0, Math.round(5 * Math.log10(members))))
}

/** The date one year after `today` ('YYYY-MM-DD'); 29 February falls to 28 February. */
export function oneYearAfter(today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number]
  const day = m === 2 && d === 29 ? 28 : d
  return `${String(y + 1).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

export function comingUp(date: string | null, today: string): boolean {
  return date !== null && date >= today && date <= oneYearAfter(today)
}

export function priority(i: PriorityInput): Priority {
  const parts: PriorityPart[] = []
  if (i.orientation !== null)
    parts.push({ key: 'orientation', label: 'orientation', points: ORIENTATION_POINTS[i.orientation] })
  const size = sizePoints(i.members)
  if (size) parts.push({ key: 'size', label: 'size', points: size })
  const positions = Math.min(POSITIONS_MAX, POSITION_POINTS * Math.max(0, i.positionsPassed))
  if (positions)
    parts.push({
      key: 'positions',
      label: `${i.positionsPassed} position${i.positionsPassed === 1 ? '' : 's'} passed`,
      points: positions,
    })
  const election = comingUp(i.officerElectionOn, i.today)
  const contract = comingUp(i.contractExpiresOn, i.today)
  if (election || contract) {
    parts.push({
      key: 'coming_up',
      label:
        [election ? 'officer election' : '', contract ? 'contract expiry' : ''].filter(Boolean).join(' and ') +
        ' within a year',
      points: COMING_UP_POINTS,
    })
  }
  const common = Math.min(MEMBERS_MAX, MEMBER_POINTS * Math.max(0, i.membersInCommon))
  if (common)
    parts.push({
      key: 'members_in_common',
      label: `${i.membersInCommon} member${i.membersInCommon === 1 ? '' : 's'} in common`,
      points: common,
    })
  return { score: parts.reduce((s, p) => s + p.points, 0), parts }
}

export type Ranked<T> = T & { priority: Priority }

/** Highest score first; ties go to the larger local, then by name. */
export function rankLocals<T extends PriorityInput & { name: string }>(rows: readonly T[]): Ranked<T>[] {
  return rows
    .map((r) => ({ ...r, priority: priority(r) }))
    .sort(
      (a, b) =>
        b.priority.score - a.priority.score || (b.members ?? 0) - (a.members ?? 0) || a.name.localeCompare(b.name),
    )
}

/** The rule in plain words, printed under the mapping table. */
export const PRIORITY_EXPLAINED = [
  'Orientation: left-led +40, progressive-opportunist +25, middling +10, hostile −50.',
  'Size: +5 for every tenfold of members (100 members → 10, 10,000 → 20), at most 20.',
  'Past positions: +5 for each political position the local passed, at most 15.',
  'Coming up: +10 when an officer election or the contract expiry is within 12 months.',
  'Members in common: +5 for each chapter member inside the local, at most 20.',
] as const
