// One way to save a record that two people may edit at once. A form carries the
// version it was opened at; `updateVersioned` writes only if the row is still at
// that version and otherwise answers a `VersionConflict` saying who changed the
// record last and when (read from the audit log) and what is saved now.
// `versionedTransaction` rolls back everything the transaction did when a
// conflict is returned, and `conflictView` turns it into the message and the
// "values saved now" panel (views/partials/_conflict.eta) of a 409 re-render.
// How a feature adopts it: CONTRIBUTING.md, "Two people saving the same thing".
import { sql, type Kysely, type RawBuilder, type Selectable, type Transaction, type Updateable } from 'kysely'
import { DateTime } from 'luxon'
import type { Database } from '../db/schema.ts'

type Q = Kysely<Database> | Transaction<Database>

/** The tables whose rows carry a `version` column. */
export type VersionedTable = {
  [K in keyof Database]: Database[K] extends { version: unknown; id: unknown } ? K : never
}[keyof Database]

/** The audit log's name for each versioned table's rows. */
const ENTITY: Record<VersionedTable, string> = {
  chapters: 'chapter',
  national_unions: 'national_union',
  locals: 'local',
  users: 'user',
  slates: 'slate',
  candidates: 'candidate',
  drives: 'drive',
  resolutions: 'resolution',
  supporters: 'supporter',
  labor_circles: 'labor_circle',
  assignments: 'assignment',
  deciding_bodies: 'deciding_body',
  body_members: 'body_member',
  turnout_pledges: 'turnout_pledge',
  relationships: 'relationship',
  structure_tests: 'structure_test',
  resolution_adaptations: 'resolution_adaptation',
}

/** Someone saved the record after the form was opened (or it was deleted meanwhile). */
export class VersionConflict<Row = Record<string, unknown>> {
  readonly kind = 'conflict' as const
  constructor(
    readonly entity: string,
    readonly id: number,
    /** The row as saved now; `undefined` when it was deleted. */
    readonly current: Row | undefined,
    /** The last change in the audit log: who (null when the app itself) and when. */
    readonly last: { actorId: number | null; actorName: string | null; at: Date } | undefined,
  ) {}
}

// Kysely cannot follow a table name chosen by a type parameter; the exported signatures keep callers typed.
const anyTable = (db: Q) => db as unknown as Kysely<any>

type AnyConflict = VersionConflict<any>

export function isConflict<T>(x: T): x is Extract<T, AnyConflict> {
  return x instanceof VersionConflict
}

/** A form's version field as a number; -1 (never a real version) when missing or junk. */
export function expectedVersion(raw: unknown): number {
  const s = String(raw ?? '')
  return /^\d{1,9}$/.test(s) ? Number(s) : -1
}

/** The columns to write: plain values, or SQL such as `sql\`now()\``. */
export type VersionedPatch<T extends VersionedTable> = {
  [K in keyof Updateable<Database[T]>]?: Updateable<Database[T]>[K] | RawBuilder<unknown>
}

/**
 * Writes `patch` to the row if it is still at `expected`, bumping its version and
 * `updated_at`. Returns the updated row, or a `VersionConflict` describing the row
 * as saved now and its last change.
 */
export async function updateVersioned<T extends VersionedTable>(
  db: Q,
  table: T,
  id: number,
  expected: number,
  patch: VersionedPatch<T>,
): Promise<Selectable<Database[T]> | VersionConflict<Selectable<Database[T]>>> {
  const q = anyTable(db)
  const row = await q
    .updateTable(table as string)
    .set({ ...(patch as object), version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .where('version', '=', expected)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
  if (row) return row as Selectable<Database[T]>
  return readConflict(db, table, id)
}

/** What a conflict on one row looks like now: its saved values and its last change (two queries). */
export async function readConflict<T extends VersionedTable>(
  db: Q,
  table: T,
  id: number,
): Promise<VersionConflict<Selectable<Database[T]>>> {
  const entity = ENTITY[table]
  const q = anyTable(db)
  const [current, last] = await Promise.all([
    q
      .selectFrom(table as string)
      .selectAll()
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst(),
    db
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select(['a.actor_id', 'u.name', 'a.at'])
      .where('a.entity', '=', entity)
      .where('a.entity_id', '=', String(id))
      .orderBy('a.id', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ])
  return new VersionConflict(
    entity,
    id,
    current as Selectable<Database[T]> | undefined,
    last ? { actorId: last.actor_id, actorName: last.name, at: last.at } : undefined,
  )
}

/**
 * Runs `fn` in a transaction. When it returns a `VersionConflict` (from `updateVersioned`),
 * everything it wrote is rolled back and the conflict is returned.
 */
export async function versionedTransaction<R>(
  db: Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<R>,
): Promise<R> {
  const rollback = Symbol('conflict')
  let conflict: R | undefined
  try {
    return await db.transaction().execute(async (trx) => {
      const out = await fn(trx)
      if (isConflict(out)) {
        conflict = out
        throw rollback
      }
      return out
    })
  } catch (err) {
    if (err === rollback && conflict) return conflict
    throw err
  }
}

export type ConflictView = {
  /** One sentence naming who changed what and when, for the form's message. */
  message: string
  /** The saved values, for the "values saved now" panel. */
  saved: { label: string; value: string }[]
}

function when(at: Date, zone: string): string {
  const t = DateTime.fromJSDate(at).setZone(zone)
  const z = t.isValid ? t : DateTime.fromJSDate(at).toUTC()
  const today = DateTime.now().setZone(z.zone).hasSame(z, 'day')
  return today ? `at ${z.toFormat('HH:mm')}` : `on ${z.toFormat('d LLL yyyy')} at ${z.toFormat('HH:mm')}`
}

/**
 * The message and panel of a 409. `what` names the record ("drive", "local"); `userId` is the
 * person saving, so their own other tab reads "You changed…", not "Someone else…".
 */
export function conflictView(
  c: AnyConflict,
  o: { what: string; userId: number | null; timeZone?: string | null; saved?: { label: string; value: string }[] },
): ConflictView {
  const zone = o.timeZone || 'UTC'
  const tail = 'your values are below, the saved ones beside them. Save again to apply yours.'
  let message: string
  if (c.current === undefined) message = `This ${o.what} was deleted after you opened it; nothing was saved.`
  else if (!c.last) message = `Someone else changed this ${o.what} after you opened it — ${tail}`
  else if (c.last.actorId !== null && c.last.actorId === o.userId)
    message = `You changed this ${o.what} in another tab ${when(c.last.at, zone)} — ${tail}`
  else message = `${c.last.actorName ?? 'Someone else'} changed this ${o.what} ${when(c.last.at, zone)} — ${tail}`
  return { message, saved: (o.saved ?? []).map((s) => ({ label: s.label, value: s.value === '' ? '—' : s.value })) }
}
