// Supporters, support levels, conversations and teams. Every read takes the
// caller's chapter scope (another chapter's supporter is simply not found) and
// a contact scope: email and phone are only selected for chapters where the
// caller may see them — for a volunteer they are never fetched at all.
import { sql, type Kysely, type Transaction, type Expression, type SqlBool } from 'kysely'
import type { Db } from '../db/database.ts'
import type { ConversationKind, Database, RoleInLocal, TeamRole } from '../db/schema.ts'
import { can, type CurrentUser, type Scope } from '../auth/access.ts'
import { updateVersioned } from '../shared/conflict.ts'

type Q = Kysely<Database> | Transaction<Database>
export const PAGE_SIZE = 50

/** Chapters whose supporters the user may list and open (national reviewers: none). */
export function peopleScope(user: CurrentUser): Scope {
  if (user.isAdmin) return { chapterIds: null }
  return { chapterIds: user.chapters.map((c) => c.id) }
}

/** Chapters where the user may see email and phone. */
export function contactScope(user: CurrentUser): Scope {
  if (user.isAdmin) return { chapterIds: null }
  return { chapterIds: user.chapters.filter((c) => can.seeContacts(user, c.id)).map((c) => c.id) }
}

const ids = (s: Scope) => (s.chapterIds?.length ? s.chapterIds : [0])

/** email/phone columns, or NULL literals when the caller may not see them. */
function contactColumns(contacts: Scope) {
  if (contacts.chapterIds === null)
    return [sql<string | null>`s.email`.as('email'), sql<string | null>`s.phone`.as('phone')]
  if (contacts.chapterIds.length === 0)
    return [sql<string | null>`null::text`.as('email'), sql<string | null>`null::text`.as('phone')]
  const list = contacts.chapterIds
  return [
    sql<string | null>`case when s.chapter_id = any(${list}::int[]) then s.email end`.as('email'),
    sql<string | null>`case when s.chapter_id = any(${list}::int[]) then s.phone end`.as('phone'),
  ]
}

export type PeopleFilters = {
  q?: string
  local?: number
  level?: number | 'none'
  role?: RoleInLocal
  tag?: string
  member?: boolean
  stale?: number
  /** The latest conversation asked for a follow-up that is due (today or earlier, in the chapter's zone). */
  followUpDue?: boolean
  sort: 'name' | 'level' | 'contact' | 'updated'
  deleted?: boolean
}

export async function listSupporters(
  db: Db,
  scope: Scope,
  contacts: Scope,
  f: PeopleFilters,
  offset: number,
  limit = PAGE_SIZE,
  o: { export?: boolean } = {},
) {
  let q = db
    .selectFrom('supporters as s')
    .leftJoin('locals as l', 'l.id', 's.local_id')
    .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
    .select([
      's.id',
      's.name',
      's.chapter_id',
      's.local_id',
      's.role_in_local',
      's.chapter_member',
      's.current_level',
      's.last_contact_on',
      's.tags',
      's.do_not_contact',
      's.keep_off_shared_lists',
      's.potential_leader',
      's.preferred_language',
      's.deleted_at',
      'l.name as local_name',
      'n.abbreviation as union_abbreviation',
      ...contactColumns(contacts),
    ])
  if (scope.chapterIds !== null) q = q.where('s.chapter_id', 'in', ids(scope))
  q = f.deleted ? q.where('s.deleted_at', 'is not', null) : q.where('s.deleted_at', 'is', null)
  q = q.where(keptOffVisible('s', o.export ? { chapterIds: [] } : contacts))
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`
    // Searching contact details only where the caller may see them, so a search never reveals them.
    const contactMatch: Expression<SqlBool> =
      contacts.chapterIds === null
        ? sql<SqlBool>`(s.email_normalised ilike ${like} or s.phone ilike ${like})`
        : contacts.chapterIds.length === 0
          ? sql<SqlBool>`false`
          : sql<SqlBool>`(s.chapter_id = any(${contacts.chapterIds}::int[])
              and (s.email_normalised ilike ${like} or s.phone ilike ${like}))`
    // Names are matched without accents or case ("jose" finds "José"); tf_fold has trigram indexes on both.
    const nameMatch = sql<SqlBool>`(tf_fold(s.name) like tf_fold(${like}) or tf_fold(l.name) like tf_fold(${like}))`
    q = q.where((eb) => eb.or([nameMatch, contactMatch]))
  }
  if (f.local) q = q.where('s.local_id', '=', f.local)
  if (f.level === 'none') q = q.where('s.current_level', 'is', null)
  else if (f.level) q = q.where('s.current_level', '=', f.level)
  if (f.role) q = q.where('s.role_in_local', '=', f.role)
  if (f.tag) q = q.where(sql<SqlBool>`s.tags @> array[${f.tag}]::text[]`)
  if (f.member !== undefined) q = q.where('s.chapter_member', '=', f.member)
  if (f.stale !== undefined)
    q = q.where((eb) =>
      eb.or([
        eb('s.last_contact_on', 'is', null),
        eb('s.last_contact_on', '<', sql<string>`current_date - ${f.stale}::int`),
      ]),
    )
  if (f.followUpDue)
    q = q.where(
      sql<SqlBool>`(select x.follow_up_on from conversations x where x.supporter_id = s.id and x.deleted_at is null
        order by x.held_on desc, x.id desc limit 1)
        <= (select (now() at time zone ch.time_zone)::date from chapters ch where ch.id = s.chapter_id)`,
    )
  switch (f.sort) {
    case 'level':
      q = q.orderBy(sql`s.current_level asc nulls last`).orderBy('s.name').orderBy('s.id')
      break
    case 'contact':
      q = q.orderBy(sql`s.last_contact_on asc nulls first`).orderBy('s.name').orderBy('s.id')
      break
    case 'updated':
      q = q.orderBy('s.updated_at', 'desc').orderBy('s.id')
      break
    default:
      q = q.orderBy('s.name').orderBy('s.id')
  }
  const rows = await q
    .limit(limit + 1)
    .offset(offset)
    .execute()
  return { rows: rows.slice(0, limit), hasMore: rows.length > limit }
}
export type SupporterListRow = Awaited<ReturnType<typeof listSupporters>>['rows'][number]

/** One supporter with its level history, conversations and teams (one query, nested JSON). */
export function findSupporter(db: Q, scope: Scope, contacts: Scope, id: number, o: { withDeleted?: boolean } = {}) {
  let q = db
    .selectFrom('supporters as s')
    .leftJoin('locals as l', 'l.id', 's.local_id')
    .leftJoin('chapters as c', 'c.id', 's.chapter_id')
    .select([
      's.id',
      's.chapter_id',
      's.local_id',
      's.name',
      's.role_in_local',
      's.chapter_member',
      's.preferred_language',
      's.tags',
      's.notes',
      's.do_not_contact',
      's.keep_off_shared_lists',
      's.potential_leader',
      's.current_level',
      's.last_contact_on',
      's.version',
      's.created_at',
      's.updated_at',
      's.deleted_at',
      'l.name as local_name',
      'c.name as chapter_name',
      'c.time_zone',
      ...contactColumns(contacts),
      sql<
        { level: number; note: string | null; at: string; actor: string | null }[]
      >`coalesce((select json_agg(json_build_object('level', v.level, 'note', v.note, 'at', v.at, 'actor', u.name)
          order by v.at desc, v.id desc)
        from support_levels v left join users u on u.id = v.actor_id where v.supporter_id = s.id), '[]')`.as('levels'),
      sql<
        {
          id: number
          kind: ConversationKind
          held_on: string
          outcome: string | null
          note: string | null
          follow_up_on: string | null
          by: string | null
        }[]
      >`coalesce((select json_agg(json_build_object('id', k.id, 'kind', k.kind, 'held_on', k.held_on,
          'outcome', k.outcome, 'note', k.note, 'follow_up_on', k.follow_up_on, 'by', u.name)
          order by k.held_on desc, k.id desc)
        from conversations k left join users u on u.id = k.by_user_id
        where k.supporter_id = s.id and k.deleted_at is null), '[]')`.as('conversations'),
      sql<
        { drive_id: number; role: TeamRole; trained_on: string | null; drive: string }[]
      >`coalesce((select json_agg(json_build_object('drive_id', t.drive_id, 'role', t.role, 'trained_on', t.trained_on,
          'drive', coalesce(dl.name, 'Drive') || ' — ' || sl.name) order by t.id)
        from team_members t join drives d on d.id = t.drive_id join slates sl on sl.id = d.slate_id
          left join locals dl on dl.id = d.local_id
        where t.supporter_id = s.id and t.deleted_at is null and d.deleted_at is null), '[]')`.as('teams'),
    ])
    .where('s.id', '=', id)
  if (!o.withDeleted) q = q.where('s.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('s.chapter_id', 'in', ids(scope))
  return q.executeTakeFirst()
}
export type SupporterRow = NonNullable<Awaited<ReturnType<typeof findSupporter>>>

/** The raw row, for writes and audit (inside the caller's transaction). */
export function findSupporterRaw(db: Q, id: number) {
  return db.selectFrom('supporters').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Locals the user may file a supporter under (chapter locals in scope), for selects. */
export function listLocalOptions(db: Db, scope: Scope) {
  let q = db
    .selectFrom('locals as l')
    .innerJoin('chapters as c', 'c.id', 'l.chapter_id')
    .select(['l.id', 'l.name', 'l.chapter_id', 'c.name as chapter_name'])
    .where('l.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('l.chapter_id', 'in', ids(scope))
  return q.orderBy('l.name').limit(1000).execute()
}

/** Active drives in scope (for "add to a team"). */
export function findLocalForSupporter(db: Q, scope: Scope, localId: number) {
  let q = db
    .selectFrom('locals')
    .select(['id', 'name', 'chapter_id'])
    .where('id', '=', localId)
    .where('deleted_at', 'is', null)
    .where('chapter_id', 'is not', null)
  if (scope.chapterIds !== null) q = q.where('chapter_id', 'in', ids(scope))
  return q.executeTakeFirst()
}

export type SupporterInput = {
  chapter_id: number
  local_id: number
  name: string
  role_in_local: RoleInLocal
  chapter_member: boolean
  email: string | null
  phone: string | null
  preferred_language: string | null
  tags: string[]
  notes: string | null
  do_not_contact: boolean
  keep_off_shared_lists: boolean
  potential_leader: boolean
}

export function insertSupporter(trx: Q, input: SupporterInput) {
  return trx
    .insertInto('supporters')
    .values({ ...input, email_normalised: input.email })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** The live supporter of a chapter who already has this email or phone (what a duplicate save collided with). */
export function findSupporterWithContact(db: Db, chapterId: number, field: 'email' | 'phone', value: string | null) {
  if (!value) return Promise.resolve(undefined)
  return db
    .selectFrom('supporters')
    .select(['id', 'name'])
    .where('chapter_id', '=', chapterId)
    .where(field === 'email' ? 'email_normalised' : 'phone', '=', value)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/** Updates only if the version matches; undefined means someone else saved first. */
/** Version-checked (src/shared/conflict.ts): the saved row, or a `VersionConflict` saying who saved first. */
export function updateSupporter(trx: Q, id: number, version: number, input: Partial<SupporterInput>) {
  const patch = 'email' in input ? { ...input, email_normalised: input.email ?? null } : input
  return updateVersioned(trx, 'supporters', id, version, patch)
}

export function setSupportersDeleted(trx: Q, idList: number[], deleted: boolean) {
  if (!idList.length) return Promise.resolve([])
  return trx
    .updateTable('supporters')
    .set({ deleted_at: deleted ? sql`now()` : null, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', 'in', idList)
    .where('deleted_at', deleted ? 'is' : 'is not', null)
    .returning(['id', 'chapter_id', 'name', 'deleted_at'])
    .execute()
}

/** Records a level for each supporter and keeps current_level in step (same transaction). */
export async function insertLevels(
  trx: Q,
  supporterIds: number[],
  level: number,
  note: string | null,
  actorId: number | null,
) {
  if (!supporterIds.length) return
  await sql`insert into support_levels (supporter_id, level, note, actor_id)
    select unnest(${supporterIds}::int[]), ${level}, ${note}, ${actorId}`.execute(trx)
  // No version bump: the level is not part of the edit form, so a level logged meanwhile is no conflict.
  await trx
    .updateTable('supporters')
    .set({ current_level: level, updated_at: sql`now()` })
    .where('id', 'in', supporterIds)
    .execute()
}

export async function insertConversation(
  trx: Q,
  c: {
    supporter_id: number
    drive_id: number | null
    kind: ConversationKind
    held_on: string
    by_user_id: number | null
    outcome: string | null
    note: string | null
    follow_up_on: string | null
  },
) {
  const row = await trx.insertInto('conversations').values(c).returningAll().executeTakeFirstOrThrow()
  await trx
    .updateTable('supporters')
    .set({ last_contact_on: sql`greatest(last_contact_on, ${c.held_on}::date)`, updated_at: sql`now()` })
    .where('id', '=', c.supporter_id)
    .execute()
  return row
}

/** Activity on a supporter counts as activity on their local's drives (the review's stalled list reads it). */
export function touchLocalDrives(trx: Q, localIds: (number | null)[]) {
  const list = [...new Set(localIds.filter((x): x is number => x !== null))]
  if (!list.length) return Promise.resolve()
  return trx
    .updateTable('drives')
    .set({ last_activity_at: sql`now()` })
    .where('local_id', 'in', list)
    .where('deleted_at', 'is', null)
    .execute()
    .then(() => undefined)
}

/** The drive of a supporter's local (latest active first), for tying a conversation to it. */
export function findLocalDriveId(trx: Q, localId: number | null) {
  if (localId === null) return Promise.resolve(undefined)
  return trx
    .selectFrom('drives')
    .select('id')
    .where('local_id', '=', localId)
    .where('deleted_at', 'is', null)
    .orderBy(sql`status = 'active' desc`)
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

export function findDriveInScope(db: Q, scope: Scope, id: number) {
  let q = db
    .selectFrom('drives as d')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .select(['d.id', 'd.local_id', 'd.chapter_id', 'l.name as local_name'])
    .where('d.id', '=', id)
    .where('d.deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('d.chapter_id', 'in', ids(scope))
  return q.executeTakeFirst()
}

/** Adds (or updates) supporters on a drive's team. */
export function upsertTeamMembers(
  trx: Q,
  driveId: number,
  supporterIds: number[],
  role: TeamRole,
  trainedOn: string | null,
) {
  if (!supporterIds.length) return Promise.resolve()
  return sql`
    insert into team_members (drive_id, supporter_id, role, trained_on)
    select ${driveId}, unnest(${supporterIds}::int[]), ${role}, ${trainedOn}::date
    on conflict (drive_id, supporter_id) where deleted_at is null
    do update set role = excluded.role, trained_on = coalesce(excluded.trained_on, team_members.trained_on)`
    .execute(trx)
    .then(() => undefined)
}

export function listTeam(db: Q, driveId: number) {
  return db
    .selectFrom('team_members as t')
    .innerJoin('supporters as s', 's.id', 't.supporter_id')
    .select(['t.id', 't.role', 't.trained_on', 's.id as supporter_id', 's.name', 's.current_level'])
    .where('t.drive_id', '=', driveId)
    .where('t.deleted_at', 'is', null)
    .where('s.deleted_at', 'is', null)
    .orderBy(sql`case t.role when 'lead' then 1 when 'coach' then 2 else 3 end`)
    .orderBy('s.name')
    .execute()
}

export async function addTags(trx: Q, idList: number[], tag: string) {
  if (!idList.length) return
  await trx
    .updateTable('supporters')
    .set({ tags: sql`array_append(tags, ${tag}::text)`, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', 'in', idList)
    .where(sql<SqlBool>`not (tags @> array[${tag}]::text[])`)
    .execute()
}

/** Of these ids, the ones in scope and not deleted (with their chapter and local). */
/**
 * "Keep off shared lists" means: never in an export or a bulk action, and in
 * no list anyone but the chapter's organizers (and admins) sees. Such a supporter
 * is seen only by them, on the people list and on their own page. `shownTo` is
 * where they may appear (the contact scope); an empty scope hides them all.
 */
export function keptOffVisible(alias: 's' | 'supporters', shownTo: Scope): Expression<SqlBool> {
  const flag = sql.ref(`${alias}.keep_off_shared_lists`)
  if (shownTo.chapterIds === null) return sql<SqlBool>`true`
  if (shownTo.chapterIds.length === 0) return sql<SqlBool>`not ${flag}`
  return sql<SqlBool>`(not ${flag} or ${sql.ref(`${alias}.chapter_id`)} = any(${shownTo.chapterIds}::int[]))`
}

/** Of these ids, the ones a bulk action may touch: in scope, not deleted, not kept off shared lists. */
export function supportersForBulk(db: Q, scope: Scope, idList: number[]) {
  return supportersInScope(db, scope, idList).then((rows) => rows.filter((r) => !r.keep_off_shared_lists))
}

export function supportersInScope(db: Q, scope: Scope, idList: number[]) {
  let q = db
    .selectFrom('supporters')
    .select(['id', 'chapter_id', 'local_id', 'keep_off_shared_lists'])
    .where('id', 'in', idList.length ? idList : [0])
    .where('deleted_at', 'is', null)
  if (scope.chapterIds !== null) q = q.where('chapter_id', 'in', ids(scope))
  return q.execute()
}

export type SupporterFacts = {
  supportersLevel12: number
  potentialLeaders: number
  leadersTrained: number
  byLevel: Record<1 | 2 | 3 | 4 | 5, number>
  boardShare: { atLevel12: number; total: number }
}

/**
 * The supporter roll-up per drive, by the drive's local, in one aggregate query:
 * supporters at level 1–2, potential leaders, trained team members, counts by
 * level, and executive-board/delegate supporters at level 1–2 out of those known.
 */
export async function supporterFacts(db: Q, driveIds: number[]): Promise<Map<number, SupporterFacts>> {
  const out = new Map<number, SupporterFacts>()
  if (!driveIds.length) return out
  const { rows } = await sql<{
    drive_id: number
    l1: number
    l2: number
    l3: number
    l4: number
    l5: number
    leaders: number
    board12: number
    board: number
    trained: number
  }>`
    select d.id as drive_id,
      count(s.id) filter (where s.current_level = 1)::int as l1,
      count(s.id) filter (where s.current_level = 2)::int as l2,
      count(s.id) filter (where s.current_level = 3)::int as l3,
      count(s.id) filter (where s.current_level = 4)::int as l4,
      count(s.id) filter (where s.current_level = 5)::int as l5,
      count(s.id) filter (where s.potential_leader)::int as leaders,
      count(s.id) filter (where s.role_in_local in ('executive_board', 'delegate')
        and s.current_level in (1, 2))::int as board12,
      count(s.id) filter (where s.role_in_local in ('executive_board', 'delegate'))::int as board,
      (select count(*) from team_members t join supporters ts on ts.id = t.supporter_id and ts.deleted_at is null
        where t.drive_id = d.id and t.deleted_at is null and t.trained_on is not null
          and t.trained_on <= current_date)::int as trained
    from drives d
    left join supporters s on s.local_id = d.local_id and (d.chapter_id is null or s.chapter_id = d.chapter_id)
      and s.deleted_at is null
    where d.id = any(${driveIds}::int[])
    group by d.id`.execute(db)
  for (const r of rows) {
    out.set(r.drive_id, {
      supportersLevel12: r.l1 + r.l2,
      potentialLeaders: r.leaders,
      leadersTrained: r.trained,
      byLevel: { 1: r.l1, 2: r.l2, 3: r.l3, 4: r.l4, 5: r.l5 },
      boardShare: { atLevel12: r.board12, total: r.board },
    })
  }
  return out
}

/**
 * Merges `otherId` into `keepId`: levels, conversations and team roles move,
 * tags are united, empty fields are filled from the other, the other is soft-deleted.
 */
export async function mergeSupporters(trx: Q, keepId: number, otherId: number) {
  const moved = {
    levels: (
      await trx
        .updateTable('support_levels')
        .set({ supporter_id: keepId })
        .where('supporter_id', '=', otherId)
        .executeTakeFirst()
    ).numUpdatedRows,
    conversations: (
      await trx
        .updateTable('conversations')
        .set({ supporter_id: keepId })
        .where('supporter_id', '=', otherId)
        .executeTakeFirst()
    ).numUpdatedRows,
  }
  // Team roles: move where the survivor is not already on that team; the rest are retired.
  const teams = await sql`update team_members t set supporter_id = ${keepId}
    where t.supporter_id = ${otherId} and t.deleted_at is null
    and not exists (select 1 from team_members k
      where k.drive_id = t.drive_id and k.supporter_id = ${keepId} and k.deleted_at is null)`.execute(trx)
  await sql`update team_members set deleted_at = now() where supporter_id = ${otherId} and deleted_at is null`.execute(
    trx,
  )
  await sql`update team_members set supporter_id = ${keepId} where supporter_id = ${otherId}`.execute(trx)
  // Free the other's unique email/phone first, then fill the survivor's empty fields.
  const other = await trx
    .updateTable('supporters')
    .set({ deleted_at: sql`now()`, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', otherId)
    .returningAll()
    .executeTakeFirstOrThrow()
  await sql`
    update supporters k set
      tags = (select coalesce(array_agg(distinct x), '{}') from unnest(k.tags || ${other.tags}::text[]) x),
      email = coalesce(k.email, ${other.email}),
      email_normalised = coalesce(k.email_normalised, ${other.email_normalised}),
      phone = coalesce(k.phone, ${other.phone}),
      preferred_language = coalesce(k.preferred_language, ${other.preferred_language}),
      notes = case when ${other.notes}::text is null then k.notes when k.notes is null then ${other.notes}
        else k.notes || E'\n\n' || ${other.notes} end,
      chapter_member = k.chapter_member or ${other.chapter_member},
      potential_leader = k.potential_leader or ${other.potential_leader},
      do_not_contact = k.do_not_contact or ${other.do_not_contact},
      keep_off_shared_lists = k.keep_off_shared_lists or ${other.keep_off_shared_lists},
      last_contact_on = greatest(k.last_contact_on, ${other.last_contact_on}::date,
        (select max(c.held_on) from conversations c where c.supporter_id = k.id and c.deleted_at is null)),
      current_level = coalesce(
        (select v.level from support_levels v where v.supporter_id = k.id order by v.at desc, v.id desc limit 1),
        k.current_level),
      version = k.version + 1, updated_at = now()
    where k.id = ${keepId}`.execute(trx)
  return {
    levels: Number(moved.levels),
    conversations: Number(moved.conversations),
    teams: Number(teams.numAffectedRows ?? 0),
    other,
  }
}

/** A supporter row for the audit trail: email/phone are masked there; the normalised copy is dropped. */
export function forAudit<T extends Record<string, unknown>>(row: T): Record<string, unknown> {
  const { email_normalised: _e, ...rest } = row
  return rest
}

/** Postgres constraint names mapped to the form field that caused them. */
export function fieldForConstraint(err: unknown): { field: string; message: string } | undefined {
  const e = err as { code?: string; constraint?: string }
  if (e.code === '23505' && e.constraint === 'supporters_chapter_email')
    return {
      field: 'email',
      message:
        'Another supporter in this chapter already has this email. Open them and merge if it is the same person.',
    }
  if (e.code === '23505' && e.constraint === 'supporters_chapter_phone')
    return {
      field: 'phone',
      message:
        'Another supporter in this chapter already has this phone. Open them and merge if it is the same person.',
    }
  return undefined
}
