// The review's small pure helpers: the funnel's steps and conversions from the
// aggregate counts, rounding of shares and medians, drill-down links that keep
// the page's filters, and the funnel as an SVG of horizontal bars with the
// numbers as text (CSP allows no inline styles, so widths live in SVG
// attributes). Pure: no database, no I/O.
import { escapeHtml } from '../shared/html.ts'
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

export type FunnelBar = { label: string; value: number; href?: string }

/** Horizontal bars, one per stage, each with its label and number as text; each bar may link to its drives. `max` sets a common scale across rows. */
export function funnelSvg(bars: readonly FunnelBar[], o: { title: string; width?: number; max?: number }): string {
  const width = o.width ?? 270
  const row = 18
  const labelW = 86
  const numW = 34
  const barMax = width - labelW - numW
  const max = Math.max(1, o.max ?? 0, ...bars.map((b) => b.value))
  const height = bars.length * row + 4
  const total = bars.map((b) => `${b.label} ${b.value}`).join(', ')
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="funnel" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="group" aria-label="${escapeHtml(`${o.title}: ${total}`)}">`,
  ]
  bars.forEach((b, i) => {
    const y = i * row + 2
    const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barMax))
    const inner = [
      `<text class="f-label" x="${labelW - 6}" y="${y + 12}" text-anchor="end">${escapeHtml(b.label)}</text>`,
      `<rect class="f-bar s${i}" x="${labelW}" y="${y + 2}" width="${w}" height="${row - 6}" rx="2" />`,
      `<text class="f-num" x="${labelW + w + 4}" y="${y + 12}">${b.value}</text>`,
    ].join('')
    parts.push(b.href ? `<a href="${escapeHtml(b.href)}">${inner}</a>` : inner)
  })
  parts.push('</svg>')
  return parts.join('')
}
