// Form and query schemas for mapping facts and political positions, and the
// labels for their fixed lists.
import { z } from 'zod'
import { labelOf, values } from '../shared/options.ts'
import {
  optionalDate,
  optionalEnum,
  optionalText,
  optionalUrl,
  requiredDate,
  DATE_RANGES,
} from '../shared/validation.ts'

export const TOPICS = [
  { value: 'medicare_for_all', label: 'Medicare for All' },
  { value: 'ceasefire', label: 'Ceasefire' },
  { value: 'strike_support', label: 'Strike support' },
  { value: 'climate', label: 'Climate' },
  { value: 'immigrant_rights', label: 'Immigrant rights' },
  { value: 'other', label: 'Other' },
] as const

export const OUTCOMES = [
  { value: 'passed', label: 'Passed' },
  { value: 'refused', label: 'Refused' },
  { value: 'tabled', label: 'Tabled' },
] as const

export const ENDORSES = [
  { value: 'unknown', label: 'Not known' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const

export const LABOR_COUNCIL = [
  { value: '', label: 'Not known' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
] as const

export { labelOf }

export const positionForm = z
  .object({
    topic: optionalEnum('Topic', values(TOPICS)).refine((v) => v !== null, 'Choose a topic.'),
    description: optionalText('What it said', 500),
    decided_on: requiredDate('Date', DATE_RANGES.past),
    outcome: optionalEnum('Outcome', values(OUTCOMES)).refine((v) => v !== null, 'Choose what happened.'),
    source_url: optionalUrl('Source'),
  })
  .refine((f) => f.topic !== 'other' || (f.description ?? '') !== '', {
    path: ['description'],
    message: 'Say what the resolution was about.',
  })
  .transform((f) => ({ ...f, topic: f.topic!, outcome: f.outcome! }))

export const mappingFactsForm = z.object({
  on_labor_council: optionalEnum('Labor council', ['yes', 'no'] as const).transform((v) =>
    v === null ? null : v === 'yes',
  ),
  endorses_candidates: optionalEnum('Endorses candidates', values(ENDORSES)).transform((v) => v ?? 'unknown'),
  endorses_how: optionalText('How it endorses', 500),
  officer_election_on: optionalDate('Next officer election'),
  contract_expires_on: optionalDate('Contract expires'),
})

export const mappingQuery = {
  type: 'object',
  properties: {
    chapter: { type: 'string', pattern: '^[0-9]{0,9}$' },
    topic: { type: 'string', enum: ['', ...TOPICS.map((t) => t.value)] },
    outcome: { type: 'string', enum: ['', ...OUTCOMES.map((t) => t.value)] },
  },
} as const

export const positionParams = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 2147483647 },
    pid: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
  required: ['id', 'pid'],
} as const
