// Slates, candidates and endorsements. Slate pages are readable by every
// signed-in role (candidates are public figures, endorsements are public
// decisions); drives are chapter data, so the matrix reads them through the
// caller's scope. The matrix and goals read ONE query (slateMatrixData) whatever
// the slate's size, and hand its flat rows to build-matrix.ts and goals.ts.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database, CandidatesTable, EndorsementsTable, SlatesTable } from '../db/schema.ts'
import type { Insertable, Updateable } from 'kysely'
import type { Scope } from '../auth/access.ts'
import { updateVersioned } from '../shared/conflict.ts'
import type { MatrixBody, MatrixDrive, MatrixEndorsement } from './build-matrix.ts'

type Q = Db | Transaction<Database>

// ---- Slates -------------------------------------------------------------------

export function listSlates(db: Q) {
  return db
    .selectFrom('slates as s')
    .select([
      's.id',
      's.name',
      's.cycle',
      's.election_date',
      's.is_current',
      's.goal',
      sql<number>`(select count(*) from candidates c where c.slate_id = s.id and c.deleted_at is null)`.as(
        'candidates',
      ),
      sql<number>`(select count(distinct e.local_id) from endorsements e
        where e.slate_id = s.id and e.local_id is not null)`.as('locals'),
    ])
    .where('s.deleted_at', 'is', null)
    .orderBy('s.is_current', 'desc')
    .orderBy('s.election_date', 'desc')
    .orderBy('s.id', 'desc')
    .execute()
}

export function findSlate(db: Q, id: number) {
  return db
    .selectFrom('slates as s')
    .leftJoin('chapters as ch', 'ch.id', 's.chapter_id')
    .selectAll('s')
    .select(['ch.name as chapter_name', 'ch.time_zone as chapter_zone'])
    .where('s.id', '=', id)
    .where('s.deleted_at', 'is', null)
    .executeTakeFirst()
}

/** The current slate's id and owner, or undefined when no slate is current. */
export function findCurrentSlate(db: Q) {
  return db
    .selectFrom('slates')
    .select(['id', 'name', 'chapter_id'])
    .where('is_current', '=', true)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export async function findCurrentSlateId(db: Q): Promise<number | undefined> {
  const row = await db
    .selectFrom('slates')
    .select('id')
    .where('is_current', '=', true)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  return row?.id
}

export type SlateInput = Omit<Insertable<SlatesTable>, 'id' | 'version' | 'created_at' | 'updated_at' | 'deleted_at'>

export async function insertSlate(db: Kysely<Database>, input: SlateInput) {
  // Only one slate is current at a time (a partial unique index says so too).
  if (input.is_current)
    await db.updateTable('slates').set({ is_current: false }).where('is_current', '=', true).execute()
  return db.insertInto('slates').values(input).returningAll().executeTakeFirstOrThrow()
}

export type SlateUpdate = Pick<SlateInput, 'name' | 'cycle' | 'election_date' | 'goal' | 'is_current' | 'chapter_id'>

/** A version-checked edit (src/shared/conflict.ts): the new row, or who saved first. */
export async function updateSlate(db: Transaction<Database>, id: number, expected: number, input: SlateUpdate) {
  if (input.is_current)
    await db
      .updateTable('slates')
      .set({ is_current: false })
      .where('is_current', '=', true)
      .where('id', '<>', id)
      .execute()
  return updateVersioned(db, 'slates', id, expected, input)
}

// ---- Candidates ---------------------------------------------------------------

export function findCandidate(db: Q, slateId: number, id: number) {
  return db
    .selectFrom('candidates as c')
    .leftJoin('chapters as ch', 'ch.id', 'c.chapter_id')
    .selectAll('c')
    .select('ch.name as chapter_name')
    .where('c.id', '=', id)
    .where('c.slate_id', '=', slateId)
    .where('c.deleted_at', 'is', null)
    .executeTakeFirst()
}

export type CandidateInput = Omit<
  Insertable<CandidatesTable>,
  'id' | 'version' | 'created_at' | 'updated_at' | 'deleted_at'
>

export function insertCandidate(db: Kysely<Database>, input: CandidateInput) {
  return db.insertInto('candidates').values(input).returningAll().executeTakeFirstOrThrow()
}

/** Updates only if the version matches; undefined means someone else saved first. */
/** Version-checked (src/shared/conflict.ts): the saved row, or a `VersionConflict` saying who saved first. */
export function updateCandidate(db: Q, id: number, version: number, input: Updateable<CandidatesTable>) {
  return updateVersioned(db, 'candidates', id, version, input)
}

export function listCandidateOptions(db: Q, slateId: number) {
  return db
    .selectFrom('candidates')
    .select(['id', 'name', 'office', 'status'])
    .where('slate_id', '=', slateId)
    .where('deleted_at', 'is', null)
    .orderBy('name')
    .execute()
}

/** Running candidates of every slate, for the start-a-drive form (which narrows them to the chosen slate). */
export function listRunningCandidates(db: Q) {
  return db
    .selectFrom('candidates')
    .select(['id', 'name', 'office', 'slate_id'])
    .where('deleted_at', 'is', null)
    .where('status', '=', 'running')
    .orderBy('name')
    .limit(500)
    .execute()
}

// ---- Endorsements -------------------------------------------------------------

export type EndorsementInput = Omit<Insertable<EndorsementsTable>, 'id' | 'created_at'>

export function insertEndorsement(db: Kysely<Database>, input: EndorsementInput) {
  return db.insertInto('endorsements').values(input).returningAll().executeTakeFirstOrThrow()
}

export function findEndorsement(db: Q, slateId: number, id: number) {
  return db
    .selectFrom('endorsements as e')
    .selectAll('e')
    .select(sql<boolean>`exists (select 1 from endorsements r where r.supersedes_id = e.id)`.as('replaced'))
    .where('e.id', '=', id)
    .where('e.slate_id', '=', slateId)
    .executeTakeFirst()
}

/** A local (any kind) or a national union as an endorsing body, with its chapter. */
export async function findBody(db: Q, ref: { kind: 'local' | 'national'; id: number }) {
  if (ref.kind === 'national') {
    const n = await db
      .selectFrom('national_unions')
      .select(['id', 'name', 'abbreviation'])
      .where('id', '=', ref.id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    return n
      ? { kind: 'national' as const, id: n.id, name: n.name, chapterId: null as number | null, localKind: null }
      : undefined
  }
  const l = await db
    .selectFrom('locals')
    .select(['id', 'name', 'chapter_id', 'kind'])
    .where('id', '=', ref.id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  return l ? { kind: 'local' as const, id: l.id, name: l.name, chapterId: l.chapter_id, localKind: l.kind } : undefined
}

/** The choices of endorsing body for a user: national unions for admins, locals of the chapters they organize in. */
export async function listBodyOptions(db: Q, editChapterIds: number[] | null) {
  const [unions, locals] = await Promise.all([
    editChapterIds === null
      ? db
          .selectFrom('national_unions')
          .select(['id', 'abbreviation', 'name'])
          .where('deleted_at', 'is', null)
          .orderBy('abbreviation')
          .execute()
      : Promise.resolve([]),
    (() => {
      let q = db
        .selectFrom('locals as l')
        .leftJoin('chapters as c', 'c.id', 'l.chapter_id')
        .select(['l.id', 'l.name', 'c.name as chapter_name'])
        .where('l.deleted_at', 'is', null)
      if (editChapterIds !== null) q = q.where('l.chapter_id', 'in', editChapterIds.length ? editChapterIds : [-1])
      return q.orderBy('c.name').orderBy('l.name').execute()
    })(),
  ])
  return { unions, locals }
}

/** Every endorsement row of one cell, oldest first, with who recorded it. */
export function listCellEndorsements(
  db: Q,
  slateId: number,
  ref: { kind: 'local' | 'national'; id: number },
  candidateId: number | null,
) {
  let q = db
    .selectFrom('endorsements as e')
    .leftJoin('users as u', 'u.id', 'e.actor_id')
    .selectAll('e')
    .select(['u.name as actor_name'])
    .where('e.slate_id', '=', slateId)
    .where(ref.kind === 'national' ? 'e.national_union_id' : 'e.local_id', '=', ref.id)
  q = candidateId === null ? q.where('e.candidate_id', 'is', null) : q.where('e.candidate_id', '=', candidateId)
  return q.orderBy('e.decided_on').orderBy('e.created_at').orderBy('e.id').execute()
}

/** The drives of one body on a slate, in the caller's scope. */
export function listBodyDrives(db: Q, slateId: number, ref: { kind: 'local' | 'national'; id: number }, scope: Scope) {
  let q = db
    .selectFrom('drives as d')
    .leftJoin('candidates as c', 'c.id', 'd.candidate_id')
    .select([
      'd.id',
      'd.stage',
      'd.status',
      'd.asks',
      'd.candidate_id',
      'd.vote_date',
      'd.next_step',
      'c.name as candidate_name',
    ])
    .where('d.slate_id', '=', slateId)
    .where('d.deleted_at', 'is', null)
    .where(ref.kind === 'national' ? 'd.national_union_id' : 'd.local_id', '=', ref.id)
  if (scope.chapterIds !== null) {
    const ids = scope.chapterIds.length ? scope.chapterIds : [-1]
    q = q.where((eb) => eb.or([eb('d.chapter_id', 'is', null), eb('d.chapter_id', 'in', ids)]))
  }
  return q.orderBy('d.id').execute()
}

// ---- The one matrix query -----------------------------------------------------

export type MatrixFilters = { chapter?: number; union?: number; state?: string; level?: string; status?: string }

export type SlateCandidateRow = {
  id: number
  name: string
  office: string
  level: string
  district: string | null
  chapter_id: number | null
  chapter_name: string | null
  election_type: string | null
  election_date: string | null
  status: 'running' | 'withdrawn' | 'lost_primary' | 'won' | 'lost'
  goal: number
  joined_on: string | null
  left_on: string | null
  version: number
}

export type SlateData = {
  candidates: SlateCandidateRow[]
  bodies: (MatrixBody & { state: string | null; unionId: number | null })[]
  drives: MatrixDrive[]
  endorsements: MatrixEndorsement[]
}

type MatrixSourceOptions = {
  // Goals need only the drives that can still win a local before the election.
  drives?: 'all' | 'projecting'
  // Bodies count as rows through endorsements of the shown candidates only.
  shownCandidatesOnly?: boolean
}

function candidateWhere(slateId: number, f: MatrixFilters) {
  const parts = [sql`c.slate_id = ${slateId}`, sql`c.deleted_at is null`]
  if (f.level) parts.push(sql`c.level = ${f.level}`)
  if (f.status) parts.push(sql`c.status = ${f.status}`)
  return sql.join(parts, sql` and `)
}

/** Drives the caller may see: their chapters', and those of no chapter. */
function driveScopeSql(scope: Scope) {
  return scope.chapterIds === null
    ? sql`true`
    : sql`(d.chapter_id is null or d.chapter_id = any(${scope.chapterIds}::int[]))`
}

/** The row filters on a body (alias b: chapter_id, union_id, state). */
function bodyFilterSql(f: MatrixFilters) {
  const parts = [sql`true`]
  if (f.chapter) parts.push(sql`b.chapter_id = ${f.chapter}`)
  if (f.union) parts.push(sql`b.union_id = ${f.union}`)
  if (f.state) parts.push(sql`b.state = ${f.state.toUpperCase()}`)
  return sql.join(parts, sql` and `)
}

/**
 * The CTEs every matrix query starts from: d (the slate's drives in scope),
 * e (its endorsements), b (bodies with either: locals as `id`, national unions
 * as `-id`) and bf (b narrowed by the row filters).
 */
function matrixSources(slateId: number, scope: Scope, f: MatrixFilters, opts: MatrixSourceOptions = {}) {
  const driveWhere = [sql`d.slate_id = ${slateId}`, sql`d.deleted_at is null`, driveScopeSql(scope)]
  if (opts.drives === 'projecting')
    driveWhere.push(sql`d.status = 'active'`, sql`d.stage in ('file_resolution', 'vote')`)
  const endorsementWhere = [sql`e.slate_id = ${slateId}`]
  if (opts.shownCandidatesOnly)
    endorsementWhere.push(
      sql`(e.candidate_id is null
        or e.candidate_id in (select c.id from candidates c where ${candidateWhere(slateId, f)}))`,
    )
  return sql`
    with d as (
      select d.* from drives d where ${sql.join(driveWhere, sql` and `)}
    ), e as (
      select e.* from endorsements e where ${sql.join(endorsementWhere, sql` and `)}
    ), b as (
      select l.id,
        case l.kind when 'council' then 'council' when 'clc' then 'federation' when 'federation' then 'federation'
          else 'local' end as kind,
        l.name, l.chapter_id, ch.name as chapter_name, n.abbreviation as national_name, l.state,
        l.national_union_id as union_id
      from locals l
      left join chapters ch on ch.id = l.chapter_id
      left join national_unions n on n.id = l.national_union_id
      where l.id in (select local_id from d where local_id is not null
        union select local_id from e where local_id is not null)
      union all
      select -n.id, 'national', n.name, null, null, null, null, n.id
      from national_unions n
      where n.id in (select national_union_id from d where national_union_id is not null
        union select national_union_id from e where national_union_id is not null)
    ), bf as (
      select * from b where ${bodyFilterSql(f)}
    )`
}

const CANDIDATE_JSON = sql`json_build_object(
  'id', c.id, 'name', c.name, 'office', c.office, 'level', c.level, 'district', c.district,
  'chapter_id', c.chapter_id, 'chapter_name', ch.name, 'election_type', c.election_type,
  'election_date', c.election_date, 'status', c.status, 'goal', c.goal, 'joined_on', c.joined_on,
  'left_on', c.left_on, 'version', c.version)`
const CANDIDATE_ORDER = sql`(c.status = 'withdrawn'), c.election_date nulls last, c.name, c.id`
const DRIVE_JSON = sql`json_build_object(
  'bodyId', coalesce(d.local_id, -d.national_union_id), 'driveId', d.id, 'stage', d.stage, 'status', d.status,
  'asks', d.asks, 'candidateId', d.candidate_id, 'voteDate', d.vote_date)`
const ENDORSEMENT_JSON = sql`json_build_object(
  'id', e.id, 'bodyId', coalesce(e.local_id, -e.national_union_id), 'candidateId', e.candidate_id, 'status', e.status,
  'decidedOn', e.decided_on, 'createdAt', e.created_at, 'conditions', e.conditions)`
const BODY_JSON = sql`json_build_object(
  'id', bf.id, 'kind', bf.kind, 'name', bf.name, 'chapterId', bf.chapter_id, 'chapterName', bf.chapter_name,
  'nationalName', bf.national_name, 'state', bf.state, 'unionId', bf.union_id)`

/**
 * Candidates, endorsing bodies (locals with `id`, national unions with `-id`),
 * drives (in scope) and every endorsement row of a slate, in one statement.
 * Row filters (chapter, union, state) narrow the bodies; column filters (level,
 * status) narrow the candidates. With `drives: 'projecting'` only the drives
 * goals.ts counts come along (and so only the bodies it looks at).
 */
export async function slateMatrixData(
  db: Q,
  slateId: number,
  scope: Scope,
  f: MatrixFilters = {},
  opts: MatrixSourceOptions = {},
): Promise<SlateData> {
  const result = await sql<{
    candidates: SlateCandidateRow[]
    bodies: SlateData['bodies']
    drives: MatrixDrive[]
    endorsements: MatrixEndorsement[]
  }>`
    ${matrixSources(slateId, scope, f, opts)}
    select
      (select coalesce(json_agg(${CANDIDATE_JSON} order by ${CANDIDATE_ORDER}), '[]'::json)
        from candidates c left join chapters ch on ch.id = c.chapter_id
        where ${candidateWhere(slateId, f)}) as candidates,
      (select coalesce(json_agg(${BODY_JSON}), '[]'::json) from bf) as bodies,
      (select coalesce(json_agg(${DRIVE_JSON} order by d.id), '[]'::json)
        from d where coalesce(d.local_id, -d.national_union_id) in (select id from bf)) as drives,
      (select coalesce(json_agg(${ENDORSEMENT_JSON} order by e.id), '[]'::json)
        from e where coalesce(e.local_id, -e.national_union_id) in (select id from bf)) as endorsements
  `.execute(db)
  const row = result.rows[0]!
  return { candidates: row.candidates, bodies: row.bodies, drives: row.drives, endorsements: row.endorsements }
}

// ---- The matrix a page at a time ---------------------------------------------------

/** The stamp the matrix's body list and totals are kept under (migrations 095–097). Read it before them. */
export async function matrixStamp(db: Q): Promise<string> {
  const row = await db.selectFrom('change_stamps').select('n').where('key', '=', 'matrix').executeTakeFirst()
  return String(row?.n ?? 0)
}

/** The slate's candidates as matrix columns, narrowed by the column filters. */
export async function listMatrixCandidates(db: Q, slateId: number, f: MatrixFilters): Promise<SlateCandidateRow[]> {
  const result = await sql<{ candidates: SlateCandidateRow[] }>`
    select coalesce(json_agg(${CANDIDATE_JSON} order by ${CANDIDATE_ORDER}), '[]'::json) as candidates
    from candidates c left join chapters ch on ch.id = c.chapter_id
    where ${candidateWhere(slateId, f)}`.execute(db)
  return result.rows[0]!.candidates
}

/** Every row of the matrix (bodies with a drive in scope or an endorsement of a shown candidate), unordered. */
export async function listMatrixBodies(db: Q, slateId: number, scope: Scope, f: MatrixFilters): Promise<MatrixBody[]> {
  const result = await sql<MatrixBody>`
    ${matrixSources(slateId, scope, f, { shownCandidatesOnly: true })}
    select bf.id, bf.kind, bf.name, bf.chapter_id as "chapterId", bf.chapter_name as "chapterName",
      bf.national_name as "nationalName" from bf`.execute(db)
  return result.rows
}

/** Drives (in scope) and endorsements of some bodies of the matrix: one page's cells. */
export async function matrixCellData(
  db: Q,
  slateId: number,
  scope: Scope,
  bodyIds: readonly number[],
): Promise<{ drives: MatrixDrive[]; endorsements: MatrixEndorsement[] }> {
  const locals = bodyIds.filter((id) => id > 0)
  const nationals = bodyIds.filter((id) => id < 0).map((id) => -id)
  const result = await sql<{ drives: MatrixDrive[]; endorsements: MatrixEndorsement[] }>`
    select
      (select coalesce(json_agg(${DRIVE_JSON} order by d.id), '[]'::json) from drives d
        where d.slate_id = ${slateId} and d.deleted_at is null and ${driveScopeSql(scope)}
          and (d.local_id = any(${locals}::int[]) or d.national_union_id = any(${nationals}::int[]))) as drives,
      (select coalesce(json_agg(${ENDORSEMENT_JSON} order by e.id), '[]'::json) from endorsements e
        where e.slate_id = ${slateId}
          and (e.local_id = any(${locals}::int[]) or e.national_union_id = any(${nationals}::int[])))
        as endorsements`.execute(db)
  return result.rows[0]!
}

export type MatrixTotalsRow = { candidate_id: number | null; all_bodies: number; locals: number }

/**
 * Cells in force per column, over every body of the matrix (not only the page
 * drawn). A cell is in force when its deciding endorsement — the latest by
 * decision date, then time recorded (to the millisecond, as build-matrix.ts
 * compares them), then id — has an in-force status; drives never put a cell in
 * force, so endorsements alone decide the totals.
 */
export async function matrixTotals(db: Q, slateId: number, f: MatrixFilters): Promise<MatrixTotalsRow[]> {
  const result = await sql<MatrixTotalsRow>`
    with deciding as (
      select distinct on (coalesce(e.local_id, -e.national_union_id), e.candidate_id)
        e.local_id, e.national_union_id, e.candidate_id, e.status
      from endorsements e
      where e.slate_id = ${slateId}
        and (e.candidate_id is null
          or e.candidate_id in (select c.id from candidates c where ${candidateWhere(slateId, f)}))
      order by coalesce(e.local_id, -e.national_union_id), e.candidate_id, e.decided_on desc,
        date_trunc('milliseconds', e.created_at) desc, e.id desc
    ), b as (
      select x.candidate_id, x.status,
        case when x.local_id is null then 'national' when l.kind in ('council', 'clc', 'federation') then 'other'
          else 'local' end as kind,
        case when x.local_id is null then null else l.chapter_id end as chapter_id,
        coalesce(l.national_union_id, x.national_union_id) as union_id,
        case when x.local_id is null then null else l.state end as state
      from deciding x left join locals l on l.id = x.local_id
    )
    select b.candidate_id, count(*)::int as all_bodies, (count(*) filter (where b.kind = 'local'))::int as locals
    from b
    where b.status in ('active', 'conditional', 'pending_parent', 'conflict_parent') and ${bodyFilterSql(f)}
    group by b.candidate_id`.execute(db)
  return result.rows
}
