// Pure parts of the supporter CSV import: the importable fields, header
// auto-matching, mapping a row's cells to fields, and validating one row into
// a supporter record (or the problems to report). No I/O here.
import { normaliseEmail, normalisePhone, parseTags } from './normalise.ts'
import { ROLE_VALUES } from './schema.ts'
import type { RoleInLocal } from '../db/schema.ts'

export const IMPORT_FIELDS = [
  { key: 'first_name', label: 'First name' },
  { key: 'last_name', label: 'Last name' },
  { key: 'name', label: 'Full name' },
  { key: 'email', label: 'Email' },
  { key: 'phone', label: 'Phone' },
  { key: 'union', label: 'Union' },
  { key: 'local', label: 'Local' },
  { key: 'role', label: 'Role in the local' },
  { key: 'level', label: 'Support level (1–5)' },
  { key: 'tags', label: 'Tags' },
  { key: 'chapter_member', label: 'Chapter member' },
  { key: 'language', label: 'Preferred language' },
  { key: 'notes', label: 'Notes' },
] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]['key']
export type Mapping = Partial<Record<ImportField, number>>

const SYNONYMS: Record<ImportField, string[]> = {
  first_name: ['first_name', 'first name', 'firstname', 'first', 'given name', 'nombre', 'prenom', 'prénom'],
  last_name: ['last_name', 'last name', 'lastname', 'last', 'surname', 'family name', 'apellido', 'apellidos'],
  name: ['name', 'full name', 'full_name', 'fullname', 'nombre completo', 'contact name'],
  email: [
    'email',
    'e-mail',
    'email address',
    'email_address',
    'correo',
    'correo electronico',
    'correo electrónico',
    'mail',
  ],
  phone: [
    'phone',
    'can2_phone',
    'phone number',
    'phone_number',
    'mobile',
    'mobile phone',
    'cell',
    'cell phone',
    'telefono',
    'teléfono',
    'celular',
  ],
  union: ['union', 'national union', 'international', 'sindicato', 'union_name'],
  local: ['local', 'local union', 'local_union', 'local number', 'local_number', 'local name'],
  role: ['role', 'role in local', 'role_in_local', 'union role', 'position', 'puesto'],
  level: ['level', 'support level', 'support_level', 'assessment', 'nivel'],
  tags: ['tags', 'tag', 'labels', 'etiquetas'],
  chapter_member: ['chapter member', 'chapter_member', 'member', 'dsa member', 'is member', 'miembro'],
  language: ['language', 'preferred language', 'preferred_language', 'idioma', 'lang'],
  notes: ['notes', 'note', 'comments', 'notas'],
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[_\-.]+/g, ' ')
    .replace(/\s+/g, ' ')

/** Header → field, by name; each column used at most once. */
export function autoMap(headers: string[]): Mapping {
  const out: Mapping = {}
  const used = new Set<number>()
  for (const f of IMPORT_FIELDS) {
    const wanted = SYNONYMS[f.key].map(norm)
    const i = headers.findIndex((h, idx) => !used.has(idx) && wanted.includes(norm(h)))
    if (i >= 0) {
      out[f.key] = i
      used.add(i)
    }
  }
  // A full name column makes first/last optional, and vice versa; keep both if present.
  return out
}

export type RawRow = Partial<Record<ImportField, string>>

export function mapCells(cells: string[], mapping: Mapping): RawRow {
  const out: RawRow = {}
  // for…in, not Object.entries: the same keys in the same order, without arrays per row.
  for (const k in mapping) {
    if (!Object.hasOwn(mapping, k)) continue
    const v = cells[mapping[k as ImportField]!]
    if (v !== undefined && v.trim() !== '') out[k as ImportField] = v.trim()
  }
  return out
}

// seen: what findLocal answered for each (local, union) typed so far — a file names the same few locals over and over.
export type LocalIndex = {
  byKey: Map<string, number | 'ambiguous'>
  seen?: Map<string, number | 'ambiguous' | undefined>
}

/** Index of a chapter's locals under the names people type: "CWA Local 1400", "Local 1400", "1400" with union "CWA". */
export function buildLocalIndex(
  locals: { id: number; name: string; designation: string | null; union: string | null }[],
): LocalIndex {
  const byKey = new Map<string, number | 'ambiguous'>()
  const add = (k: string, id: number) => {
    if (!k) return
    const cur = byKey.get(k)
    byKey.set(k, cur === undefined || cur === id ? id : 'ambiguous')
  }
  for (const l of locals) {
    const u = (l.union ?? '').toLowerCase()
    add(norm(l.name), l.id)
    if (l.designation) {
      add(`${u}|${norm(l.designation)}`, l.id)
      add(`|${norm(l.designation)}`, l.id)
    }
    for (const num of new Set([...(l.name.match(/\d+/g) ?? []), ...((l.designation ?? '').match(/\d+/g) ?? [])])) {
      add(`${u}#${num}`, l.id)
      add(`#${num}`, l.id)
    }
  }
  return { byKey, seen: new Map() }
}

export function findLocal(
  index: LocalIndex,
  local: string | undefined,
  union: string | undefined,
): number | 'ambiguous' | undefined {
  if (!local) return undefined
  if (!index.seen) return lookUpLocal(index, local, union)
  const key = `${union ?? ''}\u0000${local}`
  if (index.seen.has(key)) return index.seen.get(key)
  const found = lookUpLocal(index, local, union)
  index.seen.set(key, found)
  return found
}

function lookUpLocal(index: LocalIndex, local: string, union: string | undefined): number | 'ambiguous' | undefined {
  const u = (union ?? '').trim().toLowerCase()
  const n = norm(local)
  const num = /\d+/.exec(local)?.[0]
  const tries = [
    n,
    u ? norm(`${u} ${local}`) : '',
    u ? `${u}|${n}` : '',
    u && num ? `${u}#${num}` : '',
    `|${n}`,
    num ? `#${num}` : '',
  ]
  for (const k of tries) {
    if (!k) continue
    const v = index.byKey.get(k)
    if (v !== undefined) return v
  }
  return undefined
}

export type ImportRecord = {
  name: string
  local_id: number | null
  email: string | null
  phone: string | null
  role_in_local: RoleInLocal
  level: number | null
  tags: string[]
  chapter_member: boolean
  preferred_language: string | null
  notes: string | null
}

const ROLE_WORDS: Record<string, RoleInLocal> = {
  'rank and file': 'rank_and_file',
  'rank-and-file': 'rank_and_file',
  member: 'rank_and_file',
  rank_and_file: 'rank_and_file',
  rf: 'rank_and_file',
  steward: 'steward',
  'shop steward': 'steward',
  officer: 'officer',
  president: 'officer',
  'vice president': 'officer',
  treasurer: 'officer',
  secretary: 'officer',
  'executive board': 'executive_board',
  executive_board: 'executive_board',
  'e-board': 'executive_board',
  eboard: 'executive_board',
  board: 'executive_board',
  delegate: 'delegate',
  staff: 'staff',
  organizer: 'staff',
}
const YES = new Set(['yes', 'y', 'true', '1', 'x', 'si', 'sí', 'member'])
const NO = new Set(['no', 'n', 'false', '0', ''])
const LANGS: Record<string, string> = {
  en: 'en',
  english: 'en',
  inglés: 'en',
  ingles: 'en',
  es: 'es',
  spanish: 'es',
  español: 'es',
  espanol: 'es',
}

/** One row → a record, or every problem with it (plain words, for the report). */
export function validateRow(
  raw: RawRow,
  locals: LocalIndex,
): { ok: true; rec: ImportRecord } | { ok: false; problems: string[] } {
  const problems: string[] = []
  const name = (raw.name ?? [raw.first_name, raw.last_name].filter(Boolean).join(' ')).replace(/\s+/g, ' ').trim()
  if (!name) problems.push('No name')
  else if (name.length > 200) problems.push('Name longer than 200 characters')
  else if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(name))
    problems.push('Name has characters that are not allowed')
  const email = normaliseEmail(raw.email)
  if (!email.ok) problems.push('Bad email')
  const phone = normalisePhone(raw.phone)
  if (!phone.ok) problems.push('Bad phone number')
  let local_id: number | null = null
  if (raw.local) {
    const found = findLocal(locals, raw.local, raw.union)
    if (found === undefined) problems.push('Unknown local (not in this chapter)')
    else if (found === 'ambiguous') problems.push('Local matches more than one local; add the union')
    else local_id = found
  } else {
    problems.push('No local')
  }
  let role_in_local: RoleInLocal = 'rank_and_file'
  if (raw.role) {
    const r =
      ROLE_WORDS[raw.role.toLowerCase().trim()] ?? (ROLE_VALUES as readonly string[]).find((v) => v === raw.role)
    if (!r) problems.push('Unknown role')
    else role_in_local = r as RoleInLocal
  }
  let level: number | null = null
  if (raw.level) {
    if (!/^\d+$/.test(raw.level)) problems.push('Level is not a number')
    else if (Number(raw.level) < 1 || Number(raw.level) > 5) problems.push('Level out of range (1–5)')
    else level = Number(raw.level)
  }
  let chapter_member = false
  if (raw.chapter_member !== undefined) {
    const v = raw.chapter_member.toLowerCase()
    if (YES.has(v)) chapter_member = true
    else if (!NO.has(v)) problems.push('Chapter member must be yes or no')
  }
  let preferred_language: string | null = null
  if (raw.language) {
    preferred_language = LANGS[raw.language.toLowerCase()] ?? 'other'
  }
  const notes = raw.notes ?? null
  if (notes && notes.length > 5000) problems.push('Notes longer than 5000 characters')
  if (!email.ok || !phone.ok || problems.length) return { ok: false, problems }
  return {
    ok: true,
    rec: {
      name,
      local_id,
      email: email.value,
      phone: phone.value,
      role_in_local,
      level,
      tags: parseTags(raw.tags ?? ''),
      chapter_member,
      preferred_language,
      notes,
    },
  }
}
