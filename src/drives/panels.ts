// The pipeline's panels. `localDrivesPanel` is the "Drives" piece of a local's
// page (its drives and the start form). `DRIVE_PANELS` is the list of pieces
// other features contribute to the drive page: the page's route loads each one
// (in parallel) and its template includes each partial in this order. To add
// one, see CONTRIBUTING.md ("Adding a panel to the drive page").
import { can, readScope, type CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { drivePanel as driveAssignmentsPanel } from '../assignments/panels.ts'
import { driveSectionPanel } from '../mapping/panels.ts'
import { driveResolutionPanel } from '../resolutions/panels.ts'
import { whipPanel } from '../whip/panels.ts'
import { todayIn } from './vote-dates.ts'
import type { FieldErrors } from '../shared/validation.ts'
import { formatDate, placeLabel } from './present.ts'
import { listRunningCandidates } from '../slate/queries.ts'
import { listLocalDrives, listSlateOptions, type DriveRow } from './queries.ts'
import { ASKS } from './schema.ts'

/** A piece of the drive page from another feature: a view model (null: nothing to show) and its partial. */
export type DrivePanel = {
  key: string
  /** The partial that prints it; it receives the page's view model with the panel's own as `panel`. */
  view: string
  load: (db: Db, user: CurrentUser, drive: DriveRow) => Promise<object | null>
}

export const DRIVE_PANELS: readonly DrivePanel[] = [
  // "Would we win today, by how much, whom do we talk to next" (src/whip).
  {
    key: 'whip',
    view: '/whip/_drive-panel',
    load: (db, user, d) => whipPanel(db, user, d.id, todayIn(d.time_zone ?? 'UTC')),
  },
  { key: 'section', view: '/mapping/_drive-section', load: (db, user, d) => driveSectionPanel(db, user, d) },
  // Who has whom to talk to, and how far each has got (src/assignments): the drive's organizers only.
  { key: 'assignments', view: '/assignments/_drive-panel', load: (db, user, d) => driveAssignmentsPanel(db, user, d) },
  // The way to the drive's resolution: its adapted text, or the model filled in for it (src/resolutions).
  {
    key: 'resolution',
    view: '/resolutions/_drive-resolution',
    load: (_db, user, d) => driveResolutionPanel(user, d),
  },
]

/** Loads every drive panel at once; each costs its own bounded queries. */
export async function loadDrivePanels(db: Db, user: CurrentUser, drive: DriveRow) {
  const models = await Promise.all(DRIVE_PANELS.map((p) => p.load(db, user, drive)))
  return DRIVE_PANELS.map((p, i) => ({ key: p.key, view: p.view, panel: models[i] })).filter((p) => p.panel !== null)
}

// ---- The local page's drives panel, and the start form it shares with POST /drives ----

type SlateOpt = { id: number; name: string; is_current: boolean }
type CandOpt = { id: number; name: string; office: string; slate_id: number }

export function startView(
  slates: SlateOpt[],
  candidates: CandOpt[],
  values: Record<string, string>,
  errors: FieldErrors,
  canStart: boolean,
) {
  return {
    canStart,
    values,
    errors,
    slateOptions: slates.map((s) => ({ value: String(s.id), label: s.name + (s.is_current ? ' (current)' : '') })),
    candidateOptions: candidates.map((c) => ({ value: String(c.id), label: `${c.name} — ${c.office}` })),
    asksOptions: ASKS,
    noSlate: slates.length === 0,
  }
}

/** The "Drives" panel of a local's page: its drives and the start form. */
export async function localDrivesPanel(db: Db, user: CurrentUser, local: { id: number; chapter_id: number | null }) {
  const [drives, slates, candidates] = await Promise.all([
    listLocalDrives(db, readScope(user), local.id),
    listSlateOptions(db),
    listRunningCandidates(db),
  ])
  const current = slates.find((s) => s.is_current) ?? slates[0]
  return {
    drives: drives.map((d) => ({
      id: d.id,
      slate: d.slate_name,
      place: placeLabel(d.stage, d.status),
      nextStep: d.next_step ?? '',
      due: formatDate(d.next_step_due),
    })),
    start: startView(
      slates,
      candidates,
      { local_id: String(local.id), slate_id: current ? String(current.id) : '', asks: 'candidate' },
      {},
      local.chapter_id !== null && can.edit(user, local.chapter_id),
    ),
  }
}
