// The mapping capability's pieces of other features' pages (route → queries →
// view model → template): the mapping panel of a local's page and the section
// supporters panel of a drive's page. Each takes `db`, the viewer and the
// record, and returns a ready-to-print view model; the page's route calls it
// and its template includes the partial named beside it.
import { can, roleIn, type CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import type { ConflictView } from '../shared/conflict.ts'
import type { FieldErrors } from '../shared/validation.ts'
import type { findLocal } from '../unions/queries.ts'
import { mayEditLocal } from '../unions/rules.ts'
import { listSectionMembersForDrive, listSectionMembersForLocal } from './circles-queries.ts'
import { countMembersInCommon, listPositions } from './queries.ts'
import { ENDORSES, LABOR_COUNCIL, OUTCOMES, TOPICS, labelOf } from './schema.ts'

export type Local = NonNullable<Awaited<ReturnType<typeof findLocal>>>

const yesNo = (v: boolean | null) => (v === null ? '' : v ? 'yes' : 'no')

function factsValues(
  local: Pick<
    Local,
    | 'on_labor_council'
    | 'endorses_candidates'
    | 'endorses_how'
    | 'officer_election_on'
    | 'contract_expires_on'
    | 'version'
  >,
) {
  return {
    on_labor_council: yesNo(local.on_labor_council),
    endorses_candidates: local.endorses_candidates,
    endorses_how: local.endorses_how ?? '',
    officer_election_on: local.officer_election_on ?? '',
    contract_expires_on: local.contract_expires_on ?? '',
    version: String(local.version),
  }
}

type MappingFactsRow = Pick<
  Local,
  'on_labor_council' | 'endorses_candidates' | 'endorses_how' | 'officer_election_on' | 'contract_expires_on'
>

export const pickFacts = (l: MappingFactsRow) => ({
  on_labor_council: l.on_labor_council,
  endorses_candidates: l.endorses_candidates,
  endorses_how: l.endorses_how,
  officer_election_on: l.officer_election_on,
  contract_expires_on: l.contract_expires_on,
})

/** The mapping facts as the "values saved now" panel lists them. */
export function factsSaved(l: MappingFactsRow) {
  return [
    { label: 'On the central labor council', value: labelOf(LABOR_COUNCIL, yesNo(l.on_labor_council)) },
    { label: 'Endorses candidates', value: labelOf(ENDORSES, l.endorses_candidates) },
    { label: 'How it endorses', value: l.endorses_how ?? '' },
    { label: 'Next officer election', value: l.officer_election_on ?? '' },
    { label: 'Contract expires', value: l.contract_expires_on ?? '' },
  ]
}

export type PanelState = {
  factValues?: Record<string, string>
  factErrors?: FieldErrors
  factConflict?: ConflictView
  positionValues?: Record<string, string>
  positionErrors?: FieldErrors
}

/** The mapping panel on a local's page: facts, members in common, past positions, and their forms. Two queries. */
export async function localMappingPanel(db: Db, user: CurrentUser, local: Local, state: PanelState = {}) {
  // A count drawn from a chapter's supporters is that chapter's (and national reviewers') to see, no one else's.
  const mayCount = local.chapter_id !== null && roleIn(user, local.chapter_id) !== null
  const [positions, common] = await Promise.all([
    listPositions(db, local.id),
    mayCount ? countMembersInCommon(db, local.id, local.chapter_id!) : Promise.resolve(null),
  ])
  return {
    localId: local.id,
    facts: [
      {
        label: 'Members in common',
        value:
          local.chapter_id === null
            ? 'No chapter yet'
            : common === null
              ? 'Known to its chapter only'
              : `${common} chapter member${common === 1 ? '' : 's'} inside (from supporters)`,
      },
      { label: 'On the central labor council', value: labelOf(LABOR_COUNCIL, yesNo(local.on_labor_council)) },
      {
        label: 'Endorses candidates',
        value: [labelOf(ENDORSES, local.endorses_candidates), local.endorses_how ?? ''].filter(Boolean).join(' — '),
      },
      { label: 'Next officer election', value: local.officer_election_on ?? 'Not known' },
      { label: 'Contract expires', value: local.contract_expires_on ?? 'Not known' },
    ],
    positions: positions.map((p) => ({
      id: p.id,
      topic: p.topic === 'other' ? (p.description ?? 'Other') : labelOf(TOPICS, p.topic),
      description: p.topic === 'other' ? '' : (p.description ?? ''),
      date: p.decided_on,
      outcome: p.outcome,
      outcomeLabel: labelOf(OUTCOMES, p.outcome),
      sourceUrl: p.source_url,
    })),
    canEdit: mayEditLocal(user, local.chapter_id), // the same rule as the local's edit form
    factValues: state.factValues ?? factsValues(local),
    factErrors: state.factErrors ?? {},
    factConflict: state.factConflict,
    positionValues: state.positionValues ?? { topic: '', outcome: 'passed', decided_on: '' },
    positionErrors: state.positionErrors ?? {},
    topicOptions: TOPICS,
    outcomeOptions: OUTCOMES,
    endorsesOptions: ENDORSES,
    councilOptions: LABOR_COUNCIL.filter((o) => o.value !== ''),
  }
}

/**
 * For a drive's page: the chapter's section members in this local's union, potential leaders first. Empty for
 * those who may not see names. Without `local`, the union is read from the drive's local in the same query.
 */
export async function sectionSupportersForDrive(
  db: Db,
  user: CurrentUser,
  drive: { id: number; chapter_id: number | null },
  local: { national_union_id: number | null } | null = null,
) {
  if (drive.chapter_id === null || (local && local.national_union_id === null) || !can.seeNames(user, drive.chapter_id))
    return []
  const rows = local
    ? await listSectionMembersForLocal(db, drive.chapter_id, local.national_union_id!)
    : await listSectionMembersForDrive(db, drive.chapter_id, drive.id)
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    potentialLeader: r.potential_leader,
    section: r.section_name,
    sectionUrl: `/circles/${r.section_id}`,
  }))
}

/** The drive page's "From the chapter's section" panel (views/mapping/_drive-section.eta); null when empty. */
export async function driveSectionPanel(db: Db, user: CurrentUser, drive: { id: number; chapter_id: number | null }) {
  const members = await sectionSupportersForDrive(db, user, drive)
  return members.length ? { members } : null
}
