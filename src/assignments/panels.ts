// The assignments panel on a drive page: each assignee's progress on that
// drive (assigned / done / open / overdue) and who still has whom, for the
// drive's organizers. The drive page lists drivePanel() in DRIVE_PANELS; its
// partial views/assignments/_drive-panel.eta loads the content from
// GET /drives/:id/assignments (driveAssignments()). progressView() shapes the
// same rows for the /assignments page.
import { can, type CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { formatDate } from '../drives/present.ts'
import { drivePanelRows, type ProgressRow } from './queries.ts'

export function progressView(rows: ProgressRow[]) {
  const byDrive = new Map<string, { driveId: number | null; local: string; people: ReturnType<typeof person>[] }>()
  const person = (r: ProgressRow) => ({
    assignee: r.assignee,
    assigned: r.assigned,
    done: r.done,
    open: r.open,
    overdue: r.overdue,
    percent: r.assigned ? Math.round((r.done * 100) / r.assigned) : 0,
  })
  for (const r of rows) {
    const key = String(r.drive_id)
    let g = byDrive.get(key)
    if (!g) {
      g = { driveId: r.drive_id, local: r.local_name ?? (r.drive_id ? 'Drive' : 'Not tied to a drive'), people: [] }
      byDrive.set(key, g)
    }
    g.people.push(person(r))
  }
  return [...byDrive.values()]
}

export type AssignmentsPanel = { driveId: number; loaded: false } | DriveAssignments
export type DriveAssignments = NonNullable<Awaited<ReturnType<typeof driveAssignments>>>

/**
 * The drive page's piece, for the drive's organizers (null for anyone else:
 * volunteers see their own list). It costs the drive page no query: the
 * partial loads /drives/:id/assignments lazily (a plain link without
 * JavaScript), which calls driveAssignments().
 */
export async function drivePanel(
  _db: Db,
  user: CurrentUser,
  drive: { id: number; chapter_id: number | null },
): Promise<AssignmentsPanel | null> {
  if (drive.chapter_id === null || !can.edit(user, drive.chapter_id)) return null
  return { driveId: drive.id, loaded: false }
}

/** Each assignee's progress on the drive and who still has whom; null when the caller may not see it. One query. */
export async function driveAssignments(db: Db, user: CurrentUser, drive: { id: number; chapter_id: number | null }) {
  if (drive.chapter_id === null || !can.edit(user, drive.chapter_id)) return null
  const { progress, open, open_total, has_body } = await drivePanelRows(db, drive.chapter_id, drive.id)
  return {
    driveId: drive.id,
    loaded: true as const,
    hasWhip: has_body,
    people: progressView(progress)[0]?.people ?? [],
    openTotal: open_total,
    open: open.map((o) => ({
      id: o.id,
      name: o.name,
      assignee: o.assignee,
      due: formatDate(o.due_on),
      ask: o.ask ?? '',
    })),
  }
}
