// Loading a local someone means to change (404 when it is not there, 403 when they
// may not), and saving it at the version its form was opened at: one path for the
// local's edit form and quick form (unions) and its mapping facts (mapping). It writes the
// version-checked update and the audit entry of what changed in one transaction;
// when someone saved first it answers the conflict's message and "values saved
// now" panel (src/shared/conflict.ts) and the version to send back in the form.
import type { Selectable, Updateable } from 'kysely'
import type { CurrentUser } from '../auth/access.ts'
import { audit, diffRecords, type AuditActor } from '../audit/audit.ts'
import type { Db } from '../db/database.ts'
import type { LocalsTable } from '../db/schema.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import {
  conflictView,
  expectedVersion,
  isConflict,
  versionedTransaction,
  type ConflictView,
} from '../shared/conflict.ts'
import { findLocal, updateLocal } from './queries.ts'
import { mayEditLocal } from './rules.ts'

type LocalRow = Selectable<LocalsTable>
type Saved = { label: string; value: string }[]

/** The local with `id` for a person who may edit it: 404 when missing or deleted, 403 when they may not. */
export async function loadEditableLocal(db: Db, user: CurrentUser, id: number) {
  const local = await findLocal(db, id)
  if (!local) throw notFound('That local')
  if (!mayEditLocal(user, local.chapter_id)) throw forbidden()
  return local
}

export type LocalSave =
  | { ok: true; row: LocalRow }
  | { ok: false; conflict: ConflictView; current: LocalRow; version: string }

export async function saveLocal(
  db: Db,
  actor: AuditActor,
  o: {
    /** The local as it was read for this request (its chapter's `time_zone` words the conflict's time). */
    before: LocalRow & { time_zone: string | null }
    /** The form's version field, as sent. */
    version: unknown
    patch: Updateable<LocalsTable>
    /** The person saving, so their own other tab reads "You changed…". */
    userId: number
    /** The saved values the conflict panel lists. */
    saved: (current: LocalRow) => Saved
    /** The fields the audit entry compares (all of them unless given). */
    pick?: (l: LocalRow) => Record<string, unknown>
  },
): Promise<LocalSave> {
  const pick = o.pick ?? ((l: LocalRow) => l)
  const after = await versionedTransaction(db, async (trx) => {
    const row = await updateLocal(trx, o.before.id, expectedVersion(o.version), o.patch)
    if (isConflict(row)) return row
    const { before: b, after: a } = diffRecords(pick(o.before), pick(row))
    await audit(trx, actor, {
      action: 'update',
      entity: 'local',
      entityId: row.id,
      chapterId: row.chapter_id,
      before: b,
      after: a,
    })
    return row
  })
  if (!isConflict(after)) return { ok: true, row: after }
  const current = after.current
  if (!current) throw notFound('That local')
  const conflict = conflictView(after, {
    what: 'local',
    userId: o.userId,
    timeZone: o.before.time_zone,
    saved: o.saved(current),
  })
  return { ok: false, conflict, current, version: String(current.version) }
}
