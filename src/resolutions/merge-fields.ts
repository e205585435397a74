// The template engine of model resolutions: the fixed set of `{{double.braces}}`
// fields a resolution may use, a parser that reports unknown and malformed
// fields (so an editor can point at the exact spot), and renderers that fill
// the fields for a drive (as segments, plain text or escaped HTML with missing
// values flagged). How values are written in each language is language.ts; how
// a body splits into WHEREAS / RESOLVED clauses is clauses.ts. Pure: no I/O.

import { escapeHtml } from '../shared/html.ts'

export const MERGE_FIELDS = [
  { key: 'local.name', label: 'Local name', example: 'CWA Local 1400' },
  { key: 'local.designation', label: 'Local designation', example: 'Local 1400' },
  { key: 'union.name', label: 'National union name', example: 'Communications Workers of America' },
  { key: 'union.abbreviation', label: 'National union abbreviation', example: 'CWA' },
  { key: 'chapter.name', label: 'Chapter name', example: 'Boston' },
  { key: 'candidate.name', label: 'Candidate name', example: 'Alex Moreno' },
  { key: 'candidate.office', label: 'Office sought', example: 'City Council' },
  { key: 'candidate.district', label: 'District', example: 'District 7' },
  { key: 'election.date', label: 'Election date', example: 'Tuesday, November 3, 2026' },
  { key: 'slate.name', label: 'Slate name', example: '2026 national slate' },
  { key: 'slate.candidates', label: 'Slate candidates', example: 'Alex Moreno, Sam Okafor and Dana Whitfield' },
  { key: 'meeting.body', label: 'Deciding body', example: 'the general membership meeting' },
  { key: 'meeting.date', label: 'Meeting date', example: 'Tuesday, March 3, 2026' },
] as const satisfies readonly { key: string; label: string; example: string }[]

export type MergeField = (typeof MERGE_FIELDS)[number]
export type FieldKey = MergeField['key']

export const FIELD_KEYS: readonly FieldKey[] = Object.freeze(MERGE_FIELDS.map((f) => f.key))

const KNOWN = new Set<string>(FIELD_KEYS)

export function isFieldKey(x: unknown): x is FieldKey {
  return typeof x === 'string' && KNOWN.has(x)
}

export function fieldLabel(key: string): string {
  return MERGE_FIELDS.find((f) => f.key === key)?.label ?? key
}

/** Every field filled with its documented example, for previews. */
export const EXAMPLE_VALUES: Readonly<Record<FieldKey, string>> = Object.freeze(
  Object.fromEntries(MERGE_FIELDS.map((f) => [f.key, f.example])) as Record<FieldKey, string>,
)

export type FieldValues = Partial<Record<FieldKey, string | null | undefined>>

// ---------------------------------------------------------------------------
// Parsing

export type MalformedReason = 'unclosed' | 'stray_close' | 'empty' | 'nested' | 'invalid_key'

export interface Malformed {
  /** Offset in the text (UTF-16 code units) where the problem starts. */
  index: number
  /** 1-based line and column of `index`, for messages. */
  line: number
  column: number
  /** The offending text, shortened to one line. */
  snippet: string
  reason: MalformedReason
  /** A sentence a person can act on. */
  message: string
}

export interface ParseResult {
  /** Every well-formed field key (known or not), distinct, in order of first use. */
  fields: string[]
  /** Well-formed keys that are not in MERGE_FIELDS, distinct, in order of first use. */
  unknown: string[]
  malformed: Malformed[]
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'field'; key: string; index: number }
  | { kind: 'malformed'; raw: string; problem: Malformed }

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/
const SNIPPET_MAX = 40

const MESSAGES: Record<MalformedReason, string> = {
  unclosed: 'This "{{" is never closed: add "}}" after the field name, or remove it.',
  stray_close: 'This "}}" has no opening "{{": add one before the field name, or remove it.',
  empty: 'This field is empty: put a field name between the braces, or remove them.',
  nested: 'Braces inside a field are not allowed: a field is a single name such as {{local.name}}.',
  invalid_key:
    'A field name is made of words joined by dots, such as {{candidate.name}}, with no spaces or other signs.',
}

function snippetOf(raw: string): string {
  const firstLine = raw.split(/\r?\n/, 1)[0] ?? ''
  if (firstLine.length > SNIPPET_MAX) return `${firstLine.slice(0, SNIPPET_MAX)}…`
  return firstLine.length < raw.length ? `${firstLine}…` : firstLine
}

function position(text: string, index: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let k = 0; k < index; k++) {
    if (text.charCodeAt(k) === 10) {
      line++
      lineStart = k + 1
    }
  }
  return { line, column: index - lineStart + 1 }
}

function problem(text: string, index: number, raw: string, reason: MalformedReason): Malformed {
  return { index, ...position(text, index), snippet: snippetOf(raw), reason, message: MESSAGES[reason] }
}

/**
 * Splits a template into text, fields and malformed pieces. A `{{` is matched
 * with its `}}` by counting depth, so `{{a {{b}} c}}` is one nested (malformed)
 * span, while an opening that never closes is reported alone and scanning goes
 * on right after it (so a well-formed field further on still counts).
 */
function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const n = text.length
  let i = 0
  let plainStart = 0
  const flushText = (end: number): void => {
    if (end > plainStart) tokens.push({ kind: 'text', text: text.slice(plainStart, end) })
  }
  while (i < n) {
    if (text.startsWith('{{', i)) {
      let depth = 0
      let maxDepth = 0
      let end = -1
      let j = i
      while (j < n) {
        if (text.startsWith('{{', j)) {
          depth++
          if (depth > maxDepth) maxDepth = depth
          j += 2
        } else if (text.startsWith('}}', j)) {
          depth--
          j += 2
          if (depth === 0) {
            end = j
            break
          }
        } else {
          j++
        }
      }
      flushText(i)
      if (end === -1) {
        const raw = text.slice(i)
        tokens.push({ kind: 'malformed', raw: '{{', problem: problem(text, i, raw, 'unclosed') })
        i += 2
        plainStart = i
        continue
      }
      const raw = text.slice(i, end)
      const inner = raw.slice(2, -2).trim()
      let reason: MalformedReason | null = null
      if (maxDepth > 1) reason = 'nested'
      else if (inner === '') reason = 'empty'
      else if (/[{}]/.test(inner)) reason = 'nested'
      else if (!KEY_PATTERN.test(inner)) reason = 'invalid_key'
      if (reason) tokens.push({ kind: 'malformed', raw, problem: problem(text, i, raw, reason) })
      else tokens.push({ kind: 'field', key: inner, index: i })
      i = end
      plainStart = i
      continue
    }
    if (text.startsWith('}}', i)) {
      flushText(i)
      tokens.push({ kind: 'malformed', raw: '}}', problem: problem(text, i, '}}', 'stray_close') })
      i += 2
      plainStart = i
      continue
    }
    i++
  }
  flushText(n)
  return tokens
}

export function parseTemplate(text: string): ParseResult {
  const fields: string[] = []
  const unknown: string[] = []
  const malformed: Malformed[] = []
  for (const tok of tokenize(text)) {
    if (tok.kind === 'field') {
      if (!fields.includes(tok.key)) fields.push(tok.key)
      if (!KNOWN.has(tok.key) && !unknown.includes(tok.key)) unknown.push(tok.key)
    } else if (tok.kind === 'malformed') {
      malformed.push(tok.problem)
    }
  }
  return { fields, unknown, malformed }
}

// ---------------------------------------------------------------------------
// Rendering

export type Segment =
  | { kind: 'text'; text: string }
  /** `value` is null when the field has no value (or is not a known field). */
  | { kind: 'field'; key: string; value: string | null; known: boolean }

export interface RenderResult {
  segments: Segment[]
  /** Keys left without a value (unknown keys included), distinct, in order of first use. */
  missing: string[]
}

/**
 * Fills the fields of a template. A value that is blank (empty or only
 * whitespace) counts as missing, so nothing silently vanishes from a printed
 * resolution. Malformed braces are kept as plain text, exactly as typed.
 */
export function renderTemplate(text: string, values: FieldValues): RenderResult {
  const segments: Segment[] = []
  const missing: string[] = []
  const pushText = (s: string): void => {
    if (s === '') return
    const last = segments[segments.length - 1]
    if (last?.kind === 'text') last.text += s
    else segments.push({ kind: 'text', text: s })
  }
  for (const tok of tokenize(text)) {
    if (tok.kind === 'text') pushText(tok.text)
    else if (tok.kind === 'malformed') pushText(tok.raw)
    else {
      const key = tok.key
      const known = isFieldKey(key)
      const raw = isFieldKey(key) ? values[key] : undefined
      const value = typeof raw === 'string' && raw.trim() !== '' ? raw : null
      if (value === null && !missing.includes(tok.key)) missing.push(tok.key)
      segments.push({ kind: 'field', key: tok.key, value, known })
    }
  }
  return { segments, missing }
}

export interface PlainOptions {
  missingMarker?: (key: string) => string
}

export function renderPlain(text: string, values: FieldValues, options: PlainOptions = {}): string {
  const marker = options.missingMarker ?? ((key: string) => `[${key}]`)
  return renderTemplate(text, values)
    .segments.map((s) => (s.kind === 'text' ? s.text : (s.value ?? marker(s.key))))
    .join('')
}

/**
 * Renders a template as HTML: every piece of text and every value escaped,
 * filled values in `<span class="merge-value">`, missing ones as a visible
 * `<mark class="merge-missing">`, blank lines starting a new `<p>` and single
 * line breaks becoming `<br>`.
 */
export function renderHtml(text: string, values: FieldValues): string {
  const paragraphs: string[] = []
  let current = ''
  for (const s of renderTemplate(text.replace(/\r\n?/g, '\n'), values).segments) {
    if (s.kind === 'text') {
      const parts = s.text.split(/\n[ \t]*\n\s*/)
      parts.forEach((part, k) => {
        if (k > 0) {
          paragraphs.push(current)
          current = ''
        }
        current += escapeHtml(part)
      })
    } else if (s.value !== null) {
      current += `<span class="merge-value">${escapeHtml(s.value.replace(/\r\n?/g, '\n'))}</span>`
    } else {
      const key = escapeHtml(s.key)
      current += `<mark class="merge-missing" title="Missing: ${key}">[${key}]</mark>`
    }
  }
  paragraphs.push(current)
  return paragraphs
    .map((p) => p.replace(/[ \t]+\n/g, '\n').trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${p.replace(/\n/g, '<br>\n')}</p>`)
    .join('\n')
}

export type { Language } from './language.ts'
