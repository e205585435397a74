// The cookie-signing secret: from SESSION_SECRET if set, else created once and
// kept in the settings table, so every app instance on the database shares it.
import crypto from 'node:crypto'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'

export async function cookieSecret(db: Db, configured?: string): Promise<string> {
  if (configured) return configured
  const fresh = crypto.randomBytes(32).toString('hex')
  await db
    .insertInto('settings')
    .values({ key: 'cookie_secret', value: JSON.stringify(fresh) })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const row = await db
    .selectFrom('settings')
    .select(sql<string>`value #>> '{}'`.as('v'))
    .where('key', '=', 'cookie_secret')
    .executeTakeFirstOrThrow()
  return row.v
}
