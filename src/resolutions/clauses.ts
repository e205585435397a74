// Sorts a resolution body into its title, WHEREAS / CONSIDERANDO clauses,
// RESOLVED / SE RESUELVE clauses and other text, for the DOCX builder.
// Pure: no database, no I/O.

export type ClauseKind = 'title' | 'whereas' | 'resolved' | 'other'

export interface Clauses {
  /** The first block, when it comes before any clause. */
  title?: string
  whereas: string[]
  resolved: string[]
  /** Anything else (preamble, certification lines), line breaks kept. */
  other: string[]
  /** Every block in document order, for builders that must keep the order. */
  blocks: { kind: ClauseKind; text: string }[]
}

// The words a clause opens with, in English and Spanish; docx.ts sets them in bold.
const LEAD_IN = 'now|therefore|and|be|it|further|finally|also|por|lo|tanto|y|además|asimismo|finalmente'
export const WHEREAS_LEAD = String.raw`(?:and\s+)?whereas|considerando`
const RESOLVED_WORD = String.raw`resolved|se\s+resuelve|resuélvase|resuelvase`
export const RESOLVED_LEAD = String.raw`(?:(?:${LEAD_IN})[\s,;:]+){0,5}(?:${RESOLVED_WORD})`
const WORD_END = String.raw`(?![\p{L}\p{N}])`
const WHEREAS_START = new RegExp(`^(?:${WHEREAS_LEAD})${WORD_END}`, 'iu')
const RESOLVED_START = new RegExp(`^${RESOLVED_LEAD}${WORD_END}`, 'iu')

function clauseKind(line: string): 'whereas' | 'resolved' | null {
  const s = line.trimStart()
  if (WHEREAS_START.test(s)) return 'whereas'
  if (RESOLVED_START.test(s)) return 'resolved'
  return null
}

/**
 * Sorts a resolution body into its title, WHEREAS / CONSIDERANDO clauses,
 * RESOLVED / SE RESUELVE / RESUÉLVASE clauses and other text. Blocks are
 * separated by blank lines; a line that opens a clause also starts a new
 * block. Lines inside a clause are joined with spaces (undoing hard wraps);
 * lines inside other text keep their breaks.
 */
export function splitClauses(text: string): Clauses {
  const raw: { kind: 'whereas' | 'resolved' | null; lines: string[] }[] = []
  for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n[ \t]*\n/)) {
    let cur: { kind: 'whereas' | 'resolved' | null; lines: string[] } | null = null
    for (const line of chunk.split('\n')) {
      if (line.trim() === '') continue
      const kind = clauseKind(line)
      if (cur === null || kind !== null) {
        cur = { kind, lines: [] }
        raw.push(cur)
      }
      cur.lines.push(line.trim())
    }
  }
  const out: Clauses = { whereas: [], resolved: [], other: [], blocks: [] }
  raw.forEach((b, k) => {
    if (b.kind === 'whereas' || b.kind === 'resolved') {
      const t = b.lines.join(' ')
      out[b.kind].push(t)
      out.blocks.push({ kind: b.kind, text: t })
    } else if (k === 0) {
      out.title = b.lines.join(' ')
      out.blocks.push({ kind: 'title', text: out.title })
    } else {
      const t = b.lines.join('\n')
      out.other.push(t)
      out.blocks.push({ kind: 'other', text: t })
    }
  })
  return out
}
