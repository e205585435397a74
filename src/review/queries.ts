// The national review's figures, each computed in PostgreSQL by one aggregate
// statement whatever the number of drives: per national union or per chapter
// (directory, targets, the funnel, conversions, median days in stage, ends,
// endorsements by level and how they were won, supporter and leader COUNTS),
// the stalled-drive call list, the weekly series and the drill-down list.
// Never a supporter's name or contact: only counts leave these queries.
import { sql, type RawBuilder } from 'kysely'
import type { Scope } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { STAGE_KEYS, type StageKey } from '../drives/stages.ts'

/** `0` means "none" (an independent local, a drive without a chapter). */
export type ReviewFilters = {
  slate: number | null
  union?: number
  chapter?: number
  state?: string
  sector?: string
  orientation?: string
}

export type GroupBy = 'union' | 'chapter'

const STAGE_ARRAY = sql`array['identify', 'democratize', 'build_team', 'file_resolution', 'vote']::text[]`
const ENDED = sql`('won', 'lost', 'dropped')`
const IN_FORCE = sql`('active', 'conditional', 'pending_parent', 'conflict_parent')`

const scopeIds = (scope: Scope) => scope.chapterIds ?? []

function eqOrNone(expr: RawBuilder<unknown>, v: number): RawBuilder<unknown> {
  return v === 0 ? sql`${expr} is null` : sql`${expr} = ${v}`
}

/** Filters on a local's own columns (alias l), shared by every figure. */
function localFacets(f: ReviewFilters): RawBuilder<unknown>[] {
  const out: RawBuilder<unknown>[] = []
  if (f.state) out.push(sql`l.state = ${f.state}`)
  if (f.sector) out.push(sql`l.sector::text = ${f.sector}`)
  if (f.orientation) out.push(sql`l.orientation::text = ${f.orientation}`)
  return out
}

const all = (parts: RawBuilder<unknown>[]) => (parts.length ? sql.join(parts, sql` and `) : sql`true`)

/** Drives (alias d, joined to locals l) on the slate, in scope and filters. */
function driveWhere(scope: Scope, f: ReviewFilters): RawBuilder<unknown> {
  const p: RawBuilder<unknown>[] = [sql`d.deleted_at is null`, sql`d.slate_id = ${f.slate ?? -1}`]
  if (scope.chapterIds !== null) p.push(sql`d.chapter_id = any(${scopeIds(scope)}::int[])`)
  if (f.chapter !== undefined) p.push(eqOrNone(sql`d.chapter_id`, f.chapter))
  if (f.union !== undefined) p.push(eqOrNone(sql`coalesce(l.national_union_id, d.national_union_id)`, f.union))
  return all([...p, ...localFacets(f)])
}

function filteredDrives(scope: Scope, f: ReviewFilters) {
  return sql`
    select d.id, d.local_id, d.chapter_id, d.stage::text as stage, d.status::text as status, d.last_activity_at,
      d.stage_entered_at,
      coalesce(l.national_union_id, d.national_union_id) as union_id
    from drives d left join locals l on l.id = d.local_id
    where ${driveWhere(scope, f)}`
}

function localWhere(scope: Scope, f: ReviewFilters): RawBuilder<unknown> {
  const p: RawBuilder<unknown>[] = [sql`l.deleted_at is null`]
  if (scope.chapterIds !== null) p.push(sql`l.chapter_id = any(${scopeIds(scope)}::int[])`)
  if (f.chapter !== undefined) p.push(eqOrNone(sql`l.chapter_id`, f.chapter))
  if (f.union !== undefined) p.push(eqOrNone(sql`l.national_union_id`, f.union))
  return all([...p, ...localFacets(f)])
}

function endorsementWhere(scope: Scope, f: ReviewFilters): RawBuilder<unknown> {
  const p: RawBuilder<unknown>[] = [sql`e.slate_id = ${f.slate ?? -1}`, sql`e.status <> 'superseded'`]
  if (scope.chapterIds !== null) p.push(sql`coalesce(e.chapter_id, l.chapter_id) = any(${scopeIds(scope)}::int[])`)
  if (f.chapter !== undefined) p.push(eqOrNone(sql`coalesce(e.chapter_id, l.chapter_id)`, f.chapter))
  if (f.union !== undefined) p.push(eqOrNone(sql`coalesce(l.national_union_id, e.national_union_id)`, f.union))
  return all([...p, ...localFacets(f)])
}

/** Live supporters (alias s, joined to locals l) in scope and filters. */
function supporterWhere(scope: Scope, f: ReviewFilters): RawBuilder<unknown> {
  const p: RawBuilder<unknown>[] = [sql`s.deleted_at is null`]
  if (scope.chapterIds !== null) p.push(sql`s.chapter_id = any(${scopeIds(scope)}::int[])`)
  if (f.chapter !== undefined) p.push(eqOrNone(sql`s.chapter_id`, f.chapter))
  if (f.union !== undefined) p.push(eqOrNone(sql`l.national_union_id`, f.union))
  return all([...p, ...localFacets(f)])
}

/** How a decision was taken: by the members, by leadership, or by delegates. */
export const METHOD_SQL = sql<string>`case
    when x.kind = 'poll' then 'membership'
    when coalesce(e.deciding_body, x.body) ~* '(poll|referend|member)' then 'membership'
    when coalesce(e.deciding_body, x.body) ~* '(executive|board|officer|leader|cope|committee|president)'
      then 'leadership'
    when coalesce(e.deciding_body, x.body) ~* '(delegate|council|conference|house)' then 'delegate'
    when l.deciding_body in ('membership_meeting', 'referendum') then 'membership'
    when l.deciding_body in ('executive_board', 'cope_committee') then 'leadership'
    when l.deciding_body in ('delegate_body', 'council_conference') then 'delegate'
    else 'unknown' end`

export type GroupRow = {
  k: number
  label: string
  locals: number
  targeted: number
  drives: number
  at_identify: number
  at_democratize: number
  at_build_team: number
  at_file_resolution: number
  at_vote: number
  active: number
  paused: number
  won: number
  lost: number
  dropped: number
  reached_identify: number
  reached_democratize: number
  reached_build_team: number
  reached_file_resolution: number
  reached_vote: number
  reached_won: number
  med_identify: number | null
  med_democratize: number | null
  med_build_team: number | null
  med_file_resolution: number | null
  med_vote: number | null
  national_slate: number
  national_candidate: number
  local_slate: number
  local_candidate: number
  rescinded: number
  by_membership: number
  by_leadership: number
  by_delegate: number
  by_unknown: number
  national_status: string | null
  supporters: number
  supporters_12: number
  leaders_trained: number
}

/** Which grouping a row of `reviewFigures` belongs to: by union, by chapter, or the total. */
type Tagged = GroupRow & { g: 'u' | 'c' | 't' }

// One pass of grouping sets gives the rows by union, the rows by chapter and
// the total row (k = -1) from the same scan of each source.
const GSETS = sql`grouping sets ((u), (c), ())`
const G = sql`case when grouping(u) = 0 then 'u' when grouping(c) = 0 then 'c' else 't' end`
const K = sql`case when grouping(u) = 0 then u when grouping(c) = 0 then c else -1 end`

/**
 * Every figure of the review, one row per national union AND one per chapter,
 * plus the total row (k = -1, in both lists), in ONE statement that reads each
 * source once: drives, their stage changes (one window pass serves both the
 * furthest stage reached and the stays), endorsements, locals, the supporter
 * supporters (counted here: the review keeps its figures a minute, and
 * counters kept by triggers made every supporter write wait on a long import)
 * and trained team members.
 */
export async function reviewFigures(db: Db, scope: Scope, f: ReviewFilters): Promise<Record<GroupBy, GroupRow[]>> {
  const stageCounts = sql.join(
    STAGE_KEYS.map(
      (s) => sql`count(*) filter (where status in ('active', 'paused') and stage = ${s})::int as ${sql.ref(`at_${s}`)}`,
    ),
    sql`, `,
  )
  const reached = sql.join(
    STAGE_KEYS.map((s, i) => sql`count(*) filter (where maxidx >= ${i + 1})::int as ${sql.ref(`reached_${s}`)}`),
    sql`, `,
  )
  const medians = sql.join(
    STAGE_KEYS.map(
      (s) =>
        sql`percentile_cont(0.5) within group (order by days) filter (where to_stage = ${s}) as ${sql.ref(`med_${s}`)}`,
    ),
    sql`, `,
  )
  const result = await sql<Tagged>`
    with fd as materialized (${filteredDrives(scope, f)}),
    marks as materialized (
      select sc.id, sc.drive_id, sc.at, sc.to_stage, sc.to_status, coalesce(fd.union_id, 0) as u,
        coalesce(fd.chapter_id, 0) as c,
        lag(sc.to_stage) over w as prev_stage, lag(sc.to_status) over w as prev_status
      from stage_changes sc join fd on fd.id = sc.drive_id
      window w as (partition by sc.drive_id order by sc.at, sc.id)
    ),
    reach as (
      select drive_id, max(array_position(${STAGE_ARRAY}, to_stage)) as idx from marks group by drive_id
    ),
    dagg as (
      select ${G} as g, ${K} as k, count(*)::int as drives, count(distinct local_id)::int as targeted,
        ${stageCounts}, ${reached},
        count(*) filter (where maxidx >= 6)::int as reached_won,
        count(*) filter (where status = 'active')::int as active,
        count(*) filter (where status = 'paused')::int as paused,
        count(*) filter (where status = 'won')::int as won,
        count(*) filter (where status = 'lost')::int as lost,
        count(*) filter (where status = 'dropped')::int as dropped
      from (
        select fd.local_id, fd.stage, fd.status, coalesce(fd.union_id, 0) as u, coalesce(fd.chapter_id, 0) as c,
          case when fd.status = 'won' then 6
            else greatest(array_position(${STAGE_ARRAY}, fd.stage), reach.idx) end as maxidx
        from fd left join reach on reach.drive_id = fd.id
      ) x
      group by ${GSETS}
    ),
    stays as (
      select u, c, to_stage, to_status,
        extract(epoch from (lead(at) over (partition by drive_id order by at, id) - at)) / 86400.0 as days
      from marks
      where prev_stage is null or prev_stage is distinct from to_stage or to_status in ${ENDED}
        or prev_status in ${ENDED}
    ),
    magg as (
      select ${G} as g, ${K} as k, ${medians}
      from stays where to_status in ('active', 'paused') and days is not null
      group by ${GSETS}
    ),
    eagg as (
      select ${G} as g, ${K} as k,
        count(*) filter (where in_force and national_union_id is not null
          and candidate_id is null)::int as national_slate,
        count(*) filter (where in_force and national_union_id is not null
          and candidate_id is not null)::int as national_candidate,
        count(*) filter (where in_force and local_id is not null and candidate_id is null)::int as local_slate,
        count(*) filter (where in_force and local_id is not null and candidate_id is not null)::int as local_candidate,
        count(*) filter (where status = 'rescinded')::int as rescinded,
        count(distinct win_key) filter (where in_force and method = 'membership')::int as by_membership,
        count(distinct win_key) filter (where in_force and method = 'leadership')::int as by_leadership,
        count(distinct win_key) filter (where in_force and method = 'delegate')::int as by_delegate,
        count(distinct win_key) filter (where in_force and method = 'unknown')::int as by_unknown,
        string_agg(distinct case when national_union_id is not null
          then coalesce(candidate_name, 'whole slate') || ': ' || replace(status, '_', ' ') end,
          '; ') as national_status
      from (
        select e.national_union_id, e.candidate_id, e.local_id, e.status,
          coalesce(l.national_union_id, e.national_union_id, 0) as u, coalesce(e.chapter_id, l.chapter_id, 0) as c,
          ${METHOD_SQL} as method, e.status in ${IN_FORCE} as in_force,
          coalesce(e.decision_id * 2, e.id * 2 + 1) as win_key, cand.name as candidate_name
        from endorsements e
        left join locals l on l.id = e.local_id
        left join decisions x on x.id = e.decision_id
        left join candidates cand on cand.id = e.candidate_id
        where ${endorsementWhere(scope, f)}
      ) x
      group by ${GSETS}
    ),
    lagg as (
      select ${G} as g, ${K} as k, count(*)::int as locals
      from (select coalesce(l.national_union_id, 0) as u, coalesce(l.chapter_id, 0) as c from locals l
        where ${localWhere(scope, f)}) x
      group by ${GSETS}
    ),
    sagg as (
      select ${G} as g, ${K} as k, sum(n)::int as supporters, sum(n12)::int as supporters_12
      from (
        select coalesce(l.national_union_id, 0) as u, s.chapter_id as c, 1 as n, (s.current_level in (1, 2))::int as n12
        from supporters s left join locals l on l.id = s.local_id
        where ${supporterWhere(scope, f)}
      ) x
      group by ${GSETS}
    ),
    tagg as (
      select ${G} as g, ${K} as k, count(distinct supporter_id)::int as leaders_trained
      from (
        select coalesce(fd.union_id, 0) as u, coalesce(fd.chapter_id, 0) as c, tm.supporter_id
        from team_members tm join fd on fd.id = tm.drive_id
        -- one primary-key probe per team member (limit keeps the planner from scanning every supporter)
        join lateral (select 1 from supporters s where s.id = tm.supporter_id
          and s.deleted_at is null limit 1) live on true
        where tm.deleted_at is null and tm.trained_on is not null
      ) x
      group by ${GSETS}
    ),
    keys as (
      select g, k from dagg union select g, k from eagg union select g, k from lagg union select g, k from sagg
        union select g, k from tagg
      union select 't', -1
    ),
    labelled as (
      select keys.g, keys.k, case
          when keys.k = -1 then 'All'
          when keys.g = 'u' and keys.k = 0 then 'Independent' when keys.g = 'u' then coalesce(n.abbreviation, '?')
          when keys.k = 0 then 'No chapter' else coalesce(ch.name, '?') end as label
      from keys
      left join national_unions n on keys.g = 'u' and n.id = keys.k
      left join chapters ch on keys.g = 'c' and ch.id = keys.k
    )
    select keys.g, keys.k, keys.label,
      coalesce(lagg.locals, 0) as locals, coalesce(dagg.drives, 0) as drives, coalesce(dagg.targeted, 0) as targeted,
      ${sql.join(
        STAGE_KEYS.map((s) => sql`coalesce(dagg.${sql.ref(`at_${s}`)}, 0) as ${sql.ref(`at_${s}`)}`),
        sql`, `,
      )},
      ${sql.join(
        STAGE_KEYS.map((s) => sql`coalesce(dagg.${sql.ref(`reached_${s}`)}, 0) as ${sql.ref(`reached_${s}`)}`),
        sql`, `,
      )},
      coalesce(dagg.reached_won, 0) as reached_won,
      coalesce(dagg.active, 0) as active, coalesce(dagg.paused, 0) as paused,
      coalesce(dagg.won, 0) as won, coalesce(dagg.lost, 0) as lost, coalesce(dagg.dropped, 0) as dropped,
      ${sql.join(
        STAGE_KEYS.map((s) => sql`magg.${sql.ref(`med_${s}`)}`),
        sql`, `,
      )},
      coalesce(eagg.national_slate, 0) as national_slate, coalesce(eagg.national_candidate, 0) as national_candidate,
      coalesce(eagg.local_slate, 0) as local_slate, coalesce(eagg.local_candidate, 0) as local_candidate,
        coalesce(eagg.rescinded, 0) as rescinded,
      coalesce(eagg.by_membership, 0) as by_membership, coalesce(eagg.by_leadership, 0) as by_leadership,
      coalesce(eagg.by_delegate, 0) as by_delegate, coalesce(eagg.by_unknown, 0) as by_unknown, eagg.national_status,
      coalesce(sagg.supporters, 0) as supporters, coalesce(sagg.supporters_12, 0) as supporters_12,
        coalesce(tagg.leaders_trained, 0) as leaders_trained
    from labelled keys
    left join dagg using (g, k) left join magg using (g, k) left join eagg using (g, k)
    left join lagg using (g, k) left join sagg using (g, k) left join tagg using (g, k)
    order by keys.g, keys.k = -1, coalesce(dagg.drives, 0) = 0, keys.label, keys.k`.execute(db)
  const total = result.rows.filter((r) => r.g === 't')
  const strip = (rows: Tagged[]): GroupRow[] => rows.map(({ g: _g, ...r }) => r)
  return {
    union: strip([...result.rows.filter((r) => r.g === 'u'), ...total]),
    chapter: strip([...result.rows.filter((r) => r.g === 'c'), ...total]),
  }
}

/** The figures of one grouping (with its total row); the page asks `reviewFigures` for both at once. */
export async function groupFigures(db: Db, scope: Scope, f: ReviewFilters, by: GroupBy): Promise<GroupRow[]> {
  return (await reviewFigures(db, scope, f))[by]
}

// ---- Stalled drives -------------------------------------------------------------

export type StalledRow = {
  id: number
  local_name: string | null
  union_abbreviation: string | null
  chapter_name: string | null
  stage: StageKey
  last_at: Date
  days: number
  total: number
  /** Every stalled drive (not only this page's) counted by national union id (0 = independent) and by chapter id. */
  by_union: Record<string, number>
  by_chapter: Record<string, number>
}

/**
 * Activity of a drive (alias `d`): the latest of its own mark and of every
 * record about it (event dates, never in the future). Each record's latest is
 * one backward index probe: max(least(x, now())) = least(max(x), now()).
 */
const lastActivity = (d: RawBuilder<unknown>) => sql`greatest(
  ${d}.last_activity_at,
  (select max(sc.at) from stage_changes sc where sc.drive_id = ${d}.id),
  (select least(max(f.filed_on)::timestamptz, now()) from filings f where f.drive_id = ${d}.id
    and f.deleted_at is null having max(f.filed_on) is not null),
  (select least(max(x.held_on)::timestamptz, now()) from decisions x where x.drive_id = ${d}.id
    and x.deleted_at is null having max(x.held_on) is not null),
  (select least(max(coalesce(p.decided_on::timestamptz, p.created_at)), now()) from process_pushes p
    where p.drive_id = ${d}.id and p.deleted_at is null
    having max(coalesce(p.decided_on::timestamptz, p.created_at)) is not null),
  (select least(max(cv.held_on)::timestamptz, now()) from conversations cv where cv.drive_id = ${d}.id
    and cv.deleted_at is null having max(cv.held_on) is not null))`
// Support-level changes are not read here: every level change touches its
// drives' last_activity_at in the same transaction, and reading levels through
// the local's supporters cost a second per page at national scale.

/**
 * "No activity for `days` days" without computing every drive's activity: the
 * drive's own mark is old and no record about it is that recent (each an index
 * probe that stops at the first hit). Same answer as lastActivity(d) < now() - days,
 * since a record's date capped at now() is only recent when the date itself is.
 */
function quietSince(d: RawBuilder<unknown>, days: number): RawBuilder<unknown> {
  const since = sql`(now() - make_interval(days => ${days}::int))`
  return sql`${d}.last_activity_at < ${since}
    and not exists (select 1 from stage_changes sc where sc.drive_id = ${d}.id and sc.at >= ${since})
    and not exists (select 1 from filings f where f.drive_id = ${d}.id and f.deleted_at is null
      and f.filed_on >= ${since}::date and f.filed_on::timestamptz >= ${since})
    and not exists (select 1 from decisions x where x.drive_id = ${d}.id and x.deleted_at is null
      and x.held_on >= ${since}::date and x.held_on::timestamptz >= ${since})
    and not exists (select 1 from process_pushes p where p.drive_id = ${d}.id and p.deleted_at is null
      and coalesce(p.decided_on::timestamptz, p.created_at) >= ${since})
    and not exists (select 1 from conversations cv where cv.drive_id = ${d}.id and cv.deleted_at is null
      and cv.held_on >= ${since}::date and cv.held_on::timestamptz >= ${since})`
}

/** Active drives with no recorded activity for `days` days, longest silence first. */
export async function stalledDrives(
  db: Db,
  scope: Scope,
  f: ReviewFilters,
  days: number,
  limit = 200,
): Promise<StalledRow[]> {
  const r = await sql<StalledRow>`
    with fd as (${filteredDrives(scope, f)}),
    act as materialized (
      select fd.*, ${lastActivity(sql`fd`)} as last_at, count(*) over ()::int as total
      from fd where fd.status = 'active' and ${quietSince(sql`fd`, days)}
    ),
    page as (select * from act order by last_at, id limit ${limit}),
    counts as (
      select json_build_object(
        'u', (select json_object_agg(u, n) from (select coalesce(union_id, 0) as u, count(*)::int as n
          from act group by 1) x),
        'c', (select json_object_agg(c, n) from (select coalesce(chapter_id, 0) as c, count(*)::int as n
          from act group by 1) y)
      ) as j
    )
    select page.id, l.name as local_name, n.abbreviation as union_abbreviation, c.name as chapter_name,
      page.stage, page.last_at, floor(extract(epoch from now() - page.last_at) / 86400)::int as days, page.total,
      (select j -> 'u' from counts) as by_union, (select j -> 'c' from counts) as by_chapter
    from page
    left join locals l on l.id = page.local_id
    left join national_unions n on n.id = page.union_id
    left join chapters c on c.id = page.chapter_id
    order by page.last_at, page.id`.execute(db)
  return r.rows
}

// ---- Weekly series ----------------------------------------------------------------

export type WeekRow = { week: string; endorsements: number } & Record<StageKey | 'won', number>

/**
 * The last `weeks` weeks (Monday starts, UTC): endorsements won, drives
 * entering each stage, drives won. Each source is bucketed by week once.
 */
export async function weeklyCounts(db: Db, scope: Scope, f: ReviewFilters, weeks = 26): Promise<WeekRow[]> {
  const entries = sql.join(
    [...STAGE_KEYS].map((s) => sql`coalesce(m.${sql.ref(s)}, 0) as ${sql.ref(s)}`),
    sql`, `,
  )
  const stageCounts = sql.join(
    [...STAGE_KEYS].map(
      (s) =>
        sql`count(*) filter (where sc.to_stage = ${s} and sc.to_status in ('active', 'paused'))::int as ${sql.ref(s)}`,
    ),
    sql`, `,
  )
  const first = sql`(date_trunc('week', now()) - make_interval(weeks => ${weeks - 1}::int))`
  const r = await sql<WeekRow>`
    with fd as (${filteredDrives(scope, f)}),
    w as (select generate_series(${first}, date_trunc('week', now()), interval '1 week') as week),
    m as (
      select date_trunc('week', sc.at) as week, ${stageCounts}, count(*) filter (where sc.to_status = 'won')::int as won
      from stage_changes sc join fd on fd.id = sc.drive_id
      where sc.at >= ${first}
        and (sc.from_stage is null or sc.from_stage is distinct from sc.to_stage
          or sc.to_status is distinct from sc.from_status and (sc.to_status in ${ENDED} or sc.from_status in ${ENDED}))
      group by 1
    ),
    e as (
      select date_trunc('week', e.decided_on::timestamptz) as week, count(*)::int as n
      from endorsements e left join locals l on l.id = e.local_id
      where ${endorsementWhere(scope, f)} and e.decided_on >= ${first}::date
      group by 1
    )
    select to_char(w.week, 'YYYY-MM-DD') as week, coalesce(e.n, 0) as endorsements, ${entries},
      coalesce(m.won, 0) as won
    from w left join m on m.week = w.week left join e on e.week = w.week
    order by w.week`.execute(db)
  return r.rows
}

// ---- How the wins came: the process before the vote ---------------------------------

export type WinProcesses = {
  /** Distinct locals with an endorsement in force on the slate. */
  locals: number
  adopted: number
  already: number
  rejected: number
  none: number
  /** Endorsing locals whose adopted process used each mechanism (candidate_forum, binding_poll, …). */
  mechanisms: Record<string, number>
}

/**
 * The endorsing locals in scope and filters by the process push recorded on
 * their drive for the slate before the vote: one adopted (a forum, a poll…),
 * the body already democratic, a push rejected, or none recorded (or no drive
 * tracked); and the mechanisms of the adopted ones. One statement.
 */
export async function winProcesses(db: Db, scope: Scope, f: ReviewFilters): Promise<WinProcesses> {
  const r = await sql<WinProcesses>`
    with el as (
      select distinct e.local_id
      from endorsements e left join locals l on l.id = e.local_id
      where ${endorsementWhere(scope, f)} and e.local_id is not null and e.status in ${IN_FORCE}
    ),
    pp as (
      select el.local_id,
        coalesce(bool_or(p.outcome = 'adopted'), false) as adopted,
        coalesce(bool_or(p.outcome = 'already_democratic'), false) as already,
        coalesce(bool_or(p.outcome = 'rejected'), false) as rejected,
        array_remove(array_agg(distinct m.m) filter (where p.outcome = 'adopted'), null) as mechs
      from el
      left join drives d on d.local_id = el.local_id and d.slate_id = ${f.slate ?? -1} and d.deleted_at is null
      left join process_pushes p on p.drive_id = d.id and p.deleted_at is null
      left join lateral unnest(p.mechanisms) as m(m) on true
      group by el.local_id
    )
    select count(*)::int as locals,
      count(*) filter (where adopted)::int as adopted,
      count(*) filter (where not adopted and already)::int as already,
      count(*) filter (where not adopted and not already and rejected)::int as rejected,
      count(*) filter (where not adopted and not already and not rejected)::int as none,
      coalesce(
        (select json_object_agg(m, n) from (select m, count(*)::int as n from pp, unnest(pp.mechs) m group by m) x),
        '{}'::json
      ) as mechanisms
    from pp`.execute(db)
  return r.rows[0] ?? { locals: 0, adopted: 0, already: 0, rejected: 0, none: 0, mechanisms: {} }
}

// ---- Drill-down --------------------------------------------------------------------

export type DrillFilters = ReviewFilters & {
  stage?: StageKey
  status?: 'active' | 'paused' | 'won' | 'lost' | 'dropped' | 'open'
  reached?: StageKey | 'won'
  stalled?: number
}

export type DrillRow = {
  id: number
  local_name: string | null
  union_abbreviation: string | null
  chapter_name: string | null
  stage: StageKey
  status: string
  stage_entered_at: Date
  last_at: Date
  total: number
}

/** The drives behind a figure: locals and stages only. */
export async function drillDrives(db: Db, scope: Scope, f: DrillFilters, limit = 500): Promise<DrillRow[]> {
  const p: RawBuilder<unknown>[] = [sql`true`]
  if (f.stage) p.push(sql`fd.stage = ${f.stage}`)
  if (f.status === 'open') p.push(sql`fd.status in ('active', 'paused')`)
  else if (f.status) p.push(sql`fd.status = ${f.status}`)
  if (f.reached === 'won') p.push(sql`fd.status = 'won'`)
  else if (f.reached) {
    const idx = STAGE_KEYS.indexOf(f.reached) + 1
    p.push(
      sql`(fd.status = 'won' or greatest(array_position(${STAGE_ARRAY}, fd.stage),
        (select max(array_position(${STAGE_ARRAY}, sc.to_stage)) from stage_changes sc
        where sc.drive_id = fd.id)) >= ${idx})`,
    )
  }
  if (f.stalled !== undefined) p.push(sql`fd.status = 'active' and ${quietSince(sql`fd`, f.stalled)}`)
  const r = await sql<DrillRow>`
    with fd as (${filteredDrives(scope, f)})
    select fd.id, l.name as local_name, n.abbreviation as union_abbreviation, c.name as chapter_name, fd.stage,
      fd.status, fd.stage_entered_at,
      ${lastActivity(sql`fd`)} as last_at, count(*) over ()::int as total
    from fd
    left join locals l on l.id = fd.local_id
    left join national_unions n on n.id = fd.union_id
    left join chapters c on c.id = fd.chapter_id
    where ${all(p)}
    order by n.abbreviation nulls last, c.name nulls last, l.name, fd.id
    limit ${limit}`.execute(db)
  return r.rows
}

// ---- One union's open drives, stage by stage ------------------------------------------

export type StageDriveRow = {
  id: number
  local_name: string | null
  union_abbreviation: string | null
  chapter_name: string | null
  stage: StageKey
  status: string
  stage_entered_at: Date
  /** Open drives at this stage in all, not only the ones listed. */
  stage_total: number
}

/** The open drives in scope and filters, at most `perStage` per stage (longest in the stage first). */
export async function openDrivesByStage(
  db: Db,
  scope: Scope,
  f: ReviewFilters,
  perStage = 25,
): Promise<StageDriveRow[]> {
  const r = await sql<StageDriveRow>`
    with fd as (${filteredDrives(scope, f)}),
    ranked as (
      select fd.*, row_number() over (partition by fd.stage order by fd.stage_entered_at, fd.id) as n,
        count(*) over (partition by fd.stage)::int as stage_total
      from fd where fd.status in ('active', 'paused')
    )
    select ranked.id, l.name as local_name, u.abbreviation as union_abbreviation, c.name as chapter_name,
      ranked.stage, ranked.status, ranked.stage_entered_at, ranked.stage_total
    from ranked
    left join locals l on l.id = ranked.local_id
    left join national_unions u on u.id = ranked.union_id
    left join chapters c on c.id = ranked.chapter_id
    where ranked.n <= ${perStage}
    order by array_position(${STAGE_ARRAY}, ranked.stage), ranked.n`.execute(db)
  return r.rows
}

// ---- Filter choices -----------------------------------------------------------------

export type ReviewOptions = {
  slates: { id: number; name: string; is_current: boolean; goal: number }[]
  unions: { id: number; abbreviation: string; name: string }[]
  chapters: { id: number; name: string }[]
  states: string[]
}

/** Every filter's choices in one statement; chapters limited to the scope. */
export async function reviewOptions(db: Db, scope: Scope): Promise<ReviewOptions> {
  const chapterScope = scope.chapterIds === null ? sql`true` : sql`c.id = any(${scopeIds(scope)}::int[])`
  const r = await sql<ReviewOptions>`
    select
      (select coalesce(json_agg(json_build_object('id', s.id, 'name', s.name, 'is_current', s.is_current,
        'goal', s.goal)
        order by s.is_current desc, s.id desc), '[]'::json)
        from slates s where s.deleted_at is null) as slates,
      (select coalesce(json_agg(json_build_object('id', n.id, 'abbreviation', n.abbreviation, 'name', n.name)
        order by n.abbreviation), '[]'::json)
        from national_unions n where n.deleted_at is null) as unions,
      (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name) order by c.name), '[]'::json)
        from chapters c where c.deleted_at is null and ${chapterScope}) as chapters,
      (select coalesce(json_agg(st order by st), '[]'::json)
        from (select distinct l.state as st from locals l where l.deleted_at is null
          and l.state is not null) x) as states`.execute(db)
  return r.rows[0]!
}
