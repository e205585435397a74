// Labor circles (the chapter's members by sector or industry) and union sections
// (by national union). Names are read only for chapters in the caller's people
// scope, contacts only in their contact scope — the same rules as supporters.
import { sql, type RawBuilder, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import { updateVersioned } from '../shared/conflict.ts'
import type { Database } from '../db/schema.ts'
import type { Scope } from '../auth/access.ts'

type Q = Db | Transaction<Database>
const inList = (s: Scope) => (s.chapterIds === null ? null : s.chapterIds.length ? s.chapterIds : [0])

export function listCircles(db: Db, scope: Scope, people: Scope, chapterId?: number) {
  const names = inList(people)
  let q = db
    .selectFrom('labor_circles as c')
    .innerJoin('chapters as ch', 'ch.id', 'c.chapter_id')
    .leftJoin('national_unions as n', 'n.id', 'c.national_union_id')
    .leftJoin('supporters as s', 's.id', 'c.contact_supporter_id')
    .select([
      'c.id',
      'c.kind',
      'c.name',
      'c.sector',
      'c.cadence',
      'c.chapter_id',
      'ch.name as chapter_name',
      'n.abbreviation as union_abbreviation',
      names === null
        ? sql<string | null>`s.name`.as('contact_name')
        : sql<string | null>`case when c.chapter_id = any(${names}::int[]) then s.name end`.as('contact_name'),
      sql<string>`(select count(*) from labor_circle_members m
        join supporters ms on ms.id = m.supporter_id and ms.deleted_at is null where m.circle_id = c.id)`.as('members'),
    ])
    .where('c.deleted_at', 'is', null)
  const chapters = inList(scope)
  if (chapters !== null) q = q.where('c.chapter_id', 'in', chapters)
  if (chapterId) q = q.where('c.chapter_id', '=', chapterId)
  return q.orderBy('ch.name').orderBy('c.kind').orderBy('c.name').orderBy('c.id').limit(500).execute()
}

export function findCircle(db: Q, scope: Scope, id: number) {
  let q = db
    .selectFrom('labor_circles as c')
    .innerJoin('chapters as ch', 'ch.id', 'c.chapter_id')
    .leftJoin('national_unions as n', 'n.id', 'c.national_union_id')
    .leftJoin('supporters as cs', 'cs.id', 'c.contact_supporter_id')
    .selectAll('c')
    .select([
      'ch.name as chapter_name',
      'ch.time_zone',
      'n.name as union_name',
      'n.abbreviation as union_abbreviation',
      'cs.name as contact_name',
    ])
    .where('c.id', '=', id)
    .where('c.deleted_at', 'is', null)
  const chapters = inList(scope)
  if (chapters !== null) q = q.where('c.chapter_id', 'in', chapters)
  return q.executeTakeFirst()
}

/** Members with names (and contacts only when allowed); empty when names may not be seen. */
export function listCircleMembers(db: Db, circleId: number, withContacts: boolean) {
  return (
    db
      .selectFrom('labor_circle_members as m')
      .innerJoin('supporters as s', 's.id', 'm.supporter_id')
      .leftJoin('locals as l', 'l.id', 's.local_id')
      .select([
        's.id',
        's.name',
        's.role_in_local',
        's.potential_leader',
        's.chapter_member',
        'l.name as local_name',
        'l.id as local_id',
        withContacts ? sql<string | null>`s.email`.as('email') : sql<string | null>`null::text`.as('email'),
        withContacts ? sql<string | null>`s.phone`.as('phone') : sql<string | null>`null::text`.as('phone'),
      ])
      .where('m.circle_id', '=', circleId)
      .where('s.deleted_at', 'is', null)
      // Kept off shared lists: listed only to those who see contacts (organizers, admins).
      .$if(!withContacts, (q) => q.where('s.keep_off_shared_lists', '=', false))
      .orderBy('s.name')
      .orderBy('s.id')
      .execute()
  )
}

/** Live drives of the circle's chapter in its unions: the section's union, or the unions its members work in. */
export function listCircleDrives(db: Db, circle: { id: number; chapter_id: number; national_union_id: number | null }) {
  return db
    .selectFrom('drives as d')
    .innerJoin('locals as l', 'l.id', 'd.local_id')
    .innerJoin('slates as sl', 'sl.id', 'd.slate_id')
    .select(['d.id', 'd.stage', 'd.status', 'l.name as local_name', 'sl.name as slate_name'])
    .where('d.chapter_id', '=', circle.chapter_id)
    .where('d.deleted_at', 'is', null)
    .where('d.status', 'in', ['active', 'paused'])
    .where((eb) =>
      eb.or([
        eb('l.national_union_id', '=', circle.national_union_id ?? 0),
        eb(
          'l.national_union_id',
          'in',
          eb
            .selectFrom('labor_circle_members as m')
            .innerJoin('supporters as s', 's.id', 'm.supporter_id')
            .innerJoin('locals as ml', 'ml.id', 's.local_id')
            .select('ml.national_union_id')
            .where('m.circle_id', '=', circle.id)
            .where('s.deleted_at', 'is', null)
            .where('ml.national_union_id', 'is not', null),
        ),
      ]),
    )
    .orderBy('l.name')
    .limit(200)
    .execute()
}

export function listChapterSupporterOptions(db: Db, chapterId: number) {
  return db
    .selectFrom('supporters')
    .select(['id', 'name', 'chapter_member'])
    .where('chapter_id', '=', chapterId)
    .where('deleted_at', 'is', null)
    .orderBy('chapter_member', 'desc')
    .orderBy('name')
    .limit(1000)
    .execute()
}

export function insertCircle(
  trx: Q,
  row: {
    chapter_id: number
    kind: 'circle' | 'section'
    name: string
    sector: string | null
    national_union_id: number | null
    contact_supporter_id: number | null
    cadence: string | null
  },
) {
  return trx.insertInto('labor_circles').values(row).returningAll().executeTakeFirstOrThrow()
}

export function findChapterSupporter(db: Q, chapterId: number, id: number) {
  return db
    .selectFrom('supporters')
    .select(['id', 'name', 'chapter_id'])
    .where('id', '=', id)
    .where('chapter_id', '=', chapterId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export function addCircleMember(trx: Q, circleId: number, supporterId: number) {
  return trx
    .insertInto('labor_circle_members')
    .values({ circle_id: circleId, supporter_id: supporterId })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst()
}

export function removeCircleMember(trx: Q, circleId: number, supporterId: number) {
  return trx
    .deleteFrom('labor_circle_members')
    .where('circle_id', '=', circleId)
    .where('supporter_id', '=', supporterId)
    .returningAll()
    .executeTakeFirst()
}

/** Members of the chapter's sections for a national union, leaders first. */
function sectionMembers(db: Db, chapterId: number, nationalUnionId: number | RawBuilder<number>) {
  return db
    .selectFrom('labor_circles as c')
    .innerJoin('labor_circle_members as m', 'm.circle_id', 'c.id')
    .innerJoin('supporters as s', 's.id', 'm.supporter_id')
    .select(['s.id', 's.name', 's.potential_leader', 'c.name as section_name', 'c.id as section_id'])
    .where('c.chapter_id', '=', chapterId)
    .where('c.kind', '=', 'section')
    .where('c.national_union_id', '=', nationalUnionId)
    .where('c.deleted_at', 'is', null)
    .where('s.deleted_at', 'is', null)
    .orderBy('s.potential_leader', 'desc')
    .orderBy('s.name')
}

/** Members of the chapter's sections for this local's national union: the first supporters of a drive there. */
export function listSectionMembersForLocal(db: Db, chapterId: number, nationalUnionId: number) {
  return sectionMembers(db, chapterId, nationalUnionId).execute()
}

/** The same, for a drive: the union is its local's (or the drive's own, for a national union drive); 100 at most. */
export function listSectionMembersForDrive(db: Db, chapterId: number, driveId: number) {
  const union = sql<number>`(select coalesce(l.national_union_id, d.national_union_id)
    from drives d left join locals l on l.id = d.local_id where d.id = ${driveId})`
  return sectionMembers(db, chapterId, union).orderBy('s.id').limit(100).execute()
}

/** Contact person and cadence, version-checked (src/shared/conflict.ts): the new row, or who saved first. */
export function updateCircleContact(
  trx: Q,
  id: number,
  version: number,
  row: { contact_supporter_id: number | null; cadence: string | null },
) {
  return updateVersioned(trx, 'labor_circles', id, version, row)
}
