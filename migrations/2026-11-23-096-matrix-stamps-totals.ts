// The matrix now keeps its column totals with its body list (see 095), and a
// total depends on each endorsement's status and dates too: an endorsement
// changed in place (not the app's way — it records history as new rows — but
// a fix made by hand) must move the stamp as well. Frozen once landed.
import { sql, type Kysely } from 'kysely'

const COLUMNS = ['slate_id', 'local_id', 'national_union_id', 'candidate_id', 'status', 'decided_on', 'created_at']
const OLD_COLUMNS = ['slate_id', 'local_id', 'national_union_id', 'candidate_id']

const changed = (columns: string[]) => sql.raw(columns.map((c) => `old.${c} is distinct from new.${c}`).join(' or '))

async function recreate(db: Kysely<any>, columns: string[]) {
  await sql`drop trigger if exists endorsements_stamp_update on endorsements`.execute(db)
  await sql`create constraint trigger endorsements_stamp_update after update on endorsements
    deferrable initially deferred for each row when (${changed(columns)}) execute function bump_slate_stamp()`.execute(db)
}

export async function up(db: Kysely<any>): Promise<void> {
  await recreate(db, COLUMNS)
}

export async function down(db: Kysely<any>): Promise<void> {
  await recreate(db, OLD_COLUMNS)
}
