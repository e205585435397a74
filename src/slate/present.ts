// View-model helpers shared by the slate's route files: a body's address in the
// matrix, a cell's URL, candidates as the matrix and the slate page show them.
import type { CurrentUser } from '../auth/access.ts'
import { formatDate, formatMoment } from '../shared/format.ts'
import { type BodyKind, type CellState, LEVEL_LABELS, type MatrixCandidate } from './build-matrix.ts'
import { mayEditCandidate, type Body } from './guards.ts'
import type { SlateCandidateRow } from './queries.ts'
import { CANDIDATE_LEVELS, CANDIDATE_STATUSES, labelOf } from './schema.ts'

export const today = () => new Date().toISOString().slice(0, 10)

export function bodyKindOf(body: Body): BodyKind {
  if (body.kind === 'national') return 'national'
  if (body.localKind === 'council') return 'council'
  if (body.localKind === 'clc' || body.localKind === 'federation') return 'federation'
  return 'local'
}

export const refOf = (bodyId: number) => (bodyId < 0 ? `n${-bodyId}` : `l${bodyId}`)
export const cellUrl = (slateId: number, bodyId: number, candidateId: number | null) =>
  `/slates/${slateId}/matrix/cell?body=${refOf(bodyId)}&candidate=${candidateId ?? 'slate'}`

// A matrix page draws about 2,000 cells, most of them "not targeted": each cell
// is a one-letter class, a short label and an address relative to the matrix
// page (/slates/:id/matrix → matrix/cell?…). The legend explains the letters.
export const CELL_CLASS: Readonly<Record<CellState, string>> = Object.freeze({
  not_targeted: 'n',
  in_drive: 'd',
  endorsed: 'e',
  conditional: 'c',
  pending: 'p',
  conflict: 'x',
  lost: 'l',
  rescinded: 'r',
})
const SHORT_LABELS: Readonly<Record<string, string>> = Object.freeze({
  'Not targeted': '–',
  'Covered by slate endorsement': 'By slate',
})
const LEVEL_PARTS = Object.values(LEVEL_LABELS).map((l) => ` · ${l}`)
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/g
/**
 * A cell's label as the page prints it: the level left out (the row and the
 * column say it), dates in the app's style. The CSV keeps the full label.
 */
export function shortCellLabel(label: string): string {
  const short = SHORT_LABELS[label]
  if (short !== undefined) return short
  let out = label
  for (const part of LEVEL_PARTS) out = out.replace(part, '')
  return out.replace(ISO_DATE, (d) => formatDate(d))
}
export const cellHref = (bodyId: number, candidateId: number | null) =>
  `matrix/cell?body=${refOf(bodyId)}&amp;candidate=${candidateId ?? 'slate'}`

export function matrixCandidates(rows: SlateCandidateRow[]): MatrixCandidate[] {
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    office: c.office,
    status: c.status,
    goal: c.goal,
    electionDate: c.election_date,
  }))
}

export function candidateView(c: SlateCandidateRow, user: CurrentUser) {
  return {
    ...c,
    levelLabel: labelOf(CANDIDATE_LEVELS, c.level),
    statusLabel: labelOf(CANDIDATE_STATUSES, c.status),
    election: [c.election_type, formatDate(c.election_date)].filter(Boolean).join(' · '),
    dates: [c.joined_on ? `joined ${formatDate(c.joined_on)}` : '', c.left_on ? `left ${formatDate(c.left_on)}` : '']
      .filter(Boolean)
      .join(', '),
    withdrawn: c.status === 'withdrawn',
    canEdit: mayEditCandidate(user, c.chapter_id),
  }
}

export const candidateValues = (c: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]))

const SLATE_FIELDS: Record<string, string> = {
  name: 'name',
  cycle: 'cycle',
  election_date: 'election date',
  goal: 'goal',
  is_current: 'current',
  chapter_id: 'run by',
  public_slug: 'public address',
  public_enabled: 'public list',
}

function shown(key: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  if (typeof v === 'boolean')
    return v ? (key === 'public_enabled' ? 'on' : 'yes') : key === 'public_enabled' ? 'off' : 'no'
  if (key === 'election_date') return formatDate(String(v))
  return String(v)
}

/** A slate's audit rows as lines a person reads: when, who, and what changed from what to what. */
export function slateHistory(
  rows: readonly { at: Date; action: string; actor: string | null; before: unknown; after: unknown }[],
  zone: string,
) {
  return rows.map((r) => {
    const before = (r.before ?? {}) as Record<string, unknown>
    const after = (r.after ?? {}) as Record<string, unknown>
    const changes =
      r.action === 'create'
        ? []
        : Object.keys(SLATE_FIELDS)
            .filter((k) => k in after)
            .map((k) =>
              k === 'chapter_id'
                ? 'who runs it changed'
                : `${SLATE_FIELDS[k]}: ${shown(k, before[k])} → ${shown(k, after[k])}`,
            )
    return {
      at: formatMoment(r.at, zone),
      actor: r.actor ?? 'Tenfold',
      action: r.action === 'create' ? 'created the slate' : r.action === 'update' ? 'changed' : r.action,
      changes: changes.join('; '),
    }
  })
}
