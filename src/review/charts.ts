// The review's charts, built so their words stay readable on a phone: every
// label and number is HTML text (set by the stylesheet, never scaled), and
// only the bars are SVG, drawn in a 0–100 box stretched to the width of their
// row (preserveAspectRatio="none"; the CSP allows no inline styles, so
// lengths live in SVG attributes). Three shapes: one bar per row (a stage, a
// method), a stacked bar per row (a national union's drives by stage and end),
// and weekly columns. Pure: returns markup and numbers, every text escaped.
import { escapeHtml } from '../shared/html.ts'

/** One coloured part of a bar: `cls` picks the colour (s0–s4 stages, won, lost, dropped, m0–m3 methods). */
export type Segment = { value: number; cls: string; label: string }

const round1 = (n: number) => Math.round(n * 10) / 10

/** A bar's length as a share (0–100) of `max`; a non-zero value always shows (at least 1.5). */
export function share(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0
  return Math.min(100, Math.max(1.5, round1((value / max) * 100)))
}

/** A single bar track: decorative (the row's text carries the figure). */
export function barSvg(value: number, max: number, cls: string): string {
  const w = share(value, max)
  return [
    '<svg class="rbar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false">',
    w > 0 ? `<rect class="${escapeHtml(cls)}" x="0" y="0" width="${w}" height="10" />` : '',
    '</svg>',
  ].join('')
}

/**
 * Segments side by side, the whole bar as long as their sum against `max` (one
 * scale for every row, so rows compare). role="img" with the figures as its
 * label; each part has a tooltip.
 */
export function stackSvg(segments: readonly Segment[], max: number, title: string): string {
  const total = segments.reduce((a, s) => a + Math.max(0, s.value), 0)
  const said = segments
    .filter((s) => s.value > 0)
    .map((s) => `${s.label} ${s.value}`)
    .join(', ')
  const parts = [
    '<svg class="rbar-track stack" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" focusable="false"',
    ` aria-label="${escapeHtml(`${title}: ${total ? said : 'none'}`)}">`,
  ]
  let x = 0
  for (const s of segments) {
    if (!(s.value > 0) || !(max > 0)) continue
    const w = round1((s.value / max) * 100)
    parts.push(
      `<rect class="${escapeHtml(s.cls)}" x="${round1(x)}" y="0" width="${Math.max(0.8, w)}" height="10">`,
      `<title>${escapeHtml(`${s.label}: ${s.value}`)}</title></rect>`,
    )
    x += w
  }
  parts.push('</svg>')
  return parts.join('')
}

export type Column = { key: string; value: number; title: string }

/**
 * Weekly columns, bottom-aligned, in a box 10 units per column wide and 100
 * high: decorative, the page gives the words (biggest week, first and last
 * week) as text and every week in a table.
 */
export function columnsSvg(columns: readonly Column[], cls = 'won'): { svg: string; max: number } {
  const max = Math.max(0, ...columns.map((c) => c.value))
  const width = Math.max(10, columns.length * 10)
  const parts = [
    `<svg class="rcols" viewBox="0 0 ${width} 100" preserveAspectRatio="none" aria-hidden="true" focusable="false">`,
    `<line class="rcols-base" x1="0" y1="100" x2="${width}" y2="100" />`,
  ]
  columns.forEach((c, i) => {
    if (!(c.value > 0) || max === 0) return
    const h = Math.max(2, round1((c.value / max) * 96))
    parts.push(
      `<rect class="${escapeHtml(cls)}" x="${i * 10 + 1.5}" y="${round1(100 - h)}" width="7" height="${h}">`,
      `<title>${escapeHtml(c.title)}</title></rect>`,
    )
  })
  parts.push('</svg>')
  return { svg: parts.join(''), max }
}
