// Who may do what, in one pure module. Every query that reads chapter data
// takes a Scope built here, so another chapter's record is simply not found.
export type ChapterRole = 'organizer' | 'volunteer'
export type CurrentUser = {
  id: number
  name: string
  email: string
  isAdmin: boolean
  isNational: boolean
  // timeZone: the chapter's zone, for writing times (shared/format.ts viewerZone).
  chapters: { id: number; name: string; slug: string; role: ChapterRole; timeZone?: string }[]
}

/** `null` chapterIds means every chapter. */
export type Scope = { chapterIds: number[] | null }

export function readScope(user: CurrentUser): Scope {
  if (user.isAdmin || user.isNational) return { chapterIds: null }
  return { chapterIds: user.chapters.map((c) => c.id) }
}

export function editScope(user: CurrentUser): Scope {
  if (user.isAdmin) return { chapterIds: null }
  return { chapterIds: user.chapters.filter((c) => c.role === 'organizer').map((c) => c.id) }
}

/** Chapters where the user may log conversations and assessments. */
export function logScope(user: CurrentUser): Scope {
  if (user.isAdmin) return { chapterIds: null }
  return { chapterIds: user.chapters.map((c) => c.id) }
}

export function inScope(scope: Scope, chapterId: number | null): boolean {
  if (scope.chapterIds === null) return true
  return chapterId !== null && scope.chapterIds.includes(chapterId)
}

export function roleIn(user: CurrentUser, chapterId: number | null): 'admin' | 'national' | ChapterRole | null {
  if (user.isAdmin) return 'admin'
  const m = chapterId === null ? undefined : user.chapters.find((c) => c.id === chapterId)
  if (m) return m.role
  return user.isNational ? 'national' : null
}

export const can = {
  edit: (u: CurrentUser, chapterId: number | null) => u.isAdmin || roleIn(u, chapterId) === 'organizer',
  log: (u: CurrentUser, chapterId: number | null) =>
    ['admin', 'organizer', 'volunteer'].includes(roleIn(u, chapterId) ?? ''),
  seeNames: (u: CurrentUser, chapterId: number | null) =>
    ['admin', 'organizer', 'volunteer'].includes(roleIn(u, chapterId) ?? ''),
  seeContacts: (u: CurrentUser, chapterId: number | null) =>
    ['admin', 'organizer'].includes(roleIn(u, chapterId) ?? ''),
  export: (u: CurrentUser, chapterId: number | null) => ['admin', 'organizer'].includes(roleIn(u, chapterId) ?? ''),
  delete: (u: CurrentUser, chapterId: number | null) => ['admin', 'organizer'].includes(roleIn(u, chapterId) ?? ''),
  /** Organizers anywhere may add to the shared directory; admins always. */
  editDirectory: (u: CurrentUser) => u.isAdmin || u.chapters.some((c) => c.role === 'organizer'),
}

export function roleLabel(user: CurrentUser): string {
  if (user.isAdmin) return 'Admin'
  if (user.isNational) return 'National reviewer'
  if (user.chapters.some((c) => c.role === 'organizer')) return 'Organizer'
  return 'Volunteer'
}
