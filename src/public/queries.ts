// The public endorsement list of a slate, in one query: the slate (only when
// its public list is switched on), its candidates, and the endorsements that
// are public, won and in force — the latest row of each (body, candidate) cell,
// in an in-force status, and not replaced by a later row. Nothing else leaves.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'
import { updateVersioned } from '../shared/conflict.ts'
import { IN_FORCE_STATUSES } from '../slate/build-matrix.ts'

export type PublicEndorsement = {
  id: number
  decided_on: string
  candidate_id: number | null
  body: string
  body_kind: 'national' | 'local' | 'council' | 'clc' | 'federation' | 'unit'
}
export type PublicCandidate = { id: number; name: string; office: string; district: string | null }
export type PublicSlate = {
  id: number
  name: string
  cycle: string | null
  election_date: string | null
  candidates: PublicCandidate[]
  endorsements: PublicEndorsement[]
}

export async function findPublicSlate(db: Db, slug: string): Promise<PublicSlate | undefined> {
  const inForce = sql.join(IN_FORCE_STATUSES.map((s) => sql.lit(s)))
  const result = await sql<PublicSlate>`
    select s.id, s.name, s.cycle, s.election_date::text as election_date,
      coalesce((select json_agg(json_build_object('id', c.id, 'name', c.name, 'office', c.office,
          'district', c.district) order by c.name, c.id)
        from candidates c where c.slate_id = s.id and c.deleted_at is null and c.status <> 'withdrawn'), '[]'::json)
        as candidates,
      coalesce((select json_agg(json_build_object('id', x.id, 'decided_on', x.decided_on,
          'candidate_id', x.candidate_id, 'body', x.body, 'body_kind', x.body_kind) order by x.decided_on desc, x.body)
        from (
          select distinct on (coalesce(e.local_id, -e.national_union_id), coalesce(e.candidate_id, 0))
            e.id, e.status, e.is_public, e.decided_on::text as decided_on, e.candidate_id,
            coalesce(l.name, n.name) as body,
            case when e.national_union_id is not null then 'national' else l.kind::text end as body_kind,
            (l.id is null and n.id is null) as body_gone,
            (e.candidate_id is not null and (c.id is null or c.deleted_at is not null or c.status = 'withdrawn'))
              as candidate_gone
          from endorsements e
          left join locals l on l.id = e.local_id and l.deleted_at is null
          left join national_unions n on n.id = e.national_union_id and n.deleted_at is null
          left join candidates c on c.id = e.candidate_id
          where e.slate_id = s.id
          order by coalesce(e.local_id, -e.national_union_id), coalesce(e.candidate_id, 0), e.decided_on desc,
            e.created_at desc, e.id desc
        ) x
        where x.is_public and x.status in (${inForce}) and not x.body_gone and not x.candidate_gone
          and not exists (select 1 from endorsements r where r.supersedes_id = x.id)), '[]'::json) as endorsements
    from slates s
    where s.public_slug = ${slug} and s.public_enabled and s.deleted_at is null`.execute(db)
  return result.rows[0]
}

export function findSlateSettings(db: Db, id: number) {
  return db
    .selectFrom('slates')
    .select(['id', 'name', 'public_slug', 'public_enabled', 'version', 'chapter_id'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/** Version-checked (src/shared/conflict.ts): the saved slate, or a `VersionConflict` saying who saved first. */
export function updateSlatePublic(
  db: Db | Transaction<Database>,
  id: number,
  version: number,
  v: { public_slug: string; public_enabled: boolean },
) {
  return updateVersioned(db, 'slates', id, version, v)
}

/** Every endorsement of the slate that is the latest of its cell and in force, for the settings page's switches. */
export async function listSlateEndorsementsForPublic(db: Db, slateId: number) {
  const inForce = sql.join(IN_FORCE_STATUSES.map((s) => sql.lit(s)))
  const result = await sql<{
    id: number
    decided_on: string
    is_public: boolean
    local_id: number | null
    national_union_id: number | null
    chapter_id: number | null
    body: string
    candidate: string | null
  }>`
    select x.* from (
      select distinct on (coalesce(e.local_id, -e.national_union_id), coalesce(e.candidate_id, 0))
        e.id, e.decided_on::text as decided_on, e.is_public, e.status, e.local_id, e.national_union_id, l.chapter_id,
        coalesce(l.name, n.name) as body, c.name as candidate
      from endorsements e
      left join locals l on l.id = e.local_id
      left join national_unions n on n.id = e.national_union_id
      left join candidates c on c.id = e.candidate_id
      where e.slate_id = ${slateId}
      order by coalesce(e.local_id, -e.national_union_id), coalesce(e.candidate_id, 0), e.decided_on desc,
        e.created_at desc, e.id desc
    ) x
    where x.status in (${inForce}) and not exists (select 1 from endorsements r where r.supersedes_id = x.id)
    order by x.body, x.candidate nulls first`.execute(db)
  return result.rows
}

export function findEndorsementForPublic(db: Db, id: number) {
  return db
    .selectFrom('endorsements as e')
    .leftJoin('locals as l', 'l.id', 'e.local_id')
    .select(['e.id', 'e.slate_id', 'e.local_id', 'e.national_union_id', 'e.is_public', 'l.chapter_id'])
    .where('e.id', '=', id)
    .executeTakeFirst()
}

export function setEndorsementPublic(db: Db | Transaction<Database>, id: number, isPublic: boolean) {
  return db
    .updateTable('endorsements')
    .set({ is_public: isPublic })
    .where('id', '=', id)
    .returning(['id', 'is_public', 'chapter_id'])
    .executeTakeFirst()
}
