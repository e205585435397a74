// What other pages take from the whip count: the drive page's panel ("would
// we win today, by how much, whom do we talk to next"), the board's badge for
// many drives in one query, this week's who-talks-to-whom list (assignments
// are made from it), and the likely case of many drives for the review and
// the slate. Each takes `db` and returns view models; none imports routes.
import type { Kysely } from 'kysely'
import { type CurrentUser, can, readScope, type Scope } from '../auth/access.ts'
import type { Database } from '../db/schema.ts'
import {
  KIND_LABELS,
  type Link,
  type PersonKey,
  STRENGTH_LABELS,
  type Supporter,
  type Talk,
  type Target,
  pathsTo,
  whoTalksToWhom,
} from './paths.ts'
import {
  type BodyRow,
  type MemberRow,
  type PathRow,
  type WhipDrive,
  type WhipSummaryRow,
  findWhipDrive,
  listMembers,
  listPledges,
  listRelationshipsTouching,
  filedWithoutMajority,
  listPersonChoices,
  listPersonLinks,
  structureStandings,
  upcomingVotes,
  whipSummaries,
} from './queries.ts'
import { type VoteRule, ruleFor, ruleLabel } from './rule.ts'
import { RELATIONSHIP_KIND_OPTIONS, STRENGTH_OPTIONS } from './schema.ts'
import {
  type CaseTally,
  type Read,
  READ_KEYS,
  READ_LABELS,
  type Seat,
  type Standing,
  standing,
  suggestedRead,
  turnoutCount,
  whipCount,
} from './tally.ts'

type Db = Kysely<Database>

export const isSitting = (m: { left_on: string | null }, today: string) => m.left_on === null || m.left_on > today

export function bodyRule(d: WhipDrive): VoteRule {
  return ruleFor(d.body, {
    threshold: d.local_threshold,
    threshold_percent: d.local_threshold_percent,
    quorum: d.local_quorum,
  })
}

/** Relationship rows → links keyed by person, and what we know of each supporter end. */
export function linksOf(rows: readonly PathRow[]): { links: Link[]; supporters: Map<number, Supporter> } {
  const supporters = new Map<number, Supporter>()
  const links: Link[] = rows.map((r) => {
    for (const [id, name, level, lastContact] of [
      [r.a_supporter_id, r.a_name, r.a_level, r.a_last_contact],
      [r.b_supporter_id, r.b_name, r.b_level, r.b_last_contact],
    ] as const)
      if (id !== null) supporters.set(id, { id, name, level, lastContact })
    const a: PersonKey = r.a_supporter_id !== null ? `s${r.a_supporter_id}` : `m${r.a_member_id!}`
    const b: PersonKey = r.b_supporter_id !== null ? `s${r.b_supporter_id}` : `m${r.b_member_id!}`
    return { id: r.id, kind: r.kind, strength: r.strength, a, b }
  })
  return { links, supporters }
}

export const memberKey = (m: { id: number; supporter_id: number | null }): PersonKey =>
  m.supporter_id !== null ? `s${m.supporter_id}` : `m${m.id}`

const TARGET_READS: ReadonlySet<Read | null> = new Set<Read | null>([null, 'undecided', 'leaning_yes', 'leaning_no'])

export type WhipState = {
  drive: WhipDrive
  body: BodyRow | null
  rule: VoteRule
  members: MemberRow[]
  sitting: MemberRow[]
  roster: ReturnType<typeof whipCount<number>> | null
  turnout: ReturnType<typeof turnoutCount> | null
  pledges: Awaited<ReturnType<typeof listPledges>>
  targets: Target<number>[]
  paths: Map<number, ReturnType<typeof pathsTo<number>> extends Map<number, infer P> ? P : never>
  talks: Talk<number>[]
}

/**
 * Everything the whip count shows for one drive, in a bounded number of
 * queries (members, their relationships, pledges). Names are loaded only for
 * those who may see them; others get the counts.
 */
export async function loadWhip(db: Db, drive: WhipDrive, today: string): Promise<WhipState> {
  const rule = bodyRule(drive)
  const body = drive.body
  if (body === null) {
    return {
      drive,
      body,
      rule,
      members: [],
      sitting: [],
      roster: null,
      turnout: null,
      pledges: [],
      targets: [],
      paths: new Map(),
      talks: [],
    }
  }
  const [members, pledges] = await Promise.all([
    body.kind === 'roster' ? listMembers(db, body.id) : Promise.resolve([] as MemberRow[]),
    body.kind === 'turnout' ? listPledges(db, drive.id) : Promise.resolve([]),
  ])
  const sitting = members.filter((m) => isSitting(m, today))
  let roster = null
  let turnout = null
  let targets: Target<number>[] = []
  let paths = new Map()
  let talks: Talk<number>[] = []
  if (body.kind === 'roster') {
    const seats: Seat<number>[] = sitting.map((m) => ({ id: m.id, name: m.name, read: m.read }))
    roster = whipCount(rule, seats)
    // Those whose move would decide it first, then everyone else still open.
    const first = new Set((roster.toMove ?? []).map((s) => s.id))
    const open = sitting.filter((m) => first.has(m.id) || TARGET_READS.has(m.read))
    open.sort((x, y) => Number(first.has(y.id)) - Number(first.has(x.id)))
    targets = open.map((m) => ({ id: m.id, name: m.name, key: memberKey(m) }))
    if (drive.chapter_id !== null && targets.length > 0) {
      const rows = await listRelationshipsTouching(
        db,
        drive.chapter_id,
        open.filter((m) => m.supporter_id === null).map((m) => m.id),
        open.flatMap((m) => (m.supporter_id === null ? [] : [m.supporter_id])),
      )
      const { links, supporters } = linksOf(rows)
      // Another body member we are trying to move is no path to this one.
      const targetSupporters = new Set(open.flatMap((m) => (m.supporter_id === null ? [] : [m.supporter_id])))
      for (const id of targetSupporters) supporters.delete(id)
      paths = pathsTo(targets, links, supporters)
      talks = whoTalksToWhom(targets, paths)
    }
  } else {
    const counts = { confirmed: 0, pledged: 0, maybe: 0 }
    for (const p of pledges) counts[p.pledge]++
    turnout = turnoutCount({ rule, expected: body.expected_attendance ?? 0, pledges: counts })
  }
  return { drive, body, rule, members, sitting, roster, turnout, pledges, targets, paths, talks }
}

export function caseLine(c: CaseTally): string {
  if (!c.quorumMet) return `No quorum (${c.present} present)`
  const tally = `${c.for} for, ${c.against} against`
  return c.wins
    ? `${tally}: wins${c.spare ? ` by ${c.spare} to spare` : ', none to spare'}`
    : `${tally}: ${c.short} short`
}

export type PanelView = {
  driveId: number
  hasBody: boolean
  kind: 'roster' | 'turnout' | null
  bodyName: string
  rule: string
  verdict: string
  verdictClass: 'ok' | 'warn' | ''
  sentence: string
  cases: { key: string; label: string; line: string; wins: boolean }[]
  counts: { label: string; n: number; read: string }[]
  next: { target: string; supporter: string; how: string }[]
  toMove: string[]
  canSeeNames: boolean
  canEdit: boolean
  href: string
}

const CASE_LABELS = { best: 'Best case', likely: 'Likely case', worst: 'Worst case' } as const

export function verdictOf(c: CaseTally): { text: string; cls: 'ok' | 'warn' | '' } {
  if (!c.quorumMet) return { text: `No quorum today: ${c.short} short`, cls: 'warn' }
  if (c.wins)
    return { text: c.spare ? `We would win today, ${c.spare} to spare` : 'We would win today, by one vote', cls: 'ok' }
  return { text: `We would lose today: ${c.short} short`, cls: 'warn' }
}

/** The drive page's whip-count panel. National reviewers get the counts and no names. */
export async function whipPanel(db: Db, user: CurrentUser, driveId: number, today: string): Promise<PanelView | null> {
  const drive = await findWhipDrive(db, readScope(user), driveId)
  if (!drive) return null
  const names = can.seeNames(user, drive.chapter_id)
  const w = await loadWhip(db, drive, today)
  return panelView(w, { names, edit: can.edit(user, drive.chapter_id) })
}

export function panelView(w: WhipState, o: { names: boolean; edit: boolean }): PanelView {
  const count = w.roster ?? w.turnout
  const likely = count?.cases.likely
  const v = likely ? verdictOf(likely) : { text: 'No deciding body listed yet', cls: '' as const }
  return {
    driveId: w.drive.id,
    hasBody: w.body !== null,
    kind: w.body?.kind ?? null,
    bodyName: w.body?.name ?? '',
    rule: ruleLabel(w.rule) + (w.rule.quorum != null ? `, quorum ${w.rule.quorum}` : ''),
    verdict: v.text,
    verdictClass: v.cls,
    sentence: count === null ? '' : o.names ? count.sentence : anonymousSentence(w),
    cases: count
      ? (['best', 'likely', 'worst'] as const).map((k) => ({
          key: k,
          label: CASE_LABELS[k],
          line: caseLine(count.cases[k]),
          wins: count.cases[k].wins,
        }))
      : [],
    counts: w.roster
      ? READ_KEYS.filter((r) => w.roster!.counts[r] > 0).map((r) => ({
          label: READ_LABELS[r],
          n: w.roster!.counts[r],
          read: r,
        }))
      : [],
    next: o.names
      ? w.talks.slice(0, 5).map((t) => ({
          target: t.target.name,
          supporter: t.path.supporter.name,
          how: `${STRENGTH_LABELS[t.path.strength]}, ${KIND_LABELS[t.path.kind]}`.toLowerCase(),
        }))
      : [],
    toMove: o.names ? (w.roster?.toMove ?? []).map((s) => s.name) : [],
    canSeeNames: o.names,
    canEdit: o.edit,
    href: `/drives/${w.drive.id}/whip`,
  }
}

function anonymousSentence(w: WhipState): string {
  const c = w.roster ?? w.turnout
  if (!c) return ''
  return `${ruleLabel(w.rule)}: likely case ${caseLine(c.cases.likely).toLowerCase()}`
}

// ---- many drives ----------------------------------------------------------------------

/** The likely case of a summary row (counts only, no names). */
export function summaryCase(r: WhipSummaryRow): CaseTally {
  const rule = ruleFor(
    {
      threshold: r.threshold,
      threshold_percent: r.threshold_percent,
      counts_abstentions: r.counts_abstentions,
      quorum: r.quorum,
    },
    { threshold: r.local_threshold, threshold_percent: r.local_threshold_percent },
  )
  if (r.kind === 'turnout') {
    return turnoutCount({
      rule,
      expected: r.expected_attendance ?? 0,
      pledges: { confirmed: r.pledges.confirmed ?? 0, pledged: r.pledges.pledged ?? 0, maybe: r.pledges.maybe ?? 0 },
    }).cases.likely
  }
  const seats: Seat<number>[] = []
  let i = 0
  for (const [read, n] of Object.entries(r.reads)) {
    for (let k = 0; k < (n ?? 0); k++) seats.push({ id: i++, name: '', read: read === 'none' ? null : (read as Read) })
  }
  return whipCount(rule, seats).cases.likely
}

export type Badge = { text: string; cls: 'ok' | 'warn' | ''; standing: Standing; title: string }

/** "votes: 7 of 8 needed" for each drive that has a deciding body; one query for all of them. */
export async function whipBadges(db: Db, driveIds: number[]): Promise<Map<number, Badge>> {
  const out = new Map<number, Badge>()
  for (const r of await whipSummaries(db, driveIds)) {
    const c = summaryCase(r)
    const st = standing(c)
    out.set(r.drive_id, {
      text: c.quorumMet ? `votes: ${c.for} of ${c.needed} needed` : `votes: no quorum (${c.present})`,
      cls: st === 'won' ? 'ok' : 'warn',
      standing: st,
      title: c.wins ? 'The likely case wins' : `The likely case is ${c.short} short`,
    })
  }
  return out
}

/** The likely-case standing of each drive with a body (for counts on the review and the slate). */
export async function likelyStandings(db: Db, driveIds: number[]): Promise<Map<number, Standing>> {
  const out = new Map<number, Standing>()
  for (const r of await whipSummaries(db, driveIds)) out.set(r.drive_id, standing(summaryCase(r)))
  return out
}

export type WeeklyTalk = {
  memberId: number
  memberName: string
  // The member's own supporter record, when they are one (an assignment is about a supporter).
  memberSupporterId: number | null
  supporterId: number
  supporterName: string
  kind: string
  strength: string
}

/**
 * This week's "who should talk to whom" for a drive, for turning into
 * assignments: each open body member with the supporter best placed to reach
 * them. Empty when the drive is out of scope or has no roster.
 */
export async function weeklyTalks(db: Db, scope: Scope, driveId: number, today: string): Promise<WeeklyTalk[]> {
  const drive = await findWhipDrive(db, scope, driveId)
  if (!drive) return []
  const w = await loadWhip(db, drive, today)
  const byId = new Map(w.sitting.map((m) => [m.id, m]))
  return w.talks.map((t) => ({
    memberId: t.target.id,
    memberName: t.target.name,
    memberSupporterId: byId.get(t.target.id)?.supporter_id ?? null,
    supporterId: t.path.supporter.id,
    supporterName: t.path.supporter.name,
    kind: t.path.kind,
    strength: t.path.strength,
  }))
}

export { suggestedRead }

export type WhipExitFacts = {
  whip: { wins: boolean; quorumMet: boolean; short: number; spare: number } | null
  majorityTest: { required: boolean; reached: boolean; best: string | null } | null
}

/** What the pipeline's exit checks need from the whip count, for many drives in two queries. */
export async function whipExitFacts(db: Db, driveIds: number[]): Promise<Map<number, WhipExitFacts>> {
  const [summaries, standings] = await Promise.all([whipSummaries(db, driveIds), structureStandings(db, driveIds)])
  const out = new Map<number, WhipExitFacts>()
  for (const id of driveIds) out.set(id, { whip: null, majorityTest: null })
  for (const r of summaries) {
    const c = summaryCase(r)
    out.get(r.drive_id)!.whip = { wins: c.wins, quorumMet: c.quorumMet, short: c.short, spare: c.spare }
  }
  for (const r of standings) {
    const f = out.get(r.drive_id)!
    if (f.majorityTest === null) f.majorityTest = { required: r.majority_check, reached: false, best: null }
    const m = f.majorityTest
    if (r.test_id === null || r.headcount === 0) continue
    const reached = r.total * 2 > r.headcount
    const line = `${r.name}: ${r.total} of ${r.headcount} (${Math.floor((r.total * 100) / r.headcount)}%)`
    if (reached && !m.reached) {
      m.reached = true
      m.best = line
    } else if (!m.reached && m.best === null) m.best = line
  }
  return out
}

/** The filing form's warning when the likely case loses; never a block. */
export function filingWarning(f: WhipExitFacts | undefined): string {
  const w = f?.whip
  if (!w || w.wins) return ''
  return w.quorumMet
    ? `The whip count’s likely case is ${w.short} short — file anyway?`
    : `The whip count’s likely case has no quorum (${w.short} short) — file anyway?`
}

export type WhipReviewRow = {
  label: string
  upcoming: number
  counted: number
  won: number
  close: number
  lost: number
  filedWithoutMajority: number
}

/**
 * The national review's whip figures, by national union and by chapter
 * (counts only): votes in the next 60 days and how many the likely case wins,
 * loses by 2 or fewer ("close"), or loses; and drives filed without a
 * majority structure test. Two queries whatever the number of drives.
 */
export async function whipReview(
  db: Db,
  scope: Scope,
  f: { slate: number | null; union?: number; chapter?: number },
): Promise<{ union: WhipReviewRow[]; chapter: WhipReviewRow[] }> {
  const [votes, filed] = await Promise.all([upcomingVotes(db, scope, f), filedWithoutMajority(db, scope, f)])
  const groups = { u: new Map<number, WhipReviewRow>(), c: new Map<number, WhipReviewRow>() }
  const row = (g: 'u' | 'c', k: number, label: string) => {
    let r = groups[g].get(k)
    if (!r) {
      r = { label, upcoming: 0, counted: 0, won: 0, close: 0, lost: 0, filedWithoutMajority: 0 }
      groups[g].set(k, r)
    }
    return r
  }
  for (const v of votes) {
    const st = v.kind === null ? null : standing(summaryCase(v as WhipSummaryRow))
    for (const r of [row('u', v.union_id, v.union_label), row('c', v.chapter_id, v.chapter_label)]) {
      r.upcoming++
      if (st === null) continue
      r.counted++
      r[st]++
    }
  }
  for (const x of filed) row(x.g, x.k, x.label).filedWithoutMajority += x.n
  const sorted = (m: Map<number, WhipReviewRow>) => [...m.values()].sort((a, b) => a.label.localeCompare(b.label))
  return { union: sorted(groups.u), chapter: sorted(groups.c) }
}

// ---- a person's page: who they know --------------------------------------------------

export type PersonForm = { values: Record<string, string>; errors: Record<string, string> }
export type PersonRelationshipsPanel = NonNullable<Awaited<ReturnType<typeof personRelationshipsPanel>>>

/**
 * The person page's "Who they know" panel: their relationships (a body member
 * they know shows the seat, the read and a link to the whip count) and the
 * form to add one; `choices` also serve the conversation form's "knows" field.
 * Null for those who may not see names in the supporter's chapter. Two queries.
 */
export async function personRelationshipsPanel(
  db: Db,
  user: CurrentUser,
  p: { id: number; chapter_id: number; local_id: number | null },
  o: { form?: PersonForm; saved?: string; conflict?: { message: string } } = {},
) {
  if (!can.seeNames(user, p.chapter_id)) return null
  const [links, choices] = await Promise.all([
    listPersonLinks(db, p.chapter_id, p.id),
    can.log(user, p.chapter_id) ? listPersonChoices(db, p.chapter_id, p.local_id, p.id) : Promise.resolve([]),
  ])
  return {
    personId: p.id,
    canLog: can.log(user, p.chapter_id),
    canEdit: can.edit(user, p.chapter_id),
    saved: o.saved ?? '',
    conflict: o.conflict?.message ?? '',
    form: o.form ?? { values: { kind: 'coworker', strength: 'knows' }, errors: {} },
    links: links.map((l) => ({
      id: l.id,
      version: l.version,
      name: l.other_name,
      supporterId: l.other_supporter_id,
      how: `${KIND_LABELS[l.kind]} · ${STRENGTH_LABELS[l.strength]}`,
      seat: l.drive_id === null ? '' : [l.seat, l.body_name].filter(Boolean).join(', '),
      read: l.drive_id === null ? '' : l.read ? READ_LABELS[l.read] : 'No read yet',
      readKey: l.read ?? 'none',
      whipHref: l.drive_id === null ? '' : `/drives/${l.drive_id}/whip#paths`,
    })),
    choices: choices.map((c) => ({ value: c.key, label: c.label })),
    kinds: RELATIONSHIP_KIND_OPTIONS,
    strengths: STRENGTH_OPTIONS,
  }
}
