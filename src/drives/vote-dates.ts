// Date rules for filing and voting: the earliest date a filed resolution can
// come to a vote (notice period, then the body's next meeting day), whether
// that vote falls after the candidate's election, and whole-day differences
// for "due in 3 days" / "overdue by 2 days". Everything is a calendar date in
// the chapter's time zone. Pure: no database, no I/O (the clock is passed in).

import { DateTime } from 'luxon'

export const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAY_KEYS)[number]

export const WEEKDAYS: readonly { readonly key: Weekday; readonly label: string }[] = Object.freeze(
  (
    [
      { key: 'mon', label: 'Monday' },
      { key: 'tue', label: 'Tuesday' },
      { key: 'wed', label: 'Wednesday' },
      { key: 'thu', label: 'Thursday' },
      { key: 'fri', label: 'Friday' },
      { key: 'sat', label: 'Saturday' },
      { key: 'sun', label: 'Sunday' },
    ] satisfies { key: Weekday; label: string }[]
  ).map((x) => Object.freeze(x)),
)

export function isWeekday(x: unknown): x is Weekday {
  return typeof x === 'string' && (WEEKDAY_KEYS as readonly string[]).includes(x)
}

// Asked for every card on a board: the answer per zone name is remembered
// (bounded, so junk zone names cannot grow it without limit).
const zoneValidity = new Map<string, boolean>()
export function isValidTimeZone(zone: string): boolean {
  let valid = zoneValidity.get(zone)
  if (valid === undefined) {
    valid = DateTime.now().setZone(zone).isValid
    if (zoneValidity.size < 500) zoneValidity.set(zone, valid)
  }
  return valid
}

// The calendar date of an instant in a zone, through one Intl formatter per
// zone (luxon builds several per DateTime; a board asks this hundreds of
// times). 'en-CA' prints YYYY-MM-DD; checked once, with a fallback.
const dateFormats = new Map<string, Intl.DateTimeFormat>()
const EN_CA_IS_ISO =
  new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' }).format(0) ===
  '1970-01-01'
function dateInZone(ms: number, zone: string): string {
  let f = dateFormats.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    if (dateFormats.size < 500) dateFormats.set(zone, f)
  }
  if (EN_CA_IS_ISO) return f.format(ms)
  const parts = Object.fromEntries(f.formatToParts(ms).map((p) => [p.type, p.value]))
  return `${parts.year}-${parts.month}-${parts.day}`
}

// Days since 1970-01-01 of a YYYY-MM-DD date, or NaN when it is not a real date.
function dayNumber(iso: string): number {
  const y = Number(iso.slice(0, 4))
  const m = Number(iso.slice(5, 7))
  const d = Number(iso.slice(8, 10))
  const ms = Date.UTC(y, m - 1, d)
  const back = new Date(ms)
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return Number.NaN
  return ms / 86_400_000
}

// A full timestamp with Z or an offset, as Date.parse reads it exactly.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

// luxon's fromISO also accepts week dates, ordinals and times; a date field
// must be exactly YYYY-MM-DD so nothing unexpected slips through.
function parseDate(name: string, iso: string, zone: string): DateTime {
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`)
  if (!ISO_DATE.test(iso)) throw new RangeError(`${name} must be a date as YYYY-MM-DD, got ${JSON.stringify(iso)}`)
  const d = DateTime.fromISO(iso, { zone })
  if (!d.isValid) throw new RangeError(`${name} is not a real date: ${iso}`)
  return d
}

// The calendar date as seen in `zone`: a plain date is taken as is, a
// timestamp (with offset or Z) is converted to the zone's wall clock first.
function toLocalDate(name: string, iso: string, zone: string): DateTime {
  if (ISO_DATE.test(iso)) return parseDate(name, iso, zone)
  if (!isValidTimeZone(zone)) throw new RangeError(`Unknown time zone: ${zone}`)
  const d = DateTime.fromISO(iso, { setZone: true })
  if (!d.isValid) throw new RangeError(`${name} is not a valid ISO date or timestamp: ${JSON.stringify(iso)}`)
  return d.setZone(zone)
}

function isoDate(d: DateTime): string {
  const s = d.toISODate()
  if (s === null) throw new RangeError('Date out of range')
  return s
}

// Luxon numbers weekdays 1 (Monday) to 7 (Sunday).
function weekdayKey(d: DateTime): Weekday {
  const key = WEEKDAY_KEYS[d.weekday - 1]
  if (key === undefined) throw new RangeError(`Bad weekday ${d.weekday}`)
  return key
}

// The first date on or after `date` that falls on one of `meetingDays`; with
// no meeting days known, the body can meet any day.
export function nextMeetingOnOrAfter(
  date: string,
  meetingDays: readonly Weekday[] | null | undefined,
  timeZone: string,
): string {
  let d = parseDate('date', date, timeZone)
  const days = meetingDays ?? []
  for (const w of days) if (!isWeekday(w)) throw new RangeError(`Unknown weekday: ${String(w)}`)
  if (days.length === 0) return isoDate(d)
  for (let i = 0; i < 7 && !days.includes(weekdayKey(d)); i++) d = d.plus({ days: 1 })
  return isoDate(d)
}

export type EarliestVoteInput = {
  filedOn: string
  noticeDays: number
  meetingDays?: readonly Weekday[] | null
  timeZone: string
}

// Notice is counted in calendar days (luxon's `plus({ days })` keeps the date
// arithmetic on the wall calendar, so a DST change never shifts it by a day).
export function earliestVoteDate(input: EarliestVoteInput): string {
  const { filedOn, noticeDays, meetingDays, timeZone } = input
  if (!Number.isInteger(noticeDays) || noticeDays < 0) {
    throw new RangeError(`noticeDays must be a whole number of 0 or more, got ${noticeDays}`)
  }
  const afterNotice = parseDate('filedOn', filedOn, timeZone).plus({ days: noticeDays })
  return nextMeetingOnOrAfter(isoDate(afterNotice), meetingDays, timeZone)
}

export type FilingVoteDate = { date: string; noticeKnown: boolean }

/**
 * The one earliest-vote-date rule for a filing, whichever page records it: the local's notice period
 * after the filing date. A local whose notice period is not known is taken to need none (the earliest
 * vote is the filing date itself), and `noticeKnown` is false so the page can say so and ask for the
 * local's rules — a date that may come too early beats no date, which no dashboard or calendar shows.
 */
export function filingVoteDate(input: {
  filedOn: string
  noticeDays: number | null
  meetingDays?: readonly Weekday[] | null
  timeZone: string
}): FilingVoteDate {
  const noticeKnown = input.noticeDays !== null
  return { date: earliestVoteDate({ ...input, noticeDays: input.noticeDays ?? 0 }), noticeKnown }
}

// Strictly after: a vote on election day itself is late but not "after".
// An unknown election date never warns.
export function voteAfterElection(voteDate: string, electionDate: string | null | undefined): boolean {
  if (electionDate == null) return false
  const v = parseDate('voteDate', voteDate, 'UTC')
  const e = parseDate('electionDate', electionDate, 'UTC')
  return v > e
}

// Whole calendar days from `fromISO` to `toISO` (negative when `to` is
// earlier). Each side may be a date or a timestamp; timestamps are read as
// dates in `timeZone`. Counted on dates, not hours, so a 23-hour DST day
// still counts as one day.
export function relativeDays(fromISO: string, toISO: string, timeZone = 'UTC'): number {
  const fast = fastDay(fromISO, timeZone) - fastDay(toISO, timeZone)
  if (!Number.isNaN(fast)) return -fast
  const a = toLocalDate('fromISO', fromISO, timeZone)
  const b = toLocalDate('toISO', toISO, timeZone)
  const dayA = DateTime.utc(a.year, a.month, a.day)
  const dayB = DateTime.utc(b.year, b.month, b.day)
  return Math.round(dayB.diff(dayA, 'days').days)
}

// The day number of a plain date or a plain timestamp in `zone`, or NaN for
// anything else (relativeDays then takes luxon's slower, stricter path, which
// also names what was wrong).
function fastDay(iso: string, zone: string): number {
  if (!isValidTimeZone(zone)) return Number.NaN
  if (ISO_DATE.test(iso)) return dayNumber(iso)
  if (!ISO_INSTANT.test(iso)) return Number.NaN
  const ms = Date.parse(iso)
  if (Number.isNaN(ms) || Number.isNaN(dayNumber(iso.slice(0, 10)))) return Number.NaN
  return dayNumber(dateInZone(ms, zone))
}

// Today's date in the chapter's time zone.
export function todayIn(timeZone: string, now: Date = new Date()): string {
  if (!isValidTimeZone(timeZone)) throw new RangeError(`Unknown time zone: ${timeZone}`)
  const ms = now.getTime()
  if (Number.isNaN(ms)) throw new RangeError('Date out of range')
  return dateInZone(ms, timeZone)
}
