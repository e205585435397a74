// zod schemas for the assignment forms: giving supporters to a chapter member,
// and logging the conversation from "my list" (the conversation fields are the
// people feature's own, plus an optional new level and "done with this person").
import { z } from 'zod'
import { conversationForm, followUpNotBefore } from '../people/schema.ts'
import { checkbox, optionalDate, optionalInt, optionalText, requiredInt, DATE_RANGES } from '../shared/validation.ts'

const idList = z.preprocess(
  (v) => ([] as unknown[]).concat(v ?? []).filter((x) => typeof x === 'string' && /^[1-9][0-9]{0,9}$/.test(x)),
  z
    .array(z.string())
    .min(1, 'Choose at least one person.')
    .max(500, 'Assign at most 500 people at a time.')
    .transform((xs) => [...new Set(xs.map(Number))]),
)

export const assignForm = z.object({
  supporter_id: idList,
  assignee_id: requiredInt('Who talks to them', 1, 2147483647),
  ask: optionalText('The ask', 300),
  due_on: optionalDate('Due date', DATE_RANGES.plan),
  drive_id: optionalInt('Drive', 1, 2147483647),
  // From the whip count's who-talks-to-whom: each person's ask says whom to talk to.
  whip: checkbox(),
})

export const logForm = conversationForm
  .extend({
    level: optionalInt('New support level', 1, 5),
    done: checkbox(),
  })
  .superRefine(followUpNotBefore)

export const settingForm = z.object({
  chapter_id: requiredInt('Chapter', 1, 2147483647),
  assigned_contacts: checkbox(),
})

/** Query strings: the people list's filters (to assign the people shown) and the ids to preselect. */
export const newQuery = {
  type: 'object',
  properties: {
    supporter: {
      anyOf: [
        { type: 'string', pattern: '^[0-9]{1,10}$' },
        { type: 'array', items: { type: 'string', pattern: '^[0-9]{1,10}$' }, maxItems: 500 },
      ],
    },
    drive: { type: 'string', pattern: '^[0-9]{0,10}$' },
    whip: { type: 'string', pattern: '^1?$' },
    q: { type: 'string', maxLength: 200 },
    local: { type: 'string', pattern: '^[0-9]{0,10}$' },
    level: { type: 'string', pattern: '^([1-5]|none)?$' },
    role: { type: 'string', maxLength: 40 },
    tag: { type: 'string', maxLength: 100 },
    member: { type: 'string', pattern: '^[01]?$' },
    stale: { type: 'string', pattern: '^[0-9]{0,4}$' },
    followup: { type: 'string', pattern: '^1?$' },
  },
  additionalProperties: true,
} as const
