// zod schemas for the supporter forms (person, level, conversation, team, bulk,
// merge), the labels every page prints, and JSON schemas for query strings.
import { z } from 'zod'
import { labelOf } from '../shared/options.ts'
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
  notBefore,
} from '../shared/validation.ts'
import { normaliseEmail, normalisePhone, parseTags } from './normalise.ts'

export const ROLES_IN_LOCAL = [
  { value: 'rank_and_file', label: 'Rank-and-file' },
  { value: 'steward', label: 'Steward' },
  { value: 'officer', label: 'Officer' },
  { value: 'executive_board', label: 'Executive board' },
  { value: 'delegate', label: 'Delegate' },
  { value: 'staff', label: 'Staff' },
] as const
export const LEVELS = [
  { value: 1, label: '1 — Leader / strong supporter' },
  { value: 2, label: '2 — Supporter' },
  { value: 3, label: '3 — Undecided' },
  { value: 4, label: '4 — Leaning against' },
  { value: 5, label: '5 — Opposed' },
] as const
export const CONVERSATION_KINDS = [
  { value: 'one_on_one', label: '1-on-1' },
  { value: 'call', label: 'Call' },
  { value: 'text', label: 'Text' },
  { value: 'meeting', label: 'Meeting' },
  { value: 'event', label: 'Event' },
] as const
export const TEAM_ROLES = [
  { value: 'lead', label: 'Lead' },
  { value: 'coach', label: 'Coach' },
  { value: 'member', label: 'Member' },
] as const
export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Spanish' },
  { value: 'other', label: 'Other' },
] as const

const vals = <T extends readonly { value: string }[]>(xs: T) =>
  xs.map((x) => x.value) as unknown as [T[number]['value'], ...T[number]['value'][]]
export const label = labelOf
export const ROLE_VALUES = vals(ROLES_IN_LOCAL)
export const KIND_VALUES = vals(CONVERSATION_KINDS)
export const TEAM_ROLE_VALUES = vals(TEAM_ROLES)

const contact = <K extends 'email' | 'phone'>(kind: K) =>
  z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) ?? '',
    z.string().transform((s, ctx) => {
      const r = kind === 'email' ? normaliseEmail(s) : normalisePhone(s)
      if (!r.ok) {
        ctx.addIssue({ code: 'custom', message: r.message })
        return z.NEVER
      }
      return r.value
    }),
  )

export const supporterForm = z.object({
  name: text('Name', 200),
  local_id: requiredInt('Local', 1, 2147483647),
  role_in_local: optionalEnum('Role in the local', ROLE_VALUES).transform((v) => v ?? 'rank_and_file'),
  chapter_member: checkbox(),
  email: contact('email'),
  phone: contact('phone'),
  preferred_language: optionalEnum('Preferred language', vals(LANGUAGES)),
  tags: z.preprocess(
    (v) => parseTags(typeof v === 'string' || Array.isArray(v) ? (v as string | string[]) : ''),
    z.array(z.string()),
  ),
  notes: optionalText('Notes', 5000),
  do_not_contact: checkbox(),
  keep_off_shared_lists: checkbox(),
  potential_leader: checkbox(),
  level: optionalInt('Support level', 1, 5),
})
export type SupporterForm = z.output<typeof supporterForm>

export const levelForm = z.object({
  level: requiredInt('Support level', 1, 5),
  note: optionalText('Note', 1000),
})

export const conversationForm = z.object({
  kind: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) || undefined,
    z.enum(KIND_VALUES, { error: 'Choose what kind of conversation it was.' }),
  ),
  held_on: requiredDate('Date', DATE_RANGES.campaign),
  outcome: optionalText('Outcome', 300),
  note: optionalText('Note', 5000),
  follow_up_on: optionalDate('Follow-up date', DATE_RANGES.plan),
})

/** A follow-up is not before the conversation it follows (a refinement, so conversationForm stays extendable). */
export const followUpNotBefore = notBefore(
  'held_on',
  'follow_up_on',
  'The follow-up cannot be before the conversation.',
)
export const conversationFormChecked = conversationForm.superRefine(followUpNotBefore)

export const teamForm = z.object({
  supporter_id: requiredInt('Supporter', 1, 2147483647),
  role: z.preprocess(
    (v) => (Array.isArray(v) ? v[0] : v) || 'member',
    z.enum(TEAM_ROLE_VALUES, { error: 'Choose a team role.' }),
  ),
  trained_on: optionalDate('Training date'),
})

const ids = z.preprocess(
  (v) =>
    ([] as unknown[])
      .concat(v ?? [])
      .filter((x) => typeof x === 'string' && /^[1-9][0-9]{0,8}$/.test(x))
      .map(Number),
  z.array(z.number()).min(1, 'Select at least one person.').max(500, 'Select at most 500 people at a time.'),
)

export const bulkForm = z.discriminatedUnion(
  'action',
  [
    z.object({
      action: z.literal('tag'),
      ids,
      tag: z.preprocess(
        (v) => parseTags(typeof v === 'string' ? v : '')[0] ?? '',
        z.string().min(1, 'Type the tag to add.'),
      ),
    }),
    z.object({ action: z.literal('level'), ids, level: requiredInt('Support level', 1, 5) }),
    z.object({
      action: z.literal('team'),
      ids,
      drive_id: requiredInt('Drive', 1, 2147483647),
      role: z.preprocess((v) => v || 'member', z.enum(TEAM_ROLE_VALUES)),
    }),
    z.object({ action: z.literal('delete'), ids }),
  ],
  { error: 'Choose what to do with the selected people.' },
)

export const mergeForm = z.object({
  other_id: requiredInt('Duplicate', 1, 2147483647),
  keep: z.preprocess((v) => (Array.isArray(v) ? v[0] : v) || 'this', z.enum(['this', 'other'])),
})

export const listQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 200 },
    local: { type: 'string', pattern: '^[0-9]{0,9}$' },
    level: { type: 'string', enum: ['', '1', '2', '3', '4', '5', 'none'] },
    role: { type: 'string', enum: ['', ...ROLE_VALUES] },
    tag: { type: 'string', maxLength: 40 },
    member: { type: 'string', enum: ['', '1', '0'] },
    stale: { type: 'string', pattern: '^[0-9]{0,4}$' },
    followup: { type: 'string', enum: ['', '1'] },
    sort: { type: 'string', enum: ['name', 'level', 'contact', 'updated'], default: 'name' },
    offset: { type: 'integer', minimum: 0, maximum: 10000000, default: 0 },
    deleted: { type: 'string', enum: ['', '1'] },
    format: { type: 'string', enum: ['html', 'csv'] },
  },
  additionalProperties: true,
} as const
