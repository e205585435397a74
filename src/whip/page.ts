// The view models of the whip-count pages: /drives/:id/whip (the body, its
// members and reads, paths, pledges, structure tests and every form on it,
// each with its own ids and, after a 409, its conflict panel) and the page
// that ticks supporters off on a structure test. Pure: the routes load the
// rows and hand them here; templates only print.
import type { CurrentUser } from '../auth/access.ts'
import { can } from '../auth/access.ts'
import { formatDate, formatMoment } from '../shared/format.ts'
import type { ConflictView } from '../shared/conflict.ts'
import type { FieldErrors } from '../shared/validation.ts'
import { isSitting, memberKey, panelView, type WhipState } from './panels.ts'
import { KIND_LABELS, STRENGTH_LABELS } from './paths.ts'
import type { listLocalSupporters, listReadHistory, listRelationshipsTouching, StructureTestRow } from './queries.ts'
import { TICK_LIMIT, type TickRow, type WhipDrive } from './queries.ts'
import { ruleLabel } from './rule.ts'
import {
  BODY_KIND_OPTIONS,
  PLEDGE_OPTIONS,
  READ_OPTIONS,
  RELATIONSHIP_KIND_OPTIONS,
  STRENGTH_OPTIONS,
  STRUCTURE_KIND_OPTIONS,
  THRESHOLD_OPTIONS,
} from './schema.ts'
import { chartOf, summarize, withTicks } from './structure-chart.ts'
import { READ_LABELS, suggestedRead } from './tally.ts'

export type Form = { values: Record<string, string>; errors: FieldErrors }
export type FormKey = 'body' | 'member' | 'relationship' | 'pledge' | 'test' | 'count'
/** Typed values and errors of the form that was sent, by form (`read-12`, `count-3`, `edit-12` …). */
export type Forms = Partial<Record<string, Form>>
/** A 409: which form it belongs to and its message and saved values. */
export type ConflictAt = { at: string; view: ConflictView }

const DECIDING_DEFAULT_NAMES: Record<string, string> = {
  executive_board: 'Executive board',
  membership_meeting: 'General membership meeting',
  delegate_body: 'Delegate council',
  referendum: 'Member poll',
  council_conference: 'Endorsement conference',
  cope_committee: 'COPE committee',
}

const blank = (values: Record<string, string> = {}): Form => ({ values, errors: {} })
const str = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v))
const withLevel = (s: { name: string; current_level: number | null }) =>
  `${s.name}${s.current_level ? ` · level ${s.current_level}` : ''}`
export const howLabel = (r: { kind: keyof typeof KIND_LABELS; strength: keyof typeof STRENGTH_LABELS }) =>
  `${STRENGTH_LABELS[r.strength]} · ${KIND_LABELS[r.kind]}`

function bodyValues(w: WhipState): Record<string, string> {
  const b = w.body
  const d = w.drive
  if (!b)
    return {
      kind: d.deciding_body === 'membership_meeting' || d.deciding_body === 'referendum' ? 'turnout' : 'roster',
      name: DECIDING_DEFAULT_NAMES[d.deciding_body ?? ''] ?? 'Executive board',
    }
  return {
    kind: b.kind,
    name: b.name,
    threshold: b.threshold ?? '',
    threshold_percent: str(b.threshold_percent),
    counts_abstentions: b.counts_abstentions ? 'on' : '',
    quorum: str(b.quorum),
    expected_attendance: str(b.expected_attendance),
    version: String(b.version),
  }
}

/** A structure test's units with the ticked-off supporters folded into their figures. */
export function testUnits(t: StructureTestRow) {
  return t.units.map((u) => ({ id: u.id, name: u.name, headcount: u.headcount, counts: withTicks(u.counts, u.ticks) }))
}

function testView(t: StructureTestRow, driveId: number) {
  const units = testUnits(t)
  const s = summarize(units, t.target_percent)
  return {
    id: t.id,
    version: t.version,
    name: t.name,
    kind: STRUCTURE_KIND_OPTIONS.find((k) => k.value === t.kind)?.label ?? t.kind,
    target: t.target_percent,
    summary: s,
    line: `${s.latestTotal} of ${s.headcount} (${s.percent}%)${s.majority ? ' — majority reached' : ''}`,
    chart: chartOf(units, t.target_percent),
    units: t.units.map((u) => ({ value: u.id, label: u.name })),
    ticked: t.ticked,
    ticksHref: `/drives/${driveId}/whip/tests/${t.id}/ticks`,
  }
}

export type PageRows = {
  history: Awaited<ReturnType<typeof listReadHistory>>
  tests: StructureTestRow[]
  options: Awaited<ReturnType<typeof listLocalSupporters>>
  network: Awaited<ReturnType<typeof listRelationshipsTouching>>
}

export function whipPageView(
  w: WhipState,
  o: { user: CurrentUser; today: string; forms: Forms; conflict?: ConflictAt } & PageRows,
) {
  const d = w.drive
  const canEdit = can.edit(o.user, d.chapter_id)
  const canLog = can.log(o.user, d.chapter_id)
  const form = (key: string, fallback: Form) => o.forms[key] ?? fallback
  const notSitting = o.options.filter((s) => !w.members.some((m) => m.supporter_id === s.id))
  const members = w.sitting.map((m) => ({ value: memberKey(m), label: `${m.name}${m.seat ? ` (${m.seat})` : ''}` }))
  return {
    title: `Whip count · ${d.title}`,
    drive: { id: d.id, title: d.title, majorityCheck: d.majority_check, stage: d.stage },
    panel: panelView(w, { names: true, edit: canEdit }),
    body: w.body ? { id: w.body.id, kind: w.body.kind, name: w.body.name } : null,
    rule: ruleLabel(w.rule),
    canEdit,
    canLog,
    conflictAt: o.conflict?.at ?? '',
    conflict: o.conflict?.view ?? null,
    members: w.members.map((m) => {
      const suggestion = m.supporter_level ? suggestedRead(m.supporter_level) : null
      const dates = [
        m.joined_on ? `since ${formatDate(m.joined_on)}` : '',
        m.left_on ? `left ${formatDate(m.left_on)}` : '',
      ]
      return {
        id: m.id,
        version: m.version,
        seat: m.seat ?? '',
        name: m.name,
        supporterId: m.supporter_id,
        sitting: isSitting(m, o.today),
        dates: dates.filter(Boolean).join(', '),
        read: m.read ? READ_LABELS[m.read] : 'No read yet',
        readKey: m.read ?? 'none',
        readAt: m.read_at ? formatMoment(m.read_at, d.time_zone) : '',
        suggestion:
          suggestion && suggestion !== m.read ? `Level ${m.supporter_level} suggests ${READ_LABELS[suggestion]}` : '',
        form: form(`read-${m.id}`, blank({ read: m.read ?? suggestion ?? '', note: '', version: String(m.version) })),
        editForm: form(
          `edit-${m.id}`,
          blank({ seat: m.seat ?? '', left_on: m.left_on ?? '', version: String(m.version) }),
        ),
      }
    }),
    history: o.history.map((h) => ({
      at: formatMoment(h.at, d.time_zone),
      member: h.member,
      read: READ_LABELS[h.read],
      actor: h.actor ?? 'Tenfold',
      note: h.note ?? '',
    })),
    paths: w.targets.map((t) => {
      const m = w.sitting.find((x) => x.id === t.id)!
      return {
        id: t.id,
        name: t.name,
        read: m.read ? READ_LABELS[m.read] : 'No read yet',
        paths: (w.paths.get(t.id) ?? []).slice(0, 5).map((p) => ({
          supporterId: p.supporter.id,
          name: p.supporter.name,
          how: howLabel(p),
          level: p.supporter.level,
          lastContact: p.supporter.lastContact ? formatDate(p.supporter.lastContact) : 'no contact logged',
        })),
      }
    }),
    talks: w.talks.map((t) => ({
      target: t.target.name,
      supporter: t.path.supporter.name,
      supporterId: t.path.supporter.id,
      how: howLabel(t.path),
    })),
    network: o.network.map((r) => ({ id: r.id, version: r.version, a: r.a_name, b: r.b_name, how: howLabel(r) })),
    pledges: w.pledges.map((p) => ({
      supporterId: p.supporter_id,
      name: p.name,
      pledge: PLEDGE_OPTIONS.find((x) => x.value === p.pledge)?.label ?? p.pledge,
    })),
    tests: o.tests.map((t) => ({
      ...testView(t, d.id),
      form: form(`count-${t.id}`, blank({ counted_on: o.today })),
    })),
    forms: {
      body: form('body', blank(bodyValues(w))),
      member: form('member', blank()),
      relationship: form('relationship', blank({ strength: 'knows', kind: 'coworker' })),
      pledge: form('pledge', blank()),
      test: form('test', blank({ kind: 'petition', target_percent: '60' })),
    },
    options: {
      kinds: BODY_KIND_OPTIONS,
      thresholds: THRESHOLD_OPTIONS,
      reads: READ_OPTIONS,
      pledges: PLEDGE_OPTIONS,
      relationshipKinds: RELATIONSHIP_KIND_OPTIONS,
      strengths: STRENGTH_OPTIONS,
      structureKinds: STRUCTURE_KIND_OPTIONS,
      // Who knows a member: anyone; whom they know: a sitting member (two supporters are linked from the
      // person page). Keeps the page small when the local has hundreds of supporters.
      people: [...members, ...notSitting.map((s) => ({ value: `s${s.id}`, label: withLevel(s) }))],
      members,
      supporters: notSitting.map((s) => ({ value: s.id, label: withLevel(s) })),
      pledgeSupporters: o.options.map((s) => ({ value: s.id, label: s.name })),
    },
  }
}

/** The tick-off page of one structure test: the unit ticks go to, the filter, and one row per supporter. */
export function ticksPageView(
  d: WhipDrive,
  t: StructureTestRow,
  o: { rows: TickRow[]; unitId: number; q: string; on: string; today: string },
) {
  const unit = t.units.find((u) => u.id === o.unitId) ?? t.units[0]!
  const base = `/drives/${d.id}/whip/tests/${t.id}/ticks`
  return {
    title: `Tick off · ${t.name}`,
    drive: { id: d.id, title: d.title },
    test: { id: t.id, name: t.name, summary: tickSummary(t) },
    action: base,
    unit: { id: unit.id, name: unit.name },
    units: t.units.length > 1 ? t.units.map((u) => ({ value: u.id, label: u.name })) : [],
    q: o.q,
    on: o.on,
    today: o.today,
    full: o.rows.length >= TICK_LIMIT,
    rows: o.rows.map((r) => tickRowView(r, unit.id)),
  }
}

/** The tick page's line under its title: the test's figure and how many are ticked off. */
export function tickSummary(t: StructureTestRow) {
  const s = summarize(testUnits(t), t.target_percent)
  const ticked = t.ticked === 1 ? '1 supporter' : `${t.ticked} supporters`
  return `${s.latestTotal} of ${s.headcount} (${s.percent}%) · ${ticked} ticked off`
}

export function tickRowView(r: TickRow, unitId: number) {
  const elsewhere = r.unit_id !== null && r.unit_id !== unitId
  return {
    id: r.id,
    name: r.name,
    level: r.current_level,
    ticked: r.unit_id !== null,
    // Ticked in another unit: shown, and unticking is allowed, but it stays in its own unit.
    note: r.unit_id === null ? '' : `${elsewhere ? `${r.unit_name}, ` : ''}${formatDate(r.took_part_on)}`,
  }
}

const SAVED_FIELDS: Record<string, [string, string][]> = {
  deciding_body: [
    ['name', 'Name'],
    ['threshold', 'Threshold'],
    ['threshold_percent', 'Custom percentage'],
    ['quorum', 'Quorum'],
    ['expected_attendance', 'Expected attendance'],
  ],
  body_member: [
    ['seat', 'Seat or title'],
    ['read', 'Read'],
    ['left_on', 'Left on'],
  ],
  relationship: [
    ['kind', 'How'],
    ['strength', 'How well'],
  ],
  structure_test: [
    ['name', 'Name'],
    ['target_percent', 'Target share (%)'],
  ],
}
const VALUE_LABELS: Record<string, Record<string, string>> = {
  threshold: Object.fromEntries(THRESHOLD_OPTIONS.map((o) => [o.value, o.label])),
  read: READ_LABELS,
  kind: KIND_LABELS,
  strength: STRENGTH_LABELS,
}

/** The "values saved now" of a conflicting row, labelled as on the form. */
export function savedValues(entity: string, row: Record<string, unknown> | undefined) {
  if (!row) return []
  return (SAVED_FIELDS[entity] ?? []).map(([k, label]) => {
    const v = row[k]
    const s = v === null || v === undefined ? '' : String(v)
    return { label, value: VALUE_LABELS[k]?.[s] ?? (k === 'left_on' ? formatDate(s) : s) }
  })
}
