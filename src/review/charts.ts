// Server-rendered SVG charts for the review's weekly series: plain bars (one
// series) and stacked bars (several series, with a legend). role="img" and an
// aria-label naming the figures; the page prints the same numbers in a table
// beside each chart. Pure: returns markup, every text escaped.
import { escapeHtml } from '../shared/html.ts'

export type Series = { key: string; label: string }
export type WeekValues = { week: string; values: Record<string, number> }

const PAD = { left: 32, right: 8, top: 10, bottom: 26 }

/** Stacked weekly bars; with one series it is a plain bar chart. */
export function weeklyBarsSvg(
  weeks: readonly WeekValues[],
  series: readonly Series[],
  o: { title: string; width?: number; height?: number },
): string {
  const width = o.width ?? 560
  const height = o.height ?? 190
  const innerW = width - PAD.left - PAD.right
  const innerH = height - PAD.top - PAD.bottom
  const totals = weeks.map((w) => series.reduce((sum, s) => sum + (w.values[s.key] ?? 0), 0))
  const max = Math.max(1, ...totals)
  const slot = weeks.length ? innerW / weeks.length : innerW
  const barW = Math.max(2, slot * 0.7)
  const grand = totals.reduce((a, b) => a + b, 0)
  const first = weeks[0]
  const last = weeks[weeks.length - 1]
  const span = first && last ? ` from the week of ${first.week} to the week of ${last.week}` : ''
  const bySeries = series
    .map((s) => `${s.label} ${weeks.reduce((sum, w) => sum + (w.values[s.key] ?? 0), 0)}`)
    .join(', ')
  const label = `${o.title}: ${grand} in all${span}${series.length > 1 ? ` (${bySeries})` : ''}. The table beside gives each week.`
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(label)}">`,
    `<line class="axis" x1="${PAD.left}" y1="${PAD.top + innerH}" x2="${PAD.left + innerW}" y2="${PAD.top + innerH}" />`,
    `<text class="tick" x="${PAD.left - 5}" y="${PAD.top + innerH}" text-anchor="end" dominant-baseline="middle">0</text>`,
    `<text class="tick" x="${PAD.left - 5}" y="${PAD.top + 4}" text-anchor="end" dominant-baseline="middle">${max}</text>`,
  ]
  weeks.forEach((w, i) => {
    let y = PAD.top + innerH
    const x = PAD.left + i * slot + (slot - barW) / 2
    series.forEach((s, j) => {
      const v = w.values[s.key] ?? 0
      if (v <= 0) return
      const h = (v / max) * innerH
      y -= h
      parts.push(
        `<rect class="bar s${j}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${escapeHtml(`${w.week}: ${s.label} ${v}`)}</title></rect>`,
      )
    })
  })
  if (first && last) {
    parts.push(`<text class="tick" x="${PAD.left}" y="${height - 8}">${escapeHtml(first.week)}</text>`)
    parts.push(
      `<text class="tick" x="${PAD.left + innerW}" y="${height - 8}" text-anchor="end">${escapeHtml(last.week)}</text>`,
    )
  }
  parts.push('</svg>')
  return parts.join('')
}
