// zod schemas for the slate's forms (slate, candidate, endorsement, rescind or
// supersede), the labels of their fixed choices, and JSON schemas for the
// slate pages' params and query strings.
import { z } from 'zod'
import { labelOf, values } from '../shared/options.ts'
import {
  checkbox,
  optionalDate,
  optionalEnum,
  optionalInt,
  optionalText,
  optionalUrl,
  requiredDate,
  text,
  DATE_RANGES,
} from '../shared/validation.ts'

export { labelOf }

export const CANDIDATE_LEVELS = [
  { value: 'federal', label: 'Federal' },
  { value: 'state', label: 'State' },
  { value: 'county', label: 'County' },
  { value: 'municipal', label: 'Municipal' },
  { value: 'school_board', label: 'School board' },
  { value: 'judicial', label: 'Judicial' },
] as const

export const CANDIDATE_STATUSES = [
  { value: 'running', label: 'Running' },
  { value: 'withdrawn', label: 'Withdrawn' },
  { value: 'lost_primary', label: 'Lost the primary' },
  { value: 'won', label: 'Won' },
  { value: 'lost', label: 'Lost' },
] as const

/** The statuses a new endorsement can be recorded with; rescinded and superseded come from their own action. */
export const RECORD_STATUSES = [
  { value: 'active', label: 'Endorsed' },
  { value: 'conditional', label: 'Endorsed on conditions' },
  { value: 'pending_parent', label: 'Adopted, pending the parent union’s approval' },
  { value: 'conflict_parent', label: 'Adopted against the parent union’s position' },
] as const

export const ENDORSEMENT_STATUSES = [
  ...RECORD_STATUSES,
  { value: 'rescinded', label: 'Rescinded' },
  { value: 'superseded', label: 'Superseded' },
] as const

export const REPLACE_STATUSES = [
  { value: 'rescinded', label: 'Rescinded' },
  { value: 'superseded', label: 'Superseded' },
] as const

export const THRESHOLD_MET = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const

export const slateForm = z.object({
  name: text('Name', 200),
  cycle: optionalText('Election cycle', 60),
  election_date: optionalDate('Election date'),
  goal: optionalInt('Goal (endorsing locals)', 1, 100000).transform((v) => v ?? 100),
  chapter_id: optionalInt('Run by', 1, 2147483647),
  is_current: checkbox(),
})

export const candidateForm = z
  .object({
    name: text('Name', 200),
    office: text('Office', 200),
    level: optionalEnum('Level', values(CANDIDATE_LEVELS)).transform((v) => v ?? 'municipal'),
    district: optionalText('District', 200),
    chapter_id: optionalInt('Chapter', 1, 2147483647),
    election_type: optionalText('Election type', 100),
    election_date: optionalDate('Election date'),
    status: optionalEnum('Status', values(CANDIDATE_STATUSES)).transform((v) => v ?? 'running'),
    goal: optionalInt('Goal (endorsing locals)', 1, 1000).transform((v) => v ?? 10),
    joined_on: optionalDate('Joined the slate on'),
    left_on: optionalDate('Left the slate on'),
  })
  .superRefine((v, ctx) => {
    if (v.joined_on && v.left_on && v.left_on < v.joined_on)
      ctx.addIssue({
        code: 'custom',
        path: ['left_on'],
        message: 'The leaving date cannot be before the joining date.',
      })
  })

export type CandidateForm = z.output<typeof candidateForm>

export const withdrawForm = z.object({ left_on: requiredDate('Date withdrawn') })

/** The endorsing body travels as `l<id>` (a local, council or federation) or `n<id>` (a national union). */
export const bodyRef = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v),
  z
    .string({ error: 'Choose the endorsing body.' })
    .min(1, 'Choose the endorsing body.')
    .regex(/^[ln][1-9][0-9]{0,8}$/, 'Choose the endorsing body.'),
)

export function parseBodyRef(ref: string): { kind: 'local' | 'national'; id: number } | null {
  const m = /^([ln])([1-9][0-9]{0,8})$/.exec(ref)
  if (!m) return null
  return { kind: m[1] === 'n' ? 'national' : 'local', id: Number(m[2]) }
}

export const endorsementForm = z
  .object({
    body: bodyRef,
    candidate_id: optionalInt('Candidate', 1, 2147483647),
    status: optionalEnum('Status', values(RECORD_STATUSES)).transform((v) => v ?? 'active'),
    conditions: optionalText('Conditions', 2000),
    decided_on: requiredDate('Date decided', DATE_RANGES.decision),
    deciding_body: optionalText('Deciding body', 200),
    votes_for: optionalInt('Votes for', 0, 10000000),
    votes_against: optionalInt('Votes against', 0, 10000000),
    abstain: optionalInt('Abstentions', 0, 10000000),
    threshold_met: optionalEnum('Threshold met', values(THRESHOLD_MET)),
    source_url: optionalUrl('Source'),
    is_public: checkbox(),
  })
  .superRefine((v, ctx) => {
    if (v.status === 'conditional' && !v.conditions)
      ctx.addIssue({ code: 'custom', path: ['conditions'], message: 'Say what the conditions are.' })
  })

export type EndorsementForm = z.output<typeof endorsementForm>

export const replaceForm = z.object({
  status: optionalEnum('What happened', values(REPLACE_STATUSES)).transform((v) => v ?? 'rescinded'),
  decided_on: requiredDate('Date decided', DATE_RANGES.decision),
  deciding_body: optionalText('Deciding body', 200),
  source_url: optionalUrl('Source'),
})

export const slateIdParam = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['id'],
} as const

export const candidateParams = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 2147483647 },
    cid: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
  required: ['id', 'cid'],
} as const

export const endorsementParams = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 2147483647 },
    eid: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
  required: ['id', 'eid'],
} as const

const idString = { type: 'string', pattern: '^[0-9]{0,9}$' } as const

export const matrixQuery = {
  type: 'object',
  properties: {
    chapter: idString,
    union: idString,
    state: { type: 'string', pattern: '^[A-Za-z]{0,2}$' },
    level: { type: 'string', enum: ['', ...values(CANDIDATE_LEVELS)] },
    status: { type: 'string', enum: ['', ...values(CANDIDATE_STATUSES)] },
    format: { type: 'string', enum: ['html', 'csv'] },
    page: { type: 'string', pattern: '^[0-9]{0,6}$' },
    body: { type: 'string', pattern: '^([ln][1-9][0-9]{0,8})?$' },
  },
  additionalProperties: true,
} as const

export const cellQuery = {
  type: 'object',
  properties: {
    body: { type: 'string', pattern: '^[ln][1-9][0-9]{0,8}$' },
    candidate: { type: 'string', pattern: '^(slate|[1-9][0-9]{0,8})$' },
  },
  required: ['body', 'candidate'],
  additionalProperties: true,
} as const

export const newEndorsementQuery = {
  type: 'object',
  properties: {
    body: { type: 'string', pattern: '^([ln][1-9][0-9]{0,8})?$' },
    candidate: { type: 'string', pattern: '^(slate|[1-9][0-9]{0,8})?$' },
  },
  additionalProperties: true,
} as const
