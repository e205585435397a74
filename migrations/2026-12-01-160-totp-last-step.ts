// The last TOTP time step each user logged in (or enrolled) with: a code at or
// before it is refused, so one code cannot complete two logins inside its
// 30-second window (issue 15, item 2). Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table users add column totp_last_step bigint`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table users drop column totp_last_step`.execute(db)
}
