// A small server-rendered SVG step chart of the slate's endorsing locals over
// time (the points of goals.ts cumulativeByWeek). Accessible: role="img", a
// <title> and <desc> naming the figures; the page prints the same numbers in a
// table beside it. Pure: returns markup, every text escaped.
import { escapeHtml } from '../shared/html.ts'
import type { WeekPoint } from './goals.ts'

export type ChartOptions = { title: string; width?: number; height?: number; goal?: number }

export function stepChartSvg(points: readonly WeekPoint[], o: ChartOptions): string {
  const width = o.width ?? 480
  const height = o.height ?? 180
  const pad = { left: 36, right: 12, top: 12, bottom: 28 }
  const innerW = width - pad.left - pad.right
  const innerH = height - pad.top - pad.bottom
  const last = points[points.length - 1]
  const first = points[0]
  const max = Math.max(1, ...points.map((p) => p.count))
  const desc =
    first && last
      ? `From ${first.count} endorsing locals in the week of ${first.weekStart} ` +
        `to ${last.count} in the week of ${last.weekStart}.`
      : 'No endorsements yet.'
  const x = (i: number) => pad.left + (points.length <= 1 ? innerW : (i / (points.length - 1)) * innerW)
  const y = (n: number) => pad.top + innerH - (n / max) * innerH
  let path = ''
  points.forEach((p, i) => {
    if (i === 0) path += `M${x(0).toFixed(1)},${y(p.count).toFixed(1)}`
    else path += ` H${x(i).toFixed(1)} V${y(p.count).toFixed(1)}`
  })
  if (points.length === 1 && first) path += ` H${(pad.left + innerW).toFixed(1)}`
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${width} ${height}" ` +
      `width="${width}" height="${height}" role="img" aria-labelledby="chart-title chart-desc">`,
    `<title id="chart-title">${escapeHtml(o.title)}</title>`,
    `<desc id="chart-desc">${escapeHtml(desc)}</desc>`,
    `<line class="axis" x1="${pad.left}" y1="${pad.top + innerH}" ` +
      `x2="${pad.left + innerW}" y2="${pad.top + innerH}" />`,
    `<line class="axis" x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${pad.top + innerH}" />`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top + innerH}" ` +
      `text-anchor="end" dominant-baseline="middle">0</text>`,
    `<text class="tick" x="${pad.left - 6}" y="${pad.top}" text-anchor="end" dominant-baseline="middle">${max}</text>`,
  ]
  if (first && last) {
    parts.push(`<text class="tick" x="${pad.left}" y="${height - 8}">${escapeHtml(first.weekStart)}</text>`)
    if (points.length > 1)
      parts.push(
        `<text class="tick" x="${pad.left + innerW}" y="${height - 8}" text-anchor="end">` +
          `${escapeHtml(last.weekStart)}</text>`,
      )
    parts.push(`<path class="line" d="${path}" fill="none" />`)
  }
  parts.push('</svg>')
  return parts.join('')
}
