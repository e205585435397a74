// Mapping facts, past political positions and the mapping view's rows. The
// mapping rows come in one query: each local of the chapter's area with its
// count of positions passed, its members in common (supporters of this chapter
// who are chapter members, counted — never named) and its drive on the slate.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database, Orientation, PositionOutcome, PositionTopic } from '../db/schema.ts'

type Q = Db | Transaction<Database>

export type PositionFilters = { topic?: PositionTopic; outcome?: PositionOutcome }

export function listPositions(db: Q, localId: number) {
  return db
    .selectFrom('political_positions')
    .select(['id', 'topic', 'description', 'decided_on', 'outcome', 'source_url'])
    .where('local_id', '=', localId)
    .where('deleted_at', 'is', null)
    .orderBy('decided_on', 'desc')
    .orderBy('id', 'desc')
    .execute()
}

export function findPosition(db: Q, localId: number, id: number) {
  return db
    .selectFrom('political_positions')
    .selectAll()
    .where('id', '=', id)
    .where('local_id', '=', localId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

export function insertPosition(
  trx: Q,
  row: {
    local_id: number
    topic: PositionTopic
    description: string | null
    decided_on: string
    outcome: PositionOutcome
    source_url: string | null
    actor_id: number
  },
) {
  return trx.insertInto('political_positions').values(row).returningAll().executeTakeFirstOrThrow()
}

export function deletePosition(trx: Q, id: number) {
  return trx
    .updateTable('political_positions')
    .set({ deleted_at: sql`now()` })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returningAll()
    .executeTakeFirst()
}

/** Chapter members among the supporters the chapter knows inside a local. */
export async function countMembersInCommon(db: Q, localId: number, chapterId: number): Promise<number> {
  const row = await db
    .selectFrom('supporters')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('local_id', '=', localId)
    .where('chapter_id', '=', chapterId)
    .where('chapter_member', '=', true)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export type MappingRow = {
  id: number
  name: string
  union_abbreviation: string | null
  members: number | null
  orientation: Orientation | null
  on_labor_council: boolean | null
  endorses_candidates: 'yes' | 'no' | 'unknown'
  officer_election_on: string | null
  contract_expires_on: string | null
  positions_passed: number
  positions_matching: number
  members_in_common: number
  drive_id: number | null
}

/** The chapter's area: its locals (not deleted), with what the priority needs. */
export async function listMappingRows(
  db: Db,
  chapterId: number,
  slateId: number | null,
  f: PositionFilters,
): Promise<MappingRow[]> {
  const matching = sql<string>`(select count(*) from political_positions pp
    where pp.local_id = l.id and pp.deleted_at is null
    and (${f.topic ?? null}::text is null or pp.topic = ${f.topic ?? null})
    and (${f.outcome ?? null}::text is null or pp.outcome = ${f.outcome ?? null}))`
  let q = db
    .selectFrom('locals as l')
    .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
    .select([
      'l.id',
      'l.name',
      'n.abbreviation as union_abbreviation',
      'l.members',
      'l.orientation',
      'l.on_labor_council',
      'l.endorses_candidates',
      'l.officer_election_on',
      'l.contract_expires_on',
      sql<string>`(select count(*) from political_positions pp
        where pp.local_id = l.id and pp.deleted_at is null and pp.outcome = 'passed')`.as('positions_passed'),
      matching.as('positions_matching'),
      sql<string>`(select count(*) from supporters s
        where s.local_id = l.id and s.chapter_id = ${chapterId} and s.chapter_member and s.deleted_at is null)`.as(
        'members_in_common',
      ),
      sql<
        number | null
      >`(select d.id from drives d where d.local_id = l.id and d.slate_id = ${slateId} and d.deleted_at is null
        order by d.id desc limit 1)`.as('drive_id'),
    ])
    .where('l.chapter_id', '=', chapterId)
    .where('l.deleted_at', 'is', null)
  if (f.topic || f.outcome) q = q.where(sql<boolean>`${matching} > 0`)
  const rows = await q.orderBy('l.name').orderBy('l.id').execute()
  return rows.map((r) => ({
    ...r,
    positions_passed: Number(r.positions_passed),
    positions_matching: Number(r.positions_matching),
    members_in_common: Number(r.members_in_common),
  }))
}

export function findCurrentSlate(db: Db) {
  return db
    .selectFrom('slates')
    .select(['id', 'name'])
    .where('is_current', '=', true)
    .where('deleted_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst()
}
