// The review's small pure helpers: the funnel's steps and conversions from the
// aggregate counts, rounding of shares and medians, drill-down links that keep
// the page's filters, and the short name of a national union in its review
// URL. Pure: no database, no I/O.
import { STAGE_KEYS, type StageKey } from '../drives/stages.ts'

export type StageCounts = Record<`reached_${StageKey}` | 'reached_won', number>

export type ConversionStep = {
  from: StageKey
  to: StageKey | 'won'
  fromLabel: string
  toLabel: string
  reached: number
  moved: number
  percent: number | null
}

const SHORT: Record<StageKey, string> = {
  identify: 'Identify',
  democratize: 'Democratize',
  build_team: 'Build team',
  file_resolution: 'File',
  vote: 'Vote',
}
export const shortStageLabel = (k: StageKey) => SHORT[k]

/** Share (0–100, whole) of drives that reached a stage and went on to the next one (or beyond, or won). */
export function conversions(c: StageCounts): ConversionStep[] {
  return STAGE_KEYS.map((from, i) => {
    const to = STAGE_KEYS[i + 1] ?? 'won'
    const reached = c[`reached_${from}`]
    const moved = c[`reached_${to}`]
    return {
      from,
      to,
      fromLabel: SHORT[from],
      toLabel: to === 'won' ? 'Won' : SHORT[to],
      reached,
      moved,
      percent: percent(moved, reached),
    }
  })
}

export function percent(part: number, whole: number): number | null {
  if (!Number.isFinite(whole) || whole <= 0) return null
  return Math.round((part / whole) * 100)
}

export const percentLabel = (p: number | null) => (p === null ? '—' : `${p}%`)

/** Days to one decimal; '—' when there is nothing to measure. */
export function daysLabel(d: number | null | undefined): string {
  if (d === null || d === undefined || !Number.isFinite(d)) return '—'
  return String(Math.round(d * 10) / 10)
}

/** A query string of the non-empty values, for links that keep the filters. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** A national union's name in its review URL (/review/unions/seiu, /review/unions/unite-here). */
export function unionSlug(abbreviation: string): string {
  return (
    abbreviation
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'union'
  )
}

/** The slug that stands for locals of no national union. */
export const INDEPENDENT_SLUG = 'independent'
