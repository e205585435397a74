// Who may do what on a slate, and loading a slate or answering 404.
import { can, type CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { notFound } from '../plugins/errors.ts'
import { findSlate, type findBody } from './queries.ts'

export type BodyRef = { kind: 'local' | 'national'; id: number }
export type Body = NonNullable<Awaited<ReturnType<typeof findBody>>>

export async function loadSlate(db: Db, id: number) {
  const slate = await findSlate(db, id)
  if (!slate) throw notFound('That slate')
  return slate
}

export function mayCreate(user: CurrentUser): boolean {
  return user.isAdmin || user.chapters.some((c) => c.role === 'organizer')
}

export function mayEditCandidate(user: CurrentUser, chapterId: number | null): boolean {
  return user.isAdmin || (chapterId !== null && can.edit(user, chapterId))
}

/** National unions: admins only. Locals: admins, or organizers of the local's chapter. */
export function mayRecordFor(user: CurrentUser, body: Body): boolean {
  if (user.isAdmin) return true
  return body.kind === 'local' && body.chapterId !== null && can.edit(user, body.chapterId)
}

export function mayExport(user: CurrentUser): boolean {
  return user.isAdmin || user.isNational || user.chapters.some((c) => c.role === 'organizer')
}
