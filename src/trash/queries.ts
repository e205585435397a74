// The trash: soft-deleted records of a chapter (locals, supporters, drives,
// conversations, filings, decisions, process pushes, and the whip count's
// body members, relationships, structure tests and pledges) with who deleted them and
// when (from the audit log), restore, and the reference check before a purge.
// Every read takes the scope; a record outside it is simply not found.
import { sql, type RawBuilder } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Scope } from '../auth/access.ts'

type EntityDef = {
  label: string
  table: string
  /** FROM clause; the record's alias is `t`. */
  from: string
  name: string
  chapter: string
  /** The parent that must be restored first (conversation → supporter, filing → drive …). */
  parent?: { label: string; deleted: string }
  hasVersion: boolean
}

const DRIVE_NAME = `coalesce(l.name, n.name, 'Drive #' || d.id)`
const DRIVE_FROM = (table: string) =>
  `${table} t join drives d on d.id = t.drive_id left join locals l on l.id = d.local_id ` +
  'left join national_unions n on n.id = d.national_union_id'

export const ENTITIES = {
  local: {
    label: 'Local',
    table: 'locals',
    from: 'locals t',
    name: 't.name',
    chapter: 't.chapter_id',
    hasVersion: true,
  },
  supporter: {
    label: 'Supporter',
    table: 'supporters',
    from: 'supporters t',
    name: 't.name',
    chapter: 't.chapter_id',
    hasVersion: true,
  },
  drive: {
    label: 'Drive',
    table: 'drives',
    from: 'drives t left join locals l on l.id = t.local_id left join national_unions n on n.id = t.national_union_id',
    name: `coalesce(l.name, n.name, 'Drive #' || t.id)`,
    chapter: 't.chapter_id',
    hasVersion: true,
  },
  conversation: {
    label: 'Conversation',
    table: 'conversations',
    from: 'conversations t join supporters s on s.id = t.supporter_id',
    name: `'With ' || s.name || ' on ' || to_char(t.held_on, 'YYYY-MM-DD')`,
    chapter: 's.chapter_id',
    parent: { label: 'supporter', deleted: 's.deleted_at is not null' },
    hasVersion: false,
  },
  filing: {
    label: 'Filing',
    table: 'filings',
    from: DRIVE_FROM('filings'),
    name: `${DRIVE_NAME} || ': filed with ' || t.body || ' on ' || to_char(t.filed_on, 'YYYY-MM-DD')`,
    chapter: 'd.chapter_id',
    parent: { label: 'drive', deleted: 'd.deleted_at is not null' },
    hasVersion: false,
  },
  decision: {
    label: 'Decision',
    table: 'decisions',
    from: DRIVE_FROM('decisions'),
    name: `${DRIVE_NAME} || ': ' || t.body || ' on ' || to_char(t.held_on, 'YYYY-MM-DD')`,
    chapter: 'd.chapter_id',
    parent: { label: 'drive', deleted: 'd.deleted_at is not null' },
    hasVersion: false,
  },
  process_push: {
    label: 'Process push',
    table: 'process_pushes',
    from: DRIVE_FROM('process_pushes'),
    name: `${DRIVE_NAME} || coalesce(': ' || t.body, '')`,
    chapter: 'd.chapter_id',
    parent: { label: 'drive', deleted: 'd.deleted_at is not null' },
    hasVersion: false,
  },
  // The whip count (issue 17): removed body members, relationships, structure tests and withdrawn pledges.
  body_member: {
    label: 'Body member',
    table: 'body_members',
    from: `body_members t join deciding_bodies b on b.id = t.body_id join drives d on d.id = b.drive_id
      left join locals l on l.id = d.local_id left join national_unions n on n.id = d.national_union_id
      left join supporters s on s.id = t.supporter_id`,
    name: `coalesce(s.name, t.name, 'Member') || coalesce(' (' || t.seat || ')', '')
      || ', ' || b.name || ' of ' || ${DRIVE_NAME}`,
    chapter: 'd.chapter_id',
    parent: { label: 'drive', deleted: '(d.deleted_at is not null or b.deleted_at is not null)' },
    hasVersion: true,
  },
  relationship: {
    label: 'Relationship',
    table: 'relationships',
    from: `relationships t left join supporters sa on sa.id = t.a_supporter_id
      left join supporters sb on sb.id = t.b_supporter_id
      left join body_members ma on ma.id = t.a_member_id left join body_members mb on mb.id = t.b_member_id`,
    name: `coalesce(sa.name, ma.name, 'Someone') || ' knows ' || coalesce(sb.name, mb.name, 'someone')`,
    chapter: 't.chapter_id',
    parent: {
      label: 'person',
      deleted: `(sa.deleted_at is not null or sb.deleted_at is not null
        or ma.deleted_at is not null or mb.deleted_at is not null)`,
    },
    hasVersion: true,
  },
  structure_test: {
    label: 'Structure test',
    table: 'structure_tests',
    from: DRIVE_FROM('structure_tests'),
    name: `${DRIVE_NAME} || ': ' || t.name`,
    chapter: 'd.chapter_id',
    parent: { label: 'drive', deleted: 'd.deleted_at is not null' },
    hasVersion: true,
  },
  turnout_pledge: {
    label: 'Pledge',
    table: 'turnout_pledges',
    from: `${DRIVE_FROM('turnout_pledges')} join supporters s on s.id = t.supporter_id`,
    name: `s.name || ' pledged to attend (' || ${DRIVE_NAME} || ')'`,
    chapter: 'd.chapter_id',
    parent: { label: 'supporter or drive', deleted: '(d.deleted_at is not null or s.deleted_at is not null)' },
    hasVersion: true,
  },
} satisfies Record<string, EntityDef>

export type EntityKey = keyof typeof ENTITIES
export const ENTITY_KEYS = Object.keys(ENTITIES) as EntityKey[]
export const isEntityKey = (v: unknown): v is EntityKey => typeof v === 'string' && Object.hasOwn(ENTITIES, v)

export type TrashRow = {
  entity: EntityKey
  id: number
  name: string
  chapter_id: number | null
  chapter_name: string | null
  deleted_at: Date
  parent_deleted: boolean
  deleted_by: string | null
  deleted_logged_at: Date | null
}

function scopeFilter(def: EntityDef, scope: Scope): RawBuilder<unknown> {
  if (scope.chapterIds === null) return sql`true`
  if (scope.chapterIds.length === 0) return sql`false`
  return sql`${sql.raw(def.chapter)} in (${sql.join(scope.chapterIds)})`
}

function selectOne(key: EntityKey, scope: Scope, where: RawBuilder<unknown> = sql`true`): RawBuilder<unknown> {
  const def: EntityDef = ENTITIES[key]
  return sql`select ${key}::text as entity, t.id, ${sql.raw(def.name)} as name, ${sql.raw(def.chapter)} as chapter_id,
    t.deleted_at, ${sql.raw(def.parent?.deleted ?? 'false')} as parent_deleted
    from ${sql.raw(def.from)} where t.deleted_at is not null and ${scopeFilter(def, scope)} and ${where}`
}

/** Deleted records in scope, newest first, with who deleted them (one query). */
export async function listTrash(
  db: Db,
  scope: Scope,
  f: { chapterId?: number | null; entity?: EntityKey | null; limit?: number } = {},
): Promise<TrashRow[]> {
  const keys = f.entity ? [f.entity] : ENTITY_KEYS
  const union = sql.join(
    keys.map((k) => selectOne(k, scope)),
    sql` union all `,
  )
  const { rows } = await sql<TrashRow>`
    select x.entity, x.id, coalesce(x.name, '') as name, x.chapter_id, c.name as chapter_name, x.deleted_at,
      x.parent_deleted, u.name as deleted_by, a.at as deleted_logged_at
    from (${union}) x
    left join chapters c on c.id = x.chapter_id
    left join lateral (
      select a.actor_id, a.at from audit_log a
      where a.entity = x.entity and a.entity_id = x.id::text and a.action = 'delete'
      order by a.id desc limit 1
    ) a on true
    left join users u on u.id = a.actor_id
    where ${f.chapterId ? sql`x.chapter_id = ${f.chapterId}` : sql`true`}
    order by x.deleted_at desc, x.entity, x.id desc
    limit ${f.limit ?? 500}`.execute(db)
  return rows
}

/** One deleted record in scope, or undefined. */
export async function findTrashed(
  db: Db,
  scope: Scope,
  entity: EntityKey,
  id: number,
): Promise<Omit<TrashRow, 'chapter_name' | 'deleted_by' | 'deleted_logged_at'> | undefined> {
  const { rows } = await sql<
    Omit<TrashRow, 'chapter_name' | 'deleted_by' | 'deleted_logged_at'>
  >`${selectOne(entity, scope, sql`t.id = ${id}`)}`.execute(db)
  return rows[0]
}

/** Clears deleted_at; returns false when it was no longer deleted. */
export async function restoreRecord(db: Db, entity: EntityKey, id: number): Promise<boolean> {
  const def: EntityDef = ENTITIES[entity]
  const bump = def.hasVersion ? sql`, version = version + 1` : sql``
  const r = await sql`update ${sql.table(def.table)} set deleted_at = null ${bump}
      where id = ${id} and deleted_at is not null`.execute(db)
  return Number(r.numAffectedRows ?? 0) > 0
}

/**
 * What still points at the record (every foreign key to its table, deleted
 * rows included), as labels like "3 conversations": empty means it can be purged.
 */
export async function referencesTo(db: Db, entity: EntityKey, id: number): Promise<string[]> {
  const def: EntityDef = ENTITIES[entity]
  const { rows: fks } = await sql<{ tbl: string; col: string }>`
    select cl.relname as tbl, att.attname as col
    from pg_constraint con
    join pg_class cl on cl.oid = con.conrelid
    join pg_namespace ns on ns.oid = cl.relnamespace
    join pg_attribute att on att.attrelid = con.conrelid and att.attnum = con.conkey[1]
    where con.contype = 'f' and con.confrelid = ${def.table}::regclass and array_length(con.conkey, 1) = 1
      and ns.nspname = 'public'
    order by cl.relname, att.attname`.execute(db)
  if (!fks.length) return []
  const counts = sql.join(
    fks.map(
      (fk) =>
        sql`select ${fk.tbl}::text as tbl, count(*)::int as n from ${sql.table(fk.tbl)}
          where ${sql.ref(fk.col)} = ${id}`,
    ),
    sql` union all `,
  )
  const { rows } = await sql<{
    tbl: string
    n: number
  }>`select tbl, sum(n)::int as n from (${counts}) c group by tbl having sum(n) > 0 order by tbl`.execute(db)
  return rows.map((r) => `${r.n} ${r.tbl.replace(/_/g, ' ')}`)
}

/** Hard-deletes a record that is in the trash; false when it was not (any more). */
export async function purgeRecord(db: Db, entity: EntityKey, id: number): Promise<boolean> {
  const def: EntityDef = ENTITIES[entity]
  const r = await sql`delete from ${sql.table(def.table)} where id = ${id} and deleted_at is not null`.execute(db)
  return Number(r.numAffectedRows ?? 0) > 0
}

/** Every live chapter, for an admin's chapter filter. */
export function listChapterChoices(db: Db) {
  return db.selectFrom('chapters').select(['id', 'name']).where('deleted_at', 'is', null).orderBy('name').execute()
}
