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

// Header names from spreadsheets, Action Network (can2_*), Solidarity Tech and EveryAction exports, in English and
// Spanish; compared after norm() (case, spaces, _ - . all alike).
const SYNONYMS: Record<ImportField, string[]> = {
  first_name: ['first_name', 'first name', 'firstname', 'first', 'given name', 'nombre', 'prenom', 'prénom', 'fname'],
  last_name: ['last_name', 'last name', 'lastname', 'last', 'surname', 'family name', 'apellido', 'apellidos', 'lname'],
  name: ['name', 'full name', 'full_name', 'fullname', 'nombre completo', 'contact name', 'display name'],
  email: [
    'email',
    'e-mail',
    'email address',
    'email_address',
    'primary email',
    'personal email',
    'correo',
    'correo electronico',
    'correo electrónico',
    'mail',
  ],
  phone: [
    'phone',
    'can2_phone',
    'can2_cell',
    'phone number',
    'phone_number',
    'mobile',
    'mobile phone',
    'mobile number',
    'cell',
    'cell phone',
    'cell phone number',
    'primary phone',
    'home phone',
    'telefono',
    'teléfono',
    'celular',
    'número de teléfono',
    'numero de telefono',
  ],
  union: [
    'union',
    'national union',
    'international',
    'international union',
    'sindicato',
    'union_name',
    'union name',
    'affiliate',
  ],
  local: [
    'local',
    'local union',
    'local_union',
    'union local',
    'local number',
    'local_number',
    'local #',
    'local no',
    'local no.',
    'local name',
    'local sindical',
    'seccional',
  ],
  role: [
    'role',
    'role in local',
    'role_in_local',
    'union role',
    'position',
    'union position',
    'puesto',
    'cargo',
    'rol',
  ],
  level: ['level', 'support level', 'support_level', 'assessment', 'support', 'rating', 'nivel', 'nivel de apoyo'],
  tags: [
    'tags',
    'tag',
    'labels',
    'etiquetas',
    'can2_user_tags',
    'can2_tags',
    'user tags',
    'tag list',
    'activist codes',
    'groups',
    'lists',
  ],
  chapter_member: ['chapter member', 'chapter_member', 'member', 'dsa member', 'is member', 'is_member', 'miembro'],
  language: ['language', 'preferred language', 'preferred_language', 'language preference', 'idioma', 'lang'],
  notes: ['notes', 'note', 'comments', 'comment', 'notas', 'comentarios', 'observaciones'],
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

// seen: what matchLocal answered for each (local, union) typed so far — a file names the same few locals over and over.
export type LocalIndex = {
  byKey: Map<string, number[]>
  /** Each local's union under every name it goes by (abbreviation, OLMS code, aliases, full name), folded. */
  unions: Map<number, Set<string>>
  names: Map<number, string>
  seen?: Map<string, LocalMatch>
}
export type LocalMatch = { id: number } | { problem: string; missing?: boolean }

/** Lowercase, without accents, separators as spaces: how typed names are compared. */
export const fold = (s: string) => norm(s.normalize('NFD').replace(/[\u0300-\u036f]/g, ''))

/** Index of a chapter's locals under the names people type: "CWA Local 1400", "Local 1400", "1400" with union "CWA". */
export function buildLocalIndex(
  locals: {
    id: number
    name: string
    designation: string | null
    union: string | null
    union_names?: (string | null)[] | null
  }[],
): LocalIndex {
  const byKey = new Map<string, number[]>()
  const unions = new Map<number, Set<string>>()
  const names = new Map<number, string>()
  const add = (k: string, id: number) => {
    if (!k) return
    const cur = byKey.get(k)
    if (!cur) byKey.set(k, [id])
    else if (!cur.includes(id)) cur.push(id)
  }
  for (const l of locals) {
    names.set(l.id, l.name)
    unions.set(l.id, new Set([l.union, ...(l.union_names ?? [])].filter((x): x is string => !!x).map(fold)))
    add(fold(l.name), l.id)
    if (l.designation) add(`|${fold(l.designation)}`, l.id)
    for (const num of new Set([...(l.name.match(/\d+/g) ?? []), ...((l.designation ?? '').match(/\d+/g) ?? [])]))
      add(`#${num}`, l.id)
  }
  return { byKey, unions, names, seen: new Map() }
}

export function matchLocal(index: LocalIndex, local: string | undefined, union: string | undefined): LocalMatch {
  if (!local) return { problem: 'No local' }
  if (!index.seen) return lookUpLocal(index, local, union)
  const key = `${union ?? ''}\u0000${local}`
  const hit = index.seen.get(key)
  if (hit) return hit
  const found = lookUpLocal(index, local, union)
  index.seen.set(key, found)
  return found
}

/**
 * A row's local, by its name, designation or number, and — when the row names a union — only among that union's
 * locals: union IBT with local 103 never lands at IBEW Local 103. Nothing is guessed: no match, or several, is
 * a problem that says so.
 */
function lookUpLocal(index: LocalIndex, local: string, union: string | undefined): LocalMatch {
  const u = fold(union ?? '')
  const n = fold(local)
  const num = /\d+/.exec(local)?.[0]
  const fits = (id: number) => !u || index.unions.get(id)?.has(u) === true
  const named = /^\d+$/.test(local.trim()) ? `local ${local.trim()}` : local.trim()
  const what = `${union?.trim() ? `${union.trim()} ` : ''}${named}`
  for (const k of [n, u ? fold(`${u} ${local}`) : '', `|${n}`, num ? `#${num}` : '']) {
    if (!k) continue
    const ids = index.byKey.get(k)?.filter(fits)
    if (!ids?.length) continue
    if (ids.length === 1) return { id: ids[0]! }
    const some = ids.slice(0, 3).map((id) => index.names.get(id))
    return {
      problem:
        `“${what}” matches more than one local in this chapter (${some.join(', ')}); ` +
        'name the union or the local in full',
    }
  }
  return { problem: `No ${what} in this chapter`, missing: true }
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

// Role words as files write them, in English and Spanish, compared folded (no accents, any case).
// "Delegado/a (sindical)" is how Spanish-speaking locals in the US say shop steward.
const ROLE_WORDS: Record<string, RoleInLocal> = {}
for (const [role, words] of Object.entries({
  rank_and_file: [
    'rank and file',
    'rank & file',
    'r&f',
    'rf',
    'member',
    'union member',
    'miembro',
    'miembra',
    'afiliado',
    'afiliada',
    'socio',
    'socia',
    'base',
    'trabajador',
    'trabajadora',
  ],
  steward: [
    'steward',
    'shop steward',
    'union steward',
    'chief steward',
    'stewart',
    'delegado',
    'delegada',
    'delegado sindical',
    'delegada sindical',
    'delegado de taller',
    'delegada de taller',
  ],
  officer: [
    'officer',
    'union officer',
    'president',
    'vice president',
    'vp',
    'treasurer',
    'secretary',
    'secretary treasurer',
    'recording secretary',
    'business agent',
    'ba',
    'oficial',
    'presidente',
    'presidenta',
    'vicepresidente',
    'vicepresidenta',
    'tesorero',
    'tesorera',
    'secretario',
    'secretaria',
    'agente de negocios',
  ],
  executive_board: [
    'executive board',
    'executive board member',
    'e board',
    'eboard',
    'exec board',
    'board',
    'board member',
    'junta ejecutiva',
    'mesa directiva',
    'directiva',
    'miembro de la junta',
    'miembro de la directiva',
  ],
  delegate: ['delegate', 'convention delegate', 'council delegate', 'delegado a la convencion', 'delegado al consejo'],
  staff: ['staff', 'organizer', 'union staff', 'personal', 'organizador', 'organizadora', 'staff sindical'],
} satisfies Record<RoleInLocal, string[]>))
  for (const w of words) ROLE_WORDS[fold(w)] = role as RoleInLocal
for (const v of ROLE_VALUES) ROLE_WORDS[fold(v)] = v as RoleInLocal

/** The local a problem row names, as one key: what "import these rows without a local" is chosen for. */
export function missingLocalKey(raw: RawRow): string {
  return `${fold(raw.union ?? '')}|${fold(raw.local ?? '')}`
}

export type RowCheck =
  | { ok: true; rec: ImportRecord; warnings: string[] }
  | { ok: false; problems: string[]; email: string | null; phone: string | null; missing: boolean }

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

/**
 * One row → a record (with warnings: imported, but worth a look), or every problem with it (plain words, for the
 * report) and its email and phone when they are valid, so duplicates are reported even for rows with errors.
 * withoutLocal: the missing locals (missingLocalKey) whose rows the organizer chose to import without a local.
 */
export function validateRow(raw: RawRow, locals: LocalIndex, withoutLocal: ReadonlySet<string> = new Set()): RowCheck {
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
  let missing = false
  if (raw.local) {
    const found = matchLocal(locals, raw.local, raw.union)
    if ('id' in found) local_id = found.id
    else if (found.missing && withoutLocal.has(missingLocalKey(raw))) local_id = null
    else {
      problems.push(found.problem)
      missing = found.missing === true
    }
  } else {
    problems.push('No local')
  }
  let role_in_local: RoleInLocal = 'rank_and_file'
  if (raw.role) {
    const r = ROLE_WORDS[fold(raw.role)]
    if (!r) problems.push(`Unknown role “${raw.role.slice(0, 40)}”`)
    else role_in_local = r
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
  if (!email.ok || !phone.ok || problems.length)
    return {
      ok: false,
      problems,
      email: email.ok ? email.value : null,
      phone: phone.ok ? phone.value : null,
      missing: missing && problems.length === 1,
    }
  const warnings = email.value || phone.value ? [] : ['No email and no phone']
  return {
    ok: true,
    warnings,
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
