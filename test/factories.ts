// Test data built through the same query functions the app uses.
import type { Db } from '../src/db/database.ts'
import type { UserRole } from '../src/db/schema.ts'
import { hashPassword } from '../src/auth/passwords.ts'
import { insertUser } from '../src/auth/queries.ts'
import type { Updateable } from 'kysely'
import type { DrivesTable } from '../src/db/schema.ts'
import { insertDrive, type NewDrive } from '../src/drives/queries.ts'
import {
  insertConversation,
  insertLevels,
  insertSupporter,
  setSupportersDeleted,
  type SupporterInput,
} from '../src/people/queries.ts'
import { insertCandidate, insertSlate, type CandidateInput, type SlateInput } from '../src/slate/queries.ts'
import { insertLocal, type LocalInput } from '../src/unions/queries.ts'

export const PASSWORD = 'correct horse battery'

/** `n` records made by `make(i)`, a few at a time (a test app's pool has five connections), in the order of i. */
export async function many<T>(n: number, make: (i: number) => Promise<T>, batch = 4): Promise<T[]> {
  const out: T[] = []
  for (let i = 0; i < n; i += batch)
    out.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, (_, j) => make(i + j)))))
  return out
}
let passwordHash: string | undefined
let seq = 0

export async function chapter(db: Db, o: Partial<{ name: string; slug: string; time_zone: string }> = {}) {
  const n = ++seq
  return db
    .insertInto('chapters')
    .values({
      name: o.name ?? `Chapter ${n}`,
      slug: o.slug ?? `chapter-${n}`,
      time_zone: o.time_zone ?? 'America/New_York',
    })
    .returningAll()
    .executeTakeFirstOrThrow()
}

export async function nationalUnion(db: Db, o: Partial<{ name: string; abbreviation: string }> = {}) {
  const n = ++seq
  return db
    .insertInto('national_unions')
    .values({ name: o.name ?? `Union ${n}`, abbreviation: o.abbreviation ?? `U${n}` })
    .returningAll()
    .executeTakeFirstOrThrow()
}

/** A local (insertLocal, as the admin form and the OLMS import make one); any column can be given. */
export async function local(db: Db, o: Partial<LocalInput> = {}) {
  const n = ++seq
  return insertLocal(db, {
    name: `Local ${n}`,
    chapter_id: null,
    national_union_id: null,
    notice_days: 14,
    orientation: 'middling',
    members: 1000,
    threshold: 'majority_cast',
    deciding_body: 'membership_meeting',
    designation: null,
    ...o,
  })
}

export async function user(
  db: Db,
  role: UserRole,
  chapterId: number | null = null,
  o: Partial<{ email: string; name: string }> = {},
) {
  passwordHash ??= await hashPassword(PASSWORD)
  const n = ++seq
  return insertUser(db, {
    email: o.email ?? `${role}${n}@example.org`,
    name: o.name ?? `${role} ${n}`,
    role,
    chapterId,
    passwordHash,
  })
}

/** Chapters A and B with an organizer and a volunteer each, a national reviewer and an admin. */
export async function world(db: Db) {
  const a = await chapter(db, { name: 'Alpha', slug: 'alpha' })
  const b = await chapter(db, { name: 'Bravo', slug: 'bravo', time_zone: 'America/Chicago' })
  const union = await nationalUnion(db, { abbreviation: 'CWA', name: 'Communications Workers of America' })
  const localA = await local(db, { name: 'Alpha Local 1', chapter_id: a.id, national_union_id: union.id })
  const localB = await local(db, { name: 'Bravo Local 2', chapter_id: b.id, national_union_id: union.id })
  return {
    a,
    b,
    union,
    localA,
    localB,
    admin: await user(db, 'admin'),
    national: await user(db, 'national'),
    organizerA: await user(db, 'organizer', a.id),
    organizerB: await user(db, 'organizer', b.id),
    volunteerA: await user(db, 'volunteer', a.id),
  }
}

// ---- The pipeline's records, through the same insert functions the routes call ----

/** A slate (not current unless asked: only one slate is current at a time, insertSlate keeps it so). */
export async function slate(db: Db, o: Partial<SlateInput> = {}) {
  const n = ++seq
  return insertSlate(db, { name: `Slate ${n}`, cycle: null, election_date: '2026-11-03', is_current: false, ...o })
}

type CandidateOpts = Partial<Omit<CandidateInput, 'slate_id'>>
export async function candidate(db: Db, slateId: number, o: CandidateOpts = {}) {
  const n = ++seq
  return insertCandidate(db, {
    name: `Candidate ${n}`,
    office: 'City Council',
    chapter_id: null,
    ...o,
    slate_id: slateId,
  })
}

/** Columns the start form does not set (stage, status, dates …): later actions set them in the app. */
type DriveExtras = Omit<Updateable<DrivesTable>, 'id' | 'slate_id' | 'local_id'>
type DriveOpts = Partial<Omit<NewDrive, 'slate_id' | 'local_id'>> & DriveExtras
/**
 * A drive of a local for a slate, as the start form makes it (insertDrive); the other columns a
 * test asks for (stage, status, dates …) are then set on it as they stand, the version left at 1
 * (as if the drive had been stored that way), so a test can post that version.
 */
export async function drive(db: Db, slateId: number, localId: number | null, o: DriveOpts = {}) {
  const { chapter_id, asks, candidate_id, owner_id, ...extras } = o
  const row = await insertDrive(db, {
    slate_id: slateId,
    local_id: localId as number,
    chapter_id: chapter_id ?? null,
    asks: asks ?? 'candidate',
    candidate_id: candidate_id ?? null,
    owner_id: owner_id ?? null,
  })
  if (!Object.keys(extras).length) return row
  return db.updateTable('drives').set(extras).where('id', '=', row.id).returningAll().executeTakeFirstOrThrow()
}

type SupporterOpts = Partial<Omit<SupporterInput, 'chapter_id' | 'local_id'>> & {
  current_level?: number | null
  last_contact_on?: string | null
  deleted?: boolean
}
/**
 * A supporter of a chapter (insertSupporter); a level given is recorded as the app records one
 * (insertLevels), `deleted` puts them in the trash as the delete action does (setSupportersDeleted).
 */
export async function supporter(db: Db, chapterId: number, localId: number | null, o: SupporterOpts = {}) {
  const n = ++seq
  const { current_level, last_contact_on, deleted, ...input } = o
  const row = await insertSupporter(db, {
    name: `Supporter ${n}`,
    role_in_local: 'rank_and_file',
    chapter_member: false,
    email: null,
    phone: null,
    preferred_language: null,
    tags: [],
    notes: null,
    do_not_contact: false,
    keep_off_shared_lists: false,
    potential_leader: false,
    ...input,
    chapter_id: chapterId,
    local_id: localId as number,
  })
  if (current_level !== undefined && current_level !== null) await insertLevels(db, [row.id], current_level, null, null)
  if (last_contact_on !== undefined)
    await db.updateTable('supporters').set({ last_contact_on }).where('id', '=', row.id).execute()
  if (deleted) await setSupportersDeleted(db, [row.id], true)
  return db.selectFrom('supporters').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()
}

type ConversationOpts = Partial<Omit<Parameters<typeof insertConversation>[1], 'supporter_id'>>
/** A conversation with a supporter (insertConversation also moves their last contact). */
export async function conversation(db: Db, supporterId: number, o: ConversationOpts = {}) {
  return insertConversation(db, {
    drive_id: null,
    kind: 'one_on_one',
    held_on: '2026-11-01',
    by_user_id: null,
    outcome: null,
    note: null,
    follow_up_on: null,
    ...o,
    supporter_id: supporterId,
  })
}
