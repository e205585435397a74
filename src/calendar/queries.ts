// The calendar token: who a feed belongs to (by the token's hash), and
// setting or clearing it. Only the hash is stored.
import { sql } from 'kysely'
import type { CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'

export async function findUserByCalendarToken(db: Db, hash: string): Promise<CurrentUser | undefined> {
  const row = await db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.is_admin',
      'u.is_national',
      sql<
        CurrentUser['chapters']
      >`coalesce((select json_agg(json_build_object('id', c.id, 'name', c.name, 'slug', c.slug, 'role', m.role))
        from memberships m join chapters c on c.id = m.chapter_id and c.deleted_at is null where m.user_id = u.id), '[]'::json)`.as(
        'chapters',
      ),
    ])
    .where('u.calendar_token', '=', hash)
    .where('u.active', '=', true)
    .executeTakeFirst()
  return (
    row && {
      id: row.id,
      name: row.name,
      email: row.email,
      isAdmin: row.is_admin,
      isNational: row.is_national,
      chapters: row.chapters,
    }
  )
}

export async function hasCalendarToken(db: Db, userId: number): Promise<boolean> {
  const row = await db.selectFrom('users').select('calendar_token').where('id', '=', userId).executeTakeFirst()
  return Boolean(row?.calendar_token)
}

export function setCalendarToken(db: Db, userId: number, hash: string | null) {
  return db.updateTable('users').set({ calendar_token: hash }).where('id', '=', userId).execute()
}
