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

/**
 * Who manages a slate (edits it, switches its public page): admins always; the
 * organizers of the chapter that runs it. A slate no chapter runs (chapter_id
 * null, such as the national slate) is managed by admins only.
 */
export function mayManageSlate(user: CurrentUser, slate: { chapter_id: number | null }): boolean {
  return user.isAdmin || (slate.chapter_id !== null && can.edit(user, slate.chapter_id))
}

/**
 * The current-slate rule. One slate is current for the whole instance: the
 * navigation, new drives and the mapping page use it. An admin may make any
 * slate current; an organizer may make a slate their chapter runs current only
 * while no slate is current, or when the current one is also theirs.
 */
export function mayMakeCurrent(
  user: CurrentUser,
  slate: { chapter_id: number | null },
  current: { chapter_id: number | null } | undefined,
): boolean {
  if (user.isAdmin) return true
  return mayManageSlate(user, slate) && (current === undefined || mayManageSlate(user, current))
}

export const CURRENT_RULE =
  'One slate is current for everyone: the navigation, new drives and the mapping page use it. ' +
  'An admin can make any slate current; an organizer can make their chapter’s slate current ' +
  'while no slate is current.'

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
