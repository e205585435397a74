// The review's view models: the figures from queries.ts turned into what the
// pages print — headline figures, the bars of the charts (charts.ts), the rows
// of the detail tables, drill-down links that keep the filters. Pure: no
// database, no I/O; dates through shared/format.ts.
import { DateTime } from 'luxon'
import type { Scope } from '../auth/access.ts'
import { STAGE_KEYS, driveStatusLabel, stageLabel } from '../drives/stages.ts'
import { MECHANISMS } from '../drives/schema.ts'
import { formatDate, plural } from '../shared/format.ts'
import { computeGoals } from '../slate/goals.ts'
import type { SlateData } from '../slate/queries.ts'
import type { WhipReviewRow } from '../whip/panels.ts'
import { barSvg, columnsSvg, stackSvg, type Segment } from './charts.ts'
import { conversions, daysLabel, percent, percentLabel, queryString, shortStageLabel } from './funnel.ts'
import type { GroupBy, GroupRow, ReviewFilters, StalledRow, WeekRow, WinProcesses } from './queries.ts'
import { filterParams } from './schema.ts'

type Extra = Record<string, string | number | undefined>
export type Link = (extra: Extra) => string

/** Links to the drives behind a figure, keeping the page's filters. */
export function linker(f: ReviewFilters): Link {
  const base = filterParams(f)
  return (extra) => `/review/drives${queryString({ ...base, ...extra })}`
}

const enc = (k: number) => (k === 0 ? 'none' : String(k))

/** Groups shown per list (the busiest first); "Show all", the drill-down and the CSV carry the rest. */
export const TOP_GROUPS = 10
/** Stalled drives listed on the overview, on a national union's page, and on the stalled page. */
export const STALLED_ON_OVERVIEW = 5
export const STALLED_ON_UNION = 10
export const STALLED_ON_PAGE = 500
/** Open drives listed per stage on a national union's view; the drill-down has them all. */
export const DRIVES_PER_STAGE = 25

/** The busiest groups (most drives, then by name) and the total row, unless every row is asked for. */
export function topGroups(rows: GroupRow[], all: boolean): { rows: GroupRow[]; hidden: number } {
  const groups = rows.filter((r) => r.k !== -1)
  if (all || groups.length <= TOP_GROUPS) return { rows, hidden: 0 }
  const top = [...groups]
    .sort((a, b) => b.drives - a.drives || a.label.localeCompare(b.label, 'en') || a.k - b.k)
    .slice(0, TOP_GROUPS)
  return { rows: [...top, ...rows.filter((r) => r.k === -1)], hidden: groups.length - top.length }
}

// ---- The parts of a bar ---------------------------------------------------------

const END_KEYS = ['won', 'lost', 'dropped'] as const

/** A group's drives as segments: open drives by stage (s0–s4), then the ends. */
export function driveSegments(r: GroupRow): Segment[] {
  return [
    ...STAGE_KEYS.map((s, i) => ({ value: r[`at_${s}`], cls: `s${i}`, label: `At ${shortStageLabel(s)}` })),
    ...END_KEYS.map((s) => ({ value: r[s], cls: s, label: driveStatusLabel(s) })),
  ]
}

/** The key under every stacked bar. */
export const STACK_LEGEND = [
  ...STAGE_KEYS.map((s, i) => ({ label: shortStageLabel(s), cls: `s${i}` })),
  ...END_KEYS.map((s) => ({ label: driveStatusLabel(s), cls: s })),
]

export type BarRow = { label: string; value: number; bar: string; href?: string; note?: string }

/** Where the drives stand: open drives at each stage (how many went on, how long they stayed), then the ends. */
export function stageBars(r: GroupRow, link: Link): BarRow[] {
  const steps = conversions(r)
  const max = Math.max(1, ...STAGE_KEYS.map((s) => r[`at_${s}`]), ...END_KEYS.map((s) => r[s]))
  const stages = STAGE_KEYS.map((s, i) => {
    const step = steps[i]!
    const med = r[`med_${s}`]
    const notes = [
      step.percent === null ? '' : `${step.percent}% went on`,
      med === null ? '' : `median ${plural(Math.round(med), 'day')}`,
    ].filter(Boolean)
    return {
      label: shortStageLabel(s),
      value: r[`at_${s}`],
      bar: barSvg(r[`at_${s}`], max, `s${i}`),
      href: link({ stage: s, status: 'open' }),
      note: notes.join(' · '),
    }
  })
  const ends = END_KEYS.map((s) => ({
    label: driveStatusLabel(s),
    value: r[s],
    bar: barSvg(r[s], max, s),
    href: link({ status: s }),
  }))
  return [...stages, ...ends]
}

/** How the wins were decided: by the members, by leadership, by delegates, not recorded. */
export function methodBars(r: GroupRow): { rows: BarRow[]; wins: number; winsLabel: string; byMembers: number | null } {
  const rows = [
    { label: 'Membership vote or poll', value: r.by_membership, cls: 'm0' },
    { label: 'Executive board or leadership', value: r.by_leadership, cls: 'm1' },
    { label: 'Delegate body', value: r.by_delegate, cls: 'm2' },
    { label: 'Not recorded', value: r.by_unknown, cls: 'm3' },
  ]
  const wins = rows.reduce((a, x) => a + x.value, 0)
  const max = Math.max(1, ...rows.map((x) => x.value))
  return {
    rows: rows.map((x) => ({ label: x.label, value: x.value, bar: barSvg(x.value, max, x.cls) })),
    wins,
    winsLabel: plural(wins, 'win'),
    byMembers: percent(r.by_membership, wins),
  }
}

const mechanismLabel = (m: string) => MECHANISMS.find((x) => x.value === m)?.label ?? m

/** The process before the vote, for the endorsing locals; the mechanisms of the adopted ones as a sentence. */
export function processBars(p: WinProcesses): {
  rows: BarRow[]
  locals: number
  localsLabel: string
  mechanisms: string
} {
  const rows = [
    { label: 'Process opened up first', value: p.adopted, cls: 'm0' },
    { label: 'Already democratic', value: p.already, cls: 'm2' },
    { label: 'Push for it rejected', value: p.rejected, cls: 'm1' },
    { label: 'Nothing recorded', value: p.none, cls: 'm3' },
  ]
  const max = Math.max(1, ...rows.map((x) => x.value))
  const mechanisms = Object.entries(p.mechanisms)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([m, n]) => `${mechanismLabel(m).toLowerCase()} ${n}`)
    .join(', ')
  return {
    rows: rows.map((x) => ({ label: x.label, value: x.value, bar: barSvg(x.value, max, x.cls) })),
    locals: p.locals,
    localsLabel: plural(p.locals, 'endorsing local'),
    mechanisms,
  }
}

// ---- Lists of groups (national unions, chapters) with a stacked bar each ------------

export type StackRow = { label: string; href: string; total: number; bar: string; summary: string }

/**
 * One row per group: its name (a link), its drives as one stacked bar on a
 * scale shared by the list, and a line of words: drives, won, how many wins by
 * the members, stalled.
 */
export function stackRows(
  rows: GroupRow[],
  o: { href: (r: GroupRow) => string; stalled: Record<string, number>; withoutDrives?: boolean },
): StackRow[] {
  // A group with neither drives nor wins says nothing here (the tables list it); chapters need drives.
  const wins = (r: GroupRow) => r.by_membership + r.by_leadership + r.by_delegate + r.by_unknown
  const groups = rows.filter((r) => r.k !== -1 && (r.drives > 0 || (o.withoutDrives === true && wins(r) > 0)))
  const max = Math.max(1, ...groups.map((r) => r.drives))
  return groups.map((r) => {
    const open = r.active + r.paused
    const won = wins(r)
    const stalled = o.stalled[String(r.k)] ?? 0
    const words = [
      `${plural(r.drives, 'drive')}${r.drives ? `, ${open} open` : ''}`,
      won ? `${plural(won, 'win')}, ${r.by_membership} by the members` : 'no win yet',
      stalled ? `${stalled} stalled` : '',
    ].filter(Boolean)
    return {
      label: r.label,
      href: o.href(r),
      total: r.drives,
      bar: stackSvg(driveSegments(r), max, `${r.label}, ${plural(r.drives, 'drive')}`),
      summary: words.join(' · '),
    }
  })
}

// ---- Headline figures ----------------------------------------------------------------

export type Headline = { num: string; label: string; note: string; href?: string }

export function headlineFigures(o: {
  total: GroupRow
  link: Link
  stalledTotal: number
  stalledHref: string
  days: number
  endorsing: { locals: number; goal: number } | null
  whip: WhipReviewRow[]
  /** Where the table of every figure is: '#by-union-table' on the overview, '#by-chapter-table' on a union's view. */
  figures: string
}): Headline[] {
  const t = o.total
  const wins = t.by_membership + t.by_leadership + t.by_delegate + t.by_unknown
  const byMembers = percent(t.by_membership, wins)
  const upcoming = o.whip.reduce((a, r) => a + r.upcoming, 0)
  const projected = o.whip.reduce((a, r) => a + r.won, 0)
  const out: Headline[] = []
  if (o.endorsing)
    out.push({
      num: String(o.endorsing.locals),
      label: 'locals endorsing',
      note: `goal ${o.endorsing.goal}`,
      href: '#goals-table',
    })
  out.push(
    {
      num: String(t.active + t.paused),
      label: 'open drives',
      note: `${plural(t.targeted, 'local')} targeted`,
      href: o.link({ status: 'open' }),
    },
    {
      num: String(t.local_slate + t.local_candidate + t.national_slate + t.national_candidate),
      label: 'endorsements in force',
      note: `${t.local_slate + t.local_candidate} local · ${t.national_slate + t.national_candidate} national`,
      href: o.figures,
    },
    {
      num: percentLabel(byMembers),
      label: 'of wins by the members',
      note: wins ? `${t.by_membership} of ${plural(wins, 'win')}` : 'no win yet',
      href: '#how-won',
    },
    {
      num: String(o.stalledTotal),
      label: 'stalled',
      note: `no activity for ${o.days}+ days`,
      href: o.stalledHref,
    },
    {
      num: String(upcoming),
      label: 'votes in 60 days',
      note: upcoming ? `${projected} projected won` : 'none scheduled',
      href: '#whip-table',
    },
  )
  return out
}

// ---- Stalled drives, weekly series, goals -----------------------------------------------

export function stalledView(rows: StalledRow[], zone: string) {
  return rows.map((r) => ({
    id: r.id,
    local: r.local_name ?? r.union_abbreviation ?? 'Drive',
    union: r.union_abbreviation ?? 'Independent',
    chapter: r.chapter_name ?? 'No chapter',
    stage: stageLabel(r.stage),
    last: formatDate(r.last_at, zone),
    days: r.days,
    daysLabel: plural(r.days, 'day'),
  }))
}

export function weeklyView(rows: WeekRow[]) {
  const cols = columnsSvg(
    rows.map((r) => ({
      key: r.week,
      value: r.endorsements,
      title: `Week of ${formatDate(r.week)}: ${plural(r.endorsements, 'endorsement')}`,
    })),
  )
  return {
    rows: rows.map((r) => ({
      week: formatDate(r.week),
      endorsements: r.endorsements,
      stages: STAGE_KEYS.map((s) => r[s]),
      won: r.won,
    })),
    stageHeads: STAGE_KEYS.map((s) => shortStageLabel(s)),
    chart: cols.svg,
    max: cols.max,
    first: rows[0] ? formatDate(rows[0].week) : '',
    last: rows.length ? formatDate(rows[rows.length - 1]!.week) : '',
    totalEndorsements: rows.reduce((a, r) => a + r.endorsements, 0),
    weeksWith: rows.filter((r) => r.endorsements > 0).length,
  }
}

export type GoalLine = {
  chapter: string
  name: string
  won: number
  goal: number
  projected: number
  withdrawn: boolean
}

/** Each chapter's candidates against their goals, and the slate-wide distinct endorsing locals (goals.ts). */
export function goalLines(
  slateData: SlateData,
  scope: Scope,
  f: ReviewFilters,
  slateGoal: number,
): { lines: GoalLine[]; slate: { locals: number; goal: number } } {
  const goals = computeGoals({
    candidates: slateData.candidates.map((c) => ({
      id: c.id,
      name: c.name,
      office: c.office,
      status: c.status,
      goal: c.goal,
      electionDate: c.election_date,
    })),
    bodies: slateData.bodies,
    drives: slateData.drives,
    endorsements: slateData.endorsements,
    today: DateTime.utc().toISODate()!,
  })
  const chapterOf = new Map(
    slateData.candidates.map((c) => [c.id, { id: c.chapter_id ?? 0, name: c.chapter_name ?? 'No chapter' }]),
  )
  const out: GoalLine[] = []
  for (const g of goals.candidates) {
    const ch = chapterOf.get(g.candidateId) ?? { id: 0, name: 'No chapter' }
    if (scope.chapterIds !== null && !scope.chapterIds.includes(ch.id)) continue
    if (f.chapter !== undefined && f.chapter !== ch.id) continue
    out.push({
      chapter: ch.name,
      name: g.name,
      won: g.won,
      goal: g.goal,
      projected: g.projected,
      withdrawn: g.withdrawn,
    })
  }
  out.sort((a, b) => a.chapter.localeCompare(b.chapter, 'en') || a.name.localeCompare(b.name, 'en'))
  // The slate's own goal when it has one, as the slate page counts it; else its candidates' goals.
  const goal = slateGoal > 0 ? slateGoal : goals.slate.goal
  return { lines: out, slate: { locals: goals.slate.distinctLocals, goal } }
}

export function goalRows(lines: GoalLine[]) {
  return lines.map((g) => ({
    ...g,
    status: g.withdrawn ? 'Withdrawn' : g.won >= g.goal ? 'Goal met' : `${g.goal - g.won} to go`,
  }))
}

// ---- The detail tables (every figure of every group) -------------------------------------

export function groupTable(rows: GroupRow[], by: GroupBy, f: ReviewFilters) {
  const drill = linker(f)
  return rows.map((r) => {
    const total = r.k === -1
    const keyParam = total ? {} : { [by]: enc(r.k) }
    const link = (extra: Extra) => drill({ ...keyParam, ...extra })
    const localsParams = {
      union: by === 'union' && r.k > 0 ? r.k : f.union || undefined,
      chapter: by === 'chapter' && r.k > 0 ? r.k : f.chapter || undefined,
      sector: f.sector,
      orientation: f.orientation,
    }
    return {
      total,
      label: r.label,
      localsCount: r.locals,
      localsHref: `/locals${queryString(localsParams)}`,
      targeted: r.targeted,
      drives: r.drives,
      drivesHref: link({}),
      stages: STAGE_KEYS.map((s) => ({
        label: shortStageLabel(s),
        count: r[`at_${s}`],
        href: link({ stage: s, status: 'open' }),
      })),
      conversions: conversions(r).map((c) => ({
        ...c,
        percentLabel: percentLabel(c.percent),
        href: link({ reached: c.from }),
        title: `${c.moved} of ${c.reached} drives that reached ${c.fromLabel} went on to ${c.toLabel}`,
      })),
      medians: STAGE_KEYS.map((s) => ({ label: shortStageLabel(s), days: daysLabel(r[`med_${s}`]) })),
      ends: END_KEYS.map((s) => ({ label: driveStatusLabel(s), count: r[s], href: link({ status: s }) })),
      active: r.active,
      paused: r.paused,
      levels: [
        { label: 'National–slate', count: r.national_slate },
        { label: 'National–candidate', count: r.national_candidate },
        { label: 'Local–slate', count: r.local_slate },
        { label: 'Local–candidate', count: r.local_candidate },
      ],
      wonHref: link({ status: 'won' }),
      rescinded: r.rescinded,
      nationalStatus: r.national_status ?? '',
      methods: [
        { label: 'Membership vote or poll', count: r.by_membership },
        { label: 'Executive board or leadership', count: r.by_leadership },
        { label: 'Delegate body', count: r.by_delegate },
        { label: 'Not recorded', count: r.by_unknown },
      ],
      supporters: r.supporters_12,
      supportersAll: r.supporters,
      leaders: r.leaders_trained,
    }
  })
}
