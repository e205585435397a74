// The one place where dates, times, day counts, numbers, plurals and escaped
// text are written for people. One style everywhere:
//   a calendar date   "Tue 3 Mar 2026"
//   a time            "14:05"
//   a moment          "3 Mar 2026, 14:05"
//   a day count       "today", "tomorrow", "in 3 days", "2 days ago", "2 days overdue"
// Moments are always shown in the viewer's chapter time zone (`viewerZone`);
// people without a chapter (admins, national reviewers) see DEFAULT_ZONE.
// Lists print hundreds of dates, so plain dates are formatted by arithmetic
// and moments through one cached Intl formatter per zone (no luxon DateTime
// per value). Pure: no I/O; the clock is passed in where it matters.
import { DateTime } from 'luxon'
import { escapeHtml, escaper } from './html.ts'

export { escapeHtml, escaper }

/**
 * The zone for viewers with no chapter of their own (admins and national
 * reviewers): US Eastern, the zone a new chapter gets by default, so a
 * national view lines up with most chapters' office hours.
 */
export const DEFAULT_ZONE = 'America/New_York'

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

/** A usable zone: the one given when it is real, DEFAULT_ZONE otherwise. */
export const zoneOr = (tz: string | null | undefined): string => (tz && isValidTimeZone(tz) ? tz : DEFAULT_ZONE)

/** The zone a signed-in person reads times in: their first chapter's, or DEFAULT_ZONE. */
export function viewerZone(user: { chapters: readonly { timeZone?: string | null }[] } | null | undefined): string {
  for (const c of user?.chapters ?? []) if (c.timeZone && isValidTimeZone(c.timeZone)) return c.timeZone
  return DEFAULT_ZONE
}

const WEEKDAY_SHORT = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const MONTH_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

// Days since 1970-01-01 of a real YYYY-MM-DD date, NaN otherwise.
function dayNumber(iso: string): number {
  const m = PLAIN_DATE.exec(iso)
  if (!m) return Number.NaN
  const y = Number(m[1])
  const mo = Number(m[2]) - 1
  const d = Number(m[3])
  const back = new Date(Date.UTC(y, mo, d))
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo || back.getUTCDate() !== d) return Number.NaN
  return back.getTime() / 86_400_000
}

type Parts = { year: string; month: string; day: string; hour: string; minute: string }
const partFormats = new Map<string, Intl.DateTimeFormat>()

// One Intl formatter per zone, asked for the parts of a moment.
function partsIn(at: Date, zone: string): Parts | undefined {
  if (Number.isNaN(at.getTime())) return undefined
  let f = partFormats.get(zone)
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    if (partFormats.size < 500) partFormats.set(zone, f)
  }
  const p: Record<string, string> = {}
  for (const part of f.formatToParts(at)) p[part.type] = part.value
  return p as Parts
}

const pad2 = (s: string | number) => String(s).padStart(2, '0')

/** The calendar date (YYYY-MM-DD) a moment falls on in a zone. */
export function dateIn(at: Date, tz: string | null | undefined): string {
  const p = partsIn(at, zoneOr(tz))
  return p ? `${p.year}-${pad2(p.month)}-${pad2(p.day)}` : ''
}

/** Today's date (YYYY-MM-DD) in a zone: the chapter's "today". */
export function todayIn(tz: string | null | undefined, now: Date = new Date()): string {
  return dateIn(now, tz)
}

/**
 * "Tue 3 Mar 2026" for a calendar date (YYYY-MM-DD), or for the date a moment
 * falls on in `tz`. Empty for nothing; a string that is no date comes back as is.
 */
export function formatDate(value: string | Date | null | undefined, tz?: string | null): string {
  if (value === null || value === undefined || value === '') return ''
  const iso = value instanceof Date ? dateIn(value, tz) : value
  const n = dayNumber(iso)
  if (Number.isNaN(n)) {
    const d = DateTime.fromISO(iso, { setZone: true })
    return d.isValid ? formatDate(d.toJSDate(), tz) : iso
  }
  const d = new Date(n * 86_400_000)
  return `${WEEKDAY_SHORT[d.getUTCDay()]} ${d.getUTCDate()} ${MONTH_SHORT[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/** "14:05" for a moment, in `tz`. */
export function formatTime(at: Date | null | undefined, tz: string | null | undefined): string {
  const p = at ? partsIn(at, zoneOr(tz)) : undefined
  return p ? `${p.hour}:${p.minute}` : ''
}

/** "3 Mar 2026, 14:05" for a moment, in `tz`. */
export function formatMoment(at: Date | string | null | undefined, tz: string | null | undefined): string {
  if (at === null || at === undefined || at === '') return ''
  const p = partsIn(at instanceof Date ? at : new Date(at), zoneOr(tz))
  if (!p) return ''
  return `${Number(p.day)} ${MONTH_SHORT[Number(p.month) - 1]} ${p.year}, ${p.hour}:${p.minute}`
}

/**
 * Whole calendar days from `from` to `to` in `tz` (negative when `to` is
 * earlier). Each side is a date (YYYY-MM-DD) or a moment; moments are read as
 * dates in the zone, so a 23-hour DST day still counts as one day.
 */
export function daysBetween(from: string | Date, to: string | Date, tz: string | null | undefined): number {
  const day = (v: string | Date) =>
    dayNumber(v instanceof Date ? dateIn(v, tz) : PLAIN_DATE.test(v) ? v : dateIn(new Date(v), tz))
  return day(to) - day(from)
}

/** Days from today (in `tz`) to a date or moment: negative when past. */
export function daysUntil(value: string | Date, tz: string | null | undefined, now: Date = new Date()): number {
  return daysBetween(todayIn(tz, now), value, tz)
}

/** Whole days since a date or moment, in `tz` (0 for today or the future). */
export function daysSince(value: string | Date, tz: string | null | undefined, now: Date = new Date()): number {
  return Math.max(0, daysBetween(value, todayIn(tz, now), tz))
}

/** "today", "tomorrow", "yesterday", "in 3 days", "3 days ago". */
export function relativeDayLabel(days: number): string {
  if (days === 0) return 'today'
  if (days === 1) return 'tomorrow'
  if (days === -1) return 'yesterday'
  return days > 0 ? `in ${days} days` : `${-days} days ago`
}

/** For something due: "due today", "due tomorrow", "due in 3 days", "1 day overdue". */
export function dueLabel(days: number): string {
  if (days < 0) return `${plural(-days, 'day')} overdue`
  if (days === 0) return 'due today'
  if (days === 1) return 'due tomorrow'
  return `due in ${days} days`
}

/** "1 day", "3 days", "1 person", "2 people". */
export const plural = (n: number, one: string, many = `${one}s`) => `${formatNumber(n)} ${n === 1 ? one : many}`

/** "12,480" (a whole number with thousands separators). */
export const formatNumber = (n: number) => n.toLocaleString('en-US')
