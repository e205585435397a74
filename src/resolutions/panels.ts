// The resolution library's piece of the drive page: the way from a drive to
// its resolution. It links to the text adapted for the drive when there is
// one, else to the model that fits what the drive asks for, filled in for the
// drive (its local, candidate and meeting pre-chosen by ?drive=), and to the
// library to choose another. The filled page links back to the drive. Which
// resolution that is comes with the drive's own row (drives/queries.ts
// findDrive, `resolution_link`), so the panel costs no query.
import type { CurrentUser } from '../auth/access.ts'
import { formatDate } from '../shared/format.ts'

type DriveFacts = {
  id: number
  candidate_id: number | null
  time_zone: string | null
  resolution_link: {
    id: number
    title: string
    adaptation_id: number | null
    candidate_id: number | null
    updated_at: string | null
  } | null
}

export async function driveResolutionPanel(_user: CurrentUser, d: DriveFacts) {
  const r = d.resolution_link
  const q = new URLSearchParams({ drive: String(d.id) })
  // An adaptation made for another of the slate's candidates opens with that candidate chosen.
  if (r?.adaptation_id && r.candidate_id !== null && r.candidate_id !== d.candidate_id)
    q.set('candidate', String(r.candidate_id))
  return {
    url: r ? `/resolutions/${r.id}?${q}` : '',
    title: r?.title ?? '',
    adapted: Boolean(r?.adaptation_id),
    adaptedOn: r?.updated_at ? formatDate(new Date(r.updated_at), d.time_zone) : '',
    label: r?.adaptation_id ? 'Open the resolution adapted for this drive' : 'Fill the resolution for this drive',
    libraryUrl: `/resolutions?drive=${d.id}`,
  }
}
