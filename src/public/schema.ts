// Route params and forms for the public endorsement list.
import { z } from 'zod'
import { checkbox } from '../shared/validation.ts'

const SLUG = '^[a-z0-9][a-z0-9-]{1,62}$'

export const publicSlugParams = {
  type: 'object',
  properties: { slug: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{1,62}(\\.json)?$' } },
  required: ['slug'],
} as const

export const publicCandidateParams = {
  type: 'object',
  properties: { slug: { type: 'string', pattern: SLUG }, id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['slug', 'id'],
} as const

export const publicSettingsForm = z.object({
  public_slug: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''),
    z
      .string()
      .min(1, 'The address is required.')
      .regex(new RegExp(SLUG), 'Use 2 to 63 lowercase letters, digits and dashes, starting with a letter or digit.'),
  ),
  public_enabled: checkbox(),
})

export const endorsementPublicForm = z.object({
  public: z.preprocess((v) => v === '1' || v === 'on' || v === 'true', z.boolean()),
})

/** A first suggestion for the public address, from the slate's name. */
export function suggestSlug(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return s.length >= 2 ? s : 'slate'
}
