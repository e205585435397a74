// The meeting page's entries (attendance, amendments, the result), stored
// once per key the phone made. Reading them is one query per page.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'

type Q = Kysely<Database> | Transaction<Database>

export type EntryRow = {
  id: number
  key: string
  kind: 'attendance' | 'amendment' | 'result'
  data: Record<string, unknown>
  base_key: string | null
  conflict: boolean
  decision_id: number | null
  recorded_by: string | null
  created_at: Date
}

export async function listEntries(db: Q, driveId: number): Promise<EntryRow[]> {
  const r = await sql<EntryRow>`
    select e.id, e.key, e.kind, e.data, e.base_key, e.conflict, e.decision_id, u.name as recorded_by, e.created_at
    from meeting_entries e left join users u on u.id = e.recorded_by
    where e.drive_id = ${driveId}::int order by e.id limit 200`.execute(db)
  return r.rows
}

export function findEntryByKey(db: Q, key: string) {
  return db.selectFrom('meeting_entries').selectAll().where('key', '=', key).executeTakeFirst()
}

/** The latest non-conflicting entry of a kind (the one a new entry must have seen to replace it). */
export function latestOfKind(trx: Q, driveId: number, kind: 'attendance' | 'result') {
  return trx
    .selectFrom('meeting_entries')
    .select(['key', 'data', 'decision_id'])
    .where('drive_id', '=', driveId)
    .where('kind', '=', kind)
    .where('conflict', '=', false)
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/** Stores an entry unless its key is known; undefined when it was (sent twice: nothing new). */
export function insertEntry(
  trx: Q,
  e: {
    drive_id: number
    key: string
    kind: 'attendance' | 'amendment' | 'result'
    data: Record<string, unknown>
    base_key: string | null
    conflict: boolean
    recorded_by: number
    entered_at: string | null
  },
) {
  return trx
    .insertInto('meeting_entries')
    .values({ ...e, data: JSON.stringify(e.data) })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst()
}

export function setEntryDecision(trx: Q, id: number, decisionId: number) {
  return trx.updateTable('meeting_entries').set({ decision_id: decisionId }).where('id', '=', id).execute()
}

/** Serialises entries of one drive: two phones' results are decided one after the other. */
export async function lockDrive(trx: Q, driveId: number) {
  await sql`select pg_advisory_xact_lock(7, ${driveId}::int)`.execute(trx)
}

/** The resolution as filed (the motion), latest filing first. */
export function latestFiling(db: Q, driveId: number) {
  return db
    .selectFrom('filings')
    .select(['id', 'body', 'text_filed', sql<string>`filed_on::text`.as('filed_on')])
    .where('drive_id', '=', driveId)
    .where('deleted_at', 'is', null)
    .orderBy('filed_on', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst()
}
