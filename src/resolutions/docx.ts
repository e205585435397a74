// Builds a Word document (.docx, with the `docx` library) from a filled
// resolution's plain text: the title, the WHEREAS clauses, the RESOLVED
// clauses (splitClauses sorts them), any other text in order, and the
// certification lines (body, date, vote, signature) — added when the text
// does not carry its own.
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx'
import { RESOLVED_LEAD, WHEREAS_LEAD, splitClauses } from './clauses.ts'
import type { Language } from './language.ts'

export type DocxInput = {
  title: string
  body: string
  language: Language
  meetingBody?: string | null
  meetingDate?: string | null
}

const LEAD = new RegExp(`^(${WHEREAS_LEAD}|${RESOLVED_LEAD})`, 'iu')

function clause(text: string): Paragraph {
  const m = LEAD.exec(text)
  const children = m
    ? [new TextRun({ text: m[0], bold: true }), new TextRun(text.slice(m[0].length))]
    : [new TextRun(text)]
  return new Paragraph({ children, spacing: { after: 200 }, alignment: AlignmentType.JUSTIFIED })
}

function lines(text: string): Paragraph[] {
  return text.split('\n').map((l) => new Paragraph({ children: [new TextRun(l)], spacing: { after: 120 } }))
}

function certification(input: DocxInput): Paragraph[] {
  const blank = '____________'
  const body = input.meetingBody || blank
  const date = input.meetingDate || blank
  const text =
    input.language === 'es'
      ? [
          `Aprobada por ${body} el ${date}`,
          'Votación: ___ a favor, ___ en contra, ___ abstenciones',
          'Firma: ____________ (Secretaría de Actas)',
        ]
      : [
          `Adopted by ${body} on ${date}`,
          'Vote: ___ for, ___ against, ___ abstaining',
          'Signed: ____________ (Recording Secretary)',
        ]
  return lines(text.join('\n'))
}

/** True when the text already ends with its own certification (a vote line or a signature line). */
function hasCertification(other: string[]): boolean {
  return other.some((t) => /(vote|votaci[oó]n)\s*:|sign(ed|ature)\s*:|firma\s*:/i.test(t))
}

export function buildDocument(input: DocxInput): Document {
  const c = splitClauses(input.body)
  const children: Paragraph[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(input.title)], spacing: { after: 300 } }),
  ]
  for (const b of c.blocks) {
    if (b.kind === 'title') {
      if (b.text.trim() !== input.title.trim())
        children.push(
          new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(b.text)], spacing: { after: 240 } }),
        )
    } else if (b.kind === 'whereas' || b.kind === 'resolved') {
      children.push(clause(b.text))
    } else {
      children.push(...lines(b.text))
    }
  }
  if (!hasCertification(c.other)) children.push(...certification(input))
  return new Document({
    creator: 'Tenfold',
    title: input.title,
    styles: { default: { document: { run: { font: 'Calibri', size: 24 } } } },
    sections: [{ children }],
  })
}

export async function renderDocx(input: DocxInput): Promise<Buffer> {
  return Packer.toBuffer(buildDocument(input))
}
