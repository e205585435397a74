// Reads and writes of drives and their records: stage changes, process pushes,
// filings, decisions and endorsements; the board's columns and cards; the
// dashboard's lists. Every read of chapter data takes a Scope and filters by it
// in SQL, so another chapter's drive is simply not found.
import { sql, type Kysely, type Transaction, type Updateable } from 'kysely'
import type { Scope } from '../auth/access.ts'
import { PREPARE, type Db } from '../db/database.ts'
import { updateVersioned } from '../shared/conflict.ts'
import type { Database, DecisionOutcomeCol, DrivesTable, DriveStatusCol, StageKeyCol } from '../db/schema.ts'

type Q = Kysely<Database> | Transaction<Database>

/** Cards a "more" link loads. */
export const COLUMN_SIZE = 25
/** Cards a column shows first: a stage column about a screen and a half, an end column (stacked three high) fewer. */
export const FIRST_CARDS = 10
export const FIRST_ENDED = 4
export const BOARD_COLUMNS = [
  'identify',
  'democratize',
  'build_team',
  'file_resolution',
  'vote',
  'won',
  'lost',
  'dropped',
] as const
export type BoardColumn = (typeof BOARD_COLUMNS)[number]

const ids = (scope: Scope) => (scope.chapterIds?.length ? scope.chapterIds : [-1])

export function listSlateOptions(db: Db) {
  return db
    .selectFrom('slates')
    .select(['id', 'name', 'election_date', 'is_current'])
    .where('deleted_at', 'is', null)
    .orderBy('is_current', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute()
}

export function findSlateCandidate(db: Db, slateId: number, id: number) {
  return db
    .selectFrom('candidates')
    .select(['id', 'name'])
    .where('id', '=', id)
    .where('slate_id', '=', slateId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/**
 * Drives to choose from (the resolution page's drive picker, the people pages' team forms), in the
 * viewer's scope: ids, names and a ready label "Local — Slate". `withLocal` leaves out drives of a
 * national union without a local (a team is always a local's).
 */
export function listDriveOptions(db: Db, scope: Scope, o: { withLocal?: boolean } = {}) {
  let q = db
    .selectFrom('drives as d')
    .innerJoin('slates as s', 's.id', 'd.slate_id')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', 'n.id', 'd.national_union_id')
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .select([
      'd.id',
      'd.local_id',
      'd.chapter_id',
      'l.name as local_name',
      'n.name as union_name',
      's.name as slate_name',
      'c.name as chapter_name',
      sql<string>`coalesce(l.name, n.name, 'Drive ' || d.id) || ' — ' || s.name`.as('label'),
    ])
    .where('d.deleted_at', 'is', null)
  if (o.withLocal) q = q.where('d.local_id', 'is not', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  return q.orderBy('c.name').orderBy(sql`coalesce(l.name, n.name)`).orderBy('d.id').limit(1000).execute()
}

/** The drives of one local, for its page. */
export function listLocalDrives(db: Db, scope: Scope, localId: number) {
  let q = db
    .selectFrom('drives as d')
    .innerJoin('slates as s', 's.id', 'd.slate_id')
    .select(['d.id', 'd.stage', 'd.status', 'd.next_step', 'd.next_step_due', 's.name as slate_name'])
    .where('d.local_id', '=', localId)
    .where('d.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  return q.orderBy('d.id', 'desc').limit(20).execute()
}

export type NewDrive = {
  slate_id: number
  local_id: number
  chapter_id: number | null
  asks: 'candidate' | 'slate' | 'both'
  candidate_id: number | null
  owner_id: number | null
}

/** The live drive of a local for a slate, if one exists (the one a second start would duplicate). */
export function findLocalDriveForSlate(db: Db, localId: number, slateId: number) {
  return db
    .selectFrom('drives')
    .select('id')
    .where('local_id', '=', localId)
    .where('slate_id', '=', slateId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export function insertDrive(trx: Q, d: NewDrive) {
  return trx.insertInto('drives').values(d).returningAll().executeTakeFirstOrThrow()
}

/** The resolution a drive's page links to: an adapted text (adaptation_id set) or a model. */
export type ResolutionLink = {
  id: number
  title: string
  adaptation_id: number | null
  candidate_id: number | null
  updated_at: string | null
}

/** One drive with everything its page and its rules need, in one query. */
export function findDrive(db: Q, scope: Scope, id: number) {
  let q = db
    .selectFrom('drives as d')
    .innerJoin('slates as s', 's.id', 'd.slate_id')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', (j) =>
      j.on(sql<boolean>`n.id = coalesce(l.national_union_id, d.national_union_id)`),
    )
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .leftJoin('candidates as k', 'k.id', 'd.candidate_id')
    .leftJoin('users as o', 'o.id', 'd.owner_id')
    .selectAll('d')
    .select([
      's.name as slate_name',
      's.election_date as slate_election_date',
      'l.name as local_name',
      'l.orientation',
      'l.deciding_body',
      'l.recommending_body',
      'l.threshold as local_threshold',
      'l.threshold_percent as local_threshold_percent',
      'l.quorum',
      'l.notice_days',
      'l.first_reading',
      'l.meeting_schedule',
      'l.parent_approval_offices',
      'l.rules_verified',
      'l.rules_source_url',
      'n.abbreviation as union_abbreviation',
      'n.name as union_name',
      'c.name as chapter_name',
      'c.time_zone',
      'c.min_supporters',
      'c.min_leaders',
      'c.min_trained_leaders',
      'k.name as candidate_name',
      'k.office as candidate_office',
      'k.election_date as candidate_election_date',
      'o.name as owner_name',
      sql<boolean>`exists (select 1 from process_pushes p where p.drive_id = d.id and p.deleted_at is null
        and p.outcome in ('adopted', 'already_democratic'))`.as('process_adopted'),
      sql<boolean>`exists (select 1 from filings f where f.drive_id = d.id and f.deleted_at is null)`.as(
        'filing_recorded',
      ),
      sql<boolean>`exists (select 1 from decisions x where x.drive_id = d.id and x.deleted_at is null)`.as(
        'decision_recorded',
      ),
      // A decision cannot come before the resolution was first filed (endings.ts).
      sql<string | null>`(select min(f.filed_on)::text from filings f
        where f.drive_id = d.id and f.deleted_at is null)`.as('first_filed_on'),
      // The resolution the page links to (src/resolutions/panels.ts), here so the page keeps its query count:
      // the text adapted for this drive (the latest saved), else the model for what the drive asks (English
      // first): a national union's endorsement, the local candidate, or the slate.
      sql<ResolutionLink | null>`(select jsonb_build_object('id', r.id, 'title', r.title, 'adaptation_id', a.id,
          'candidate_id', a.candidate_id, 'updated_at', a.updated_at)
        from resolutions r
        left join resolution_adaptations a on a.resolution_id = r.id and a.drive_id = d.id and a.deleted_at is null
        where r.deleted_at is null and (a.id is not null or r.kind::text = case when d.local_id is null
          then 'national_endorse' when d.asks = 'candidate' then 'endorse_candidate' else 'endorse_slate' end)
        order by a.id is null, a.updated_at desc, r.language <> 'en', r.id limit 1)`.as('resolution_link'),
    ])
    .where('d.id', '=', id)
    .where('d.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  return q.modifyEnd(PREPARE).executeTakeFirst() // one drive by key, eight joins: planning cost more than running
}
export type DriveRow = NonNullable<Awaited<ReturnType<typeof findDrive>>>

/** A version-checked update (src/shared/conflict.ts): the new row, or who saved first. */
export function updateDrive(
  trx: Q,
  id: number,
  version: number,
  patch: Omit<Updateable<DrivesTable>, 'stage_entered_at' | 'last_activity_at'>,
  o: { newStage?: boolean } = {},
) {
  return updateVersioned(trx, 'drives', id, version, {
    ...patch,
    last_activity_at: sql`now()`,
    ...(o.newStage ? { stage_entered_at: sql`now()` } : {}),
  })
}

export function insertStageChange(
  trx: Q,
  c: {
    drive_id: number
    from_stage: StageKeyCol | null
    to_stage: StageKeyCol
    from_status: DriveStatusCol | null
    to_status: DriveStatusCol
    reason: string | null
    warnings: string[]
    actor_id: number | null
  },
) {
  return trx.insertInto('stage_changes').values(c).returningAll().executeTakeFirstOrThrow()
}

export function insertProcessPush(
  trx: Q,
  p: {
    drive_id: number
    mechanisms: string[]
    body: string | null
    decided_on: string | null
    outcome: 'pending' | 'adopted' | 'rejected' | 'already_democratic'
    note: string | null
    actor_id: number | null
  },
) {
  return trx.insertInto('process_pushes').values(p).returningAll().executeTakeFirstOrThrow()
}

/** The one insert of a filing (recordFiling in filings.ts calls it, from the drive page and the resolution page). */
export function insertFiling(
  trx: Q,
  f: {
    drive_id: number
    filed_on: string
    body: string
    text_filed: string
    resolution_version_id: number | null
    candidate_id: number | null
    earliest_vote_on: string | null
    actor_id: number | null
  },
) {
  return trx.insertInto('filings').values(f).returningAll().executeTakeFirstOrThrow()
}

/**
 * What a filing reads of its drive, the drive row locked until the transaction ends (two filings at once
 * cannot both see "no vote date yet"): its version and vote date, the local's notice period, the chapter's
 * zone, and the election the vote must come before (the filed candidate's, else the slate's).
 */
export function lockDriveForFiling(trx: Transaction<Database>, id: number, candidateId: number | null) {
  return trx
    .selectFrom('drives as d')
    .innerJoin('slates as s', 's.id', 'd.slate_id')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .leftJoin('candidates as k', (j) => j.on('k.id', '=', candidateId ?? -1))
    .select([
      'd.id',
      'd.version',
      'd.vote_date',
      'd.chapter_id',
      'd.local_id',
      'l.notice_days',
      sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone'),
      sql<string | null>`coalesce(k.election_date, s.election_date)::text`.as('election_date'),
    ])
    .where('d.id', '=', id)
    .where('d.deleted_at', 'is', null)
    .forUpdate('d')
    .executeTakeFirst()
}

export function latestFilingId(trx: Q, driveId: number) {
  return trx
    .selectFrom('filings')
    .select('id')
    .where('drive_id', '=', driveId)
    .where('deleted_at', 'is', null)
    .orderBy('filed_on', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

export type NewDecision = {
  drive_id: number
  filing_id: number | null
  body: string
  held_on: string
  kind: 'meeting' | 'poll'
  quorum_met: boolean
  votes_for: number | null
  votes_against: number | null
  abstain: number | null
  threshold: 'majority_cast' | 'majority_present' | 'two_thirds' | 'custom' | null
  threshold_percent: number | null
  binding: boolean
  outcome: DecisionOutcomeCol
  next_date: string | null
  note: string | null
  actor_id: number | null
}

export function insertDecision(trx: Q, d: NewDecision) {
  return trx.insertInto('decisions').values(d).returningAll().executeTakeFirstOrThrow()
}

export function listDriveEndorsements(db: Db, driveId: number) {
  return db
    .selectFrom('endorsements as e')
    .innerJoin('decisions as x', 'x.id', 'e.decision_id')
    .leftJoin('candidates as k', 'k.id', 'e.candidate_id')
    .select(['e.id', 'e.status', 'e.decided_on', 'e.deciding_body', 'k.name as candidate_name'])
    .where('x.drive_id', '=', driveId)
    .orderBy('e.id')
    .limit(20)
    .execute()
}

export type TimelineRow = {
  kind: 'stage' | 'process' | 'filing' | 'decision'
  id: number
  at: Date
  on: string | null
  actor: string | null
  data: Record<string, unknown>
}

/** One chronological feed of a drive's records: one query, newest first (by the event's own date when it has one). */
export async function driveTimeline(db: Db, driveId: number, limit = 100): Promise<TimelineRow[]> {
  const r = await sql<TimelineRow>`
    select * from (
      select 'stage' as kind, sc.id, sc.at, null::text as on, u.name as actor,
        jsonb_build_object('from_stage', sc.from_stage, 'to_stage', sc.to_stage, 'from_status', sc.from_status,
          'to_status', sc.to_status, 'reason', sc.reason, 'warnings', sc.warnings) as data
      from stage_changes sc left join users u on u.id = sc.actor_id where sc.drive_id = ${driveId}
      union all
      select 'process', p.id, p.created_at, p.decided_on::text, u.name,
        jsonb_build_object('mechanisms', p.mechanisms, 'body', p.body, 'outcome', p.outcome, 'note', p.note)
      from process_pushes p left join users u on u.id = p.actor_id
      where p.drive_id = ${driveId} and p.deleted_at is null
      union all
      select 'filing', f.id, f.created_at, f.filed_on::text, u.name,
        jsonb_build_object('body', f.body, 'text_filed', f.text_filed, 'earliest_vote_on', f.earliest_vote_on)
      from filings f left join users u on u.id = f.actor_id where f.drive_id = ${driveId} and f.deleted_at is null
      union all
      select 'decision', x.id, x.created_at, x.held_on::text, u.name,
        jsonb_build_object('body', x.body, 'kind', x.kind, 'outcome', x.outcome, 'votes_for', x.votes_for,
          'votes_against', x.votes_against, 'abstain', x.abstain, 'threshold', x.threshold,
          'threshold_percent', x.threshold_percent, 'quorum_met', x.quorum_met, 'binding', x.binding,
          'next_date', x.next_date, 'note', x.note)
      from decisions x left join users u on u.id = x.actor_id where x.drive_id = ${driveId} and x.deleted_at is null
    ) t order by coalesce(t.on::date + time '12:00', at::timestamp) desc, at desc, id desc limit ${limit}`.execute(db)
  return r.rows
}

// ---- The board ---------------------------------------------------------------

export type BoardFilters = { chapterIds: number[] | null; union?: number; orientation?: string; owner?: number }

const columnExpr = sql<BoardColumn>`case when d.status in ('won', 'lost', 'dropped') then d.status else d.stage end`

function boardBase(db: Db, scope: Scope, f: BoardFilters) {
  let q = db
    .selectFrom('drives as d')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', (j) =>
      j.on(sql<boolean>`n.id = coalesce(l.national_union_id, d.national_union_id)`),
    )
    .where('d.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  if (f.chapterIds !== null) q = q.where('d.chapter_id', 'in', f.chapterIds.length ? f.chapterIds : [-1])
  if (f.union) q = q.where('n.id', '=', f.union)
  if (f.orientation) q = q.where('l.orientation', '=', f.orientation as 'middling')
  if (f.owner) q = q.where('d.owner_id', '=', f.owner)
  return q
}

export async function boardCounts(db: Db, scope: Scope, f: BoardFilters): Promise<Record<BoardColumn, number>> {
  const rows = await boardBase(db, scope, f)
    .select([columnExpr.as('col'), sql<number>`count(*)::int`.as('n')])
    .groupBy(sql`1`)
    .execute()
  const out = Object.fromEntries(BOARD_COLUMNS.map((c) => [c, 0])) as Record<BoardColumn, number>
  for (const r of rows) out[r.col] = r.n
  return out
}

const cardColumns = [
  'd.id',
  'd.chapter_id',
  'd.stage',
  'd.status',
  'd.version',
  'd.next_step',
  'd.next_step_due',
  'd.vote_date',
  'd.stage_entered_at',
  'l.name as local_name',
  'l.orientation',
  'n.abbreviation as union_abbreviation',
] as const

export type CardRow = {
  id: number
  chapter_id: number | null
  stage: StageKeyCol
  status: DriveStatusCol
  version: number
  next_step: string | null
  next_step_due: string | null
  vote_date: string | null
  stage_entered_at: Date
  local_name: string | null
  orientation: string | null
  union_abbreviation: string | null
  time_zone: string
  owner_name: string | null
  col: BoardColumn
}

/** The first cards of every column in one query (a window per column). */
export async function boardCards(
  db: Db,
  scope: Scope,
  f: BoardFilters,
  extra?: { column: BoardColumn; upTo: number },
): Promise<CardRow[]> {
  const inner = boardBase(db, scope, f)
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .leftJoin('users as o', 'o.id', 'd.owner_id')
    .select([
      ...cardColumns,
      sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone'),
      'o.name as owner_name',
      columnExpr.as('col'),
      sql<number>`row_number() over (partition by ${columnExpr} order by d.stage_entered_at, d.id)`.as('rn'),
    ])
  const limitFor = sql`case when t.col = ${extra?.column ?? ''} then ${extra?.upTo ?? FIRST_CARDS}::int
    when t.col in ('won', 'lost', 'dropped') then ${FIRST_ENDED}::int else ${FIRST_CARDS}::int end`
  const rows = await db
    .selectFrom(inner.as('t'))
    .selectAll('t')
    .where(sql<boolean>`t.rn <= ${limitFor}`)
    .orderBy('t.rn')
    .execute()
  return rows as unknown as CardRow[]
}

/** One drive's card, if it is on the board with these filters (the card just moved, shown first in its column). */
export async function boardCard(db: Db, scope: Scope, f: BoardFilters, driveId: number): Promise<CardRow | undefined> {
  const row = await boardBase(db, scope, f)
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .leftJoin('users as o', 'o.id', 'd.owner_id')
    .select([
      ...cardColumns,
      sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone'),
      'o.name as owner_name',
      columnExpr.as('col'),
    ])
    .where('d.id', '=', driveId)
    .executeTakeFirst()
  return row as unknown as CardRow | undefined
}

/** One column's next cards, for "load more". */
export async function columnCards(
  db: Db,
  scope: Scope,
  f: BoardFilters,
  column: BoardColumn,
  offset: number,
): Promise<CardRow[]> {
  const rows = await boardBase(db, scope, f)
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .leftJoin('users as o', 'o.id', 'd.owner_id')
    .select([
      ...cardColumns,
      sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone'),
      'o.name as owner_name',
      columnExpr.as('col'),
    ])
    .where(sql<boolean>`${columnExpr} = ${column}`)
    .orderBy('d.stage_entered_at')
    .orderBy('d.id')
    .offset(offset)
    .limit(COLUMN_SIZE)
    .execute()
  return rows as unknown as CardRow[]
}

export function listOwnerOptions(db: Db, scope: Scope) {
  let q = db
    .selectFrom('users as u')
    .select(['u.id', 'u.name'])
    .where('u.active', '=', true)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('drives as d')
          .select(sql`1`.as('x'))
          .whereRef('d.owner_id', '=', 'u.id')
          .where('d.deleted_at', 'is', null),
      ),
    )
  if (scope.chapterIds !== null)
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('memberships as m')
          .select(sql`1`.as('x'))
          .whereRef('m.user_id', '=', 'u.id')
          .where('m.chapter_id', 'in', ids(scope)),
      ),
    )
  return q.orderBy('u.name').limit(200).execute()
}

// ---- The dashboard and the calendar -----------------------------------------

function scoped<T extends { where: (...a: any[]) => T }>(q: T, chapterIds: number[] | null): T {
  return chapterIds === null ? q : q.where('d.chapter_id', 'in', chapterIds.length ? chapterIds : [-1])
}

const driveHeads = [
  'd.id',
  'd.stage',
  'd.status',
  'd.next_step',
  'd.next_step_due',
  'd.vote_date',
  'd.stage_entered_at',
  'l.name as local_name',
  'n.abbreviation as union_abbreviation',
] as const

function activeDrives(db: Db) {
  return db
    .selectFrom('drives as d')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', (j) =>
      j.on(sql<boolean>`n.id = coalesce(l.national_union_id, d.national_union_id)`),
    )
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .where('d.deleted_at', 'is', null)
    .where('d.status', '=', 'active')
}

/** Next steps due before today (in each chapter's time zone). */
export function listOverdue(db: Db, chapterIds: number[] | null, limit = 20) {
  const q = activeDrives(db)
    .select([...driveHeads, sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone')])
    .where(sql<boolean>`d.next_step_due < (now() at time zone coalesce(c.time_zone, 'UTC'))::date`)
    .orderBy('d.next_step_due')
    .orderBy('d.id')
    .limit(limit)
  return scoped(q, chapterIds).execute()
}

/** Votes from today to `days` ahead. */
export function listUpcomingVotes(db: Db, chapterIds: number[] | null, days = 30, limit = 20) {
  const q = activeDrives(db)
    .select([...driveHeads, sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone')])
    .where(
      sql<boolean>`d.vote_date between (now() at time zone coalesce(c.time_zone, 'UTC'))::date
        and (now() at time zone coalesce(c.time_zone, 'UTC'))::date + ${days}::int`,
    )
    .orderBy('d.vote_date')
    .orderBy('d.id')
    .limit(limit)
  return scoped(q, chapterIds).execute()
}

export function listRecentMoves(db: Db, chapterIds: number[] | null, limit = 10) {
  const base = db
    .selectFrom('drives as d')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .where('d.deleted_at', 'is', null)
  // Within some chapters: each drive's own latest moves (an index probe per
  // drive), then the latest of those. Across the whole country the newest
  // moves overall come first, so one backward walk of the time index is cheaper.
  const moves =
    chapterIds === null
      ? base.innerJoin('stage_changes as sc', 'sc.drive_id', 'd.id')
      : base.innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('stage_changes as s')
              .selectAll('s')
              .whereRef('s.drive_id', '=', 'd.id')
              .orderBy('s.at', 'desc')
              .orderBy('s.id', 'desc')
              .limit(limit)
              .as('sc'),
          (join) => join.onTrue(),
        )
  const q = moves
    .leftJoin('users as u', 'u.id', 'sc.actor_id')
    .select([
      'sc.id',
      'sc.at',
      'sc.from_stage',
      'sc.to_stage',
      'sc.from_status',
      'sc.to_status',
      'd.id as drive_id',
      'l.name as local_name',
      'u.name as actor',
      sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone'),
    ])
    .orderBy('sc.at', 'desc')
    .orderBy('sc.id', 'desc')
    .limit(limit)
  return scoped(q, chapterIds).execute()
}

/** Upcoming votes and due next steps, for the calendar feed. */
export function listCalendarDrives(db: Db, chapterIds: number[] | null, limit = 500) {
  const q = activeDrives(db)
    .select([...driveHeads, sql<string>`coalesce(c.time_zone, 'UTC')`.as('time_zone'), 'c.name as chapter_name'])
    .where(sql<boolean>`(d.vote_date >= (now() at time zone coalesce(c.time_zone, 'UTC'))::date - 30
      or d.next_step_due >= (now() at time zone coalesce(c.time_zone, 'UTC'))::date - 30)`)
    .orderBy('d.id')
    .limit(limit)
  return scoped(q, chapterIds).execute()
}

/** Marks activity on a drive without a version check (adding a record overwrites nothing). */
export function touchDrive(trx: Q, id: number, patch: { vote_date?: string } = {}) {
  return trx
    .updateTable('drives')
    .set({ ...patch, last_activity_at: sql`now()` })
    .where('id', '=', id)
    .execute()
}
