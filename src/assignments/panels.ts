// The assignments panel on a drive page: each assignee's progress on that
// drive (assigned / done / open / overdue) and who still has whom, for the
// drive's organizers. A page's route calls drivePanel(); its template includes
// views/assignments/_drive-panel.eta. progressView() shapes the same rows for
// the /assignments page.
import { can, type CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { formatDate } from '../drives/present.ts'
import { assignmentProgress, listOpenForDrive, type ProgressRow } from './queries.ts'

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

export type AssignmentsPanel = NonNullable<Awaited<ReturnType<typeof drivePanel>>>

/** The drive's assignments for its organizers (null for anyone else: volunteers see their own list). */
export async function drivePanel(db: Db, user: CurrentUser, drive: { id: number; chapter_id: number | null }) {
  if (drive.chapter_id === null || !can.edit(user, drive.chapter_id)) return null
  const [rows, open] = await Promise.all([
    assignmentProgress(db, { chapterIds: [drive.chapter_id] }, { driveId: drive.id, chapterIds: [drive.chapter_id] }),
    listOpenForDrive(db, drive.id),
  ])
  return {
    driveId: drive.id,
    people: progressView(rows)[0]?.people ?? [],
    open: open.map((o) => ({
      id: o.id,
      name: o.name,
      assignee: o.assignee,
      due: formatDate(o.due_on),
      ask: o.ask ?? '',
    })),
  }
}
