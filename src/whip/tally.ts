// The whip count: the projected tally of a deciding body under its own rule,
// as a best, likely and worst case, with how many votes are missing and the
// smallest set of members whose move would decide it. Also the turnout count
// for a body the members themselves form (a membership meeting, a poll):
// supporters pledged to attend and vote against an expected attendance.
// Pure: no database, no I/O. The rule itself is in rule.ts.

import { type VoteRule, assertRule, carries, quorumMet, ruleLabel, votesNeeded } from './rule.ts'

export const READ_KEYS = ['yes', 'leaning_yes', 'undecided', 'leaning_no', 'no', 'absent'] as const
export type Read = (typeof READ_KEYS)[number]

export const READ_LABELS: Readonly<Record<Read, string>> = Object.freeze({
  yes: 'Yes',
  leaning_yes: 'Leaning yes',
  undecided: 'Undecided',
  leaning_no: 'Leaning no',
  no: 'No',
  absent: 'Absent / will not vote',
})

export function isRead(x: unknown): x is Read {
  return typeof x === 'string' && (READ_KEYS as readonly string[]).includes(x)
}

/** The read a supporter's 1–5 level suggests; a suggestion only, never stored over a read. */
export function suggestedRead(level: number | null | undefined): Read | null {
  switch (level) {
    case 1:
      return 'yes'
    case 2:
      return 'leaning_yes'
    case 3:
      return 'undecided'
    case 4:
      return 'leaning_no'
    case 5:
      return 'no'
    default:
      return null
  }
}

export type Seat<Id = number> = { id: Id; name: string; read: Read | null }

export type CaseKey = 'best' | 'likely' | 'worst'

export type CaseTally = {
  key: CaseKey
  for: number
  against: number
  present: number
  quorumMet: boolean
  // Votes for needed when everyone present votes.
  needed: number
  wins: boolean
  // Votes missing to win (0 when it wins), counting only votes for; when the
  // quorum fails it also counts absent members who would have to come.
  short: number
  // Votes for that could go the other way and it still wins (0 when it loses).
  spare: number
}

// How each read votes in each case. Absent members are never in the room.
// best: the undecided come our way; likely: leanings hold, the undecided vote
// against; worst: only firm yeses vote for.
const VOTES_FOR: Readonly<Record<CaseKey, ReadonlySet<Read>>> = {
  best: new Set(['yes', 'leaning_yes', 'undecided']),
  likely: new Set(['yes', 'leaning_yes']),
  worst: new Set(['yes']),
}

// Whom to move first, when moving any of them is worth the same one vote:
// the undecided, then those leaning against, then the absent, then firm noes.
const MOVE_ORDER: readonly Read[] = ['undecided', 'leaning_no', 'no']

export type WhipCount<Id = number> = {
  seats: number
  counts: Record<Read, number>
  rule: VoteRule
  cases: Record<CaseKey, CaseTally>
  // The smallest set of members whose move to yes wins the likely case (empty when it wins,
  // null when no set of moves can win it).
  toMove: Seat<Id>[] | null
  undecided: Seat<Id>[]
  sentence: string
}

function emptyCounts(): Record<Read, number> {
  return { yes: 0, leaning_yes: 0, undecided: 0, leaning_no: 0, no: 0, absent: 0 }
}

function readOf(s: Seat<unknown>): Read {
  return s.read ?? 'undecided'
}

function caseTally(rule: VoteRule, key: CaseKey, seats: readonly Seat<unknown>[]): CaseTally {
  let votesFor = 0
  let present = 0
  for (const s of seats) {
    const r = readOf(s)
    if (r === 'absent') continue
    present++
    if (VOTES_FOR[key].has(r)) votesFor++
  }
  return settle(rule, key, votesFor, present)
}

// A case from its votes for and the number in the room, everyone else in the room voting against.
function settle(rule: VoteRule, key: CaseKey, votesFor: number, present: number): CaseTally {
  const against = present - votesFor
  const needed = votesNeeded(rule, present)
  const met = quorumMet(rule, present)
  const wins = met && carries(rule, { for: votesFor, against, abstain: 0 })
  let short = 0
  if (!wins) {
    // Missing attendance for the quorum, each newcomer voting for; then the votes for still missing.
    const comers = met ? 0 : Math.max(0, (rule.quorum ?? 0) - present)
    const room = present + comers
    short = comers + Math.max(0, votesNeeded(rule, room) - votesFor - comers)
  }
  const spare = wins ? Math.max(0, votesFor - needed) : 0
  return { key, for: votesFor, against, present, quorumMet: met, needed, wins, short, spare }
}

// The smallest set of moves that wins the likely case: some absent members
// come and vote for, some in the room switch to for. Among sets of one size
// the one with fewer absent members is preferred (turning people out is harder).
function smallestMove<Id>(rule: VoteRule, seats: readonly Seat<Id>[]): Seat<Id>[] | null {
  const likely = caseTally(rule, 'likely', seats)
  if (likely.wins) return []
  const pool: Seat<Id>[] = []
  for (const r of MOVE_ORDER) for (const s of seats) if (readOf(s) === r) pool.push(s)
  const absent = seats.filter((s) => readOf(s) === 'absent')
  let best: { a: number; k: number } | null = null
  for (let a = 0; a <= absent.length; a++) {
    const present = likely.present + a
    if (!quorumMet(rule, present)) continue
    const votesFor = likely.for + a
    const inRoom = Math.max(0, votesNeeded(rule, present) - votesFor)
    if (inRoom > pool.length) continue
    const k = a + inRoom
    if (best === null || k < best.k) best = { a, k }
  }
  if (best === null) return null
  return [...pool.slice(0, best.k - best.a), ...absent.slice(0, best.a)]
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`
}

function namesList(seats: readonly Seat<unknown>[]): string {
  const names = seats.map((s) => s.name)
  if (names.length <= 1) return names.join('')
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`
}

function countsPhrase(counts: Record<Read, number>): string {
  const parts: string[] = []
  for (const r of READ_KEYS) {
    if (counts[r] === 0) continue
    parts.push(`${counts[r]} ${r === 'absent' ? 'absent' : READ_LABELS[r].toLowerCase()}`)
  }
  return parts.length === 0 ? 'no reads' : parts.join(', ')
}

function verdict(c: CaseTally): string {
  if (!c.quorumMet) return `no quorum with ${c.present} present: ${c.short} short`
  if (c.wins) return c.spare === 0 ? 'wins with none to spare' : `wins with ${c.spare} to spare`
  return `${c.short} short`
}

export function whipCount<Id = number>(rule: VoteRule, seats: readonly Seat<Id>[]): WhipCount<Id> {
  assertRule(rule)
  const counts = emptyCounts()
  for (const s of seats) counts[readOf(s)]++
  const cases = {
    best: caseTally(rule, 'best', seats),
    likely: caseTally(rule, 'likely', seats),
    worst: caseTally(rule, 'worst', seats),
  }
  const toMove = smallestMove(rule, seats)
  const undecided = seats.filter((s) => readOf(s) === 'undecided')
  const l = cases.likely
  const seatsPhrase = plural(seats.length, 'seat', 'seats')
  let sentence = `${countsPhrase(counts)} of ${seatsPhrase} — ${ruleLabel(rule)} needs ${l.needed}`
  if (rule.quorum != null) sentence += ` (quorum ${rule.quorum})`
  sentence += `: ${verdict(l)}`
  if (undecided.length > 0)
    sentence += `; the undecided ${undecided.length === 1 ? 'is' : 'are'} ${namesList(undecided)}`
  return { seats: seats.length, counts, rule, cases, toMove, undecided, sentence }
}

// --- turnout: when the members themselves decide -----------------------------

export const PLEDGE_KEYS = ['confirmed', 'pledged', 'maybe'] as const
export type Pledge = (typeof PLEDGE_KEYS)[number]
export const PLEDGE_LABELS: Readonly<Record<Pledge, string>> = Object.freeze({
  confirmed: 'Confirmed',
  pledged: 'Pledged',
  maybe: 'Maybe',
})

export function isPledge(x: unknown): x is Pledge {
  return typeof x === 'string' && (PLEDGE_KEYS as readonly string[]).includes(x)
}

export type TurnoutInput = {
  rule: VoteRule
  // How many members the organizer expects in the room, our supporters included.
  expected: number
  pledges: Record<Pledge, number>
}

export type TurnoutCount = {
  expected: number
  pledges: Record<Pledge, number>
  rule: VoteRule
  cases: Record<CaseKey, CaseTally>
  sentence: string
}

// Our supporters vote for; everyone else expected in the room is counted
// against. best: confirmed, pledged and maybe all come; likely: confirmed and
// pledged come; worst: only the confirmed come. If more of ours come than the
// organizer expected, the room is that much bigger.
export function turnoutCount(input: TurnoutInput): TurnoutCount {
  const { rule, expected, pledges } = input
  assertRule(rule)
  if (!Number.isInteger(expected) || expected < 0)
    throw new RangeError(`expected must be a whole number, got ${expected}`)
  for (const p of PLEDGE_KEYS) {
    if (!Number.isInteger(pledges[p]) || pledges[p] < 0) throw new RangeError(`${p} must be a whole number`)
  }
  const ours: Record<CaseKey, number> = {
    best: pledges.confirmed + pledges.pledged + pledges.maybe,
    likely: pledges.confirmed + pledges.pledged,
    worst: pledges.confirmed,
  }
  const make = (key: CaseKey): CaseTally => {
    const present = Math.max(expected, ours[key])
    return settle(rule, key, ours[key], present)
  }
  const cases = { best: make('best'), likely: make('likely'), worst: make('worst') }
  const l = cases.likely
  let sentence = `${ours.likely} pledged to attend and vote (${pledges.confirmed} confirmed`
  if (pledges.maybe > 0) sentence += `, ${pledges.maybe} more maybe`
  sentence += `) of ${plural(expected, 'member', 'members')} expected — ${ruleLabel(rule)} needs ${l.needed}`
  if (rule.quorum != null) sentence += ` (quorum ${rule.quorum})`
  sentence += `: ${verdict(l)}`
  return { expected, pledges: { ...pledges }, rule, cases, sentence }
}

/** The projection's three-way standing, for counts across drives: close means losing by 2 votes or fewer. */
export type Standing = 'won' | 'close' | 'lost'
export function standing(c: CaseTally): Standing {
  if (c.wins) return 'won'
  return c.short <= 2 ? 'close' : 'lost'
}
