// Adapting a filled resolution for its drive: the small form that asks for the
// details a text still lacks (the local's designation, the meeting date …),
// reading what was typed into merge values, and spotting blanks left in an
// adapted text. Pure: no database, no I/O.
import { formatMeetingDate, type Language } from './language.ts'
import { fieldLabel, isFieldKey, type FieldKey, type FieldValues } from './merge-fields.ts'

const DATE_KEYS = new Set<string>(['meeting.date', 'election.date'])

const HINTS: Partial<Record<FieldKey, string>> = {
  'local.designation': 'As the local writes it, e.g. Local 1400',
  'local.name': 'e.g. CWA Local 1400',
  'meeting.body': 'As it reads in a sentence, e.g. the general membership meeting',
  'candidate.district': 'e.g. District 7, or the whole city',
}

export type MissingField = { key: string; name: string; label: string; type: 'date' | 'text'; hint: string }

/** The inputs of the missing-details form: one per known field the text lacks (`fill.<key>`). */
export function missingFieldsView(missing: readonly string[]): MissingField[] {
  return missing.filter(isFieldKey).map((key) => ({
    key,
    name: `fill.${key}`,
    label: fieldLabel(key),
    type: DATE_KEYS.has(key) ? 'date' : 'text',
    hint: HINTS[key] ?? '',
  }))
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/**
 * What was typed into the missing-details form, as merge values written in the
 * resolution's language, with a message per field that is empty or wrong. Dates
 * must be real and plausible (a meeting in 1926 is a typing slip).
 */
export function readMissingValues(
  raw: Record<string, string>,
  missing: readonly string[],
  language: Language,
  timeZone: string,
): { values: FieldValues; typed: Record<string, string>; errors: Record<string, string> } {
  const values: FieldValues = {}
  const typed: Record<string, string> = {}
  const errors: Record<string, string> = {}
  for (const f of missingFieldsView(missing)) {
    const v = (raw[f.name] ?? '').trim()
    if (v === '') {
      errors[f.name] = `${f.label} is needed for this text. Type it in, or adapt the text below.`
      continue
    }
    if (v.length > 200) {
      errors[f.name] = `${f.label} must be at most 200 characters.`
      continue
    }
    if (f.type === 'date') {
      const m = ISO_DATE.exec(v)
      const year = m ? Number(m[1]) : 0
      let written: string | undefined
      try {
        written = m ? formatMeetingDate(v, language, timeZone) : undefined
      } catch {
        written = undefined
      }
      if (!written) {
        errors[f.name] = `${f.label} must be a date (YYYY-MM-DD).`
        continue
      }
      if (year < 2000 || year > 2100) {
        errors[f.name] = `${f.label}: ${year} looks like a typing slip. Check the year.`
        continue
      }
      values[f.key as FieldKey] = written
    } else {
      values[f.key as FieldKey] = v
    }
    typed[f.key] = v
  }
  return { values, typed, errors }
}

/** The merge-field blanks still in a text: "[local.designation]" markers or "{{…}}" fields. */
export function leftoverBlanks(text: string): string[] {
  const found = new Set<string>()
  for (const m of text.matchAll(/\[([a-z]+\.[a-z_]+)\]/g)) if (isFieldKey(m[1])) found.add(`[${m[1]}]`)
  for (const m of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) found.add(`{{${m[1]}}}`)
  return [...found]
}

/** A typed text as it is kept: line endings made plain, trailing spaces and blank ends dropped. */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .trim()
}
