// Who may change a local, and for which chapters someone may claim locals: one definition each, used by the
// directory's pages and the claim pages.
import { can, type CurrentUser } from '../auth/access.ts'

export function mayEditLocal(user: CurrentUser, chapterId: number | null): boolean {
  if (user.isAdmin) return true
  return chapterId === null ? can.editDirectory(user) : can.edit(user, chapterId)
}

/** The chapters a user may claim locals for: an organizer's own, every chapter for an admin. */
export function claimChapters<C extends { id: number; name: string }>(user: CurrentUser, all: C[]): C[] {
  return user.isAdmin ? all : all.filter((c) => can.edit(user, c.id))
}
