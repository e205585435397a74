// Reads of the audit trail (keyset pagination on id: the table only grows).
import type { Db } from '../db/database.ts'

export async function listAudit(
  db: Db,
  f: { entity?: string; entityId?: string; action?: string; actorId?: number; before?: number },
  limit = 50,
) {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select([
      'a.id',
      'a.at',
      'a.action',
      'a.entity',
      'a.entity_id',
      'a.chapter_id',
      'a.before',
      'a.after',
      'a.request_id',
      'u.name as actor',
    ])
  if (f.entity) q = q.where('a.entity', '=', f.entity)
  if (f.entityId) q = q.where('a.entity_id', '=', f.entityId)
  if (f.action) q = q.where('a.action', '=', f.action)
  if (f.actorId) q = q.where('a.actor_id', '=', f.actorId)
  if (f.before) q = q.where('a.id', '<', f.before)
  const rows = await q
    .orderBy('a.id', 'desc')
    .limit(limit + 1)
    .execute()
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit }
}

/** One record's own history, for its "history" panel. */
export function entityHistory(db: Db, entity: string, entityId: string | number, limit = 30) {
  return db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select(['a.id', 'a.at', 'a.action', 'a.before', 'a.after', 'u.name as actor'])
    .where('a.entity', '=', entity)
    .where('a.entity_id', '=', String(entityId))
    .orderBy('a.id', 'desc')
    .limit(limit)
    .execute()
}
