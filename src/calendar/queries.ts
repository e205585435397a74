// The calendar token: who a feed belongs to (by the token's hash), and
// setting or clearing it. Only the hash is stored.
import { sql } from 'kysely'
import type { CurrentUser } from '../auth/access.ts'
import { chaptersOfUser, currentUserOf } from '../auth/session.ts'
import type { Db } from '../db/database.ts'

export async function findUserByCalendarToken(db: Db, hash: string): Promise<CurrentUser | undefined> {
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.email', 'u.is_admin', 'u.is_national', chaptersOfUser.as('chapters')])
    .where('u.calendar_token', '=', hash)
    .where('u.active', '=', true)
    .executeTakeFirst()
  return row && currentUserOf(row)
}

export async function hasCalendarToken(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('users').select('calendar_token').where('id', '=', userId).executeTakeFirst()
  return Boolean(row?.calendar_token)
}

export function setCalendarToken(db: Db, userId: number, hash: string | null) {
  return db.updateTable('users').set({ calendar_token: hash }).where('id', '=', userId).execute()
}

/**
 * Follow-ups asked for in the latest conversation with each supporter, due by
 * `days` from each chapter's today (overdue ones included), for the dashboard
 * and the calendar feed. Names only, never contact details. One query.
 */
export async function listFollowUpsDue(db: Db, chapterIds: number[], days: number, limit = 20) {
  if (!chapterIds.length) return []
  const r = await sql<{
    supporter_id: number
    name: string
    due: string
    local: string | null
    by: string | null
    tz: string
  }>`
    select s.id as supporter_id, s.name, f.follow_up_on::text as due, l.name as local, u.name as by, c.time_zone as tz
    from conversations f
    join supporters s on s.id = f.supporter_id and s.deleted_at is null
    join chapters c on c.id = s.chapter_id
    left join locals l on l.id = s.local_id
    left join users u on u.id = f.by_user_id
    where f.follow_up_on is not null and f.deleted_at is null and s.chapter_id = any(${chapterIds}::int[])
      and f.follow_up_on <= (now() at time zone c.time_zone)::date + ${days}::int
      and not exists (select 1 from conversations y where y.supporter_id = f.supporter_id and y.deleted_at is null
        and (y.held_on, y.id) > (f.held_on, f.id))
    order by f.follow_up_on, s.name limit ${limit}`.execute(db)
  return r.rows
}

/** A person's own open assignments with a due date (the calendar feed). */
export function listAssignmentsDue(db: Db, userId: number, limit = 200) {
  return db
    .selectFrom('assignments as a')
    .innerJoin('supporters as s', 's.id', 'a.supporter_id')
    .innerJoin('chapters as c', 'c.id', 'a.chapter_id')
    .select(['a.id', 's.name', 'a.ask', sql<string>`a.due_on::text`.as('due_on'), 'c.time_zone'])
    .where('a.assignee_id', '=', userId)
    .where('a.status', '=', 'open')
    .where('a.due_on', 'is not', null)
    .where('s.deleted_at', 'is', null)
    .orderBy('a.due_on')
    .limit(limit)
    .execute()
}
