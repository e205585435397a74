// zod schemas for the whip-count forms (the body and its rule, a member, a
// read, a pledge, a relationship, a structure test and its counts) and the
// option lists the templates print.
import { z } from 'zod'
import {
  checkbox,
  optionalDate,
  optionalEnum,
  optionalInt,
  optionalText,
  requiredDate,
  requiredInt,
  text,
} from '../shared/validation.ts'
import { KIND_LABELS, STRENGTH_LABELS } from './paths.ts'
import { PLEDGE_KEYS, PLEDGE_LABELS, READ_KEYS, READ_LABELS } from './tally.ts'

export const THRESHOLD_OPTIONS = [
  { value: 'majority_cast', label: 'Majority of votes cast' },
  { value: 'majority_present', label: 'Majority of those present' },
  { value: 'two_thirds', label: 'Two-thirds' },
  { value: 'custom', label: 'Custom percentage' },
] as const
const THRESHOLD_VALUES = ['majority_cast', 'majority_present', 'two_thirds', 'custom'] as const

export const BODY_KIND_OPTIONS = [
  { value: 'roster', label: 'A body of named members (executive board, committee, delegates)' },
  { value: 'turnout', label: 'The members decide (membership meeting, poll): count turnout' },
] as const

export const READ_OPTIONS = READ_KEYS.map((k) => ({ value: k, label: READ_LABELS[k] }))
export const PLEDGE_OPTIONS = [
  ...PLEDGE_KEYS.map((k) => ({ value: k, label: PLEDGE_LABELS[k] })),
  { value: 'none', label: 'No pledge' },
]
export const RELATIONSHIP_KIND_OPTIONS = (Object.keys(KIND_LABELS) as (keyof typeof KIND_LABELS)[]).map((k) => ({
  value: k,
  label: KIND_LABELS[k],
}))
export const STRENGTH_OPTIONS = (Object.keys(STRENGTH_LABELS) as (keyof typeof STRENGTH_LABELS)[]).map((k) => ({
  value: k,
  label: STRENGTH_LABELS[k],
}))
export const STRUCTURE_KIND_OPTIONS = [
  { value: 'petition', label: 'Petition' },
  { value: 'pledge_card', label: 'Pledge card' },
  { value: 'sticker_up', label: 'Sticker-up day' },
  { value: 'sign_on_letter', label: 'Sign-on letter' },
] as const

const percent = z.preprocess((v) => {
  const s = Array.isArray(v) ? v[0] : v
  if (typeof s !== 'string' || s.trim() === '') return null
  return /^\d{1,3}(\.\d{1,2})?$/.test(s.trim()) ? Number(s.trim()) : s
}, z
  .number({ error: 'Custom percentage must be a number such as 58 or 62.5.' })
  .gt(50, 'Custom percentage must be above 50.')
  .max(100, 'Custom percentage must be at most 100.')
  .nullable())

export const bodyForm = z
  .object({
    kind: z.preprocess(
      (v) => (Array.isArray(v) ? v[0] : v) || undefined,
      z.enum(['roster', 'turnout'], { error: 'Choose who decides.' }),
    ),
    name: text('Name of the body', 120),
    threshold: optionalEnum('Threshold', THRESHOLD_VALUES),
    threshold_percent: percent,
    counts_abstentions: checkbox(),
    quorum: optionalInt('Quorum', 0, 1000000),
    expected_attendance: optionalInt('Expected attendance', 0, 1000000),
  })
  .superRefine((f, ctx) => {
    if (f.threshold === 'custom' && f.threshold_percent === null)
      ctx.addIssue({
        code: 'custom',
        path: ['threshold_percent'],
        message: 'Give the percentage a custom threshold needs.',
      })
    if (f.kind === 'turnout' && f.expected_attendance === null)
      ctx.addIssue({
        code: 'custom',
        path: ['expected_attendance'],
        message: 'Give the attendance you expect, so the count has a room to win.',
      })
  })

export const memberForm = z
  .object({
    seat: optionalText('Seat or title', 120),
    name: optionalText('Name', 120),
    supporter_id: optionalInt('Supporter', 1, 2147483647),
    joined_on: optionalDate('Joined'),
    left_on: optionalDate('Left'),
  })
  .superRefine((f, ctx) => {
    if (f.name === null && f.supporter_id === null)
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'Give a name or pick a known supporter.' })
    if (f.joined_on && f.left_on && f.left_on < f.joined_on)
      ctx.addIssue({ code: 'custom', path: ['left_on'], message: 'Left must be on or after joined.' })
    for (const k of ['joined_on', 'left_on'] as const) {
      const d = f[k]
      if (d && (d < '1900-01-01' || d > '2100-12-31'))
        ctx.addIssue({ code: 'custom', path: [k], message: 'Give a date between 1900 and 2100.' })
    }
  })

export const readForm = z.object({
  read: z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || undefined, z.enum(READ_KEYS, { error: 'Choose a read.' })),
  note: optionalText('Why', 1000),
})

export const pledgeForm = z.object({
  supporter_id: requiredInt('Supporter', 1, 2147483647),
  pledge: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) || undefined,
    z.enum([...PLEDGE_KEYS, 'none'], { error: 'Choose a pledge.' }),
  ),
})

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v) || undefined
const personRefValue = (label: string) =>
  z
    .string({ error: `Choose ${label}.` })
    .regex(/^[sm][1-9]\d{0,9}$/, `Choose ${label}.`)
    .transform((s) => ({ type: s[0] as 's' | 'm', id: Number(s.slice(1)) }))
const personRef = (label: string) => z.preprocess(first, personRefValue(label))
const relationshipKindValue = z.enum(Object.keys(KIND_LABELS) as [keyof typeof KIND_LABELS], {
  error: 'Choose how they know each other.',
})
const relationshipStrengthValue = z.enum(Object.keys(STRENGTH_LABELS) as [keyof typeof STRENGTH_LABELS], {
  error: 'Choose how well.',
})
const relationshipKind = z.preprocess(first, relationshipKindValue)
const relationshipStrength = z.preprocess(first, relationshipStrengthValue)

export const relationshipForm = z
  .object({
    a: personRef('who knows them'),
    b: personRef('whom they know'),
    kind: relationshipKind,
    strength: relationshipStrength,
    note: optionalText('Note', 1000),
  })
  .superRefine((f, ctx) => {
    if (f.a.type === f.b.type && f.a.id === f.b.id)
      ctx.addIssue({ code: 'custom', path: ['b'], message: 'Choose two different people.' })
  })

export const structureTestForm = z
  .object({
    kind: z.preprocess(
      (v) => (Array.isArray(v) ? v[0] : v) || undefined,
      z.enum(['petition', 'pledge_card', 'sticker_up', 'sign_on_letter'], { error: 'Choose a kind of test.' }),
    ),
    name: text('Name', 120),
    target_percent: z.preprocess(
      (v) => ((Array.isArray(v) ? v[0] : v) === '' ? undefined : v),
      requiredInt('Target share', 1, 100).default(60),
    ),
    started_on: optionalDate('Started'),
    // One unit a line, "name: headcount"; empty means the whole local.
    units: optionalText('Units', 4000),
  })
  .transform((f, ctx) => {
    const units: { name: string; headcount: number }[] = []
    for (const [i, raw] of (f.units ?? '').split(/\r?\n/).entries()) {
      const line = raw.trim()
      if (line === '') continue
      const m = /^(.{1,120}?)\s*[:,]\s*(\d{1,7})$/.exec(line)
      if (!m || Number(m[2]) < 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['units'],
          message: `Line ${i + 1}: write each unit as “name: headcount”, for example “Night shift: 40”.`,
        })
        return z.NEVER
      }
      units.push({ name: m[1]!, headcount: Number(m[2]) })
    }
    return { ...f, units }
  })

export const countForm = z.object({
  unit_id: requiredInt('Unit', 1, 2147483647),
  counted_on: requiredDate('Date'),
  total: requiredInt('Signed so far', 0, 10000000),
})

export const majorityCheckForm = z.object({ majority_check: checkbox() })

/** One supporter ticked off (took_part 1) or unticked (0) on a structure test, in a unit, on a day. */
export const tickForm = z.object({
  supporter_id: requiredInt('Supporter', 1, 2147483647),
  unit_id: requiredInt('Unit', 1, 2147483647),
  took_part: z
    .preprocess((v) => (Array.isArray(v) ? v[0] : v), z.enum(['1', '0'], { error: 'Tick or untick.' }))
    .transform((v) => v === '1'),
  on: requiredDate('Took part on'),
})

/** The tick page's filter: a name, the unit ticks go to, the day they took part. */
export const ticksQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 80 },
    unit: { type: 'integer', minimum: 1, maximum: 2147483647 },
    on: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  },
} as const

/** From a person's page: whom this supporter knows, how and how well. */
export const personRelationshipForm = z.object({
  other: personRef('whom they know'),
  kind: relationshipKind,
  strength: relationshipStrength,
  note: optionalText('Note', 1000),
})

/**
 * The conversation form's optional "they know…" part: empty means none; a
 * person picked needs how (the strength defaults to "knows").
 */
export const knowsFields = z.object({
  knows: z.preprocess(first, personRefValue('whom they know').optional()),
  knows_kind: z.preprocess(first, relationshipKindValue.default('coworker')),
  knows_strength: z.preprocess(first, relationshipStrengthValue.default('knows')),
})

const ID = { type: 'integer', minimum: 1, maximum: 2147483647 } as const
/** Route parameters: each name a whole number id (junk is a 400). */
export const idParams = <N extends string>(...names: N[]) =>
  ({
    type: 'object',
    properties: Object.fromEntries(names.map((n) => [n, ID])) as Record<N, typeof ID>,
    required: names,
  }) as const
