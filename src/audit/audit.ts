// Writes audit rows inside the caller's transaction, so a change and its
// record commit or roll back together. Contact details are masked.
import type { Kysely, Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'

export type AuditActor = { actorId: number | null; requestId: string | null }
export type AuditEntry = {
  action: string
  entity: string
  entityId?: string | number | null
  chapterId?: number | null
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
}

const MASKED = new Set([
  'email',
  'phone',
  'password',
  'password_hash',
  'totp_secret',
  'recovery_codes',
  'token',
  'csrf_token',
  'calendar_token',
])
const DROPPED = new Set(['created_at', 'updated_at', 'search'])

export function maskRecord(rec: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!rec) return null
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(rec)) {
    if (DROPPED.has(k)) continue
    out[k] =
      MASKED.has(k) && v !== null && v !== undefined && v !== '' ? '•••' : v instanceof Date ? v.toISOString() : v
  }
  return out
}

/** Only the fields that changed, so the history reads as before → after. */
export function diffRecords(before: Record<string, unknown>, after: Record<string, unknown>) {
  const b: Record<string, unknown> = {}
  const a: Record<string, unknown> = {}
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (DROPPED.has(key) || key === 'version') continue
    const x = before[key] instanceof Date ? (before[key] as Date).toISOString() : before[key]
    const y = after[key] instanceof Date ? (after[key] as Date).toISOString() : after[key]
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      b[key] = x
      a[key] = y
    }
  }
  return { before: b, after: a }
}

export async function audit(
  db: Kysely<Database> | Transaction<Database>,
  actor: AuditActor,
  e: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_id: actor.actorId,
      request_id: actor.requestId,
      action: e.action,
      entity: e.entity,
      entity_id: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
      chapter_id: e.chapterId ?? null,
      before: e.before ? JSON.stringify(maskRecord(e.before)) : null,
      after: e.after ? JSON.stringify(maskRecord(e.after)) : null,
    })
    .execute()
}
