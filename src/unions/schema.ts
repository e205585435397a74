// zod schemas for the directory's forms, and JSON schemas for its query strings.
import { z } from 'zod'
import { checkbox, optionalEnum, optionalInt, optionalText, optionalUrl, text } from '../shared/validation.ts'
import { BODY_KINDS, DECIDING_BODIES, LOCAL_THRESHOLDS, ORIENTATIONS, SECTORS, values } from './labels.ts'

/** A US state as its two-letter code (typed in any case), or null when blank. */
export const optionalState = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toUpperCase() : null),
  z
    .string()
    .regex(/^[A-Z]{2}$/, 'State must be a two-letter code, like MA.')
    .nullable(),
)

const thresholdPercent = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : null),
  z
    .number({ error: 'Custom percentage must be a number.' })
    .gt(0, 'Custom percentage must be above 0.')
    .max(100, 'Custom percentage must be at most 100.')
    .nullable(),
)

/** A custom threshold needs its percentage. */
function percentForCustom(v: { threshold: string | null; threshold_percent: number | null }, ctx: z.RefinementCtx) {
  if (v.threshold === 'custom' && v.threshold_percent === null)
    ctx.addIssue({
      code: 'custom',
      path: ['threshold_percent'],
      message: 'Give the percentage for a custom threshold.',
    })
}

export const localForm = z
  .object({
    name: text('Name', 200),
    kind: optionalEnum('Kind', values(BODY_KINDS)).transform((v) => v ?? 'local'),
    national_union_id: optionalInt('National union', 1, 2147483647),
    designation: optionalText('Designation', 60),
    olms_file_number: optionalInt('OLMS file number', 1, 999999999),
    chapter_id: optionalInt('Chapter', 1, 2147483647),
    city: optionalText('City', 100),
    state: optionalState,
    members: optionalInt('Approximate membership', 0, 5000000),
    sector: optionalEnum('Sector', values(SECTORS)),
    orientation: optionalEnum('Orientation', values(ORIENTATIONS)),
    deciding_body: optionalEnum('Deciding body', values(DECIDING_BODIES)),
    recommending_body: optionalText('Recommending body', 200),
    threshold: optionalEnum('Threshold', values(LOCAL_THRESHOLDS)),
    threshold_percent: thresholdPercent,
    quorum: optionalText('Quorum', 200),
    notice_days: optionalInt('Notice days', 0, 365),
    first_reading: checkbox(),
    meeting_schedule: optionalText('Meeting schedule', 200),
    parent_approval_offices: optionalText('Offices needing the parent union’s approval', 500),
    rules_source_url: optionalUrl('Source of the rules'),
    rules_verified: checkbox(),
    notes: optionalText('Notes', 5000),
  })
  .superRefine(percentForCustom)

export type LocalForm = z.output<typeof localForm>

export const listQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 200 },
    chapter: { type: 'string', pattern: '^[0-9]{0,9}$' },
    union: { type: 'string', pattern: '^[0-9]{0,9}$' },
    orientation: { type: 'string', enum: ['', ...values(ORIENTATIONS)] },
    sector: { type: 'string', enum: ['', ...values(SECTORS)] },
    sort: { type: 'string', enum: ['name', 'members', 'union', 'updated'], default: 'name' },
    offset: { type: 'integer', minimum: 0, maximum: 10000000, default: 0 },
    deleted: { type: 'string', enum: ['', '1'] },
    format: { type: 'string', enum: ['html', 'csv'] },
  },
  additionalProperties: true,
} as const

/** The short form after a claim: what a drive needs first (place, size, sector, who decides, threshold, notice). */
export const quickLocalForm = z
  .object({
    city: optionalText('City', 100),
    state: optionalState,
    members: optionalInt('Approximate membership', 0, 5000000),
    sector: optionalEnum('Sector', values(SECTORS)),
    deciding_body: optionalEnum('Who decides', values(DECIDING_BODIES)),
    threshold: optionalEnum('Threshold', values(LOCAL_THRESHOLDS)),
    threshold_percent: thresholdPercent,
    notice_days: optionalInt('Notice days', 0, 365),
  })
  .superRefine(percentForCustom)

export const claimQuery = {
  type: 'object',
  properties: {
    list: { type: 'string', maxLength: 5000 },
    chapter: { type: 'string', pattern: '^[0-9]{0,9}$' },
  },
  additionalProperties: true,
} as const

export const claimedQuery = {
  type: 'object',
  properties: { ids: { type: 'string', pattern: '^[0-9]{1,9}(,[0-9]{1,9}){0,99}$' } },
  required: ['ids'],
  additionalProperties: true,
} as const
