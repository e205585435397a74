// Structure tests as numbers and a small chart: each unit's share over time
// against 50 % and the target share, the latest share overall, and whether a
// majority is reached (the suggested exit check for filing). The chart is a
// view model of SVG coordinates; the template only prints them.
// Pure: no database, no I/O.

export type UnitSeries = {
  id: number
  name: string
  headcount: number
  counts: { counted_on: string; total: number }[]
}

export type StructureSummary = {
  latestTotal: number
  headcount: number
  percent: number
  majority: boolean
  targetReached: boolean
  units: { id: number; name: string; headcount: number; latest: number; percent: number; majority: boolean }[]
}

type Dated = { counted_on: string; total: number }

/**
 * A unit's figures by date when supporters are also ticked off: on each date,
 * the higher of the last total entered and the supporters ticked off so far
 * (a total counted on paper includes those ticked). Unchanged without ticks.
 */
export function withTicks(counts: readonly Dated[], ticks: readonly Dated[]): Dated[] {
  if (ticks.length === 0) return [...counts]
  const dates = [...new Set([...counts, ...ticks].map((c) => c.counted_on))].sort()
  const out: Dated[] = []
  let total = 0
  let ticked = 0
  let i = 0
  let j = 0
  for (const d of dates) {
    while (i < counts.length && counts[i]!.counted_on <= d) total = counts[i++]!.total
    while (j < ticks.length && ticks[j]!.counted_on <= d) ticked += ticks[j++]!.total
    out.push({ counted_on: d, total: Math.max(total, ticked) })
  }
  return out
}

const latestOf = (u: UnitSeries) => (u.counts.length ? u.counts[u.counts.length - 1]!.total : 0)

export function summarize(units: readonly UnitSeries[], targetPercent: number): StructureSummary {
  let total = 0
  let heads = 0
  const rows = units.map((u) => {
    const latest = Math.min(latestOf(u), u.headcount)
    total += latest
    heads += u.headcount
    return {
      id: u.id,
      name: u.name,
      headcount: u.headcount,
      latest,
      percent: u.headcount ? Math.floor((latest * 100) / u.headcount) : 0,
      majority: latest * 2 > u.headcount,
    }
  })
  return {
    latestTotal: total,
    headcount: heads,
    percent: heads ? Math.floor((total * 100) / heads) : 0,
    majority: heads > 0 && total * 2 > heads,
    targetReached: heads > 0 && total * 100 >= targetPercent * heads,
    units: rows,
  }
}

export type Chart = {
  width: number
  height: number
  lines: { name: string; points: string; cls: string; last: { x: number; y: number } | null }[]
  half: number
  target: number
  targetPercent: number
  firstDate: string
  lastDate: string
  label: string
}

const W = 320
const H = 140
const PAD = 8

function dayNumber(d: string): number {
  return Math.round(Date.parse(`${d}T00:00:00Z`) / 86400000)
}

/** One polyline per unit, x by date across the test's dates, y by share of headcount. */
export function chartOf(units: readonly UnitSeries[], targetPercent: number): Chart | null {
  const dates = units.flatMap((u) => u.counts.map((c) => c.counted_on)).sort()
  if (dates.length === 0) return null
  const first = dayNumber(dates[0]!)
  const last = dayNumber(dates[dates.length - 1]!)
  const span = Math.max(1, last - first)
  const x = (d: string) => Math.round(PAD + ((dayNumber(d) - first) / span) * (W - 2 * PAD))
  const y = (p: number) => Math.round(PAD + (1 - Math.min(1, p)) * (H - 2 * PAD))
  const lines = units.map((u, i) => {
    const pts = u.counts.map((c) => ({ x: x(c.counted_on), y: y(c.total / u.headcount) }))
    return {
      name: u.name,
      points: pts.map((p) => `${p.x},${p.y}`).join(' '),
      cls: `series-${i % 6}`,
      last: pts.length ? pts[pts.length - 1]! : null,
    }
  })
  const s = summarize(units, targetPercent)
  return {
    width: W,
    height: H,
    lines,
    half: y(0.5),
    target: y(targetPercent / 100),
    targetPercent,
    firstDate: dates[0]!,
    lastDate: dates[dates.length - 1]!,
    label:
      `Share signed by unit over time: ${s.units.map((u) => `${u.name} ${u.percent}%`).join(', ')}; ` +
      `50% and ${targetPercent}% marked.`,
  }
}
