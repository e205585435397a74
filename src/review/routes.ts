// The national review, for the national labor commission (and organizers, over
// their own chapters): GET /review — headline figures and charts first, every
// table behind them in collapsed sections (printable, ?format=csv&table=… for
// each table, audited); GET /review/unions/:code — one national union's view
// (its figures, its drives by stage, what stalled, how its endorsements were
// won); GET /review/stalled — every stalled drive; GET /review/drives — the
// drives behind any figure. Volunteers are refused. Counts only: no supporter
// is ever named here.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit/audit.ts'
import { readScope, type CurrentUser, type Scope } from '../auth/access.ts'
import { STAGE_KEYS, stageLabel, driveStatusLabel, type DriveStatus, type StageKey } from '../drives/stages.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { csvFilename, toCsv } from '../shared/csv.ts'
import { formatDate, formatTime, plural, viewerZone } from '../shared/format.ts'
import { createTtlCache } from '../shared/ttl-cache.ts'
import { slateMatrixData } from '../slate/queries.ts'
import { ORIENTATIONS, SECTORS } from '../unions/labels.ts'
import { whipReview } from '../whip/panels.ts'
import { barSvg } from './charts.ts'
import { conversions, INDEPENDENT_SLUG, queryString, unionSlug } from './funnel.ts'
import {
  goalLines,
  goalRows,
  groupTable,
  headlineFigures,
  linker,
  methodBars,
  processBars,
  STACK_LEGEND,
  stackRows,
  DRIVES_PER_STAGE,
  stageBars,
  STALLED_ON_OVERVIEW,
  STALLED_ON_PAGE,
  STALLED_ON_UNION,
  stalledView,
  TOP_GROUPS,
  topGroups,
  weeklyView,
  type GoalLine,
} from './present.ts'
import {
  drillDrives,
  groupFigures,
  openDrivesByStage,
  reviewFigures,
  reviewOptions,
  stalledDrives,
  weeklyCounts,
  winProcesses,
  type GroupBy,
  type GroupRow,
  type ReviewFilters,
  type ReviewOptions,
  type StalledRow,
  type WeekRow,
} from './queries.ts'
import { drillQuery, filterParams, parseDrill, parseFilters, reviewQuery, unionParam, type RawQuery } from './schema.ts'

/** Who may read the review, and over which chapters: national and admin all, organizers their own. */
export function reviewScope(user: CurrentUser): Scope {
  if (user.isAdmin || user.isNational) return readScope(user)
  const ids = user.chapters.filter((c) => c.role === 'organizer').map((c) => c.id)
  if (!ids.length) throw forbidden('The review is for organizers and the national labor commission.')
  return { chapterIds: ids }
}

type Filters = ReviewFilters & { days: number }
type UnionChoice = { id: number; abbreviation: string; name: string; slug: string }

/** Each national union's slug; a slug two unions would share gets the id after it. */
function unionChoices(options: ReviewOptions): UnionChoice[] {
  const seen = new Map<string, number>()
  for (const u of options.unions) seen.set(unionSlug(u.abbreviation), (seen.get(unionSlug(u.abbreviation)) ?? 0) + 1)
  return options.unions.map((u) => {
    const slug = unionSlug(u.abbreviation)
    return { ...u, slug: (seen.get(slug) ?? 0) > 1 || slug === INDEPENDENT_SLUG ? `${slug}-${u.id}` : slug }
  })
}

/** The review URL of a union (k = its id, 0 = independent locals). */
function unionHref(choices: UnionChoice[], k: number, params: Record<string, string | number | undefined>) {
  const slug = k === 0 ? INDEPENDENT_SLUG : choices.find((u) => u.id === k)?.slug
  return slug ? `/review/unions/${slug}${queryString(params)}` : ''
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

export default async function reviewRoutes(app: FastifyInstance) {
  const db = app.db
  const cacheMs = app.config.reviewCacheSeconds * 1000
  const optionsCache = createTtlCache<ReviewOptions>(cacheMs)
  const reviewCache = createTtlCache<{
    figures: Awaited<ReturnType<typeof reviewFigures>>
    stalled: StalledRow[]
    weekly: WeekRow[]
    goals: { lines: GoalLine[]; slate: { locals: number; goal: number } } | null
    whip: Awaited<ReturnType<typeof whipReview>>
    processes: Awaited<ReturnType<typeof winProcesses>>
    reports: Map<string, Promise<string>>
  }>(cacheMs)

  const loadOptions = async (scope: Scope) =>
    (await optionsCache.get(JSON.stringify(scope.chapterIds), () => reviewOptions(db, scope))).value

  /** Every figure of the overview (and of one union's view: the same with its union filter), kept a minute. */
  function loadFigures(scope: Scope, f: Filters, stalledLimit: number) {
    return reviewCache.get(JSON.stringify([scope.chapterIds, f, stalledLimit]), async () => {
      // The options are kept too (every review page reads them first): no query of their own here.
      const slateGoal = (await loadOptions(scope)).slates.find((s) => s.id === f.slate)?.goal ?? 0
      const [figures, stalled, weekly, slateData, whip, processes] = await Promise.all([
        reviewFigures(db, scope, f),
        stalledDrives(db, scope, f, f.days, stalledLimit),
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
        winProcesses(db, scope, f),
      ])
      return {
        figures,
        stalled,
        weekly,
        goals: slateData ? goalLines(slateData, scope, f, slateGoal) : null,
        whip,
        processes,
        // The report's HTML, rendered once per show-all choice while the figures are kept.
        reports: new Map<string, Promise<string>>(),
      }
    })
  }

  async function exportTable(request: FastifyRequest, reply: FastifyReply, scope: Scope, f: Filters, table: string) {
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

  /** What every review page's head and filter form print. */
  function pageBase(user: CurrentUser, scope: Scope, options: ReviewOptions, f: Filters, at: Date | null) {
    const zone = viewerZone(user)
    const params = filterParams(f)
    const seconds = app.config.reviewCacheSeconds
    const every = seconds === 60 ? 'minute' : `${seconds} seconds`
    return {
      zone,
      params,
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
      figuresAt: seconds > 0 && at ? `Figures as of ${formatTime(at, zone)}; they refresh every ${every}.` : '',
      printedOn: formatDate(new Date(), zone),
      filterSummary: filterSummary(options, scope, f),
      keepDays: f.days === 30 ? undefined : f.days,
    }
  }

  app.get('/review', { schema: { querystring: reviewQuery } }, async function showReview(request, reply) {
    const user = request.user!
    const scope = reviewScope(user)
    const q = request.query as RawQuery
    const options = await loadOptions(scope)
    const f = parseFilters(q, defaultSlate(options))
    if (q.format === 'csv') return exportTable(request, reply, scope, f, q.table || 'unions')

    const cached = await loadFigures(scope, f, STALLED_ON_OVERVIEW)
    const base = pageBase(user, scope, options, f, cached.at)
    const { params, keepDays } = base
    const allUnions = q.unions === 'all'
    const allChapters = q.chapters === 'all'
    const view = {
      ...base,
      title: 'National review',
      filterAction: '/review',
      showUnionFilter: true,
    }
    // What the report draws: only worked out when its HTML is not kept already.
    const reportView = () => {
      const { figures, stalled, weekly, goals, whip, processes } = cached.value
      const { union: unions, chapter: chapters } = figures
      const total = unions.find((r) => r.k === -1)!
      const link = linker(f)
      const csv = (table: string) => `/review${queryString({ ...params, days: keepDays, format: 'csv', table })}`
      const shownUnions = topGroups(unions, allUnions)
      const shownChapters = topGroups(chapters, allChapters)
      const keep = {
        ...params,
        days: keepDays,
        unions: allUnions ? 'all' : undefined,
        chapters: allChapters ? 'all' : undefined,
      }
      const more = (which: 'unions' | 'chapters', hidden: number, all: boolean, anchor: string) => ({
        hidden,
        all,
        href: `/review${queryString({ ...keep, [which]: all ? undefined : 'all' })}#${anchor}`,
      })
      const choices = unionChoices(options)
      const { union: _u, ...notUnion } = params
      const stalledTotal = stalled[0]?.total ?? 0
      const stalledHref = `/review/stalled${queryString({ ...params, days: keepDays })}`
      const methods = methodBars(total)
      const unionRow = f.union === undefined ? undefined : unions.find((r) => r.k === f.union)
      return {
        ...view,
        noSlate: f.slate === null,
        headline: headlineFigures({
          total,
          link,
          stalledTotal,
          stalledHref,
          days: f.days,
          endorsing: goals?.slate ?? null,
          whip: whip.union,
          figures: '#by-union-table',
        }),
        stageBars: stageBars(total, link),
        methods,
        processes: processBars(processes),
        legend: STACK_LEGEND,
        unionStacks: stackRows(shownUnions.rows, {
          href: (r) => unionHref(choices, r.k, { ...notUnion, days: keepDays }),
          stalled: stalled[0]?.by_union ?? {},
          withoutDrives: true,
        }),
        chapterStacks: stackRows(shownChapters.rows, {
          href: (r) => link({ chapter: r.k === 0 ? 'none' : r.k }),
          stalled: stalled[0]?.by_chapter ?? {},
        }),
        unionPicker: choices.map((u) => ({ value: String(u.id), label: u.abbreviation })),
        unionPickerHidden: Object.entries({ ...notUnion, days: keepDays })
          .filter(([, v]) => v !== undefined)
          .map(([name, value]) => ({ name, value: String(value) })),
        unionView:
          unionRow && f.union !== undefined
            ? { label: unionRow.label, href: unionHref(choices, f.union, { ...notUnion, days: keepDays }) }
            : null,
        unions: groupTable(shownUnions.rows, 'union', f),
        chapters: groupTable(shownChapters.rows, 'chapter', f),
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
        goals: goalRows(goals?.lines ?? []),
        stalled: stalledView(stalled, base.zone),
        stalledTotal,
        stalledHref,
        whip,
        whipUpcoming: whip.union.reduce((a, r) => a + r.upcoming, 0),
        topGroups: TOP_GROUPS,
        weekly: weeklyView(weekly),
        csv: { unions: csv('unions'), chapters: csv('chapters'), stalled: csv('stalled'), weekly: csv('weekly') },
      }
    }
    const reportKey = `${base.zone}:${allUnions}:${allChapters}`
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

  // The union picker without JavaScript: a plain GET form, answered with the union's own URL.
  app.get('/review/unions', { schema: { querystring: reviewQuery } }, async function pickUnion(request, reply) {
    const scope = reviewScope(request.user!)
    const q = request.query as RawQuery
    const options = await loadOptions(scope)
    const f = parseFilters(q, defaultSlate(options))
    const { union: _u, ...params } = filterParams(f)
    const keep = { ...params, days: f.days === 30 ? undefined : f.days }
    const href = f.union === undefined ? '' : unionHref(unionChoices(options), f.union, keep)
    return reply.redirect(href || `/review${queryString(keep)}`, 303)
  })

  app.get(
    '/review/unions/:code',
    { schema: { params: unionParam, querystring: reviewQuery } },
    async function showUnionReview(request, reply) {
      const user = request.user!
      const scope = reviewScope(user)
      const q = request.query as RawQuery
      const options = await loadOptions(scope)
      const code = (request.params as { code: string }).code.toLowerCase()
      const choices = unionChoices(options)
      const union =
        code === INDEPENDENT_SLUG
          ? { id: 0, abbreviation: 'Independent', name: 'Locals of no national union', slug: code }
          : choices.find((u) => u.slug === code)
      if (!union) throw notFound('That national union')
      const f = { ...parseFilters(q, defaultSlate(options)), union: union.id }
      const [cached, drives] = await Promise.all([
        loadFigures(scope, f, STALLED_ON_UNION),
        openDrivesByStage(db, scope, f, DRIVES_PER_STAGE),
      ])
      const base = pageBase(user, scope, options, f, cached.at)
      const { params, keepDays } = base
      const { union: _u, ...notUnion } = params
      const { figures, stalled, whip, processes } = cached.value
      const total = figures.union.find((r) => r.k === -1)!
      const link = linker(f)
      const stalledTotal = stalled[0]?.total ?? 0
      const stalledHref = `/review/stalled${queryString({ ...params, days: keepDays })}`
      const national = total.national_slate + total.national_candidate
      const headline = headlineFigures({
        total,
        link,
        stalledTotal,
        stalledHref,
        days: f.days,
        endorsing: null,
        whip: whip.union,
        figures: '#by-chapter-table',
      })
      headline.splice(2, 0, {
        num: String(national),
        label: 'national-level endorsements',
        note: total.national_status ?? (union.id === 0 ? 'no national union' : 'none on this slate yet'),
      })
      const byStage = STAGE_KEYS.map((s) => ({
        label: stageLabel(s),
        total: total[`at_${s}`],
        href: link({ stage: s, status: 'open' }),
        drives: drives
          .filter((d) => d.stage === s)
          .map((d) => ({
            id: d.id,
            local: d.local_name ?? d.union_abbreviation ?? 'Drive',
            chapter: d.chapter_name ?? 'No chapter',
            status: driveStatusLabel(d.status as DriveStatus),
            paused: d.status === 'paused',
            since: formatDate(d.stage_entered_at, base.zone),
          })),
      }))
      const view = {
        ...base,
        title: `${union.abbreviation}: national review`,
        unionLabel: union.abbreviation,
        unionName: union.name,
        filterAction: `/review/unions/${union.slug}`,
        showUnionFilter: false,
        backHref: `/review${queryString({ ...notUnion, days: keepDays })}`,
        unionPicker: choices.map((u) => ({ value: String(u.id), label: u.abbreviation })),
        unionPickerSelected: String(union.id),
        unionPickerHidden: Object.entries({ ...notUnion, days: keepDays })
          .filter(([, v]) => v !== undefined)
          .map(([name, value]) => ({ name, value: String(value) })),
        noSlate: f.slate === null,
        headline,
        stageBars: stageBars(total, link),
        methods: methodBars(total),
        processes: processBars(processes),
        legend: STACK_LEGEND,
        chapterStacks: stackRows(figures.chapter, {
          href: (r) => link({ chapter: r.k === 0 ? 'none' : r.k }),
          stalled: stalled[0]?.by_chapter ?? {},
        }),
        stalled: stalledView(stalled, base.zone),
        stalledTotal,
        stalledHref,
        byStage,
        openDrives: total.active + total.paused,
        perStage: DRIVES_PER_STAGE,
        table: groupTable(figures.chapter, 'chapter', f),
        whipRows: whip.chapter,
        nationalStatus: total.national_status ?? '',
        csv: `/review${queryString({ ...params, days: keepDays, format: 'csv', table: 'chapters' })}`,
      }
      return reply.page('review/union', view, { fragment: { target: 'review-report', view: 'review/_union-report' } })
    },
  )

  app.get('/review/stalled', { schema: { querystring: reviewQuery } }, async function listStalled(request, reply) {
    const user = request.user!
    const scope = reviewScope(user)
    const q = request.query as RawQuery
    const options = await loadOptions(scope)
    const f = parseFilters(q, defaultSlate(options))
    const rows = await stalledDrives(db, scope, f, f.days, STALLED_ON_PAGE)
    const base = pageBase(user, scope, options, f, null)
    const { params, keepDays } = base
    const total = rows[0]?.total ?? 0
    const choices = unionChoices(options)
    const counts = Object.entries(rows[0]?.by_union ?? {})
      .map(([k, n]) => ({ k: Number(k), n }))
      .sort((a, b) => b.n - a.n)
    const max = Math.max(1, ...counts.map((c) => c.n))
    const byUnion = counts.map((c) => ({
      label: c.k === 0 ? 'Independent' : (options.unions.find((u) => u.id === c.k)?.abbreviation ?? '?'),
      value: c.n,
      bar: barSvg(c.n, max, 's3'),
      href: unionHref(choices, c.k, { ...filterParams({ ...f, union: undefined }), days: keepDays }),
    }))
    return reply.page(
      'review/stalled',
      {
        ...base,
        title: 'Stalled drives',
        filterAction: '/review/stalled',
        showUnionFilter: true,
        backHref: `/review${queryString({ ...params, days: keepDays })}`,
        total,
        heading: `${plural(total, 'drive')} with no activity for ${plural(f.days, 'day')} or more`,
        byUnion,
        stalled: stalledView(rows, base.zone),
        more: Math.max(0, total - rows.length),
        csv: `/review${queryString({ ...params, days: keepDays, format: 'csv', table: 'stalled' })}`,
        drillHref: linker(f)({ stalled: f.days }),
      },
      { fragment: { target: 'review-report', view: 'review/_stalled-report' } },
    )
  })

  app.get('/review/drives', { schema: { querystring: drillQuery } }, async function listReviewDrives(request, reply) {
    const user = request.user!
    const scope = reviewScope(user)
    const q = request.query as RawQuery
    const options = await reviewOptions(db, scope)
    const f = parseDrill(q, defaultSlate(options))
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
        since: formatDate(r.stage_entered_at, viewerZone(user)),
        last: formatDate(r.last_at, viewerZone(user)),
      })),
    })
  })
}

const defaultSlate = (options: ReviewOptions) =>
  (options.slates.find((s) => s.is_current) ?? options.slates[0])?.id ?? null

/** "2026 national slate · SEIU · all chapters": what the figures are of, for the report's first line and print. */
function filterSummary(options: ReviewOptions, scope: Scope, f: Filters): string {
  return [
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
    .join(' · ')
}
