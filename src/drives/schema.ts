// zod schemas for the drive forms: start a drive, next step, a move, a process
// push, a filing and a decision. Form bodies are parsed in the handlers so a
// bad form comes back as the same form with a message per field.
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
  DATE_RANGES,
} from '../shared/validation.ts'
import { VOTE_THRESHOLD_KEYS } from './decisions.ts'

export const ASKS = [
  { value: 'candidate', label: 'The local candidate' },
  { value: 'slate', label: 'The whole slate' },
  { value: 'both', label: 'Both' },
] as const

export const MECHANISMS = [
  { value: 'candidate_forum', label: 'Candidate forum' },
  { value: 'member_survey', label: 'Member survey' },
  { value: 'straw_poll', label: 'Straw poll' },
  { value: 'advisory_vote', label: 'Advisory vote' },
  { value: 'binding_poll', label: 'Binding member poll' },
  { value: 'town_hall', label: 'Town hall' },
] as const

export const PROCESS_OUTCOMES = [
  { value: 'pending', label: 'Pending' },
  { value: 'adopted', label: 'Adopted' },
  { value: 'rejected', label: 'Rejected' },
  { value: 'already_democratic', label: 'Already democratic' },
] as const

/** What a move can go to: a stage, an end, or pause/resume. */
export const MOVE_TARGETS = [
  'identify',
  'democratize',
  'build_team',
  'file_resolution',
  'vote',
  'won',
  'lost',
  'dropped',
  'paused',
  'active',
] as const
export type MoveTarget = (typeof MOVE_TARGETS)[number]

/** The person's choice on a decision: a counted vote, or a procedural outcome. */
export const DECISION_CHOICES = [
  'counted',
  'tabled',
  'postponed',
  'referred',
  'out_of_order',
  'no_quorum',
  'enjoined',
] as const

const keys = <T extends readonly { value: string }[]>(list: T) =>
  list.map((x) => x.value) as unknown as [T[number]['value'], ...T[number]['value'][]]

export const startDriveForm = z.object({
  local_id: requiredInt('Local', 1, 2147483647),
  slate_id: requiredInt('Slate', 1, 2147483647),
  asks: z.preprocess(
    (v) => (v === '' || v === undefined ? 'candidate' : v),
    z.enum(keys(ASKS), { error: 'Choose what the drive asks for.' }),
  ),
  candidate_id: optionalInt('Candidate', 1, 2147483647),
})

export const nextStepForm = z.object({
  next_step: optionalText('Next step', 500),
  next_step_due: optionalDate('Due date', DATE_RANGES.plan),
})

export const moveForm = z.object({
  to: z.enum(MOVE_TARGETS, { error: 'Choose where to move the drive.' }),
  reason: optionalText('Reason', 2000),
})

const mechanisms = z.preprocess(
  (v) => (v === undefined || v === '' ? [] : ([] as unknown[]).concat(v)),
  z.array(z.enum(keys(MECHANISMS), { error: 'Choose mechanisms from the list.' })).max(6),
)

export const processForm = z
  .object({
    mechanisms,
    body: optionalText('Body', 200),
    decided_on: optionalDate('Date', DATE_RANGES.decision),
    outcome: z.preprocess(
      (v) => (v === '' || v === undefined ? 'pending' : v),
      z.enum(keys(PROCESS_OUTCOMES), { error: 'Choose an outcome.' }),
    ),
    note: optionalText('Note', 2000),
  })
  .refine((f) => f.mechanisms.length > 0 || f.outcome === 'already_democratic', {
    path: ['mechanisms'],
    message: 'Tick at least one mechanism (or choose “Already democratic”).',
  })

export const filingForm = z.object({
  filed_on: requiredDate('Date filed', DATE_RANGES.campaign),
  body: text('Body it was filed with', 200),
  text_filed: text('Text filed', 50000),
})

export const decisionForm = z
  .object({
    body: text('Body', 200),
    // A real date here; whether it is plausible for this drive (not before 2000 or the filing, not still
    // ahead) is the rule in endings.ts, which knows the drive.
    held_on: requiredDate('Date'),
    kind: z.preprocess(
      (v) => (v === '' || v === undefined ? 'meeting' : v),
      z.enum(['meeting', 'poll'], { error: 'Choose meeting or poll.' }),
    ),
    quorum_met: checkbox(),
    votes_for: optionalInt('Votes for', 0, 10_000_000),
    votes_against: optionalInt('Votes against', 0, 10_000_000),
    abstain: optionalInt('Abstentions', 0, 10_000_000),
    threshold: optionalEnum('Threshold', VOTE_THRESHOLD_KEYS),
    threshold_percent: z.preprocess(
      (v) =>
        v === '' || v === undefined
          ? null
          : typeof v === 'string' && /^\d+(\.\d{1,2})?$/.test(v.trim())
            ? Number(v.trim())
            : v,
      z
        .number({ error: 'Custom percentage must be a number like 58 or 66.67.' })
        .gt(50, 'Custom percentage must be above 50.')
        .max(100, 'Custom percentage must be at most 100.')
        .nullable(),
    ),
    binding: checkbox(),
    choice: z.preprocess(
      (v) => (v === '' || v === undefined ? 'counted' : v),
      z.enum(DECISION_CHOICES, { error: 'Choose what happened.' }),
    ),
    next_date: optionalDate('Next date'),
    note: optionalText('Note', 2000),
  })
  .superRefine((f, ctx) => {
    if (f.choice === 'counted') {
      if (f.quorum_met && f.votes_for === null)
        ctx.addIssue({ code: 'custom', path: ['votes_for'], message: 'Enter the votes for (0 if none).' })
      if (f.quorum_met && f.votes_against === null)
        ctx.addIssue({ code: 'custom', path: ['votes_against'], message: 'Enter the votes against (0 if none).' })
      if (f.quorum_met && f.threshold === null)
        ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'Choose the threshold the body applies.' })
      if (f.threshold === 'custom' && f.threshold_percent === null)
        ctx.addIssue({ code: 'custom', path: ['threshold_percent'], message: 'Enter the custom percentage, e.g. 58.' })
    }
  })

export type DecisionInput = z.output<typeof decisionForm>

export const boardQuery = {
  type: 'object',
  properties: {
    chapter: { type: 'string', pattern: '^(all|[1-9][0-9]{0,8})?$' },
    union: { type: 'string', pattern: '^([1-9][0-9]{0,8})?$' },
    orientation: { type: 'string', enum: ['', 'left_led', 'progressive_opportunist', 'middling', 'hostile'] },
    owner: { type: 'string', pattern: '^([1-9][0-9]{0,8})?$' },
    column: {
      type: 'string',
      enum: ['identify', 'democratize', 'build_team', 'file_resolution', 'vote', 'won', 'lost', 'dropped'],
    },
    offset: { type: 'integer', minimum: 0, maximum: 1000000 },
    moved: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
} as const
