// Tests for the merge-field parser and renderers, the date and list formats,
// the clause splitter, and the shipped model resolutions.

import t from 'tap'
import {
  EXAMPLE_VALUES,
  FIELD_KEYS,
  MERGE_FIELDS,
  isFieldKey,
  parseTemplate,
  renderHtml,
  renderPlain,
  renderTemplate,
} from '../../src/resolutions/merge-fields.ts'
import { splitClauses } from '../../src/resolutions/clauses.ts'
import { formatCandidateList, formatMeetingDate } from '../../src/resolutions/language.ts'
import type { FieldValues, Language, MalformedReason, Segment } from '../../src/resolutions/merge-fields.ts'
import { MODEL_RESOLUTIONS, RESOLUTION_KINDS } from '../../src/resolutions/model-texts.ts'

t.test('The field list holds exactly the documented fields, each labelled with an example.', async (t) => {
  t.same(FIELD_KEYS, [
    'local.name',
    'local.designation',
    'union.name',
    'union.abbreviation',
    'chapter.name',
    'candidate.name',
    'candidate.office',
    'candidate.district',
    'election.date',
    'slate.name',
    'slate.candidates',
    'meeting.body',
    'meeting.date',
  ])
  for (const f of MERGE_FIELDS) t.ok(f.label.length > 0 && f.example.length > 0, `${f.key} has a label and an example`)
  t.ok(isFieldKey('local.name'))
  t.notOk(isFieldKey('local.president'))
  t.notOk(isFieldKey(42))
})

t.test('Parsing finds fields, unknown keys and problems.', async (t) => {
  const cases: {
    name: string
    text: string
    fields: string[]
    unknown?: string[]
    malformed?: { index: number; snippet: string; reason: MalformedReason }[]
  }[] = [
    {
      name: 'A template with known fields lists them in order of first use.',
      text: 'WHEREAS, {{local.name}} supports {{candidate.name}};',
      fields: ['local.name', 'candidate.name'],
    },
    {
      name: 'A repeated field is listed once.',
      text: '{{candidate.name}} for {{candidate.office}}: we back {{candidate.name}}.',
      fields: ['candidate.name', 'candidate.office'],
    },
    {
      name: 'Whitespace inside the braces is allowed.',
      text: 'At {{ local.name }} and {{\tunion.abbreviation\t}}.',
      fields: ['local.name', 'union.abbreviation'],
    },
    {
      name: 'An unknown key is a field and is also reported as unknown.',
      text: '{{local.president}} of {{local.name}} and {{local.president}}',
      fields: ['local.president', 'local.name'],
      unknown: ['local.president'],
    },
    {
      name: 'Keys are case-sensitive, so a capitalised key is unknown.',
      text: '{{Local.Name}}',
      fields: ['Local.Name'],
      unknown: ['Local.Name'],
    },
    {
      name: 'Single braces are plain text.',
      text: 'Section {4} of the bylaws {a} } {',
      fields: [],
    },
    {
      name: 'Text without any fields parses clean.',
      text: 'RESOLVED, that the local meets monthly.',
      fields: [],
    },
    {
      name: 'An unclosed opening is reported, and a later field still counts.',
      text: 'WHEREAS {{local.name and {{candidate.name}}',
      fields: ['candidate.name'],
      malformed: [{ index: 8, snippet: '{{local.name and {{candidate.name}}', reason: 'unclosed' }],
    },
    {
      name: 'An opening at the very end is unclosed.',
      text: 'Signed {{',
      fields: [],
      malformed: [{ index: 7, snippet: '{{', reason: 'unclosed' }],
    },
    {
      name: 'A stray closing is reported.',
      text: 'local.name}} voted',
      fields: [],
      malformed: [{ index: 10, snippet: '}}', reason: 'stray_close' }],
    },
    {
      name: 'A closing after a complete field is stray.',
      text: '{{local.name}}}}',
      fields: ['local.name'],
      malformed: [{ index: 14, snippet: '}}', reason: 'stray_close' }],
    },
    {
      name: 'Empty braces are reported.',
      text: 'Vote {{}} and {{   }}',
      fields: [],
      malformed: [
        { index: 5, snippet: '{{}}', reason: 'empty' },
        { index: 14, snippet: '{{   }}', reason: 'empty' },
      ],
    },
    {
      name: 'Braces nested in braces are reported as one problem.',
      text: 'A {{local.{{union.name}}}} B',
      fields: [],
      malformed: [{ index: 2, snippet: '{{local.{{union.name}}}}', reason: 'nested' }],
    },
    {
      name: 'Triple braces are nested braces.',
      text: '{{{local.name}}}',
      fields: [],
      malformed: [{ index: 0, snippet: '{{{local.name}}', reason: 'nested' }],
    },
    {
      name: 'A single brace inside a field is a nested brace.',
      text: '{{local}name}}',
      fields: [],
      malformed: [{ index: 0, snippet: '{{local}name}}', reason: 'nested' }],
    },
    {
      name: 'A space inside a key is an invalid character.',
      text: '{{local name}}',
      fields: [],
      malformed: [{ index: 0, snippet: '{{local name}}', reason: 'invalid_key' }],
    },
    {
      name: 'Punctuation in a key is an invalid character.',
      text: 'x {{local-name}} {{local..name}} {{.name}} {{name!}}',
      fields: [],
      malformed: [
        { index: 2, snippet: '{{local-name}}', reason: 'invalid_key' },
        { index: 17, snippet: '{{local..name}}', reason: 'invalid_key' },
        { index: 33, snippet: '{{.name}}', reason: 'invalid_key' },
        { index: 43, snippet: '{{name!}}', reason: 'invalid_key' },
      ],
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = parseTemplate(c.text)
      t.same(r.fields, c.fields, 'fields')
      t.same(r.unknown, c.unknown ?? [], 'unknown')
      t.same(
        r.malformed.map((m) => ({ index: m.index, snippet: m.snippet, reason: m.reason })),
        c.malformed ?? [],
        'malformed',
      )
      for (const m of r.malformed) t.ok(m.message.length > 0, 'each problem has a message')
    })
  }
})

t.test('A problem reports its line and column, and a long snippet is shortened to one line.', async (t) => {
  const r = parseTemplate(
    'Title\n\nWHEREAS, {{local.name is a local\nwith many members and a long history of struggle}}',
  )
  t.equal(r.malformed.length, 1)
  const m = r.malformed[0]
  t.equal(m?.line, 3)
  t.equal(m?.column, 10)
  t.equal(m?.reason, 'invalid_key')
  t.equal(m?.snippet, '{{local.name is a local…')
  t.notMatch(m?.snippet ?? '', /\n/)
  t.match(m?.snippet ?? '', /…$/)
})

const VALUES: FieldValues = {
  'local.name': 'CWA Local 1400',
  'candidate.name': 'Alex Moreno',
  'candidate.office': 'City Council',
}

t.test('Rendering fills fields and reports missing ones.', async (t) => {
  const cases: {
    name: string
    text: string
    values: FieldValues
    segments: Segment[]
    missing: string[]
    plain: string
  }[] = [
    {
      name: 'Known fields with values are filled.',
      text: '{{local.name}} endorses {{candidate.name}}.',
      values: VALUES,
      segments: [
        { kind: 'field', key: 'local.name', value: 'CWA Local 1400', known: true },
        { kind: 'text', text: ' endorses ' },
        { kind: 'field', key: 'candidate.name', value: 'Alex Moreno', known: true },
        { kind: 'text', text: '.' },
      ],
      missing: [],
      plain: 'CWA Local 1400 endorses Alex Moreno.',
    },
    {
      name: 'A field without a value is missing, once however often it appears.',
      text: 'On {{meeting.date}}; again {{ meeting.date }}',
      values: VALUES,
      segments: [
        { kind: 'text', text: 'On ' },
        { kind: 'field', key: 'meeting.date', value: null, known: true },
        { kind: 'text', text: '; again ' },
        { kind: 'field', key: 'meeting.date', value: null, known: true },
      ],
      missing: ['meeting.date'],
      plain: 'On [meeting.date]; again [meeting.date]',
    },
    {
      name: 'A blank value counts as missing.',
      text: '{{candidate.district}}',
      values: { 'candidate.district': '   ' },
      segments: [{ kind: 'field', key: 'candidate.district', value: null, known: true }],
      missing: ['candidate.district'],
      plain: '[candidate.district]',
    },
    {
      name: 'An unknown field is never filled and is reported missing.',
      text: 'By {{local.president}}',
      values: VALUES,
      segments: [
        { kind: 'text', text: 'By ' },
        { kind: 'field', key: 'local.president', value: null, known: false },
      ],
      missing: ['local.president'],
      plain: 'By [local.president]',
    },
    {
      name: 'Malformed braces are kept as typed.',
      text: 'A {{}} B }} C {{local.name',
      values: VALUES,
      segments: [{ kind: 'text', text: 'A {{}} B }} C {{local.name' }],
      missing: [],
      plain: 'A {{}} B }} C {{local.name',
    },
    {
      name: 'A repeated field is filled every time.',
      text: '{{candidate.name}} and {{candidate.name}}',
      values: VALUES,
      segments: [
        { kind: 'field', key: 'candidate.name', value: 'Alex Moreno', known: true },
        { kind: 'text', text: ' and ' },
        { kind: 'field', key: 'candidate.name', value: 'Alex Moreno', known: true },
      ],
      missing: [],
      plain: 'Alex Moreno and Alex Moreno',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = renderTemplate(c.text, c.values)
      t.same(r.segments, c.segments, 'segments')
      t.same(r.missing, c.missing, 'missing')
      t.equal(renderPlain(c.text, c.values), c.plain, 'plain text')
    })
  }
})

t.test('Plain rendering takes a custom marker for missing values.', async (t) => {
  t.equal(
    renderPlain('On {{meeting.date}}', {}, { missingMarker: (key) => `<<${key.toUpperCase()}>>` }),
    'On <<MEETING.DATE>>',
  )
  t.equal(renderPlain('On {{meeting.date}}', {}, { missingMarker: () => '________' }), 'On ________')
})

t.test('HTML rendering escapes, marks and breaks lines.', async (t) => {
  const cases: { name: string; text: string; values: FieldValues; html: string; plain?: string }[] = [
    {
      name: 'HTML in a value is escaped in HTML and left as is in plain text.',
      text: 'Local: {{local.name}}',
      values: { 'local.name': '<script>alert("x")</script> & Co\'s' },
      html: '<p>Local: <span class="merge-value">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co&#39;s</span></p>',
      plain: 'Local: <script>alert("x")</script> & Co\'s',
    },
    {
      name: 'HTML in the template text is escaped too.',
      text: '<b>WHEREAS</b> A & B',
      values: {},
      html: '<p>&lt;b&gt;WHEREAS&lt;/b&gt; A &amp; B</p>',
    },
    {
      name: 'A missing value is flagged with a mark.',
      text: 'On {{meeting.date}}.',
      values: {},
      html: '<p>On <mark class="merge-missing" title="Missing: meeting.date">[meeting.date]</mark>.</p>',
    },
    {
      name: 'Blank lines start paragraphs and single newlines become line breaks.',
      text: 'Title\r\n\r\nWHEREAS, one;\n\n\nRESOLVED, two.\n\nSigned: x\nVote: y\n',
      values: {},
      html: '<p>Title</p>\n<p>WHEREAS, one;</p>\n<p>RESOLVED, two.</p>\n<p>Signed: x<br>\nVote: y</p>',
    },
    {
      name: 'A newline inside a value becomes a line break inside its span.',
      text: '{{slate.candidates}}',
      values: { 'slate.candidates': 'A\nB' },
      html: '<p><span class="merge-value">A<br>\nB</span></p>',
    },
    {
      name: 'An empty template renders nothing.',
      text: '\n\n  \n',
      values: {},
      html: '',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(renderHtml(c.text, c.values), c.html)
      if (c.plain !== undefined) t.equal(renderPlain(c.text, c.values), c.plain)
    })
  }
})

t.test('Meeting dates are written out in English and Spanish.', async (t) => {
  const cases: { name: string; iso: string; language: Language; zone: string; expected: string }[] = [
    {
      name: 'An English date names the weekday and month.',
      iso: '2026-03-03',
      language: 'en',
      zone: 'America/New_York',
      expected: 'Tuesday, March 3, 2026',
    },
    {
      name: 'A Spanish date uses lowercase names and "de".',
      iso: '2026-03-03',
      language: 'es',
      zone: 'America/New_York',
      expected: 'martes, 3 de marzo de 2026',
    },
    {
      name: 'An election day is formatted the same way.',
      iso: '2026-11-03',
      language: 'es',
      zone: 'America/Chicago',
      expected: 'martes, 3 de noviembre de 2026',
    },
    {
      name: 'A timestamp is read in the chapter time zone, not UTC.',
      iso: '2026-03-04T03:30:00Z',
      language: 'en',
      zone: 'America/Los_Angeles',
      expected: 'Tuesday, March 3, 2026',
    },
    {
      name: 'The same timestamp is the next day in Europe.',
      iso: '2026-03-04T03:30:00Z',
      language: 'es',
      zone: 'Europe/Madrid',
      expected: 'miércoles, 4 de marzo de 2026',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(formatMeetingDate(c.iso, c.language, c.zone), c.expected)
    })
  }
  t.test('An invalid date or time zone throws a RangeError.', async (t) => {
    t.throws(() => formatMeetingDate('2026-02-30', 'en', 'America/New_York'), RangeError)
    t.throws(() => formatMeetingDate('next tuesday', 'en', 'America/New_York'), RangeError)
    t.throws(() => formatMeetingDate('2026-03-03', 'en', 'Mars/Olympus'), RangeError)
  })
})

t.test('Candidate lists are joined the way each language writes them.', async (t) => {
  const cases: { name: string; names: string[]; language: Language; expected: string }[] = [
    { name: 'No names give an empty string.', names: [], language: 'en', expected: '' },
    { name: 'One name stands alone.', names: ['Alex Moreno'], language: 'en', expected: 'Alex Moreno' },
    { name: 'Two English names are joined with "and".', names: ['A', 'B'], language: 'en', expected: 'A and B' },
    {
      name: 'Three English names have no serial comma.',
      names: ['A', 'B', 'C'],
      language: 'en',
      expected: 'A, B and C',
    },
    { name: 'Three Spanish names are joined with "y".', names: ['A', 'B', 'C'], language: 'es', expected: 'A, B y C' },
    {
      name: 'Spanish uses "e" before a name with an "i" sound.',
      names: ['Ana', 'Inés'],
      language: 'es',
      expected: 'Ana e Inés',
    },
    {
      name: 'Spanish uses "e" before a silent "h" and an "i".',
      names: ['Ana', 'Hilda'],
      language: 'es',
      expected: 'Ana e Hilda',
    },
    { name: 'Spanish keeps "y" before "hie".', names: ['Ana', 'Hierro'], language: 'es', expected: 'Ana y Hierro' },
    {
      name: 'Blank names are dropped and names trimmed.',
      names: [' A ', '', '  ', 'B'],
      language: 'en',
      expected: 'A and B',
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      t.equal(formatCandidateList(c.names, c.language), c.expected)
    })
  }
})

t.test('Clauses are sorted by their opening words.', async (t) => {
  const cases: {
    name: string
    text: string
    title?: string
    whereas: string[]
    resolved: string[]
    other: string[]
  }[] = [
    {
      name: 'An English resolution splits into title, whereas, resolved and certification.',
      text: 'Resolution to Endorse\n\nWHEREAS, one;\n\nWhereas two;\n\nRESOLVED, three;\n\nBE IT FURTHER RESOLVED, four;\n\nAND BE IT FINALLY RESOLVED, five.\n\nAdopted by X\nVote: ___',
      title: 'Resolution to Endorse',
      whereas: ['WHEREAS, one;', 'Whereas two;'],
      resolved: ['RESOLVED, three;', 'BE IT FURTHER RESOLVED, four;', 'AND BE IT FINALLY RESOLVED, five.'],
      other: ['Adopted by X\nVote: ___'],
    },
    {
      name: 'A Spanish resolution splits on CONSIDERANDO, SE RESUELVE and RESUÉLVASE.',
      text: 'Resolución\n\nCONSIDERANDO que uno;\n\nconsiderando que dos;\n\nPOR LO TANTO, SE RESUELVE que tres;\n\nSE RESUELVE ADEMÁS que cuatro;\n\nResuélvase cinco.',
      title: 'Resolución',
      whereas: ['CONSIDERANDO que uno;', 'considerando que dos;'],
      resolved: ['POR LO TANTO, SE RESUELVE que tres;', 'SE RESUELVE ADEMÁS que cuatro;', 'Resuélvase cinco.'],
      other: [],
    },
    {
      name: 'Clauses on consecutive lines are still separate, and hard-wrapped lines are joined.',
      text: 'WHEREAS, one\n  continues;\nWHEREAS, two;\nTHEREFORE, BE IT RESOLVED, three.',
      whereas: ['WHEREAS, one continues;', 'WHEREAS, two;'],
      resolved: ['THEREFORE, BE IT RESOLVED, three.'],
      other: [],
    },
    {
      name: 'Words that merely contain the keywords do not open a clause.',
      text: 'Note\n\nWhereasly odd.\n\nThe issue was resolved quickly.\n\nUnresolved.',
      title: 'Note',
      whereas: [],
      resolved: [],
      other: ['Whereasly odd.', 'The issue was resolved quickly.', 'Unresolved.'],
    },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = splitClauses(c.text)
      t.equal(r.title, c.title, 'title')
      t.same(r.whereas, c.whereas, 'whereas')
      t.same(r.resolved, c.resolved, 'resolved')
      t.same(r.other, c.other, 'other')
      t.equal(
        r.blocks.length,
        (c.title === undefined ? 0 : 1) + c.whereas.length + c.resolved.length + c.other.length,
        'blocks',
      )
    })
  }
})

t.test('Every model resolution is well formed.', async (t) => {
  const slugs = MODEL_RESOLUTIONS.map((r) => r.slug)
  t.equal(new Set(slugs).size, slugs.length, 'slugs are unique')
  for (const r of MODEL_RESOLUTIONS) {
    t.test(`The model resolution ${r.slug} parses cleanly and has every part.`, async (t) => {
      const p = parseTemplate(r.body)
      t.same(p.unknown, [], 'no unknown fields')
      t.same(p.malformed, [], 'no malformed fields')
      t.ok(p.fields.length >= 5, 'uses merge fields generously')
      t.ok(p.fields.includes('meeting.body') && p.fields.includes('meeting.date'), 'has the certification fields')
      t.match(r.slug, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug is URL-safe')
      t.ok(r.title.length > 0 && r.tags.length > 0, 'has a title and tags')

      const words = r.body.split(/\s+/).filter((w) => w !== '').length
      t.ok(words >= 150 && words <= 350, `has 150–350 words (${words})`)

      const c = splitClauses(r.body)
      t.ok(c.title !== undefined && c.title.length > 0, 'starts with a title line')
      t.ok(c.whereas.length >= 3, 'has several whereas clauses')
      t.ok(c.resolved.length >= 2, 'has resolved clauses')
      const certification = c.other.join('\n')
      if (r.language === 'en') {
        for (const w of c.whereas) t.match(w, /^WHEREAS, .*;$/, 'whereas clause shape')
        t.match(c.resolved[0] ?? '', /^RESOLVED, /)
        for (const x of c.resolved.slice(1)) t.match(x, /^BE IT (FURTHER|FINALLY) RESOLVED, /)
        t.match(certification, 'Adopted by {{meeting.body}} on {{meeting.date}}')
        t.match(certification, 'Vote: ___ for, ___ against, ___ abstaining')
        t.match(certification, 'Signed: ____________ (Recording Secretary)')
      } else {
        for (const w of c.whereas) t.match(w, /^CONSIDERANDO que .*;$/, 'considerando clause shape')
        for (const x of c.resolved) t.match(x, /^SE RESUELVE /)
        t.match(certification, 'Aprobada por {{meeting.body}} el {{meeting.date}}')
        t.match(certification, /^Votación: ___ a favor, ___ en contra, ___ abstenciones$/m)
        t.match(certification, /^Firma: _+ \(Secretaría de Actas\)$/m)
      }

      const filled = renderTemplate(r.body, EXAMPLE_VALUES)
      t.same(filled.missing, [], 'every field fills from the examples')
      t.notMatch(renderPlain(r.body, EXAMPLE_VALUES), /\{\{|\}\}/, 'no braces left once filled')
    })
  }
})

t.test('Every kind has an English model and the key kinds have a Spanish one.', async (t) => {
  for (const k of RESOLUTION_KINDS) {
    t.ok(
      MODEL_RESOLUTIONS.some((r) => r.kind === k.key && r.language === 'en'),
      `${k.key} has an English text`,
    )
  }
  for (const kind of ['endorse_candidate', 'democratize'] as const) {
    t.ok(
      MODEL_RESOLUTIONS.some((r) => r.kind === kind && r.language === 'es'),
      `${kind} has a Spanish text`,
    )
  }
  t.same(
    RESOLUTION_KINDS.map((k) => k.key),
    ['democratize', 'endorse_candidate', 'endorse_slate', 'national_endorse', 'forum_request', 'issue'],
  )
})
