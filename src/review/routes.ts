// The national review: GET /review (by national union, stalled drives, by
// chapter, over time; filters in the URL; printable; ?format=csv&table=… for
// each table, audited) and GET /review/drives (the drives behind any figure).
// National reviewers and admins see every chapter, organizers their own;
// volunteers are refused. Counts only: no supporter is ever named here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { whipReview } from '../whip/panels.ts'
import { DateTime } from 'luxon'
import { audit } from '../audit/audit.ts'
import { readScope, type CurrentUser, type Scope } from '../auth/access.ts'
import { STAGE_KEYS, stageLabel, driveStatusLabel, type DriveStatus, type StageKey } from '../drives/stages.ts'
import { forbidden } from '../plugins/errors.ts'
import { csvFilename, toCsv } from '../shared/csv.ts'
import { computeGoals } from '../slate/goals.ts'
import { slateMatrixData, type SlateData } from '../slate/queries.ts'
import { formatDate, formatTime, plural, viewerZone } from '../shared/format.ts'
import { createTtlCache } from '../shared/ttl-cache.ts'
import { ORIENTATIONS, SECTORS } from '../unions/labels.ts'
import { weeklyBarsSvg } from './charts.ts'
import { conversions, daysLabel, funnelSvg, percentLabel, queryString, shortStageLabel } from './funnel.ts'
import {
  drillDrives,
  groupFigures,
  reviewFigures,
  reviewOptions,
  stalledDrives,
  weeklyCounts,
  type GroupBy,
  type GroupRow,
  type ReviewFilters,
  type StalledRow,
  type WeekRow,
} from './queries.ts'
import { drillQuery, filterParams, parseDrill, parseFilters, reviewQuery, type RawQuery } from './schema.ts'

/** Who may read the review, and over which chapters: national and admin all, organizers their own. */
export function reviewScope(user: CurrentUser): Scope {
  if (user.isAdmin || user.isNational) return readScope(user)
  const ids = user.chapters.filter((c) => c.role === 'organizer').map((c) => c.id)
  if (!ids.length) throw forbidden('The review is for organizers and the national labor commission.')
  return { chapterIds: ids }
}

const day = (d: Date, zone: string) => formatDate(d, zone)
const enc = (k: number) => (k === 0 ? 'none' : String(k))

type Link = (extra: Record<string, string | number | undefined>) => string

function linker(f: ReviewFilters): Link {
  const base = filterParams(f)
  return (extra) => `/review/drives${queryString({ ...base, ...extra })}`
}

/** The page shows this many groups per table (the busiest first) and this many stalled drives; "Show all", the drill-down and the CSV carry the rest. */
export const TOP_GROUPS = 10
export const TOP_STALLED = 25

/** The busiest groups (most drives, then by name) and the total row, unless every row is asked for. */
export function topGroups(rows: GroupRow[], all: boolean): { rows: GroupRow[]; hidden: number } {
  const groups = rows.filter((r) => r.k !== -1)
  if (all || groups.length <= TOP_GROUPS) return { rows, hidden: 0 }
  const top = [...groups]
    .sort((a, b) => b.drives - a.drives || a.label.localeCompare(b.label, 'en') || a.k - b.k)
    .slice(0, TOP_GROUPS)
  return { rows: [...top, ...rows.filter((r) => r.k === -1)], hidden: groups.length - top.length }
}

export type GoalLine = { name: string; won: number; goal: number; projected: number; withdrawn: boolean }

function groupView(rows: GroupRow[], by: GroupBy, f: ReviewFilters) {
  const drill = linker(f)
  // One scale for every group's funnel, so bar lengths compare across rows; the total row has its own.
  const scale = Math.max(1, ...rows.filter((r) => r.k !== -1).flatMap((r) => STAGE_KEYS.map((s) => r[`at_${s}`])))
  return rows.map((r) => {
    const total = r.k === -1
    const keyParam = total ? {} : { [by]: enc(r.k) }
    const link = (extra: Record<string, string | number | undefined>) => drill({ ...keyParam, ...extra })
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
      funnel:
        r.drives === 0
          ? ''
          : funnelSvg(
              STAGE_KEYS.map((s) => ({
                label: shortStageLabel(s),
                value: r[`at_${s}`],
                href: link({ stage: s, status: 'open' }),
              })),
              { title: `${r.label}: open drives by stage`, max: total ? undefined : scale },
            ),
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
      ends: (['won', 'lost', 'dropped'] as const).map((s) => ({
        label: driveStatusLabel(s),
        count: r[s],
        href: link({ status: s }),
      })),
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

function stalledView(rows: StalledRow[], zone: string) {
  return rows.map((r) => ({
    id: r.id,
    local: r.local_name ?? r.union_abbreviation ?? 'Drive',
    union: r.union_abbreviation ?? 'Independent',
    chapter: r.chapter_name ?? 'No chapter',
    stage: stageLabel(r.stage),
    last: day(r.last_at, zone),
    days: r.days,
  }))
}

const WEEK_SERIES = STAGE_KEYS.map((s) => ({ key: s, label: shortStageLabel(s) }))

function weeklyView(rows: WeekRow[]) {
  const table = rows.map((r) => ({
    week: r.week,
    endorsements: r.endorsements,
    stages: STAGE_KEYS.map((s) => r[s]),
    won: r.won,
  }))
  return {
    rows: table,
    stageHeads: WEEK_SERIES.map((s) => s.label),
    endorsementsChart: weeklyBarsSvg(
      rows.map((r) => ({ week: r.week, values: { e: r.endorsements } })),
      [{ key: 'e', label: 'Endorsements' }],
      { title: 'Endorsements won per week' },
    ),
    stagesChart: weeklyBarsSvg(
      rows.map((r) => ({ week: r.week, values: Object.fromEntries(STAGE_KEYS.map((s) => [s, r[s]])) })),
      WEEK_SERIES,
      { title: 'Drives entering each stage per week' },
    ),
    legend: WEEK_SERIES.map((s, i) => ({ label: s.label, cls: `s${i}` })),
    totalEndorsements: rows.reduce((a, r) => a + r.endorsements, 0),
  }
}

// ---- CSV -------------------------------------------------------------------------

const GROUP_HEAD = (by: GroupBy) => [
  by === 'union' ? 'national_union' : 'chapter',
  'locals_in_directory',
  'locals_targeted',
  'drives',
  ...STAGE_KEYS.map((s) => `open_at_${s}`),
  'active',
  'paused',
  'won',
  'lost',
  'dropped',
  ...STAGE_KEYS.map((s, i) => `conversion_${s}_to_${STAGE_KEYS[i + 1] ?? 'won'}_pct`),
  ...STAGE_KEYS.map((s) => `median_days_${s}`),
  'endorsements_national_slate',
  'endorsements_national_candidate',
  'endorsements_local_slate',
  'endorsements_local_candidate',
  'endorsements_rescinded',
  'won_by_membership',
  'won_by_leadership',
  'won_by_delegates',
  'won_by_unrecorded',
  'national_level_status',
  'supporters_level_1_2',
  'supporters_known',
  'leaders_trained',
]

function groupCsvRow(r: GroupRow): unknown[] {
  return [
    r.label,
    r.locals,
    r.targeted,
    r.drives,
    ...STAGE_KEYS.map((s) => r[`at_${s}`]),
    r.active,
    r.paused,
    r.won,
    r.lost,
    r.dropped,
    ...conversions(r).map((c) => c.percent ?? ''),
    ...STAGE_KEYS.map((s) => {
      const m = r[`med_${s}`]
      return m === null ? '' : Math.round(m * 10) / 10
    }),
    r.national_slate,
    r.national_candidate,
    r.local_slate,
    r.local_candidate,
    r.rescinded,
    r.by_membership,
    r.by_leadership,
    r.by_delegate,
    r.by_unknown,
    r.national_status ?? '',
    r.supporters_12,
    r.supporters,
    r.leaders_trained,
  ]
}

type ChapterGoalLine = GoalLine & { chapter: string }

/** Each chapter's candidates against their goals (goals.ts, from the matrix query). */
function goalLines(slateData: SlateData, scope: Scope, f: ReviewFilters): ChapterGoalLine[] {
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
  const out: ChapterGoalLine[] = []
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
  return out.sort((a, b) => a.chapter.localeCompare(b.chapter, 'en') || a.name.localeCompare(b.name, 'en'))
}

export default async function reviewRoutes(app: FastifyInstance) {
  const db = app.db
  const optionsCache = createTtlCache<Awaited<ReturnType<typeof reviewOptions>>>(app.config.reviewCacheSeconds * 1000)
  const reviewCache = createTtlCache<{
    figures: Awaited<ReturnType<typeof reviewFigures>>
    stalled: StalledRow[]
    weekly: WeekRow[]
    goalRows: ChapterGoalLine[]
    whip: Awaited<ReturnType<typeof whipReview>>
    reports: Map<string, Promise<string>>
  }>(app.config.reviewCacheSeconds * 1000)

  async function exportTable(
    request: FastifyRequest,
    reply: FastifyReply,
    scope: Scope,
    f: ReviewFilters & { days: number },
    table: string,
  ) {
    let head: string[]
    let rows: unknown[][]
    if (table === 'unions' || table === 'chapters') {
      const by: GroupBy = table === 'unions' ? 'union' : 'chapter'
      head = GROUP_HEAD(by)
      rows = (await groupFigures(db, scope, f, by)).map(groupCsvRow)
    } else if (table === 'stalled') {
      head = ['drive_id', 'local', 'national_union', 'chapter', 'stage', 'last_activity', 'days_since']
      rows = (await stalledDrives(db, scope, f, f.days, 100_000)).map((r) => [
        r.id,
        r.local_name ?? '',
        r.union_abbreviation ?? '',
        r.chapter_name ?? '',
        r.stage,
        r.last_at.toISOString().slice(0, 10),
        r.days,
      ])
    } else {
      head = ['week_of', 'endorsements_won', ...STAGE_KEYS.map((s) => `entered_${s}`), 'drives_won']
      rows = (await weeklyCounts(db, scope, f)).map((r) => [
        r.week,
        r.endorsements,
        ...STAGE_KEYS.map((s) => r[s]),
        r.won,
      ])
    }
    await audit(db, request.actor, {
      action: 'export',
      entity: 'review',
      entityId: table,
      after: { table, rows: rows.length, filters: { ...f } },
    })
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${csvFilename(`review-${table}`)}"`)
      .send(toCsv(head, rows))
  }

  app.get('/review', { schema: { querystring: reviewQuery } }, async function showReview(request, reply) {
    const user = request.user!
    const zone = viewerZone(user)
    const scope = reviewScope(user)
    const q = request.query as RawQuery
    const options = (await optionsCache.get(JSON.stringify(scope.chapterIds), () => reviewOptions(db, scope))).value
    const defaultSlate = (options.slates.find((s) => s.is_current) ?? options.slates[0])?.id ?? null
    const f = parseFilters(q, defaultSlate)
    if (q.format === 'csv') return exportTable(request, reply, scope, f, q.table || 'unions')

    // Counts only, kept a minute per scope and filters (REVIEW_CACHE_SECONDS).
    const cached = await reviewCache.get(JSON.stringify([scope.chapterIds, f]), async () => {
      const [figures, stalled, weekly, slateData, whip] = await Promise.all([
        reviewFigures(db, scope, f),
        stalledDrives(db, scope, f, f.days, TOP_STALLED),
        weeklyCounts(db, scope, f),
        f.slate === null
          ? Promise.resolve(null)
          : slateMatrixData(
              db,
              f.slate,
              scope,
              { chapter: f.chapter || undefined, union: f.union || undefined, state: f.state },
              { drives: 'projecting' },
            ),
        whipReview(db, scope, f),
      ])
      // The report's HTML, rendered once per show-all choice while the figures are kept.
      return {
        figures,
        stalled,
        weekly,
        goalRows: slateData ? goalLines(slateData, scope, f) : [],
        whip,
        reports: new Map<string, Promise<string>>(),
      }
    })
    const { figures, stalled, weekly, goalRows } = cached.value
    const { union: unions, chapter: chapters } = figures

    const params = filterParams(f)
    const csv = (table: string) =>
      `/review${queryString({ ...params, days: f.days === 30 ? undefined : f.days, format: 'csv', table })}`
    const stalledTotal = stalled[0]?.total ?? 0
    const allUnions = q.unions === 'all'
    const allChapters = q.chapters === 'all'
    const shownUnions = topGroups(unions, allUnions)
    const shownChapters = topGroups(chapters, allChapters)
    const keep = {
      ...params,
      days: f.days === 30 ? undefined : f.days,
      unions: allUnions ? 'all' : undefined,
      chapters: allChapters ? 'all' : undefined,
    }
    const more = (which: 'unions' | 'chapters', hidden: number, all: boolean, anchor: string) => ({
      hidden,
      all,
      href: `/review${queryString({ ...keep, [which]: all ? undefined : 'all' })}#${anchor}`,
    })
    const view = {
      title: 'National review',
      filters: {
        slate: f.slate ?? '',
        union: params.union ?? '',
        chapter: params.chapter ?? '',
        state: f.state ?? '',
        sector: f.sector ?? '',
        orientation: f.orientation ?? '',
        days: f.days,
      },
      slateOptions: options.slates.map((s) => ({
        value: String(s.id),
        label: s.name + (s.is_current ? ' (current)' : ''),
      })),
      unionOptions: [
        ...options.unions.map((u) => ({ value: String(u.id), label: u.abbreviation })),
        { value: 'none', label: 'Independent' },
      ],
      chapterOptions: options.chapters.map((c) => ({ value: String(c.id), label: c.name })),
      stateOptions: options.states,
      sectorOptions: SECTORS,
      orientationOptions: ORIENTATIONS,
      scopeNote: scope.chapterIds === null ? '' : 'Figures for the chapters you organize in.',
      hidden: Object.entries(params)
        .filter(([, v]) => v !== undefined)
        .map(([name, value]) => ({ name, value })),
      figuresAt:
        app.config.reviewCacheSeconds > 0
          ? `Figures as of ${formatTime(cached.at, zone)}; they refresh every ${app.config.reviewCacheSeconds === 60 ? 'minute' : `${app.config.reviewCacheSeconds} seconds`}.`
          : '',
    }
    // What the report draws: only worked out when its HTML is not kept already.
    const reportView = () => ({
      ...view,
      noSlate: f.slate === null,
      unions: groupView(shownUnions.rows, 'union', f),
      chapters: groupView(shownChapters.rows, 'chapter', f),
      unionsMore: more('unions', shownUnions.hidden, allUnions && unions.length - 1 > TOP_GROUPS, 'by-union'),
      chaptersMore: more(
        'chapters',
        shownChapters.hidden,
        allChapters && chapters.length - 1 > TOP_GROUPS,
        'by-chapter',
      ),
      nationalLevel: unions
        .filter((r) => r.k > 0 && r.national_status)
        .map((r) => ({ union: r.label, status: r.national_status! })),
      goals: goalRows.map((g) => ({
        ...g,
        status: g.withdrawn ? 'Withdrawn' : g.won >= g.goal ? 'Goal met' : `${g.goal - g.won} to go`,
      })),
      stalled: stalledView(stalled, zone),
      whip: cached.value.whip,
      stalledTotal,
      topGroups: TOP_GROUPS,
      stalledMore: stalledTotal > stalled.length ? stalledTotal - stalled.length : 0,
      stalledHref: linker(f)({ stalled: f.days }),
      weekly: weeklyView(weekly),
      csv: { unions: csv('unions'), chapters: csv('chapters'), stalled: csv('stalled'), weekly: csv('weekly') },
      printedOn: formatDate(new Date(), zone),
      filterSummary: [
        options.slates.find((x) => x.id === f.slate)?.name ?? '',
        f.union === undefined
          ? 'all national unions'
          : f.union === 0
            ? 'independent locals'
            : (options.unions.find((u) => u.id === f.union)?.abbreviation ?? ''),
        f.chapter === undefined
          ? scope.chapterIds === null
            ? 'all chapters'
            : 'your chapters'
          : f.chapter === 0
            ? 'no chapter'
            : (options.chapters.find((c) => c.id === f.chapter)?.name ?? ''),
        f.state ?? '',
        SECTORS.find((x) => x.value === f.sector)?.label ?? '',
        ORIENTATIONS.find((x) => x.value === f.orientation)?.label ?? '',
      ]
        .filter(Boolean)
        .join(' · '),
    })
    const reportKey = `${zone}:${allUnions}:${allChapters}`
    let report = cached.value.reports.get(reportKey)
    if (report === undefined) {
      report = reply.viewAsync('review/_report', reportView()) as Promise<string>
      if (app.config.reviewCacheSeconds > 0) cached.value.reports.set(reportKey, report)
    }
    const reportHtml = await report
    return reply.page(
      'review/index',
      { ...view, reportHtml },
      { fragment: { target: 'review-report', view: 'review/_report-kept' } },
    )
  })

  app.get('/review/drives', { schema: { querystring: drillQuery } }, async function listReviewDrives(request, reply) {
    const user = request.user!
    const scope = reviewScope(user)
    const q = request.query as RawQuery
    const options = await reviewOptions(db, scope)
    const defaultSlate = (options.slates.find((s) => s.is_current) ?? options.slates[0])?.id ?? null
    const f = parseDrill(q, defaultSlate)
    const rows = await drillDrives(db, scope, f)
    const union =
      f.union === undefined
        ? ''
        : f.union === 0
          ? 'Independent'
          : (options.unions.find((u) => u.id === f.union)?.abbreviation ?? '')
    const chapter =
      f.chapter === undefined
        ? ''
        : f.chapter === 0
          ? 'No chapter'
          : (options.chapters.find((c) => c.id === f.chapter)?.name ?? '')
    const what = [
      union,
      chapter,
      f.state ?? '',
      f.sector ? (SECTORS.find((s) => s.value === f.sector)?.label ?? '') : '',
      f.orientation ? (ORIENTATIONS.find((o) => o.value === f.orientation)?.label ?? '') : '',
      f.stage ? `at ${stageLabel(f.stage)}` : '',
      f.status === 'open'
        ? 'open (active or paused)'
        : f.status
          ? driveStatusLabel(f.status as DriveStatus).toLowerCase()
          : '',
      f.reached ? `reached ${f.reached === 'won' ? 'a win' : stageLabel(f.reached as StageKey)}` : '',
      f.stalled !== undefined ? `no activity for ${plural(f.stalled, 'day')}` : '',
    ].filter(Boolean)
    const total = rows[0]?.total ?? 0
    return reply.page('review/drives', {
      title: 'Drives behind the figure',
      description: what.length ? what.join(' · ') : 'All drives on the slate',
      backHref: `/review${queryString({ ...filterParams(f), days: f.stalled })}`,
      total: plural(total, 'drive'),
      more: total > rows.length ? total - rows.length : 0,
      rows: rows.map((r) => ({
        id: r.id,
        local: r.local_name ?? r.union_abbreviation ?? 'Drive',
        union: r.union_abbreviation ?? 'Independent',
        chapter: r.chapter_name ?? 'No chapter',
        stage: stageLabel(r.stage),
        status: driveStatusLabel(r.status as DriveStatus),
        statusKey: r.status,
        since: day(r.stage_entered_at, viewerZone(user)),
        last: day(r.last_at, viewerZone(user)),
      })),
    })
  })
}
