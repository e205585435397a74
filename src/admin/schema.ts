// zod schemas for the admin forms: invitations, user edits, chapters, national
// unions and instance settings. Time zones are checked with luxon.
import { z } from 'zod'
import { IANAZone } from 'luxon'
import { checkbox, email, optionalInt, optionalText, text } from '../shared/validation.ts'
import { optionalState as state } from '../unions/schema.ts'

export const ROLES = [
  { value: 'admin', label: 'Admin' },
  { value: 'national', label: 'National reviewer' },
  { value: 'organizer', label: 'Organizer' },
  { value: 'volunteer', label: 'Volunteer' },
] as const

export const CHAPTER_ROLES = [
  { value: 'organizer', label: 'Organizer' },
  { value: 'volunteer', label: 'Volunteer' },
] as const

export const inviteForm = z
  .object({
    email: email(),
    name: text('Name', 200),
    role: z.preprocess(
      (v) => (typeof v === 'string' && v !== '' ? v : undefined),
      z.enum(['admin', 'national', 'organizer', 'volunteer'], { error: 'Choose a role.' }),
    ),
    chapter_id: optionalInt('Chapter', 1, 2147483647),
  })
  .superRefine((v, ctx) => {
    if ((v.role === 'organizer' || v.role === 'volunteer') && v.chapter_id === null) {
      ctx.addIssue({ code: 'custom', path: ['chapter_id'], message: 'Choose the chapter this person works in.' })
    }
  })

export type InviteForm = z.output<typeof inviteForm>

export const userForm = z.object({
  name: text('Name', 200),
  is_admin: checkbox(),
  is_national: checkbox(),
  active: checkbox(),
})

export type UserForm = z.output<typeof userForm>

/** Membership choices arrive as `role_<chapterId>` fields: '', 'organizer' or 'volunteer'. */
export function parseMemberships(
  body: unknown,
  chapterIds: number[],
): { memberships: { chapterId: number; role: 'organizer' | 'volunteer' }[]; errors: Record<string, string> } {
  const b = (body ?? {}) as Record<string, unknown>
  const memberships: { chapterId: number; role: 'organizer' | 'volunteer' }[] = []
  const errors: Record<string, string> = {}
  for (const id of chapterIds) {
    const raw = b[`role_${id}`]
    const v = Array.isArray(raw) ? raw[0] : raw
    if (v === undefined || v === '') continue
    if (v === 'organizer' || v === 'volunteer') memberships.push({ chapterId: id, role: v })
    else errors[`role_${id}`] = 'Choose organizer, volunteer or not a member.'
  }
  return { memberships, errors }
}

const threshold = (label: string) =>
  optionalInt(label, 0, 1000).transform((v, ctx) => {
    if (v === null) {
      ctx.addIssue({ code: 'custom', message: `${label} is required.` })
      return z.NEVER
    }
    return v
  })

export const chapterForm = z.object({
  name: text('Name', 200),
  slug: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .min(1, 'Short name is required.')
      .max(60, 'Short name must be at most 60 characters.')
      .regex(/^[a-z0-9-]+$/, 'Short name may only use lowercase letters, digits and hyphens.'),
  ),
  city: optionalText('City', 100),
  state,
  time_zone: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z
      .string()
      .min(1, 'Time zone is required.')
      .max(60)
      .refine((s) => IANAZone.isValidZone(s), 'Time zone must be a zone name like America/Chicago.'),
  ),
  min_supporters: threshold('Minimum supporters'),
  min_leaders: threshold('Minimum leaders'),
  min_trained_leaders: threshold('Minimum trained leaders'),
})

export type ChapterForm = z.output<typeof chapterForm>

export const unionForm = z.object({
  name: text('Name', 200),
  abbreviation: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() : ''),
    z
      .string()
      .min(1, 'Abbreviation is required.')
      .max(20, 'Abbreviation must be at most 20 characters.')
      .regex(/^[A-Z0-9&.\- ]+$/, 'Abbreviation may use letters, digits, spaces and & . -'),
  ),
  afl_cio: checkbox(),
  rules_notes: optionalText('Notes on endorsement rules', 5000),
})

export type UnionForm = z.output<typeof unionForm>

export const settingsForm = z.object({
  require_2fa: checkbox(),
})

export const usersQuery = {
  type: 'object',
  properties: {
    q: { type: 'string', maxLength: 200 },
    inactive: { type: 'string', enum: ['', '1'] },
  },
  additionalProperties: true,
} as const

export const chaptersQuery = {
  type: 'object',
  properties: { deleted: { type: 'string', enum: ['', '1'] } },
  additionalProperties: true,
} as const
