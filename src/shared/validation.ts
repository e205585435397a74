// Form validation helpers around zod: parse a form body, and on failure give
// one message per field to print next to it. Also small coercions for HTML forms,
// where an empty input means "no value".
import { z } from 'zod'

export type FieldErrors = Record<string, string>

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors }

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(body ?? {})
  if (result.success) return { ok: true, data: result.data }
  const errors: FieldErrors = {}
  for (const issue of result.error.issues) {
    const key = issue.path.map(String).join('.') || '_form'
    if (!errors[key]) errors[key] = issue.message
  }
  return { ok: false, errors }
}

/** A form value as typed, for re-rendering: arrays become their first element. */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!body || typeof body !== 'object') return out
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf') continue
    const first = Array.isArray(v) ? v[0] : v
    out[k] = typeof first === 'string' ? first : first === undefined || first === null ? '' : String(first)
  }
  return out
}

const single = (v: unknown) => (Array.isArray(v) ? v[0] : v)
const blankToUndefined = (v: unknown) => {
  const s = single(v)
  return typeof s === 'string' && s.trim() === '' ? undefined : typeof s === 'string' ? s.trim() : s
}

/** Required text: trimmed, not empty, bounded. */
export const text = (label: string, max = 200) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? '',
    z
      .string({ error: `${label} must be text.` })
      .min(1, `${label} is required.`)
      .max(max, `${label} must be at most ${max} characters.`)
      .refine(
        (s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s),
        `${label} contains characters that are not allowed.`,
      ),
  )

/** Optional text: empty becomes null. */
export const optionalText = (label: string, max = 2000) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    z
      .string({ error: `${label} must be text.` })
      .max(max, `${label} must be at most ${max} characters.`)
      .refine(
        (s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(s),
        `${label} contains characters that are not allowed.`,
      )
      .nullable(),
  )

/** The largest value of a PostgreSQL integer column: no int schema allows more. */
export const INT4_MAX = 2147483647

/** Digits as typed, or the raw value: a number past 2^53 stays a string and fails as "too large", never rounds. */
function wholeNumber(s: unknown): unknown {
  if (typeof s !== 'string') return s
  const digits = s.replace(/[,_\s]/g, '')
  if (!/^-?\d+$/.test(digits)) return s
  return digits.replace(/^-?0+(?=\d)/, '').length > 15 ? (digits.startsWith('-') ? -1e16 : 1e16) : Number(digits)
}

/** Optional whole number in a range: empty becomes null. */
export const optionalInt = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => {
      const s = blankToUndefined(v)
      return s === undefined ? null : wholeNumber(s)
    },
    z
      .number({ error: `${label} must be a whole number.` })
      .min(Math.max(min, -INT4_MAX - 1), `${label} must be at least ${min}.`)
      .max(Math.min(max, INT4_MAX), `${label} must be at most ${Math.min(max, INT4_MAX)}.`)
      .int(`${label} must be a whole number.`)
      .nullable(),
  )

export const requiredInt = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => wholeNumber(blankToUndefined(v)),
    z
      .number({ error: `${label} is required.` })
      .min(Math.max(min, -INT4_MAX - 1), `Choose a ${label.toLowerCase()}.`)
      .max(Math.min(max, INT4_MAX), `${label} is out of range.`)
      .int(`${label} must be a whole number.`),
  )

/** An optional choice from a fixed list: empty becomes null. */
export const optionalEnum = <T extends readonly [string, ...string[]]>(label: string, values: T) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    z.enum(values, { error: `Choose a valid ${label.toLowerCase()}.` }).nullable(),
  )

export const checkbox = () =>
  z.preprocess((v) => {
    const s = single(v)
    return s === 'on' || s === 'true' || s === '1' || s === true
  }, z.boolean())

/**
 * Dates a person types, bounded by what they mean. Every date field uses one
 * of these ranges, so year 0000, 9999 or 10000 never reaches the database (or
 * a chart). Relative bounds are counted from today (UTC) with a day's slack
 * either way for time zones.
 */
export type DateRange = {
  /** Earliest date, as YYYY-MM-DD, or days relative to today (negative: in the past). */
  min: string | { days: number }
  max: string | { days: number }
  /** What to say when the date is out of range. */
  message: (label: string) => string
}

export const DATE_RANGES = {
  /** Any date in a campaign's world: 1900 to 2100. */
  any: {
    min: '1900-01-01',
    max: '2100-12-31',
    message: (l) => `${l} must be between 1900 and 2100.`,
  },
  /** Something that happened: a conversation, a meeting held, a decision taken. Not in the future, not before 1900. */
  past: {
    min: '1900-01-01',
    max: { days: 1 },
    message: (l) => `${l} must be today or earlier (and after 1900).`,
  },
  /**
   * Something a drive did: a resolution filed, a conversation held. Not in the future, and in 2000 or later
   * like a decision (endings.ts): 1926 for 2026 is a slip of the finger, not a date to compute a vote from.
   */
  campaign: {
    min: '2000-01-01',
    max: { days: 1 },
    message: (l) => `${l} must be today or earlier (and in 2000 or later).`,
  },
  /** Something planned: a follow-up, a due date, a meeting ahead. Within ten years either way. */
  plan: {
    min: { days: -3653 },
    max: { days: 3653 },
    message: (l) => `${l} must be within ten years of today.`,
  },
  /** A decision or endorsement date: already taken, or at most a year ahead (a scheduled vote), never decades away. */
  decision: {
    min: '1900-01-01',
    max: { days: 366 },
    message: (l) => `${l} must be after 1900 and at most a year from today.`,
  },
} satisfies Record<string, DateRange>

function bound(b: string | { days: number }): string {
  if (typeof b === 'string') return b
  return new Date(Date.now() + b.days * 86400_000).toISOString().slice(0, 10)
}

const isRealDate = (s: string) =>
  !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s)

function dateString(label: string, range: DateRange) {
  return z
    .string({ error: `${label} must be a date.` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a date (YYYY-MM-DD).`)
    .refine(isRealDate, `${label} is not a real date.`)
    .refine((s) => s >= bound(range.min) && s <= bound(range.max), range.message(label))
}

export const optionalDate = (label: string, range: DateRange = DATE_RANGES.any) =>
  z.preprocess((v) => blankToUndefined(v) ?? null, dateString(label, range).nullable())

export const requiredDate = (label: string, range: DateRange = DATE_RANGES.any) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? '',
    z
      .string({ error: `${label} is required.` })
      .min(1, `${label} is required.`)
      .pipe(dateString(label, range)),
  )

/** A date query-string filter: the date when it is a real one in range, else undefined (the filter is ignored). */
export const dateFilter = (v: unknown, range: DateRange = DATE_RANGES.any): string | undefined =>
  dateString('Date', range).safeParse(single(v)).success ? (single(v) as string) : undefined

/** For a form with a date and a later one: the later may not come before the first. */
export const notBefore =
  <K extends string, L extends string>(first: K, later: L, message: string) =>
  (v: Record<K | L, unknown>, ctx: z.RefinementCtx) => {
    const a = v[first]
    const b = v[later]
    if (typeof a === 'string' && typeof b === 'string' && b < a)
      ctx.addIssue({ code: 'custom', path: [later], message })
  }

export const optionalUrl = (label: string) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    z
      .string()
      .max(500)
      .url(`${label} must be a web address starting with http:// or https://.`)
      .refine((s) => /^https?:\/\//i.test(s), `${label} must start with http:// or https://.`)
      .nullable(),
  )

export const email = (label = 'Email') =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? '',
    z.string().min(1, `${label} is required.`).max(254).email(`${label} must look like name@example.org.`),
  )

/** Route params: a positive integer id; anything else fails validation (400). */
export const idParam = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['id'],
} as const

/** An optional id filter from a query string ('' or digits, checked by the route schema). */
export const idFilter = (v: unknown): number | undefined =>
  typeof v === 'string' && /^[1-9][0-9]{0,8}$/.test(v) ? Number(v) : undefined

/** The version a form was opened at; anything but a whole number never matches a row. */
export const formVersion = (values: Record<string, string>): number =>
  /^\d{1,9}$/.test(values.version ?? '') ? Number(values.version) : -1
