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

/** Optional whole number in a range: empty becomes null. */
export const optionalInt = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => {
      const s = blankToUndefined(v)
      if (s === undefined) return null
      return typeof s === 'string' && /^-?\d+$/.test(s.replace(/[,_\s]/g, '')) ? Number(s.replace(/[,_\s]/g, '')) : s
    },
    z
      .number({ error: `${label} must be a whole number.` })
      .int(`${label} must be a whole number.`)
      .min(min, `${label} must be at least ${min}.`)
      .max(max, `${label} must be at most ${max}.`)
      .nullable(),
  )

export const requiredInt = (label: string, min: number, max: number) =>
  z.preprocess(
    (v) => {
      const s = blankToUndefined(v)
      return typeof s === 'string' && /^-?\d+$/.test(s) ? Number(s) : s
    },
    z
      .number({ error: `${label} is required.` })
      .int(`${label} must be a whole number.`)
      .min(min, `Choose a ${label.toLowerCase()}.`)
      .max(max, `${label} is out of range.`),
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

export const optionalDate = (label: string) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? null,
    z
      .string({ error: `${label} must be a date.` })
      .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a date (YYYY-MM-DD).`)
      .refine(
        (s) => !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s),
        `${label} is not a real date.`,
      )
      .nullable(),
  )

export const requiredDate = (label: string) =>
  z.preprocess(
    (v) => blankToUndefined(v) ?? '',
    z
      .string({ error: `${label} is required.` })
      .min(1, `${label} is required.`)
      .regex(/^\d{4}-\d{2}-\d{2}$/, `${label} must be a date (YYYY-MM-DD).`)
      .refine(
        (s) => !Number.isNaN(Date.parse(s + 'T00:00:00Z')) && new Date(s + 'T00:00:00Z').toISOString().startsWith(s),
        `${label} is not a real date.`,
      ),
  )

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
