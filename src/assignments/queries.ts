// Assignments: who is to talk to whom next. Every read is scoped: "my list"
// reads only the caller's own assignments; the organizer's progress reads only
// chapters they organize. Contact details are selected only where the caller
// may see them (an organizer or admin, or a volunteer in a chapter that turned
// on "contacts for assigned people"), so a volunteer's page never fetches them.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Scope } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'

type Q = Kysely<Database> | Transaction<Database>
const ids = (s: Scope) => (s.chapterIds?.length ? s.chapterIds : [0])

/** Members of a chapter with an active account: who can be given people to talk to. */
export function listAssigneeOptions(db: Q, chapterId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.name', 'm.role'])
    .where('m.chapter_id', '=', chapterId)
    .where('u.active', '=', true)
    .orderBy('u.name')
    .orderBy('u.id')
    .execute()
}

export function isChapterMember(db: Q, chapterId: number, userId: number) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('u.id')
    .where('m.chapter_id', '=', chapterId)
    .where('m.user_id', '=', userId)
    .where('u.active', '=', true)
    .executeTakeFirst()
    .then(Boolean)
}

/** Supporters by id inside the scope (names and levels only), for the "assign" form. */
export function listSupportersByIds(db: Q, scope: Scope, idList: number[]) {
  if (!idList.length) return Promise.resolve([])
  let q = db
    .selectFrom('supporters as s')
    .leftJoin('locals as l', 'l.id', 's.local_id')
    .select(['s.id', 's.name', 's.current_level', 's.chapter_id', 's.local_id', 'l.name as local_name'])
    .where('s.id', 'in', idList.slice(0, 500))
    .where('s.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('s.chapter_id', 'in', ids(scope))
  return q.orderBy('s.name').orderBy('s.id').execute()
}

/** A drive's local supporters (level, then name), to pick from when assigning from a drive page. */
export function listDriveSupporters(db: Q, scope: Scope, driveId: number, limit = 300) {
  let q = db
    .selectFrom('drives as d')
    .innerJoin('supporters as s', (j) =>
      j.onRef('s.local_id', '=', 'd.local_id').onRef('s.chapter_id', '=', 'd.chapter_id'),
    )
    .leftJoin('locals as l', 'l.id', 's.local_id')
    .select(['s.id', 's.name', 's.current_level', 's.chapter_id', 's.local_id', 'l.name as local_name'])
    .where('d.id', '=', driveId)
    .where('d.deleted_at', 'is', null)
    .where('s.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  return q.orderBy(sql`s.current_level asc nulls last`).orderBy('s.name').limit(limit).execute()
}

export function findDriveForAssigning(db: Q, scope: Scope, driveId: number) {
  let q = db
    .selectFrom('drives as d')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .select(['d.id', 'd.chapter_id', 'd.local_id', 'l.name as local_name', 'c.time_zone'])
    .where('d.id', '=', driveId)
    .where('d.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  return q.executeTakeFirst()
}

export type NewAssignments = {
  chapterId: number
  supporterIds: number[]
  assigneeId: number
  driveId: number | null
  ask: string | null
  /** An ask per supporter (the whip count's "talk to …"), used where the form's own ask is empty. */
  asks?: ReadonlyMap<number, string>
  dueOn: string | null
  actorId: number | null
}

/**
 * One statement for the whole batch. Each assignment is tied to the given drive
 * when it is the supporter's local's drive, else to that local's latest drive.
 * A supporter already on the assignee's list is skipped (the partial unique
 * index), so a double submit adds nothing.
 */
export async function insertAssignments(trx: Q, a: NewAssignments) {
  if (!a.supporterIds.length) return []
  const askIds = [...(a.asks?.keys() ?? [])]
  const askTexts = askIds.map((id) => a.asks!.get(id)!)
  const r = await sql<{ id: number; supporter_id: number }>`
    insert into assignments (chapter_id, supporter_id, assignee_id, drive_id, ask, due_on, created_by)
    select s.chapter_id, s.id, ${a.assigneeId}::int,
      coalesce(
        (select d.id from drives d where d.id = ${a.driveId}::int and d.local_id = s.local_id and d.deleted_at is null),
        (select d.id from drives d
          where d.local_id = s.local_id and d.chapter_id = s.chapter_id and d.deleted_at is null
          order by (d.status = 'active') desc, d.id desc limit 1)),
      coalesce(${a.ask}::text,
        (select x.ask from unnest(${askIds}::int[], ${askTexts}::text[]) as x(id, ask) where x.id = s.id)),
      ${a.dueOn}::date, ${a.actorId}::int
    from supporters s
    where s.id = any(${a.supporterIds}::int[]) and s.chapter_id = ${a.chapterId}::int and s.deleted_at is null
    order by s.id
    on conflict (supporter_id, assignee_id) where status = 'open' do nothing
    returning id, supporter_id`.execute(trx)
  return r.rows
}

const contactCase = (userId: number, isAdmin: boolean, col: 'email' | 'phone') =>
  sql<string | null>`case when ${isAdmin}::boolean or c.assigned_contacts or exists (
      select 1 from memberships m
      where m.user_id = ${userId}::int and m.chapter_id = a.chapter_id and m.role = 'organizer')
    then s.${sql.ref(col)} end`

/** People per page of "my list": a phone's worth; the next ones are a link away. */
export const MY_LIST_LIMIT = 100

/**
 * The caller's open assignments, due first (no date last), `limit` of them from `offset`, with the
 * chapter's "today", how many there are and how many are overdue. One query.
 */
export async function listMyAssignments(db: Db, userId: number, limit = MY_LIST_LIMIT, offset = 0) {
  const rows = await db
    .selectFrom('assignments as a')
    .innerJoin('supporters as s', 's.id', 'a.supporter_id')
    .innerJoin('chapters as c', 'c.id', 'a.chapter_id')
    .leftJoin('locals as l', 'l.id', 's.local_id')
    .select([
      'a.id',
      'a.ask',
      sql<string | null>`a.due_on::text`.as('due_on'),
      's.name',
      's.current_level',
      sql<string | null>`s.last_contact_on::text`.as('last_contact_on'),
      'l.name as local_name',
      'c.time_zone',
      sql<string>`(now() at time zone c.time_zone)::date::text`.as('today'),
      sql<number>`count(*) over ()`.as('total'),
      sql<number>`count(*) filter (where a.due_on < (now() at time zone c.time_zone)::date) over ()`.as('overdue'),
    ])
    .where('a.assignee_id', '=', userId)
    .where('a.status', '=', 'open')
    .where('s.deleted_at', 'is', null)
    .orderBy(sql`a.due_on asc nulls last`)
    .orderBy('s.name')
    .orderBy('a.id')
    .limit(limit)
    .offset(offset)
    .execute()
  return { rows, total: Number(rows[0]?.total ?? 0), overdue: Number(rows[0]?.overdue ?? 0) }
}

/** One of the caller's assignments (open or done) with what the form needs; contacts only where allowed. */
export function findMyAssignment(db: Q, userId: number, isAdmin: boolean, id: number) {
  return db
    .selectFrom('assignments as a')
    .innerJoin('supporters as s', 's.id', 'a.supporter_id')
    .innerJoin('chapters as c', 'c.id', 'a.chapter_id')
    .leftJoin('locals as l', 'l.id', 's.local_id')
    .leftJoin('users as b', 'b.id', 'a.created_by')
    .select([
      'a.id',
      'a.version',
      'a.status',
      'a.ask',
      'a.chapter_id',
      'a.drive_id',
      'a.supporter_id',
      sql<string | null>`a.due_on::text`.as('due_on'),
      's.name',
      's.local_id',
      's.current_level',
      's.role_in_local',
      's.do_not_contact',
      sql<string | null>`s.last_contact_on::text`.as('last_contact_on'),
      'l.name as local_name',
      'c.time_zone',
      'b.name as assigned_by',
      contactCase(userId, isAdmin, 'email').as('email'),
      contactCase(userId, isAdmin, 'phone').as('phone'),
      sql<{ kind: string; held_on: string; outcome: string | null } | null>`(
        select json_build_object('kind', x.kind, 'held_on', x.held_on::text, 'outcome', x.outcome)
        from conversations x where x.supporter_id = s.id and x.deleted_at is null
        order by x.held_on desc, x.id desc limit 1)`.as('last_conversation'),
    ])
    .where('a.id', '=', id)
    .where('a.assignee_id', '=', userId)
    .where('a.status', '!=', 'cancelled')
    .where('s.deleted_at', 'is', null)
    .executeTakeFirst()
}
export type MyAssignment = NonNullable<Awaited<ReturnType<typeof findMyAssignment>>>

/** Marks an open assignment done under its version; undefined when it changed or was already done. */
export function completeAssignment(trx: Q, id: number, version: number, conversationId: number) {
  return trx
    .updateTable('assignments')
    .set({
      status: 'done',
      conversation_id: conversationId,
      done_at: sql`now()`,
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .returningAll()
    .executeTakeFirst()
}

/** Cancels an open assignment in the caller's edit scope. */
export function cancelAssignment(trx: Q, scope: Scope, id: number) {
  let q = trx
    .updateTable('assignments')
    .set({ status: 'cancelled', version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('status', '=', 'open')
  if (scope.chapterIds !== null) q = q.where('chapter_id', 'in', ids(scope))
  return q.returningAll().executeTakeFirst()
}

export type ProgressRow = {
  assignee_id: number
  assignee: string
  drive_id: number | null
  local_name: string | null
  assigned: number
  done: number
  open: number
  overdue: number
}

/** Per assignee (and drive): assigned, done, open and overdue (in the chapter's today). One query. */
export async function assignmentProgress(
  db: Q,
  scope: Scope,
  o: { driveId?: number; chapterIds?: number[] | null } = {},
): Promise<ProgressRow[]> {
  const chapters = o.chapterIds ?? scope.chapterIds
  const r = await sql<ProgressRow>`
    select a.assignee_id, u.name as assignee, a.drive_id, l.name as local_name,
      count(*)::int as assigned,
      count(*) filter (where a.status = 'done')::int as done,
      count(*) filter (where a.status = 'open')::int as open,
      count(*) filter (where a.status = 'open' and a.due_on < (now() at time zone c.time_zone)::date)::int as overdue
    from assignments a
    join users u on u.id = a.assignee_id
    join chapters c on c.id = a.chapter_id
    left join drives d on d.id = a.drive_id
    left join locals l on l.id = d.local_id
    where a.status <> 'cancelled'
      ${chapters === null ? sql`` : sql`and a.chapter_id = any(${chapters.length ? chapters : [0]}::int[])`}
      ${o.driveId === undefined ? sql`` : sql`and a.drive_id = ${o.driveId}::int`}
    group by a.assignee_id, u.name, a.drive_id, l.name
    order by l.name nulls last, a.drive_id, u.name, a.assignee_id
    limit 500`.execute(db)
  return r.rows
}

export type OpenRow = { id: number; name: string; assignee: string; due_on: string | null; ask: string | null }

/**
 * A drive's panel in ONE query: each assignee's progress on the drive, and its
 * open assignments (names only, due first, at most `limit`) with their total.
 */
export async function drivePanelRows(db: Q, chapterId: number, driveId: number, limit = 100) {
  const r = await sql<{ progress: ProgressRow[]; open: OpenRow[]; open_total: number; has_body: boolean }>`
    select
      exists (select 1 from deciding_bodies b where b.drive_id = ${driveId}::int and b.deleted_at is null) as has_body,
      (select coalesce(json_agg(p order by p.assignee, p.assignee_id), '[]'::json) from (
        select a.assignee_id, u.name as assignee, a.drive_id, null::text as local_name,
          count(*)::int as assigned,
          count(*) filter (where a.status = 'done')::int as done,
          count(*) filter (where a.status = 'open')::int as open,
          count(*) filter (where a.status = 'open' and a.due_on < (now() at time zone c.time_zone)::date)::int
            as overdue
        from assignments a join users u on u.id = a.assignee_id join chapters c on c.id = a.chapter_id
        where a.drive_id = ${driveId}::int and a.chapter_id = ${chapterId}::int and a.status <> 'cancelled'
        group by a.assignee_id, u.name, a.drive_id) p) as progress,
      (select coalesce(json_agg(o), '[]'::json) from (
        select a.id, s.name, u.name as assignee, a.due_on::text as due_on, a.ask
        from assignments a join supporters s on s.id = a.supporter_id join users u on u.id = a.assignee_id
        where a.drive_id = ${driveId}::int and a.chapter_id = ${chapterId}::int and a.status = 'open'
          and s.deleted_at is null
        order by a.due_on asc nulls last, s.name, a.id limit ${limit}::int) o) as open,
      (select count(*)::int from assignments a join supporters s on s.id = a.supporter_id
        where a.drive_id = ${driveId}::int and a.chapter_id = ${chapterId}::int and a.status = 'open'
          and s.deleted_at is null) as open_total`.execute(db)
  return r.rows[0]!
}

export function findChapterSetting(db: Q, chapterId: number) {
  return db
    .selectFrom('chapters')
    .select(['id', 'name', 'assigned_contacts', 'version'])
    .where('id', '=', chapterId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export function updateAssignedContacts(trx: Q, chapterId: number, version: number, on: boolean) {
  return trx
    .updateTable('chapters')
    .set({ assigned_contacts: on, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', chapterId)
    .where('version', '=', version)
    .returning(['id', 'assigned_contacts', 'version'])
    .executeTakeFirst()
}
