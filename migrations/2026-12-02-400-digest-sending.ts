// A digest is marked `sending` in a transaction of its own, committed before
// the SMTP conversation starts, so a failure after the server accepted the
// message (the commit that records it, the process) can never send it again:
// a retry that finds `sending` records `unconfirmed` instead and sends
// nothing. A send the SMTP server refused goes back to `pending` and is
// retried. `sending_at` says when the attempt started. Frozen once landed.
import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table digest_sends drop constraint digest_sends_status_check`.execute(db)
  await sql`alter table digest_sends add constraint digest_sends_status_check
    check (status in ('pending', 'sending', 'sent', 'unconfirmed', 'built', 'empty'))`.execute(db)
  await sql`alter table digest_sends add column sending_at timestamptz`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table digest_sends drop column if exists sending_at`.execute(db)
  await sql`update digest_sends set status = 'pending' where status in ('sending', 'unconfirmed')`.execute(db)
  await sql`alter table digest_sends drop constraint digest_sends_status_check`.execute(db)
  await sql`alter table digest_sends add constraint digest_sends_status_check
    check (status in ('pending', 'sent', 'built', 'empty'))`.execute(db)
}
