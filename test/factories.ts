// Test data built through the same query functions the app uses.
import type { Db } from '../src/db/database.ts'
import type { UserRole } from '../src/db/schema.ts'
import { hashPassword } from '../src/auth/passwords.ts'
import { insertUser } from '../src/auth/queries.ts'

export const PASSWORD = 'correct horse battery'
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

export async function local(
  db: Db,
  o: Partial<{
    name: string
    chapter_id: number | null
    national_union_id: number | null
    notice_days: number | null
    orientation: 'left_led' | 'middling' | 'hostile' | 'progressive_opportunist'
    members: number
  }> = {},
) {
  const n = ++seq
  return db
    .insertInto('locals')
    .values({
      name: o.name ?? `Local ${n}`,
      chapter_id: o.chapter_id ?? null,
      national_union_id: o.national_union_id ?? null,
      notice_days: o.notice_days ?? 14,
      orientation: o.orientation ?? 'middling',
      members: o.members ?? 1000,
      threshold: 'majority_cast',
      deciding_body: 'membership_meeting',
    })
    .returningAll()
    .executeTakeFirstOrThrow()
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
