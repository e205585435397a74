// Merge values for one drive: turns a drive's local, union, chapter, slate,
// candidate and meeting into the `{{field}}` values of merge-fields.ts, with
// dates in the resolution's language and the chapter's time zone. Pure: the
// caller loads the rows. Unknown values stay undefined so renderers flag them.
import { escapeHtml } from '../shared/html.ts'
import {
  decidingBodyPhrase,
  formatCandidateList,
  formatMeetingDate,
  localDesignation,
  type Language,
} from './language.ts'
import type { FieldValues } from './merge-fields.ts'

export { decidingBodyPhrase }

export type FillInput = {
  language: Language
  drive: {
    local_name: string | null
    local_designation: string | null
    deciding_body: string | null
    union_name: string | null
    union_abbreviation: string | null
    chapter_name: string | null
    time_zone: string | null
    slate_name: string
    slate_election_date: string | null
  }
  candidate: { name: string; office: string; district: string | null; election_date: string | null } | null
  slateCandidates: { name: string; status: string }[]
  meetingBody?: string | null
  meetingDate?: string | null
}

function safeDate(iso: string | null | undefined, language: Language, tz: string): string | undefined {
  if (!iso) return undefined
  try {
    return formatMeetingDate(iso, language, tz)
  } catch {
    return undefined
  }
}

export function mergeValues(input: FillInput): FieldValues {
  const { drive: d, candidate: c, language } = input
  const tz = d.time_zone ?? 'UTC'
  const running = input.slateCandidates.filter((x) => x.status === 'running').map((x) => x.name)
  return {
    'local.name': d.local_name ?? undefined,
    'local.designation': d.local_designation?.trim() || localDesignation(d.local_name) || undefined,
    'union.name': d.union_name ?? undefined,
    'union.abbreviation': d.union_abbreviation ?? undefined,
    'chapter.name': d.chapter_name ?? undefined,
    'candidate.name': c?.name,
    'candidate.office': c?.office,
    'candidate.district': c?.district ?? undefined,
    'election.date': safeDate(c?.election_date ?? d.slate_election_date, language, tz),
    'slate.name': d.slate_name,
    'slate.candidates': formatCandidateList(running, language) || undefined,
    'meeting.body': input.meetingBody?.trim() || decidingBodyPhrase(d.deciding_body, language) || undefined,
    'meeting.date': safeDate(input.meetingDate, language, tz),
  }
}

/** Plain filled text as safe HTML paragraphs (for share links, which store plain text only). */
export function plainToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n')
}

/** Plain filled text as Markdown: the title as a heading, line breaks kept inside paragraphs. */
export function plainToMarkdown(title: string, text: string): string {
  const paras = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
  return `# ${title}\n\n${paras.map((p) => p.split('\n').join('  \n')).join('\n\n')}\n`
}

/** A file name from words: ascii letters, digits and dashes. */
export function fileName(parts: (string | null | undefined)[], ext: string): string {
  const base = parts
    .filter(Boolean)
    .join(' ')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
  return `${base || 'resolution'}.${ext}`
}
