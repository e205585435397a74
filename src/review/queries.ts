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
    select d.id, d.local_id, d.chapter_id, d.stage::text as stage, d.status::text as status, d.last_activity_at, d.stage_entered_at,
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
    when coalesce(e.deciding_body, x.body) ~* '(executive|board|officer|leader|cope|committee|president)' then 'leadership'
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
  at_identify: number; at_democratize: number; at_build_team: number; at_file_resolution: number; at_vote: number
  active: number; paused: number; won: number; lost: number; dropped: number
  reached_identify: number; reached_democratize: number; reached_build_team: number; reached_file_resolution: number; reached_vote: number; reached_won: number
  med_identify: number | null; med_democratize: number | null; med_build_team: number | null; med_file_resolution: number | null; med_vote: number | null
  national_slate: number; national_candidate: number; local_slate: number; local_candidate: number; rescinded: number
  by_membership: number; by_leadership: number; by_delegate: number; by_unknown: number
  national_status: string | null
  supporters: number; supporters_12: number; leaders_trained: number
}

const grouped = (k: RawBuilder<unknown>) => sql`case when grouping(${k}) = 1 then -1 else ${k} end`

/**
 * Every figure of the review, one row per national union (or chapter) and a
 * total row (k = -1), in ONE statement.
 */
export async function groupFigures(db: Db, scope: Scope, f: ReviewFilters, by: GroupBy): Promise<GroupRow[]> {
  const key = by === 'union'
    ? { drive: sql`fd.union_id`, local: sql`l.national_union_id`, endorsement: sql`coalesce(l.national_union_id, e.national_union_id)`, supporter: sql`l.national_union_id` }
    : { drive: sql`fd.chapter_id`, local: sql`l.chapter_id`, endorsement: sql`coalesce(e.chapter_id, l.chapter_id)`, supporter: sql`s.chapter_id` }
  const k = sql`k`
  const stageCounts = sql.join(STAGE_KEYS.map((s) => sql`count(*) filter (where status in ('active', 'paused') and stage = ${s})::int as ${sql.ref(`at_${s}`)}`), sql`, `)
  const reached = sql.join(STAGE_KEYS.map((s, i) => sql`count(*) filter (where maxidx >= ${i + 1})::int as ${sql.ref(`reached_${s}`)}`), sql`, `)
  const medians = sql.join(STAGE_KEYS.map((s) => sql`percentile_cont(0.5) within group (order by days) filter (where to_stage = ${s}) as ${sql.ref(`med_${s}`)}`), sql`, `)
  const label = by === 'union'
    ? sql`case when keys.k = -1 then 'All' when keys.k = 0 then 'Independent' else coalesce(n.abbreviation, '?') end`
    : sql`case when keys.k = -1 then 'All' when keys.k = 0 then 'No chapter' else coalesce(c.name, '?') end`
  const labelJoin = by === 'union' ? sql`left join national_unions n on n.id = keys.k` : sql`left join chapters c on c.id = keys.k`
  const result = await sql<GroupRow>`
    with fd as (${filteredDrives(scope, f)}),
    dx as (
      select fd.*, coalesce(${key.drive}, 0) as k,
        case when fd.status = 'won' then 6 else greatest(array_position(${STAGE_ARRAY}, fd.stage),
          (select max(array_position(${STAGE_ARRAY}, sc.to_stage)) from stage_changes sc where sc.drive_id = fd.id)) end as maxidx
      from fd
    ),
    dagg as (
      select ${grouped(k)} as k, count(*)::int as drives, count(distinct local_id)::int as targeted, ${stageCounts}, ${reached},
        count(*) filter (where maxidx >= 6)::int as reached_won,
        count(*) filter (where status = 'active')::int as active, count(*) filter (where status = 'paused')::int as paused,
        count(*) filter (where status = 'won')::int as won, count(*) filter (where status = 'lost')::int as lost, count(*) filter (where status = 'dropped')::int as dropped
      from dx group by grouping sets ((k), ())
    ),
    marks as (
      select sc.id, sc.drive_id, sc.at, sc.to_stage, sc.to_status, coalesce(${key.drive}, 0) as k,
        lag(sc.to_stage) over w as prev_stage, lag(sc.to_status) over w as prev_status
      from stage_changes sc join fd on fd.id = sc.drive_id
      window w as (partition by sc.drive_id order by sc.at, sc.id)
    ),
    stays as (
      select k, to_stage, to_status, extract(epoch from (lead(at) over (partition by drive_id order by at, id) - at)) / 86400.0 as days
      from marks
      where prev_stage is null or prev_stage is distinct from to_stage or to_status in ${ENDED} or prev_status in ${ENDED}
    ),
    magg as (
      select ${grouped(k)} as k, ${medians}
      from stays where to_status in ('active', 'paused') and days is not null
      group by grouping sets ((k), ())
    ),
    ex as (
      select e.*, coalesce(${key.endorsement}, 0) as k, ${METHOD_SQL} as method, e.status in ${IN_FORCE} as in_force,
        coalesce(e.decision_id * 2, e.id * 2 + 1) as win_key, cand.name as candidate_name
      from endorsements e
      left join locals l on l.id = e.local_id
      left join decisions x on x.id = e.decision_id
      left join candidates cand on cand.id = e.candidate_id
      where ${endorsementWhere(scope, f)}
    ),
    eagg as (
      select ${grouped(k)} as k,
        count(*) filter (where in_force and national_union_id is not null and candidate_id is null)::int as national_slate,
        count(*) filter (where in_force and national_union_id is not null and candidate_id is not null)::int as national_candidate,
        count(*) filter (where in_force and local_id is not null and candidate_id is null)::int as local_slate,
        count(*) filter (where in_force and local_id is not null and candidate_id is not null)::int as local_candidate,
        count(*) filter (where status = 'rescinded')::int as rescinded,
        count(distinct win_key) filter (where in_force and method = 'membership')::int as by_membership,
        count(distinct win_key) filter (where in_force and method = 'leadership')::int as by_leadership,
        count(distinct win_key) filter (where in_force and method = 'delegate')::int as by_delegate,
        count(distinct win_key) filter (where in_force and method = 'unknown')::int as by_unknown,
        string_agg(distinct case when national_union_id is not null then coalesce(candidate_name, 'whole slate') || ': ' || replace(status, '_', ' ') end, '; ') as national_status
      from ex group by grouping sets ((k), ())
    ),
    lagg as (
      select ${grouped(k)} as k, count(*)::int as locals
      from (select coalesce(${key.local}, 0) as k from locals l where ${localWhere(scope, f)}) x
      group by grouping sets ((k), ())
    ),
    sagg as (
      select ${grouped(k)} as k, count(*)::int as supporters, count(*) filter (where current_level in (1, 2))::int as supporters_12
      from (select coalesce(${key.supporter}, 0) as k, s.current_level from supporters s left join locals l on l.id = s.local_id where ${supporterWhere(scope, f)}) x
      group by grouping sets ((k), ())
    ),
    tagg as (
      select ${grouped(k)} as k, count(distinct supporter_id)::int as leaders_trained
      from (select coalesce(${key.drive}, 0) as k, tm.supporter_id from team_members tm join fd on fd.id = tm.drive_id join supporters s on s.id = tm.supporter_id
            where tm.deleted_at is null and tm.trained_on is not null and s.deleted_at is null) x
      group by grouping sets ((k), ())
    ),
    keys as (
      select k from dagg union select k from eagg union select k from lagg union select k from sagg union select k from tagg
    )
    select keys.k, ${label} as label,
      coalesce(lagg.locals, 0) as locals, coalesce(dagg.drives, 0) as drives, coalesce(dagg.targeted, 0) as targeted,
      ${sql.join(STAGE_KEYS.map((s) => sql`coalesce(dagg.${sql.ref(`at_${s}`)}, 0) as ${sql.ref(`at_${s}`)}`), sql`, `)},
      ${sql.join(STAGE_KEYS.map((s) => sql`coalesce(dagg.${sql.ref(`reached_${s}`)}, 0) as ${sql.ref(`reached_${s}`)}`), sql`, `)},
      coalesce(dagg.reached_won, 0) as reached_won,
      coalesce(dagg.active, 0) as active, coalesce(dagg.paused, 0) as paused,
      coalesce(dagg.won, 0) as won, coalesce(dagg.lost, 0) as lost, coalesce(dagg.dropped, 0) as dropped,
      ${sql.join(STAGE_KEYS.map((s) => sql`magg.${sql.ref(`med_${s}`)}`), sql`, `)},
      coalesce(eagg.national_slate, 0) as national_slate, coalesce(eagg.national_candidate, 0) as national_candidate,
      coalesce(eagg.local_slate, 0) as local_slate, coalesce(eagg.local_candidate, 0) as local_candidate, coalesce(eagg.rescinded, 0) as rescinded,
      coalesce(eagg.by_membership, 0) as by_membership, coalesce(eagg.by_leadership, 0) as by_leadership,
      coalesce(eagg.by_delegate, 0) as by_delegate, coalesce(eagg.by_unknown, 0) as by_unknown, eagg.national_status,
      coalesce(sagg.supporters, 0) as supporters, coalesce(sagg.supporters_12, 0) as supporters_12, coalesce(tagg.leaders_trained, 0) as leaders_trained
    from keys
    left join dagg on dagg.k = keys.k left join magg on magg.k = keys.k left join eagg on eagg.k = keys.k
    left join lagg on lagg.k = keys.k left join sagg on sagg.k = keys.k left join tagg on tagg.k = keys.k
    ${labelJoin}
    order by keys.k = -1, coalesce(dagg.drives, 0) = 0, label, keys.k`.execute(db)
  return result.rows
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
}

/** Activity of a drive: the latest of its own mark and of every record about it (event dates, never in the future). */
const LAST_ACTIVITY = sql`greatest(
  fd.last_activity_at,
  (select max(sc.at) from stage_changes sc where sc.drive_id = fd.id),
  (select max(least(f.filed_on::timestamptz, now())) from filings f where f.drive_id = fd.id and f.deleted_at is null),
  (select max(least(x.held_on::timestamptz, now())) from decisions x where x.drive_id = fd.id and x.deleted_at is null),
  (select max(least(coalesce(p.decided_on::timestamptz, p.created_at), now())) from process_pushes p where p.drive_id = fd.id and p.deleted_at is null),
  (select max(least(cv.held_on::timestamptz, now())) from conversations cv where cv.drive_id = fd.id and cv.deleted_at is null))`
// Support-level changes are not read here: every level change touches its
// drives' last_activity_at in the same transaction, and reading levels through
// the local's supporters cost a second per page at national scale.

/** Active drives with no recorded activity for `days` days, longest silence first. */
export async function stalledDrives(db: Db, scope: Scope, f: ReviewFilters, days: number, limit = 200): Promise<StalledRow[]> {
  const r = await sql<StalledRow>`
    with fd as (${filteredDrives(scope, f)}),
    act as materialized (select fd.*, ${LAST_ACTIVITY} as last_at from fd where fd.status = 'active')
    select act.id, l.name as local_name, n.abbreviation as union_abbreviation, c.name as chapter_name, act.stage, act.last_at,
      floor(extract(epoch from now() - act.last_at) / 86400)::int as days, count(*) over ()::int as total
    from act
    left join locals l on l.id = act.local_id
    left join national_unions n on n.id = act.union_id
    left join chapters c on c.id = act.chapter_id
    where act.last_at < now() - make_interval(days => ${days}::int)
    order by act.last_at, act.id
    limit ${limit}`.execute(db)
  return r.rows
}

// ---- Weekly series ----------------------------------------------------------------

export type WeekRow = { week: string; endorsements: number } & Record<StageKey | 'won', number>

/** The last `weeks` weeks (Monday starts, UTC): endorsements won, drives entering each stage, drives won. */
export async function weeklyCounts(db: Db, scope: Scope, f: ReviewFilters, weeks = 26): Promise<WeekRow[]> {
  const entries = sql.join([...STAGE_KEYS].map((s) => sql`count(distinct m.id) filter (where m.to_stage = ${s} and m.to_status in ('active', 'paused'))::int as ${sql.ref(s)}`), sql`, `)
  const r = await sql<WeekRow>`
    with fd as (${filteredDrives(scope, f)}),
    w as (
      select generate_series(date_trunc('week', now()) - make_interval(weeks => ${weeks - 1}::int), date_trunc('week', now()), interval '1 week') as week
    ),
    m as (
      select sc.id, sc.at, sc.to_stage, sc.to_status, sc.from_stage, sc.from_status
      from stage_changes sc join fd on fd.id = sc.drive_id
      where sc.at >= (select min(week) from w)
        and (sc.from_stage is null or sc.from_stage is distinct from sc.to_stage or sc.to_status is distinct from sc.from_status and (sc.to_status in ${ENDED} or sc.from_status in ${ENDED}))
    ),
    e as (
      select e.decided_on from endorsements e left join locals l on l.id = e.local_id
      where ${endorsementWhere(scope, f)} and e.decided_on >= (select min(week) from w)::date
    )
    select to_char(w.week, 'YYYY-MM-DD') as week,
      (select count(*)::int from e where e.decided_on >= w.week::date and e.decided_on < (w.week + interval '1 week')::date) as endorsements,
      ${entries},
      count(distinct m.id) filter (where m.to_status = 'won')::int as won
    from w left join m on m.at >= w.week and m.at < w.week + interval '1 week'
    group by w.week order by w.week`.execute(db)
  return r.rows
}

// ---- Drill-down --------------------------------------------------------------------

export type DrillFilters = ReviewFilters & { stage?: StageKey; status?: 'active' | 'paused' | 'won' | 'lost' | 'dropped' | 'open'; reached?: StageKey | 'won'; stalled?: number }

export type DrillRow = { id: number; local_name: string | null; union_abbreviation: string | null; chapter_name: string | null; stage: StageKey; status: string; stage_entered_at: Date; last_at: Date; total: number }

/** The drives behind a figure: locals and stages only. */
export async function drillDrives(db: Db, scope: Scope, f: DrillFilters, limit = 500): Promise<DrillRow[]> {
  const p: RawBuilder<unknown>[] = [sql`true`]
  if (f.stage) p.push(sql`fd.stage = ${f.stage}`)
  if (f.status === 'open') p.push(sql`fd.status in ('active', 'paused')`)
  else if (f.status) p.push(sql`fd.status = ${f.status}`)
  if (f.reached === 'won') p.push(sql`fd.status = 'won'`)
  else if (f.reached) {
    const idx = STAGE_KEYS.indexOf(f.reached) + 1
    p.push(sql`(fd.status = 'won' or greatest(array_position(${STAGE_ARRAY}, fd.stage), (select max(array_position(${STAGE_ARRAY}, sc.to_stage)) from stage_changes sc where sc.drive_id = fd.id)) >= ${idx})`)
  }
  if (f.stalled !== undefined) p.push(sql`fd.status = 'active' and ${LAST_ACTIVITY} < now() - make_interval(days => ${f.stalled}::int)`)
  const r = await sql<DrillRow>`
    with fd as (${filteredDrives(scope, f)})
    select fd.id, l.name as local_name, n.abbreviation as union_abbreviation, c.name as chapter_name, fd.stage, fd.status, fd.stage_entered_at,
      ${LAST_ACTIVITY} as last_at, count(*) over ()::int as total
    from fd
    left join locals l on l.id = fd.local_id
    left join national_unions n on n.id = fd.union_id
    left join chapters c on c.id = fd.chapter_id
    where ${all(p)}
    order by n.abbreviation nulls last, c.name nulls last, l.name, fd.id
    limit ${limit}`.execute(db)
  return r.rows
}

// ---- Filter choices -----------------------------------------------------------------

export type ReviewOptions = {
  slates: { id: number; name: string; is_current: boolean }[]
  unions: { id: number; abbreviation: string }[]
  chapters: { id: number; name: string }[]
  states: string[]
}

/** Every filter's choices in one statement; chapters limited to the scope. */
export async function reviewOptions(db: Db, scope: Scope): Promise<ReviewOptions> {
  const chapterScope = scope.chapterIds === null ? sql`true` : sql`c.id = any(${scopeIds(scope)}::int[])`
  const r = await sql<ReviewOptions>`
    select
      (select coalesce(json_agg(json_build_object('id', s.id, 'name', s.name, 'is_current', s.is_current) order by s.is_current desc, s.id desc), '[]'::json)
        from slates s where s.deleted_at is null) as slates,
      (select coalesce(json_agg(json_build_object('id', n.id, 'abbreviation', n.abbreviation) order by n.abbreviation), '[]'::json)
        from national_unions n where n.deleted_at is null) as unions,
      (select coalesce(json_agg(json_build_object('id', c.id, 'name', c.name) order by c.name), '[]'::json)
        from chapters c where c.deleted_at is null and ${chapterScope}) as chapters,
      (select coalesce(json_agg(st order by st), '[]'::json)
        from (select distinct l.state as st from locals l where l.deleted_at is null and l.state is not null) x) as states`.execute(db)
  return r.rows[0]!
}
