// The resolution library's queries: resolutions and their insert-only
// versions (no function here ever updates a version), the drive context that
// fills merge fields (chapter-scoped), a drive's adapted text, share links and filings. Reads of
// chapter data take a Scope, so another chapter's drive is simply not found.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Scope } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import type { Database, ResolutionsTable } from '../db/schema.ts'

type Conn = Db | Transaction<Database> | Kysely<Database>

export type ResolutionFilters = { q?: string; kind?: ResolutionsTable['kind']; language?: 'en' | 'es' }

/** The library with each resolution's latest version number; q searches the latest text and the title. */
export async function listResolutions(db: Db, f: ResolutionFilters) {
  let q = db
    .selectFrom('resolutions as r')
    .innerJoin('resolution_versions as v', (j) =>
      j
        .onRef('v.resolution_id', '=', 'r.id')
        .on(
          'v.number',
          '=',
          sql<number>`(select max(x.number) from resolution_versions x where x.resolution_id = r.id)`,
        ),
    )
    .select(['r.id', 'r.title', 'r.kind', 'r.language', 'r.tags', 'v.number as latest', 'v.created_at as latest_at'])
    .where('r.deleted_at', 'is', null)
  if (f.kind) q = q.where('r.kind', '=', f.kind)
  if (f.language) q = q.where('r.language', '=', f.language)
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (m) => '\\' + m)}%`
    const text = f.q
    q = q.where((eb) =>
      eb.or([
        // Accents and case ignored: "jose" finds "José" (the index is on the folded body).
        sql<boolean>`tf_fold(r.title) like tf_fold(${like})`,
        sql<boolean>`to_tsvector('simple', tf_fold(v.body)) @@ websearch_to_tsquery('simple', tf_fold(${text}))`,
      ]),
    )
  }
  return q.orderBy('r.kind').orderBy('r.language').orderBy('r.title').orderBy('r.id').limit(500).execute()
}

export function findResolution(db: Conn, id: number) {
  return db
    .selectFrom('resolutions')
    .selectAll()
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
}

/** Every version of a resolution, newest first, with who saved it and whether a filing used it. */
export function listVersions(db: Conn, resolutionId: number) {
  return db
    .selectFrom('resolution_versions as v')
    .leftJoin('users as u', 'u.id', 'v.created_by')
    .select([
      'v.id',
      'v.number',
      'v.body',
      'v.note',
      'v.created_at',
      'u.name as author',
      sql<boolean>`exists (select 1 from filings f where f.resolution_version_id = v.id and f.deleted_at is null)`.as(
        'filed',
      ),
    ])
    .where('v.resolution_id', '=', resolutionId)
    .orderBy('v.number', 'desc')
    .execute()
}

export function insertResolution(
  db: Conn,
  input: {
    title: string
    kind: ResolutionsTable['kind']
    language: 'en' | 'es'
    tags: string[]
    created_by: number | null
  },
) {
  return db.insertInto('resolutions').values(input).returningAll().executeTakeFirstOrThrow()
}

/** Versions are insert-only: a change to the text is always a new number. */
export async function insertVersion(
  db: Conn,
  input: { resolution_id: number; body: string; note: string | null; created_by: number | null },
) {
  const row = await db
    .insertInto('resolution_versions')
    .values({
      ...input,
      number: sql<number>`(select coalesce(max(number), 0) + 1 from resolution_versions
        where resolution_id = ${input.resolution_id})`,
    })
    .returning(['id', 'number', 'resolution_id', 'body', 'note', 'created_at'])
    .executeTakeFirstOrThrow()
  await db
    .updateTable('resolutions')
    .set({ updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', input.resolution_id)
    .execute()
  return row
}

// ---------------------------------------------------------------------------
// Drives, for the picker and for filling merge fields

function scoped<T extends { where: (...a: any[]) => T }>(q: T, scope: Scope, column: string): T {
  if (scope.chapterIds === null) return q
  if (scope.chapterIds.length === 0) return q.where(sql`false`)
  return q.where(column, 'in', scope.chapterIds)
}

/** One drive with everything the merge fields read; undefined outside the scope. */
export function findDriveContext(db: Conn, scope: Scope, driveId: number) {
  const q = db
    .selectFrom('drives as d')
    .innerJoin('slates as s', 's.id', 'd.slate_id')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', (j) =>
      j.on(sql<boolean>`n.id = coalesce(l.national_union_id, d.national_union_id)`),
    )
    .leftJoin('chapters as c', 'c.id', 'd.chapter_id')
    .select([
      'd.id',
      'd.chapter_id',
      'd.slate_id',
      'd.candidate_id',
      'd.local_id',
      'l.name as local_name',
      'l.designation as local_designation',
      'l.deciding_body',
      'l.notice_days',
      'n.name as union_name',
      'n.abbreviation as union_abbreviation',
      'c.name as chapter_name',
      'c.time_zone',
      's.name as slate_name',
      's.election_date as slate_election_date',
      'd.vote_date',
      'd.version',
    ])
    .where('d.id', '=', driveId)
    .where('d.deleted_at', 'is', null)
  return scoped(q, scope, 'd.chapter_id').executeTakeFirst()
}

export type DriveContext = NonNullable<Awaited<ReturnType<typeof findDriveContext>>>

/** The slate's candidates (not deleted), for the picker and the "slate.candidates" list. */
export function listSlateCandidates(db: Conn, slateId: number) {
  return db
    .selectFrom('candidates')
    .select(['id', 'name', 'office', 'district', 'election_date', 'status'])
    .where('slate_id', '=', slateId)
    .where('deleted_at', 'is', null)
    .orderBy('name')
    .orderBy('id')
    .execute()
}

export type SlateCandidate = Awaited<ReturnType<typeof listSlateCandidates>>[number]

// ---------------------------------------------------------------------------
// Share links

export function insertShareLink(
  db: Conn,
  input: {
    token_hash: string
    resolution_version_id: number
    drive_id: number
    candidate_id: number | null
    chapter_id: number | null
    filled_title: string
    filled_body: string
    language: string
    created_by: number | null
    expires_at: Date | null
  },
) {
  return db
    .insertInto('share_links')
    .values(input)
    .returning(['id', 'drive_id', 'chapter_id', 'expires_at', 'resolution_version_id'])
    .executeTakeFirstOrThrow()
}

/** An active link by its token's hash, counting this use; undefined if unknown, revoked or expired. */
export function useShareLink(db: Conn, tokenHash: string) {
  return db
    .updateTable('share_links')
    .set({ uses: sql`uses + 1` })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .returning(['id', 'filled_title', 'filled_body', 'language', 'uses'])
    .executeTakeFirst()
}

export function listShareLinks(db: Db, driveId: number, resolutionId: number) {
  return db
    .selectFrom('share_links as s')
    .innerJoin('resolution_versions as v', 'v.id', 's.resolution_version_id')
    .leftJoin('users as u', 'u.id', 's.created_by')
    .select([
      's.id',
      's.uses',
      's.expires_at',
      's.revoked_at',
      's.created_at',
      'v.number',
      'u.name as author',
      sql<boolean>`s.revoked_at is null and (s.expires_at is null or s.expires_at > now())`.as('active'),
    ])
    .where('s.drive_id', '=', driveId)
    .where('v.resolution_id', '=', resolutionId)
    .orderBy('s.id', 'desc')
    .execute()
}

export function findShareLink(db: Conn, scope: Scope, id: number) {
  const q = db
    .selectFrom('share_links as s')
    .innerJoin('resolution_versions as v', 'v.id', 's.resolution_version_id')
    .select(['s.id', 's.chapter_id', 's.drive_id', 's.revoked_at', 's.expires_at', 's.uses', 'v.resolution_id'])
    .where('s.id', '=', id)
  return scoped(q, scope, 's.chapter_id').executeTakeFirst()
}

export function revokeShareLink(db: Conn, id: number) {
  return db
    .updateTable('share_links')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returning(['id', 'revoked_at'])
    .executeTakeFirst()
}

// ---------------------------------------------------------------------------
// Filings

/** A filing with its drive, version and resolution; undefined outside the scope. */
export function findFiling(db: Conn, scope: Scope, id: number) {
  const q = db
    .selectFrom('filings as f')
    .innerJoin('drives as d', 'd.id', 'f.drive_id')
    .innerJoin('slates as s', 's.id', 'd.slate_id')
    .leftJoin('locals as l', 'l.id', 'd.local_id')
    .leftJoin('national_unions as n', 'n.id', 'd.national_union_id')
    .leftJoin('resolution_versions as v', 'v.id', 'f.resolution_version_id')
    .leftJoin('resolutions as r', 'r.id', 'v.resolution_id')
    .leftJoin('candidates as k', 'k.id', 'f.candidate_id')
    .leftJoin('users as u', 'u.id', 'f.actor_id')
    .select([
      'f.id',
      'f.drive_id',
      'f.filed_on',
      'f.body',
      'f.text_filed',
      'f.adopted_text',
      'f.earliest_vote_on',
      'f.created_at',
      'f.resolution_version_id',
      'd.chapter_id',
      'l.name as local_name',
      'n.name as union_name',
      's.name as slate_name',
      'v.number as version_number',
      'v.body as model_body',
      'r.id as resolution_id',
      'r.title as resolution_title',
      'k.name as candidate_name',
      'u.name as author',
    ])
    .where('f.id', '=', id)
    .where('f.deleted_at', 'is', null)
    .where('d.deleted_at', 'is', null)
  return scoped(q, scope, 'd.chapter_id').executeTakeFirst()
}

export function listDriveFilings(db: Db, driveId: number) {
  return db
    .selectFrom('filings as f')
    .leftJoin('resolution_versions as v', 'v.id', 'f.resolution_version_id')
    .leftJoin('resolutions as r', 'r.id', 'v.resolution_id')
    .select([
      'f.id',
      'f.filed_on',
      'f.body',
      'f.adopted_text',
      'f.earliest_vote_on',
      'v.number as version_number',
      'r.title',
    ])
    .where('f.drive_id', '=', driveId)
    .where('f.deleted_at', 'is', null)
    .orderBy('f.filed_on', 'desc')
    .orderBy('f.id', 'desc')
    .execute()
}

export function setAdoptedText(db: Conn, id: number, text: string) {
  return db
    .updateTable('filings')
    .set({ adopted_text: text })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .returning(['id', 'adopted_text'])
    .executeTakeFirst()
}

// ---------------------------------------------------------------------------
// Adaptations: a resolution's text adapted for one drive

/** The live adaptation of a resolution for a drive, with who saved it last. */
export function findAdaptation(db: Conn, driveId: number, resolutionId: number) {
  return db
    .selectFrom('resolution_adaptations as a')
    .innerJoin('resolution_versions as v', 'v.id', 'a.based_on_version_id')
    .leftJoin('users as u', (j) => j.on(sql<boolean>`u.id = coalesce(a.updated_by, a.created_by)`))
    .selectAll('a')
    .select(['v.number as based_on_number', 'u.name as author'])
    .where('a.drive_id', '=', driveId)
    .where('a.resolution_id', '=', resolutionId)
    .where('a.deleted_at', 'is', null)
    .executeTakeFirst()
}

export type Adaptation = NonNullable<Awaited<ReturnType<typeof findAdaptation>>>

export function insertAdaptation(
  db: Conn,
  a: {
    drive_id: number
    resolution_id: number
    based_on_version_id: number
    candidate_id: number | null
    body: string
    fields: Record<string, string>
    created_by: number
  },
) {
  return db
    .insertInto('resolution_adaptations')
    .values({ ...a, fields: JSON.stringify(a.fields) })
    .onConflict((oc) => oc.columns(['drive_id', 'resolution_id']).where('deleted_at', 'is', null).doNothing())
    .returningAll()
    .executeTakeFirst()
}
