// Queries of the whip count: a drive's deciding body, its members and their
// reads, turnout pledges, relationships, structure tests, and the summaries
// the board, the review and the slate need for many drives in one query.
// Plain functions taking `db` (or `trx`) first; chapter scope applied here.
import { type Kysely, type RawBuilder, type Selectable, type Transaction, sql } from 'kysely'
import { jsonArrayFrom } from 'kysely/helpers/postgres'
import type { Scope } from '../auth/access.ts'
import { isConflict, updateVersioned } from '../shared/conflict.ts'
import type {
  Database,
  DecidingBody,
  MemberReadCol,
  RelationshipKindCol,
  RelationshipStrengthCol,
  VoteThreshold,
} from '../db/schema.ts'

type Db = Kysely<Database> | Transaction<Database>
const ids = (scope: Scope) => (scope.chapterIds?.length ? scope.chapterIds : [-1])

export type WhipDrive = {
  id: number
  chapter_id: number | null
  local_id: number | null
  slate_id: number
  stage: string
  status: string
  vote_date: string | null
  majority_check: boolean
  title: string
  local_members: number | null
  deciding_body: DecidingBody | null
  local_threshold: VoteThreshold | null
  local_threshold_percent: number | null
  local_quorum: string | null
  time_zone: string
  body: BodyRow | null
}

export type BodyRow = {
  id: number
  kind: 'roster' | 'turnout'
  name: string
  threshold: VoteThreshold | null
  threshold_percent: number | null
  counts_abstentions: boolean
  quorum: number | null
  expected_attendance: number | null
  version: number
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))

export async function findWhipDrive(db: Db, scope: Scope, driveId: number): Promise<WhipDrive | undefined> {
  let q = db
    .selectFrom('drives as d')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', 'n.id', 'd.national_union_id')
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .leftJoin('deciding_bodies as b', (j) => j.onRef('b.drive_id', '=', 'd.id').on('b.deleted_at', 'is', null))
    .select([
      'd.id',
      'd.chapter_id',
      'd.local_id',
      'd.slate_id',
      'd.stage',
      'd.status',
      'd.vote_date',
      'd.majority_check',
      sql<string>`coalesce(l.name, n.name, 'Drive')`.as('title'),
      'l.members as local_members',
      'l.deciding_body',
      'l.threshold as local_threshold',
      'l.threshold_percent as local_threshold_percent',
      'l.quorum as local_quorum',
      sql<string>`coalesce(c.time_zone, 'America/New_York')`.as('time_zone'),
      'b.id as body_id',
      'b.kind as body_kind',
      'b.name as body_name',
      'b.threshold as body_threshold',
      'b.threshold_percent as body_threshold_percent',
      'b.counts_abstentions as body_counts_abstentions',
      'b.quorum as body_quorum',
      'b.expected_attendance as body_expected_attendance',
      'b.version as body_version',
    ])
    .where('d.id', '=', driveId)
    .where('d.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  const r = await q.executeTakeFirst()
  if (!r) return undefined
  return {
    id: r.id,
    chapter_id: r.chapter_id,
    local_id: r.local_id,
    slate_id: r.slate_id,
    stage: r.stage,
    status: r.status,
    vote_date: r.vote_date,
    majority_check: r.majority_check,
    title: r.title,
    local_members: r.local_members,
    deciding_body: r.deciding_body,
    local_threshold: r.local_threshold,
    local_threshold_percent: num(r.local_threshold_percent),
    local_quorum: r.local_quorum,
    time_zone: r.time_zone,
    body:
      r.body_id === null
        ? null
        : {
            id: r.body_id,
            kind: r.body_kind!,
            name: r.body_name!,
            threshold: r.body_threshold,
            threshold_percent: num(r.body_threshold_percent),
            counts_abstentions: r.body_counts_abstentions === true,
            quorum: r.body_quorum,
            expected_attendance: r.body_expected_attendance,
            version: r.body_version!,
          },
  }
}

export type BodyValues = {
  kind: 'roster' | 'turnout'
  name: string
  threshold: VoteThreshold | null
  threshold_percent: number | null
  counts_abstentions: boolean
  quorum: number | null
  expected_attendance: number | null
}

export async function insertBody(db: Db, driveId: number, chapterId: number | null, v: BodyValues) {
  return db
    .insertInto('deciding_bodies')
    .values({ drive_id: driveId, chapter_id: chapterId, ...v })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function findBodyRaw(db: Db, bodyId: number) {
  return db.selectFrom('deciding_bodies').selectAll().where('id', '=', bodyId).executeTakeFirst()
}

/** The drive's live body, locked: two tabs creating the body at once meet here. */
export async function lockLiveBody(trx: Transaction<Database>, driveId: number) {
  return trx
    .selectFrom('deciding_bodies')
    .selectAll()
    .where('drive_id', '=', driveId)
    .where('deleted_at', 'is', null)
    .forUpdate()
    .executeTakeFirst()
}

/** The saved row, or a VersionConflict when someone else saved first. */
export function updateBody(db: Db, bodyId: number, version: number, v: BodyValues) {
  return updateVersioned(db, 'deciding_bodies', bodyId, version, v)
}

export type MemberRow = {
  id: number
  seat: string | null
  name: string
  supporter_id: number | null
  supporter_level: number | null
  last_contact_on: string | null
  joined_on: string | null
  left_on: string | null
  read: MemberReadCol | null
  read_at: Date | null
  version: number
}

/** Members of a body, sitting ones first (seat order), those who left after. */
export async function listMembers(db: Db, bodyId: number): Promise<MemberRow[]> {
  return db
    .selectFrom('body_members as m')
    .leftJoin('supporters as s', (j) => j.onRef('s.id', '=', 'm.supporter_id').on('s.deleted_at', 'is', null))
    .select([
      'm.id',
      'm.seat',
      sql<string>`coalesce(s.name, m.name, 'Unknown')`.as('name'),
      'm.supporter_id',
      's.current_level as supporter_level',
      's.last_contact_on',
      'm.joined_on',
      'm.left_on',
      'm.read',
      'm.read_at',
      'm.version',
    ])
    .where('m.body_id', '=', bodyId)
    .where('m.deleted_at', 'is', null)
    .orderBy(sql`m.left_on is not null`)
    .orderBy('m.id')
    .execute()
}

type Owned = {
  body_members: 'body_id'
  relationships: 'chapter_id'
  structure_tests: 'drive_id'
}

/** A live row of a whip table by id, only inside its owner (a body, a chapter, a drive): else undefined. */
function findOwned<T extends keyof Owned>(db: Db, table: T, owner: Owned[T], ownerId: number, id: number) {
  // Kysely cannot follow a table chosen by a type parameter; the signature keeps callers typed.
  return (db as unknown as Kysely<any>)
    .selectFrom(table)
    .selectAll()
    .where('id', '=', id)
    .where(owner as string, '=', ownerId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst() as Promise<Selectable<Database[T]> | undefined>
}

export const findMember = (db: Db, bodyId: number, memberId: number) =>
  findOwned(db, 'body_members', 'body_id', bodyId, memberId)

export type MemberValues = {
  seat: string | null
  name: string | null
  supporter_id: number | null
  joined_on: string | null
  left_on: string | null
}

export async function insertMember(db: Db, bodyId: number, chapterId: number | null, v: MemberValues) {
  return db
    .insertInto('body_members')
    .values({ body_id: bodyId, chapter_id: chapterId, ...v })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export function updateMember(db: Db, memberId: number, version: number, v: Partial<MemberValues>) {
  return updateVersioned(db, 'body_members', memberId, version, v)
}

/** Soft delete (restorable from the trash), version-checked. */
export function softDeleteMember(db: Db, memberId: number, version: number) {
  return updateVersioned(db, 'body_members', memberId, version, { deleted_at: sql`now()` })
}

export async function supporterSitsOn(db: Db, bodyId: number, supporterId: number): Promise<boolean> {
  const r = await db
    .selectFrom('body_members')
    .select('id')
    .where('body_id', '=', bodyId)
    .where('supporter_id', '=', supporterId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  return r !== undefined
}

/** Sets a member's read and keeps it in the history; a VersionConflict when the page was stale. */
export async function setRead(
  trx: Transaction<Database>,
  memberId: number,
  version: number,
  v: { read: MemberReadCol; note: string | null; actorId: number },
) {
  const row = await updateVersioned(trx, 'body_members', memberId, version, { read: v.read, read_at: sql`now()` })
  if (isConflict(row)) return row
  await trx
    .insertInto('member_reads')
    .values({ member_id: memberId, read: v.read, note: v.note, actor_id: v.actorId })
    .execute()
  return row
}

export async function listReadHistory(db: Db, bodyId: number, limit = 40) {
  return db
    .selectFrom('member_reads as r')
    .innerJoin('body_members as m', 'm.id', 'r.member_id')
    .leftJoin('supporters as s', 's.id', 'm.supporter_id')
    .leftJoin('users as u', 'u.id', 'r.actor_id')
    .select([
      'r.id',
      'r.read',
      'r.note',
      'r.at',
      sql<string>`coalesce(s.name, m.name, 'Unknown')`.as('member'),
      'u.name as actor',
    ])
    .where('m.body_id', '=', bodyId)
    .orderBy('r.at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute()
}

// ---- relationships ---------------------------------------------------------------

export type RelationshipEnd = { supporterId: number } | { memberId: number }

export type PathRow = {
  id: number
  version: number
  kind: RelationshipKindCol
  strength: RelationshipStrengthCol
  a_supporter_id: number | null
  a_member_id: number | null
  b_supporter_id: number | null
  b_member_id: number | null
  a_name: string
  b_name: string
  a_level: number | null
  b_level: number | null
  a_last_contact: string | null
  b_last_contact: string | null
}

/** Every relationship that touches one of these members or supporters, with both ends' names and levels. */
export async function listRelationshipsTouching(
  db: Db,
  chapterId: number,
  memberIds: number[],
  supporterIds: number[],
  limit = 2000,
): Promise<PathRow[]> {
  if (memberIds.length === 0 && supporterIds.length === 0) return []
  const m = memberIds.length ? memberIds : [-1]
  const s = supporterIds.length ? supporterIds : [-1]
  return db
    .selectFrom('relationships as r')
    .leftJoin('supporters as sa', (j) => j.onRef('sa.id', '=', 'r.a_supporter_id').on('sa.deleted_at', 'is', null))
    .leftJoin('supporters as sb', (j) => j.onRef('sb.id', '=', 'r.b_supporter_id').on('sb.deleted_at', 'is', null))
    .leftJoin('body_members as ma', 'ma.id', 'r.a_member_id')
    .leftJoin('body_members as mb', 'mb.id', 'r.b_member_id')
    .select([
      'r.id',
      'r.version',
      'r.kind',
      'r.strength',
      'r.a_supporter_id',
      'r.a_member_id',
      'r.b_supporter_id',
      'r.b_member_id',
      sql<string>`coalesce(sa.name, ma.name, 'Unknown')`.as('a_name'),
      sql<string>`coalesce(sb.name, mb.name, 'Unknown')`.as('b_name'),
      'sa.current_level as a_level',
      'sb.current_level as b_level',
      'sa.last_contact_on as a_last_contact',
      'sb.last_contact_on as b_last_contact',
    ])
    .where('r.chapter_id', '=', chapterId)
    .where('r.deleted_at', 'is', null)
    .where((w) =>
      w.or([
        w('r.a_member_id', 'in', m),
        w('r.b_member_id', 'in', m),
        w('r.a_supporter_id', 'in', s),
        w('r.b_supporter_id', 'in', s),
      ]),
    )
    .orderBy('r.id')
    .limit(limit)
    .execute()
}

export async function insertRelationship(
  db: Db,
  v: {
    chapter_id: number
    a: RelationshipEnd
    b: RelationshipEnd
    kind: RelationshipKindCol
    strength: RelationshipStrengthCol
    note: string | null
    actor_id: number
  },
) {
  return db
    .insertInto('relationships')
    .values({
      chapter_id: v.chapter_id,
      a_supporter_id: 'supporterId' in v.a ? v.a.supporterId : null,
      a_member_id: 'memberId' in v.a ? v.a.memberId : null,
      b_supporter_id: 'supporterId' in v.b ? v.b.supporterId : null,
      b_member_id: 'memberId' in v.b ? v.b.memberId : null,
      kind: v.kind,
      strength: v.strength,
      note: v.note,
      actor_id: v.actor_id,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export const findRelationship = (db: Db, chapterId: number, id: number) =>
  findOwned(db, 'relationships', 'chapter_id', chapterId, id)

/** Soft delete (restorable from the trash), version-checked. */
export function softDeleteRelationship(db: Db, id: number, version: number) {
  return updateVersioned(db, 'relationships', id, version, { deleted_at: sql`now()` })
}

/**
 * One end of a relationship picked in a form (`s12` a supporter, `m7` a body
 * member), checked to be in the chapter (and on `bodyId` when given). A member
 * who is a known supporter is stored as the supporter: one person, not two.
 */
export async function resolvePersonRef(
  db: Db,
  chapterId: number,
  ref: { type: 's' | 'm'; id: number },
  bodyId?: number,
): Promise<RelationshipEnd | null> {
  if (ref.type === 's') {
    const s = await findSupporterInChapter(db, chapterId, ref.id)
    return s ? { supporterId: s.id } : null
  }
  let q = db
    .selectFrom('body_members as m')
    .innerJoin('deciding_bodies as b', 'b.id', 'm.body_id')
    .select(['m.id', 'm.supporter_id'])
    .where('m.id', '=', ref.id)
    .where('b.chapter_id', '=', chapterId)
    .where('m.deleted_at', 'is', null)
    .where('b.deleted_at', 'is', null)
  if (bodyId !== undefined) q = q.where('m.body_id', '=', bodyId)
  const m = await q.executeTakeFirst()
  if (!m) return null
  return m.supporter_id !== null ? { supporterId: m.supporter_id } : { memberId: m.id }
}

export type PersonLink = {
  id: number
  version: number
  kind: RelationshipKindCol
  strength: RelationshipStrengthCol
  other_supporter_id: number | null
  other_name: string
  seat: string | null
  read: MemberReadCol | null
  body_name: string | null
  drive_id: number | null
}

/**
 * A supporter's relationships, each with the other person and, when that
 * person sits on a deciding body, their seat, read and drive; one query.
 */
export async function listPersonLinks(db: Db, chapterId: number, supporterId: number, limit = 100) {
  const r = await sql<PersonLink>`
    select r.id, r.version, r.kind, r.strength, o.supporter_id as other_supporter_id,
      coalesce(s.name, m.name, 'Unknown') as other_name, bm.seat, bm.read, bm.body_name, bm.drive_id
    from relationships r
    cross join lateral (select
      case when r.a_supporter_id = ${supporterId} then r.b_supporter_id else r.a_supporter_id end as supporter_id,
      case when r.a_supporter_id = ${supporterId} then r.b_member_id else r.a_member_id end as member_id) o
    left join supporters s on s.id = o.supporter_id and s.deleted_at is null
    left join body_members m on m.id = o.member_id and m.deleted_at is null
    left join lateral (
      select x.seat, x.read, b.name as body_name, b.drive_id from body_members x
      join deciding_bodies b on b.id = x.body_id and b.deleted_at is null
      where x.deleted_at is null and (x.id = o.member_id or x.supporter_id = o.supporter_id)
        and (x.left_on is null or x.left_on > current_date)
      order by x.id desc limit 1) bm on true
    where r.chapter_id = ${chapterId} and r.deleted_at is null
      and (r.a_supporter_id = ${supporterId} or r.b_supporter_id = ${supporterId})
      and (s.id is not null or m.id is not null)
    order by bm.drive_id is null, coalesce(s.name, m.name), r.id
    limit ${limit}`.execute(db)
  return r.rows
}

/**
 * Whom a supporter may be said to know, for the person page's picker: the
 * sitting members of the deciding bodies of their local's drives (those not
 * on file as supporters) and the local's other supporters; one query, bounded.
 */
export async function listPersonChoices(
  db: Db,
  chapterId: number,
  localId: number | null,
  selfId: number,
  limit = 400,
) {
  if (localId === null) return []
  const r = await sql<{ key: string; label: string; member: boolean }>`
    (select 'm' || m.id as key, m.name || coalesce(' (' || m.seat || ', ' || b.name || ')', ' (' || b.name || ')')
        as label, true as member
      from body_members m
      join deciding_bodies b on b.id = m.body_id and b.deleted_at is null
      join drives d on d.id = b.drive_id and d.deleted_at is null
      where d.local_id = ${localId} and b.chapter_id = ${chapterId} and m.deleted_at is null
        and m.supporter_id is null and (m.left_on is null or m.left_on > current_date)
      order by m.name, m.id limit ${limit})
    union all
    (select 's' || s.id, s.name || coalesce(' · level ' || s.current_level, '') ||
        coalesce((select ' (' || coalesce(x.seat || ', ', '') || b.name || ')' from body_members x
          join deciding_bodies b on b.id = x.body_id and b.deleted_at is null
          where x.supporter_id = s.id and x.deleted_at is null limit 1), ''), false
      from supporters s
      where s.chapter_id = ${chapterId} and s.local_id = ${localId} and s.deleted_at is null and s.id <> ${selfId}
      order by s.name, s.id limit ${limit})`.execute(db)
  return r.rows
}

/** Supporters of the drive's local, strongest first, for pickers (bounded). */
export async function listLocalSupporters(db: Db, chapterId: number, localId: number | null, limit = 400) {
  if (localId === null) return []
  return db
    .selectFrom('supporters')
    .select(['id', 'name', 'current_level', 'last_contact_on'])
    .where('chapter_id', '=', chapterId)
    .where('local_id', '=', localId)
    .where('deleted_at', 'is', null)
    .orderBy(sql`coalesce(current_level, 6)`)
    .orderBy('name')
    .limit(limit)
    .execute()
}

/** A supporter in scope, for the person page's relationships. */
export async function findPersonInScope(db: Db, scope: Scope, id: number) {
  let q = db
    .selectFrom('supporters')
    .select(['id', 'name', 'chapter_id', 'local_id', 'keep_off_shared_lists'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('chapter_id', 'in', ids(scope))
  return q.executeTakeFirst()
}

export async function findSupporterInChapter(db: Db, chapterId: number, supporterId: number) {
  return db
    .selectFrom('supporters')
    .select(['id', 'name', 'local_id', 'current_level'])
    .where('id', '=', supporterId)
    .where('chapter_id', '=', chapterId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

// ---- turnout pledges ----------------------------------------------------------------

export async function listPledges(db: Db, driveId: number) {
  return db
    .selectFrom('turnout_pledges as p')
    .innerJoin('supporters as s', 's.id', 'p.supporter_id')
    .select(['p.id', 'p.supporter_id', 'p.pledge', 'p.note', 'p.version', 's.name', 's.current_level'])
    .where('p.drive_id', '=', driveId)
    .where('p.deleted_at', 'is', null)
    .where('s.deleted_at', 'is', null)
    .orderBy('s.name')
    .execute()
}

export async function findPledge(db: Db, driveId: number, supporterId: number) {
  return db
    .selectFrom('turnout_pledges')
    .selectAll()
    .where('drive_id', '=', driveId)
    .where('supporter_id', '=', supporterId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

type PledgeKey = 'confirmed' | 'pledged' | 'maybe'

/**
 * Sets a supporter's pledge for a drive: a new row, a changed one, or (pledge
 * `none`) a soft delete the trash can restore. Returns the row before and after.
 */
export async function savePledge(
  trx: Transaction<Database>,
  v: { driveId: number; chapterId: number | null; supporterId: number; pledge: PledgeKey | 'none'; actorId: number },
) {
  const had = await findPledge(trx, v.driveId, v.supporterId)
  const pledge = v.pledge
  if (pledge === 'none' && !had) return { had, row: undefined }
  if (had || pledge === 'none') {
    const patch = pledge === 'none' ? { deleted_at: sql<Date>`now()` } : { pledge, actor_id: v.actorId }
    const row = await trx
      .updateTable('turnout_pledges')
      .set({ ...patch, version: sql`version + 1`, updated_at: sql`now()` })
      .where('id', '=', had!.id)
      .returningAll()
      .executeTakeFirstOrThrow()
    return { had, row }
  }
  const row = await trx
    .insertInto('turnout_pledges')
    .values({
      drive_id: v.driveId,
      chapter_id: v.chapterId,
      supporter_id: v.supporterId,
      pledge,
      actor_id: v.actorId,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return { had, row }
}

// ---- structure tests ----------------------------------------------------------------

type Dated = { counted_on: string; total: number }
export type StructureTestRow = {
  id: number
  kind: 'petition' | 'pledge_card' | 'sticker_up' | 'sign_on_letter'
  name: string
  denominator: 'membership' | 'units'
  target_percent: number
  started_on: string | null
  version: number
  ticked: number
  units: { id: number; name: string; headcount: number; counts: Dated[]; ticks: Dated[] }[]
}

const ymd = (col: string) => sql<string>`to_char(${sql.ref(col)}, 'YYYY-MM-DD')`

/** A drive's structure tests with their units, totals by date and supporters ticked off by date; one query. */
export async function listStructureTests(db: Db, driveId: number): Promise<StructureTestRow[]> {
  return db
    .selectFrom('structure_tests as t')
    .select((eb) => [
      't.id',
      't.kind',
      't.name',
      't.denominator',
      't.target_percent',
      't.started_on',
      't.version',
      eb
        .selectFrom('structure_test_participants as p')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('p.test_id', '=', 't.id')
        .where('p.deleted_at', 'is', null)
        .as('ticked'),
      jsonArrayFrom(
        eb
          .selectFrom('structure_test_units as u')
          .select((eb2) => [
            'u.id',
            'u.name',
            'u.headcount',
            jsonArrayFrom(
              eb2
                .selectFrom('structure_test_counts as k')
                .select([ymd('k.counted_on').as('counted_on'), 'k.total'])
                .whereRef('k.unit_id', '=', 'u.id')
                .where('k.deleted_at', 'is', null)
                .orderBy('k.counted_on')
                .orderBy('k.id'),
            ).as('counts'),
            jsonArrayFrom(
              eb2
                .selectFrom('structure_test_participants as p')
                .select([ymd('p.took_part_on').as('counted_on'), sql<number>`count(*)::int`.as('total')])
                .whereRef('p.unit_id', '=', 'u.id')
                .where('p.deleted_at', 'is', null)
                .groupBy('p.took_part_on')
                .orderBy('p.took_part_on'),
            ).as('ticks'),
          ])
          .whereRef('u.test_id', '=', 't.id')
          .where('u.deleted_at', 'is', null)
          .orderBy('u.position')
          .orderBy('u.id'),
      ).as('units'),
    ])
    .where('t.drive_id', '=', driveId)
    .where('t.deleted_at', 'is', null)
    .orderBy('t.id')
    .execute() as Promise<StructureTestRow[]>
}

export const findStructureTest = (db: Db, driveId: number, testId: number) =>
  findOwned(db, 'structure_tests', 'drive_id', driveId, testId)

export async function findStructureUnit(db: Db, driveId: number, testId: number, unitId: number) {
  return db
    .selectFrom('structure_test_units as u')
    .innerJoin('structure_tests as t', 't.id', 'u.test_id')
    .select(['u.id', 'u.name', 'u.headcount', 't.id as test_id', 't.chapter_id'])
    .where('u.id', '=', unitId)
    .where('t.id', '=', testId)
    .where('t.drive_id', '=', driveId)
    .where('t.deleted_at', 'is', null)
    .where('u.deleted_at', 'is', null)
    .executeTakeFirst()
}

export async function insertStructureTest(
  trx: Transaction<Database>,
  v: {
    driveId: number
    chapterId: number | null
    kind: StructureTestRow['kind']
    name: string
    denominator: StructureTestRow['denominator']
    targetPercent: number
    startedOn: string | null
    units: { name: string; headcount: number }[]
  },
) {
  const row = await trx
    .insertInto('structure_tests')
    .values({
      drive_id: v.driveId,
      chapter_id: v.chapterId,
      kind: v.kind,
      name: v.name,
      denominator: v.denominator,
      target_percent: v.targetPercent,
      started_on: v.startedOn,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  await trx
    .insertInto('structure_test_units')
    .values(v.units.map((u, i) => ({ test_id: row.id, name: u.name, headcount: u.headcount, position: i })))
    .execute()
  return row
}

/** Soft delete (restorable from the trash), version-checked. */
export function softDeleteStructureTest(db: Db, testId: number, version: number) {
  return updateVersioned(db, 'structure_tests', testId, version, { deleted_at: sql`now()` })
}

export async function insertCount(db: Db, v: { unitId: number; countedOn: string; total: number; actorId: number }) {
  return db
    .insertInto('structure_test_counts')
    .values({ unit_id: v.unitId, counted_on: v.countedOn, total: v.total, actor_id: v.actorId })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function setMajorityCheck(db: Db, driveId: number, on: boolean) {
  await db.updateTable('drives').set({ majority_check: on }).where('id', '=', driveId).execute()
}

// ---- supporters ticked off on a structure test ----------------------------------------

/** The most rows the tick page lists at once (a name filter finds the others). */
export const TICK_LIMIT = 300

export type TickRow = {
  id: number
  name: string
  current_level: number | null
  unit_id: number | null
  unit_name: string | null
  took_part_on: string | null
}

/**
 * The local's supporters for ticking off (a name filter, bounded), each with
 * the unit and date they took part in this test when they did; one query.
 */
export async function listTickRows(
  db: Db,
  v: { chapterId: number; localId: number | null; testId: number; q?: string; supporterId?: number },
): Promise<TickRow[]> {
  if (v.localId === null) return []
  let q = db
    .selectFrom('supporters as s')
    .leftJoin('structure_test_participants as p', (j) =>
      j.onRef('p.supporter_id', '=', 's.id').on('p.test_id', '=', v.testId).on('p.deleted_at', 'is', null),
    )
    .leftJoin('structure_test_units as u', 'u.id', 'p.unit_id')
    .select([
      's.id',
      's.name',
      's.current_level',
      'p.unit_id',
      'u.name as unit_name',
      ymd('p.took_part_on').as('took_part_on'),
    ])
    .where('s.chapter_id', '=', v.chapterId)
    .where('s.local_id', '=', v.localId)
    .where('s.deleted_at', 'is', null)
  if (v.q) q = q.where('s.name', 'ilike', `%${v.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)
  if (v.supporterId !== undefined) q = q.where('s.id', '=', v.supporterId)
  return q.orderBy('s.name').orderBy('s.id').limit(TICK_LIMIT).execute() as Promise<TickRow[]>
}

/** Ticks a supporter off on a test (once per test); undefined when they already were. */
export async function insertTick(
  db: Db,
  v: { testId: number; unitId: number; supporterId: number; chapterId: number; on: string; actorId: number },
) {
  return db
    .insertInto('structure_test_participants')
    .values({
      test_id: v.testId,
      unit_id: v.unitId,
      supporter_id: v.supporterId,
      chapter_id: v.chapterId,
      took_part_on: v.on,
      actor_id: v.actorId,
    })
    .onConflict((oc) => oc.columns(['test_id', 'supporter_id']).where('deleted_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst()
}

/** Unticks (a soft delete; ticking again adds them back); undefined when they were not ticked. */
export async function removeTick(db: Db, testId: number, supporterId: number) {
  return db
    .updateTable('structure_test_participants')
    .set({ deleted_at: sql`now()` })
    .where('test_id', '=', testId)
    .where('supporter_id', '=', supporterId)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

// ---- many drives at once: the board badge, the review, the slate -------------------------

export type WhipSummaryRow = {
  drive_id: number
  kind: 'roster' | 'turnout'
  threshold: VoteThreshold | null
  threshold_percent: number | null
  counts_abstentions: boolean
  quorum: number | null
  expected_attendance: number | null
  local_threshold: VoteThreshold | null
  local_threshold_percent: number | null
  reads: Partial<Record<MemberReadCol | 'none', number>>
  pledges: Partial<Record<'confirmed' | 'pledged' | 'maybe', number>>
}

/** The sitting members' reads of body `b`, as {read: count} (`none` for no read yet). */
const readCounts = sql<Record<string, number>>`coalesce((
  select jsonb_object_agg(x.r, x.n) from (
    select coalesce(m.read, 'none') as r, count(*)::int as n from body_members m
    where m.body_id = b.id and m.deleted_at is null and (m.left_on is null or m.left_on > current_date)
    group by 1) x), '{}'::jsonb)`
/** The live turnout pledges of drive `d`, as {pledge: count}. */
const pledgeCounts = sql<Record<string, number>>`coalesce((
  select jsonb_object_agg(x.p, x.n) from (
    select p.pledge as p, count(*)::int as n from turnout_pledges p
    where p.drive_id = d.id and p.deleted_at is null group by 1) x), '{}'::jsonb)`

/** One row per drive that has a deciding body: its rule and the counts of reads (or pledges). One query. */
export async function whipSummaries(db: Db, driveIds: number[]): Promise<WhipSummaryRow[]> {
  if (driveIds.length === 0) return []
  const rows = await db
    .selectFrom('deciding_bodies as b')
    .innerJoin('drives as d', 'd.id', 'b.drive_id')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .select([
      'b.drive_id',
      'b.kind',
      'b.threshold',
      'b.threshold_percent',
      'b.counts_abstentions',
      'b.quorum',
      'b.expected_attendance',
      'l.threshold as local_threshold',
      'l.threshold_percent as local_threshold_percent',
      readCounts.as('reads'),
      pledgeCounts.as('pledges'),
    ])
    .where('b.drive_id', 'in', driveIds)
    .where('b.deleted_at', 'is', null)
    .execute()
  return rows.map((r) => ({
    ...r,
    threshold_percent: num(r.threshold_percent),
    local_threshold_percent: num(r.local_threshold_percent),
  }))
}

/**
 * A unit's latest figure (SQL for a lateral join on unit alias `u`): the
 * higher of its last total entered and the supporters ticked off, at most
 * its headcount.
 */
const unitLatest = (u: RawBuilder<unknown>) => sql`
  select least(greatest(
    coalesce((select c.total from structure_test_counts c where c.unit_id = ${u}.id and c.deleted_at is null
      order by c.counted_on desc, c.id desc limit 1), 0),
    (select count(*)::int from structure_test_participants p where p.unit_id = ${u}.id and p.deleted_at is null)
  ), ${u}.headcount) as total`

export type StructureStandingRow = {
  drive_id: number
  majority_check: boolean
  test_id: number | null
  name: string | null
  headcount: number
  total: number
}

/** Each structure test's latest total against its headcount, and whether the drive asks for the check; one query. */
export async function structureStandings(db: Db, driveIds: number[]): Promise<StructureStandingRow[]> {
  if (driveIds.length === 0) return []
  const r = await sql<StructureStandingRow>`
    select d.id as drive_id, d.majority_check, t.id as test_id, t.name,
      coalesce(sum(u.headcount), 0)::int as headcount, coalesce(sum(lc.total), 0)::int as total
    from drives d
    left join structure_tests t on t.drive_id = d.id and t.deleted_at is null
    left join structure_test_units u on u.test_id = t.id and u.deleted_at is null
    left join lateral (${unitLatest(sql`u`)}) lc on true
    where d.id = any(${driveIds}::int[])
    group by d.id, d.majority_check, t.id, t.name
    order by d.id, t.id`.execute(db)
  return r.rows
}

type SlateFilter = { slate: number | null; union?: number; chapter?: number }

/** The review's drive filter (drives `d` left-joined to locals `l`): slate, scope, chapter and union. */
function slateWhere(scope: Scope, f: SlateFilter, more: RawBuilder<unknown>[] = []) {
  const union = sql`coalesce(l.national_union_id, d.national_union_id)`
  const where = [sql`d.deleted_at is null`, sql`d.slate_id = ${f.slate ?? -1}`, ...more]
  if (scope.chapterIds !== null) where.push(sql`d.chapter_id = any(${ids(scope)}::int[])`)
  if (f.chapter !== undefined)
    where.push(f.chapter === 0 ? sql`d.chapter_id is null` : sql`d.chapter_id = ${f.chapter}`)
  if (f.union !== undefined) where.push(f.union === 0 ? sql`${union} is null` : sql`${union} = ${f.union}`)
  return where
}

export type UpcomingVoteRow = WhipSummaryRow & {
  union_id: number
  union_label: string
  chapter_id: number
  chapter_label: string
}

/**
 * Drives on a slate with a vote in the next `days` days, with their body's rule and read counts
 * (drives without a body are listed with kind null), grouped later by union and chapter. Counts only.
 */
export async function upcomingVotes(
  db: Db,
  scope: Scope,
  f: SlateFilter,
  days = 60,
): Promise<(Omit<UpcomingVoteRow, 'kind'> & { kind: 'roster' | 'turnout' | null })[]> {
  const where = slateWhere(scope, f, [
    sql`d.status in ('active', 'paused')`,
    sql`d.vote_date >= current_date`,
    sql`d.vote_date <= current_date + ${days}::int`,
  ])
  const r = await sql<Omit<UpcomingVoteRow, 'kind'> & { kind: 'roster' | 'turnout' | null }>`
    select d.id as drive_id, b.kind, b.threshold, b.threshold_percent::float8 as threshold_percent,
      coalesce(b.counts_abstentions, false) as counts_abstentions, b.quorum, b.expected_attendance,
      l.threshold as local_threshold, l.threshold_percent::float8 as local_threshold_percent,
      coalesce(l.national_union_id, d.national_union_id, 0) as union_id,
      coalesce(n.abbreviation, 'Independent') as union_label,
      coalesce(d.chapter_id, 0) as chapter_id, coalesce(c.name, 'No chapter') as chapter_label,
      ${readCounts} as reads, ${pledgeCounts} as pledges
    from drives d
    left join locals l on l.id = d.local_id
    left join national_unions n on n.id = coalesce(l.national_union_id, d.national_union_id)
    left join chapters c on c.id = d.chapter_id
    left join deciding_bodies b on b.drive_id = d.id and b.deleted_at is null
    where ${sql.join(where, sql` and `)}
    order by d.vote_date, d.id
    limit 20000`.execute(db)
  return r.rows
}

/** Drives on the slate with a filing recorded and no structure test at a majority, by union and chapter. */
export async function filedWithoutMajority(
  db: Db,
  scope: Scope,
  f: SlateFilter,
): Promise<{ g: 'u' | 'c'; k: number; label: string; n: number }[]> {
  const where = slateWhere(scope, f)
  const r = await sql<{ g: 'u' | 'c'; k: number; label: string; n: number }>`
    with filed as (
      select d.id, coalesce(l.national_union_id, d.national_union_id, 0) as u, coalesce(d.chapter_id, 0) as c
      from drives d left join locals l on l.id = d.local_id
      where ${sql.join(where, sql` and `)}
        and exists (select 1 from filings fi where fi.drive_id = d.id and fi.deleted_at is null)
        and not exists (
          select 1 from structure_tests t
          where t.drive_id = d.id and t.deleted_at is null
            and (select coalesce(sum(lc.total), 0) * 2 > coalesce(sum(u.headcount), 0)
                   and coalesce(sum(u.headcount), 0) > 0
                 from structure_test_units u
                 left join lateral (${unitLatest(sql`u`)}) lc on true
                 where u.test_id = t.id and u.deleted_at is null))
    )
    select 'u' as g, u as k, coalesce(n.abbreviation, 'Independent') as label, count(*)::int as n
      from filed left join national_unions n on n.id = filed.u group by u, n.abbreviation
    union all
    select 'c' as g, c as k, coalesce(ch.name, 'No chapter') as label, count(*)::int as n
      from filed left join chapters ch on ch.id = filed.c group by c, ch.name`.execute(db)
  return r.rows
}
