// zod schemas for the library's forms, and JSON schemas for its query strings.
import { z } from 'zod'
import { optionalInt, optionalText, requiredDate, requiredInt, text, DATE_RANGES } from '../shared/validation.ts'
import { RESOLUTION_KINDS } from './model-texts.ts'

export const KIND_VALUES = RESOLUTION_KINDS.map((k) => k.key) as unknown as readonly [
  'democratize',
  ...('democratize' | 'endorse_candidate' | 'endorse_slate' | 'national_endorse' | 'forum_request' | 'issue')[],
]
export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Spanish' },
] as const

const body = text('Text', 50_000)
const tags = z.preprocess(
  (v) => (typeof v === 'string' ? v : ''),
  z
    .string()
    .max(500, 'Tags must be at most 500 characters.')
    .transform((s) => [
      ...new Set(
        s
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      ),
    ]),
)

export const resolutionForm = z.object({
  title: text('Title', 200),
  kind: z.enum(KIND_VALUES, { error: 'Choose a kind.' }),
  language: z.enum(['en', 'es'], { error: 'Choose a language.' }),
  tags,
  body,
  note: optionalText('Note', 500),
})

export const versionForm = z.object({
  body,
  note: optionalText('What changed', 500),
  base: optionalInt('Base version', 0, 1_000_000),
})

/** The drive and meeting a filled text is for (share links and filings). */
const fillFields = {
  drive: requiredInt('Drive', 1, 2147483647),
  candidate: optionalInt('Candidate', 1, 2147483647),
  meeting_body: optionalText('Meeting body', 200),
  meeting_date: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null),
    z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Meeting date must be a date (YYYY-MM-DD).')
      .nullable(),
  ),
  version: optionalInt('Version', 1, 2147483647),
}

export const shareForm = z.object({
  ...fillFields,
  expires_days: optionalInt('Expires after (days)', 1, 365),
})

export const filingForm = z.object({
  ...fillFields,
  body: text('Body it was filed with', 200),
  filed_on: requiredDate('Filed on', DATE_RANGES.campaign),
})

/** The text adapted for a drive; `adaptation_version` is 0 when there is none yet. */
export const adaptForm = z.object({
  ...fillFields,
  text: text('Text', 100_000),
  adaptation_version: requiredInt('Adaptation version', 0, 2147483647),
})

/** The small form for missing details: the fill fields; the values come as `fill.<field key>`. */
export const missingForm = z.object(fillFields)

export const adoptedForm = z.object({ adopted_text: text('Adopted text', 50_000) })

const id = { type: 'string', pattern: '^[0-9]{0,9}$' } as const
const date = { type: 'string', pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' } as const

export const listQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 200 },
    kind: { type: 'string', enum: ['', ...KIND_VALUES] },
    language: { type: 'string', enum: ['', 'en', 'es'] },
    // Choosing a resolution for this drive: each one opens filled in for it.
    drive: { type: 'string', pattern: '^[0-9]{0,9}$' },
  },
  additionalProperties: true,
} as const

export const fillQuery = {
  type: 'object',
  properties: {
    drive: id,
    candidate: id,
    version: id,
    meeting_date: date,
    meeting_body: { type: 'string', maxLength: 200 },
  },
  additionalProperties: true,
} as const
