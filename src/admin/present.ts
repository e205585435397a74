// Helpers shared by the admin area's route files: a record as form values and
// the labels of a user's roles.
import type { Membership } from './queries.ts'

export function roleSummary(u: { is_admin: boolean; is_national: boolean; chapters: { role: string }[] }) {
  const parts: string[] = []
  if (u.is_admin) parts.push('Admin')
  if (u.is_national) parts.push('National reviewer')
  if (u.chapters.some((c) => c.role === 'organizer')) parts.push('Organizer')
  if (u.chapters.some((c) => c.role === 'volunteer')) parts.push('Volunteer')
  return parts.join(', ') || 'No role yet'
}

export const membershipLabel = (ms: Membership[], names: Map<number, string>) =>
  ms.map((m) => `${names.get(m.chapterId) ?? `#${m.chapterId}`}: ${m.role}`).sort()

export const asValues = (rec: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(rec).map(([k, v]) => [
      k,
      v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'on' : '') : String(v),
    ]),
  )
