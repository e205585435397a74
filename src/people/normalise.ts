// Pure normalisation of supporters' contact details, shared by the forms and
// the CSV import: emails trimmed and lowercased, phones to E.164 (libphonenumber-js,
// default country US). Never logs what it reads.
import { parsePhoneNumberFromString } from 'libphonenumber-js'

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[A-Za-z]{2,}$/

export type Normalised = { ok: true; value: string | null } | { ok: false; message: string }

export function normaliseEmail(raw: string | null | undefined): Normalised {
  const s = (raw ?? '').trim().toLowerCase()
  if (s === '') return { ok: true, value: null }
  if (s.length > 254 || !EMAIL.test(s)) return { ok: false, message: 'Email must look like name@example.org.' }
  return { ok: true, value: s }
}

// The common shapes of a North American number — (617) 555-0123, 617.555.0123,
// +1 617-555-0123, 6175550123 — with a 10-digit national number starting 2–9:
// libphonenumber-js reads every one of them as +1 and those ten digits, and every
// NANP numbering plan counts 10 digits as possible. Reading them directly skips
// its per-call parsing (most of the import's work); anything else goes to it.
// test/people/normalise.test.ts checks the two agree.
const NANP = /^(?:\+1[ .-]?)?(?:\(([2-9]\d\d)\)|([2-9]\d\d))[ .-]?(\d{3})[ .-]?(\d{4})$/

export function normalisePhone(raw: string | null | undefined, country: 'US' = 'US'): Normalised {
  const s = (raw ?? '').trim()
  if (s === '') return { ok: true, value: null }
  if (s.length > 40) return { ok: false, message: 'Phone is too long.' }
  const m = NANP.exec(s)
  if (m) return { ok: true, value: `+1${m[1] ?? m[2]}${m[3]}${m[4]}` }
  const p = parsePhoneNumberFromString(s, country)
  // 555-01xx numbers are reserved for fiction: possible, though not "valid".
  if (!p?.isPossible())
    return { ok: false, message: 'Phone must be a phone number, like (617) 555-0123 or +44 20 7946 0000.' }
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

// Within North America the country follows the area code and exchange
// (libphonenumber-js knows which): once it has placed a number of an
// exchange in the US, other numbers of that exchange print as
// (617) 555-0123 without asking again. Only exchanges are remembered (never a
// whole number), and a bounded number of them: a people list formats dozens
// of phones per request.
const US_NUMBER = /^\+1([2-9]\d\d)([2-9]\d\d)(\d{4})$/
const usExchanges = new Set<string>()

/** Pretty print an E.164 phone for display. */
export function formatPhone(e164: string | null): string {
  if (!e164) return ''
  const m = US_NUMBER.exec(e164)
  if (m && usExchanges.has(m[1]! + m[2]!)) return `(${m[1]}) ${m[2]}-${m[3]}`
  const p = parsePhoneNumberFromString(e164)
  if (m && p?.country === 'US' && p.formatNational() === `(${m[1]}) ${m[2]}-${m[3]}` && usExchanges.size < 100_000)
    usExchanges.add(m[1]! + m[2]!)
  return p ? (p.country === 'US' ? p.formatNational() : p.formatInternational()) : e164
}
