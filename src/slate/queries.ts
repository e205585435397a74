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
import type { MatrixBody, MatrixDrive, MatrixEndorsement } from './build-matrix.ts'

type Q = Db | Transaction<Database>

// ---- Slates -------------------------------------------------------------------

export function listSlates(db: Q) {
  return db
    .selectFrom('slates as s')
    .select(['s.id', 's.name', 's.cycle', 's.election_date', 's.is_current', 's.goal',
      sql<number>`(select count(*) from candidates c where c.slate_id = s.id and c.deleted_at is null)`.as('candidates'),
      sql<number>`(select count(distinct e.local_id) from endorsements e where e.slate_id = s.id and e.local_id is not null)`.as('locals')])
    .where('s.deleted_at', 'is', null)
    .orderBy('s.is_current', 'desc')
    .orderBy('s.election_date', 'desc')
    .orderBy('s.id', 'desc')
    .execute()
}

export function findSlate(db: Q, id: number) {
  return db.selectFrom('slates').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst()
}

export async function findCurrentSlateId(db: Q): Promise<number | undefined> {
  const row = await db.selectFrom('slates').select('id').where('is_current', '=', true).where('deleted_at', 'is', null).executeTakeFirst()
  return row?.id
}

export type SlateInput = Omit<Insertable<SlatesTable>, 'id' | 'version' | 'created_at' | 'updated_at' | 'deleted_at'>

export async function insertSlate(db: Kysely<Database>, input: SlateInput) {
  // Only one slate is current at a time (a partial unique index says so too).
  if (input.is_current) await db.updateTable('slates').set({ is_current: false }).where('is_current', '=', true).execute()
  return db.insertInto('slates').values(input).returningAll().executeTakeFirstOrThrow()
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

export type CandidateInput = Omit<Insertable<CandidatesTable>, 'id' | 'version' | 'created_at' | 'updated_at' | 'deleted_at'>

export function insertCandidate(db: Kysely<Database>, input: CandidateInput) {
  return db.insertInto('candidates').values(input).returningAll().executeTakeFirstOrThrow()
}

/** Updates only if the version matches; undefined means someone else saved first. */
export function updateCandidate(db: Kysely<Database>, id: number, version: number, input: Updateable<CandidatesTable>) {
  return db
    .updateTable('candidates')
    .set({ ...input, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

export function listCandidateOptions(db: Q, slateId: number) {
  return db.selectFrom('candidates').select(['id', 'name', 'office', 'status']).where('slate_id', '=', slateId).where('deleted_at', 'is', null).orderBy('name').execute()
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
    const n = await db.selectFrom('national_unions').select(['id', 'name', 'abbreviation']).where('id', '=', ref.id).where('deleted_at', 'is', null).executeTakeFirst()
    return n ? { kind: 'national' as const, id: n.id, name: n.name, chapterId: null as number | null, localKind: null } : undefined
  }
  const l = await db.selectFrom('locals').select(['id', 'name', 'chapter_id', 'kind']).where('id', '=', ref.id).where('deleted_at', 'is', null).executeTakeFirst()
  return l ? { kind: 'local' as const, id: l.id, name: l.name, chapterId: l.chapter_id, localKind: l.kind } : undefined
}

/** The choices of endorsing body for a user: national unions for admins, locals of the chapters they organize in. */
export async function listBodyOptions(db: Q, editChapterIds: number[] | null) {
  const [unions, locals] = await Promise.all([
    editChapterIds === null
      ? db.selectFrom('national_unions').select(['id', 'abbreviation', 'name']).where('deleted_at', 'is', null).orderBy('abbreviation').execute()
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
export function listCellEndorsements(db: Q, slateId: number, ref: { kind: 'local' | 'national'; id: number }, candidateId: number | null) {
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
    .select(['d.id', 'd.stage', 'd.status', 'd.asks', 'd.candidate_id', 'd.vote_date', 'd.next_step', 'c.name as candidate_name'])
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

/**
 * Candidates, endorsing bodies (locals with `id`, national unions with `-id`),
 * drives (in scope) and every endorsement row of a slate, in one statement.
 * Row filters (chapter, union, state) narrow the bodies; column filters (level,
 * status) narrow the candidates.
 */
export async function slateMatrixData(db: Q, slateId: number, scope: Scope, f: MatrixFilters = {}): Promise<SlateData> {
  const all = scope.chapterIds === null
  const ids = scope.chapterIds ?? []
  const driveScope = all ? sql`true` : sql`(d.chapter_id is null or d.chapter_id = any(${ids}::int[]))`
  const bodyFilters = [sql`true`]
  if (f.chapter) bodyFilters.push(sql`b.chapter_id = ${f.chapter}`)
  if (f.union) bodyFilters.push(sql`b.union_id = ${f.union}`)
  if (f.state) bodyFilters.push(sql`b.state = ${f.state.toUpperCase()}`)
  const candidateFilters = [sql`c.slate_id = ${slateId}`, sql`c.deleted_at is null`]
  if (f.level) candidateFilters.push(sql`c.level = ${f.level}`)
  if (f.status) candidateFilters.push(sql`c.status = ${f.status}`)
  const result = await sql<{ candidates: SlateCandidateRow[]; bodies: SlateData['bodies']; drives: MatrixDrive[]; endorsements: MatrixEndorsement[] }>`
    with d as (
      select d.* from drives d where d.slate_id = ${slateId} and d.deleted_at is null and ${driveScope}
    ), e as (
      select e.* from endorsements e where e.slate_id = ${slateId}
    ), b as (
      select l.id, case l.kind when 'council' then 'council' when 'clc' then 'federation' when 'federation' then 'federation' else 'local' end as kind,
        l.name, l.chapter_id, ch.name as chapter_name, n.abbreviation as national_name, l.state, l.national_union_id as union_id
      from locals l
      left join chapters ch on ch.id = l.chapter_id
      left join national_unions n on n.id = l.national_union_id
      where l.id in (select local_id from d where local_id is not null union select local_id from e where local_id is not null)
      union all
      select -n.id, 'national', n.name, null, null, null, null, n.id
      from national_unions n
      where n.id in (select national_union_id from d where national_union_id is not null union select national_union_id from e where national_union_id is not null)
    ), bf as (
      select * from b where ${sql.join(bodyFilters, sql` and `)}
    )
    select
      (select coalesce(json_agg(json_build_object(
          'id', c.id, 'name', c.name, 'office', c.office, 'level', c.level, 'district', c.district,
          'chapter_id', c.chapter_id, 'chapter_name', ch.name, 'election_type', c.election_type,
          'election_date', c.election_date, 'status', c.status, 'goal', c.goal, 'joined_on', c.joined_on,
          'left_on', c.left_on, 'version', c.version)
        order by (c.status = 'withdrawn'), c.election_date nulls last, c.name, c.id), '[]'::json)
        from candidates c left join chapters ch on ch.id = c.chapter_id
        where ${sql.join(candidateFilters, sql` and `)}) as candidates,
      (select coalesce(json_agg(json_build_object(
          'id', bf.id, 'kind', bf.kind, 'name', bf.name, 'chapterId', bf.chapter_id, 'chapterName', bf.chapter_name,
          'nationalName', bf.national_name, 'state', bf.state, 'unionId', bf.union_id)), '[]'::json) from bf) as bodies,
      (select coalesce(json_agg(json_build_object(
          'bodyId', coalesce(d.local_id, -d.national_union_id), 'driveId', d.id, 'stage', d.stage, 'status', d.status,
          'asks', d.asks, 'candidateId', d.candidate_id, 'voteDate', d.vote_date) order by d.id), '[]'::json)
        from d where coalesce(d.local_id, -d.national_union_id) in (select id from bf)) as drives,
      (select coalesce(json_agg(json_build_object(
          'id', e.id, 'bodyId', coalesce(e.local_id, -e.national_union_id), 'candidateId', e.candidate_id, 'status', e.status,
          'decidedOn', e.decided_on, 'createdAt', e.created_at, 'conditions', e.conditions) order by e.id), '[]'::json)
        from e where coalesce(e.local_id, -e.national_union_id) in (select id from bf)) as endorsements
  `.execute(db)
  const row = result.rows[0]!
  return { candidates: row.candidates, bodies: row.bodies, drives: row.drives, endorsements: row.endorsements }
}

