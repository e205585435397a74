// How merge values are written in a resolution's language: meeting and
// election dates as people write them on a resolution, lists of candidate
// names with "and" / "y" (or "e"), and the local's deciding body as it reads
// in a sentence. Pure: no database, no I/O.
import { DateTime } from 'luxon'

export type Language = 'en' | 'es'

/**
 * A meeting or election date as people write it on a resolution:
 * "Tuesday, March 3, 2026" / "martes, 3 de marzo de 2026". A date-only value
 * is that calendar day; a timestamp is first moved into `timeZone`, so a
 * meeting at 9 p.m. in Los Angeles is not printed as the next day.
 * Throws a RangeError for an invalid date or time zone.
 */
export function formatMeetingDate(isoDate: string, language: Language, timeZone: string): string {
  const dt = DateTime.fromISO(isoDate.trim(), { zone: timeZone })
  if (!dt.isValid) {
    throw new RangeError(
      `Cannot format "${isoDate}" in ${timeZone}: ${dt.invalidExplanation ?? dt.invalidReason ?? 'invalid date'}`,
    )
  }
  return language === 'es'
    ? dt.setLocale('es').toFormat("cccc, d 'de' LLLL 'de' yyyy")
    : dt.setLocale('en-US').toFormat('cccc, LLLL d, yyyy')
}

function stripAccents(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
}

/**
 * Spanish writes "e" instead of "y" before a word that starts with an "i" sound
 * (Inés, Hilda), but not before "hie"/"hia" (Hierro).
 */
function spanishAnd(next: string): string {
  const w = stripAccents(next).toLowerCase()
  return /^h?i/.test(w) && !/^hi[aeou]/.test(w) ? 'e' : 'y'
}

/** "A", "A and B", "A, B and C" (no serial comma) / "A, B y C", with "e" before an "i" sound. */
export function formatCandidateList(names: readonly string[], language: Language): string {
  const list = names.map((x) => x.trim()).filter((x) => x !== '')
  const last = list.pop()
  if (last === undefined) return ''
  if (list.length === 0) return last
  const and = language === 'es' ? spanishAnd(last) : 'and'
  return `${list.join(', ')} ${and} ${last}`
}

// The deciding bodies of unions/labels.ts as they read inside a sentence
// ("adopted by the general membership meeting"), in each language.
const DECIDING_PHRASES: Record<Language, Record<string, string>> = {
  en: {
    executive_board: 'the executive board',
    membership_meeting: 'the general membership meeting',
    delegate_body: 'the delegate body',
    referendum: 'the membership in a referendum',
    council_conference: 'the council endorsement conference',
    cope_committee: 'the political action (COPE) committee',
  },
  es: {
    executive_board: 'la junta ejecutiva',
    membership_meeting: 'la asamblea general de la membresía',
    delegate_body: 'el cuerpo de delegados',
    referendum: 'la consulta a la membresía',
    council_conference: 'la conferencia de respaldos del consejo',
    cope_committee: 'el comité de acción política',
  },
}

/** The local's deciding body as it reads in a sentence: "the general membership meeting"; null when unknown. */
export function decidingBodyPhrase(decidingBody: string | null, language: Language): string | null {
  if (!decidingBody) return null
  return DECIDING_PHRASES[language][decidingBody] ?? null
}

/**
 * A local's designation when none is recorded, from its name: "Local 1400" out of
 * "CWA Local 1400" (also "Lodge 12", "Branch 3", "Council 31", "Division 589").
 * Null when the name has no such part: the person is then asked for it.
 */
export function localDesignation(name: string | null | undefined): string | null {
  const m = /\b(local|lodge|branch|council|division|district)\s+(\d+[a-z0-9-]*)\b/i.exec(name ?? '')
  if (!m) return null
  const word = m[1]!
  return `${word[0]!.toUpperCase()}${word.slice(1).toLowerCase()} ${m[2]}`
}
