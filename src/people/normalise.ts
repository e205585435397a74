// Pure normalisation of supporters' contact details, shared by the forms and
// the CSV import: emails trimmed and lowercased, phones to E.164 (libphonenumber-js,
// default country US). Never logs what it reads.
import { parsePhoneNumberFromString } from 'libphonenumber-js'

const EMAIL = /^[^\s@<>(),;:"\[\]]+@[^\s@<>(),;:"\[\]]+\.[A-Za-z]{2,}$/

export type Normalised = { ok: true; value: string | null } | { ok: false; message: string }

export function normaliseEmail(raw: string | null | undefined): Normalised {
  const s = (raw ?? '').trim().toLowerCase()
  if (s === '') return { ok: true, value: null }
  if (s.length > 254 || !EMAIL.test(s)) return { ok: false, message: 'Email must look like name@example.org.' }
  return { ok: true, value: s }
}

export function normalisePhone(raw: string | null | undefined, country: 'US' = 'US'): Normalised {
  const s = (raw ?? '').trim()
  if (s === '') return { ok: true, value: null }
  if (s.length > 40) return { ok: false, message: 'Phone is too long.' }
  const p = parsePhoneNumberFromString(s, country)
  // 555-01xx numbers are reserved for fiction: possible, though not "valid".
  if (!p || !p.isPossible()) return { ok: false, message: 'Phone must be a phone number, like (617) 555-0123 or +44 20 7946 0000.' }
  return { ok: true, value: p.number }
}

/** Tags from "a, b; c" → ['a', 'b', 'c'], trimmed, lowercased, unique, bounded. */
export function parseTags(raw: string | string[] | null | undefined): string[] {
  const parts = ([] as string[]).concat(raw ?? []).flatMap((s) => s.split(/[,;|]/))
  const out: string[] = []
  for (const p of parts) {
    const t = p.trim().toLowerCase().slice(0, 40)
    if (t && !out.includes(t)) out.push(t)
  }
  return out.slice(0, 20)
}

/** Pretty print an E.164 phone for display. */
export function formatPhone(e164: string | null): string {
  if (!e164) return ''
  const p = parsePhoneNumberFromString(e164)
  return p ? (p.country === 'US' ? p.formatNational() : p.formatInternational()) : e164
}
