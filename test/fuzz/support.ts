// Fuzzing helpers: real record ids for route params (so handlers get past the
// 404), the fields of every form found on the app's pages (so generated bodies
// reach validation and the database), and hostile values from fast-check.
import fc from 'fast-check'
import { sql } from 'kysely'
import type { Db } from '../../src/db/database.ts'
import type { Agent } from '../helper.ts'

export const SCRIPT = '<script>alert(1)</script>'

/** Strings that must never come back unescaped in an HTML page. */
export const XSS = [SCRIPT, '"><script>alert(1)</script>', "'><img src=x onerror=alert(1)>", '<svg onload=alert(1)>']

const PAYLOADS = [
  ...XSS,
  "'; drop table locals; --",
  "1' or '1'='1",
  'Robert"); delete from users; --',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  'مرحبا بالعالم',
  'שלום',
  '🏳️‍🌈👩🏽‍🔧✊',
  '\r\n\t\u0007\u001b[31m',
  '%00',
  '%',
  '_',
  '\\',
  '../../etc/passwd',
  '',
  ' ',
  '-1',
  '0',
  '1',
  '1.5',
  '1e308',
  '-1e308',
  'NaN',
  'Infinity',
  '99999999999999999999999',
  String(2 ** 31),
  String(-(2 ** 31) - 1),
  '9'.repeat(400),
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '99999-12-31',
  '1969-12-31',
  '2026-11-23T25:61',
  'tomorrow',
  'true',
  'false',
  'on',
  'null',
  'undefined',
  '[]',
  '{}',
  '{"a":1}',
  'x'.repeat(10_000),
  'é'.repeat(3000),
]

/** One hostile value for a form field. */
export const hostile: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PAYLOADS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 500, maxLength: 3000 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  {
    weight: 1,
    arbitrary: fc
      .date({ noInvalidDate: false })
      .map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString().slice(0, 10))),
  },
)

export type FormSpec = { fields: Map<string, string> }

/** A body for a form: each field kept, fuzzed, duplicated (array) or left out; sometimes an extra field. */
export function bodyFor(fields: Map<string, string>): fc.Arbitrary<Record<string, string | string[]>> {
  const names = [...fields.keys()].filter((n) => n !== '_csrf')
  const one = (name: string) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(fields.get(name) ?? '') },
      { weight: 4, arbitrary: hostile },
      { weight: 1, arbitrary: fc.array(hostile, { minLength: 2, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    )
  const record = fc.tuple(...names.map(one)).map((vals) => {
    const out: Record<string, string | string[]> = {}
    names.forEach((n, i) => {
      const v = vals[i]
      if (v !== undefined) out[n] = v as string | string[]
    })
    return out
  })
  return fc
    .tuple(
      record,
      fc.option(fc.tuple(fc.constantFrom('name', 'q', 'id', 'version', 'chapter_id', 'to', 'x'), hostile), { freq: 3 }),
    )
    .map(([r, extra]) => (extra ? { ...r, [extra[0]]: extra[1] } : r))
}

/** The query-string keys worth trying on GET routes, besides those in the page's GET forms. */
export const QUERY_KEYS = [
  'q',
  'page',
  'after',
  'before',
  'sort',
  'chapter',
  'union',
  'orientation',
  'sector',
  'deleted',
  'stage',
  'status',
  'owner',
  'drive',
  'candidate',
  'version',
  'meeting_date',
  'meeting_body',
  'level',
  'cell',
  'local',
  'next',
  'format',
  'tag',
  'stale',
]

async function firstId(db: Db, table: string, chapterId: number): Promise<number> {
  try {
    const r = await sql<{
      id: number
    }>`select id from ${sql.table(table)} where chapter_id = ${chapterId} order by id limit 1`.execute(db)
    if (r.rows[0]) return r.rows[0].id
  } catch {}
  try {
    const r = await sql<{ id: number | null }>`select min(id) as id from ${sql.table(table)}`.execute(db)
    return r.rows[0]?.id ?? 1
  } catch {
    return 1
  }
}

/** Ids of real demo records (in the Boston chapter where it applies), by the route prefix they fill in. */
export async function recordIds(db: Db): Promise<(url: string) => string> {
  const boston = (await db.selectFrom('chapters').select('id').where('slug', '=', 'boston').executeTakeFirstOrThrow())
    .id
  const volunteer = (
    await db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'volunteer.boston@example.org')
      .executeTakeFirstOrThrow()
  ).id
  const ids: Record<string, number> = {}
  for (const t of [
    'locals',
    'drives',
    'resolutions',
    'filings',
    'share_links',
    'slates',
    'candidates',
    'endorsements',
    'national_unions',
    'supporters',
    'imports',
    'political_positions',
  ])
    ids[t] = await firstId(db, t, boston)
  const table = (url: string, param: string): number => {
    if (param === 'cid') return ids.candidates!
    if (param === 'eid') return ids.endorsements!
    if (param === 'pid') return ids.political_positions!
    const rules: [RegExp, number][] = [
      [/^\/people\/import\//, ids.imports!],
      [/^\/people\//, ids.supporters!],
      [/^\/drives\//, ids.drives!],
      [/^\/locals\//, ids.locals!],
      [/^\/resolutions\/filings\//, ids.filings!],
      [/^\/resolutions\/share\//, ids.share_links!],
      [/^\/resolutions\//, ids.resolutions!],
      [/^\/slates\//, ids.slates!],
      [/^\/endorsements\//, ids.endorsements!],
      [/^\/(admin\/)?chapters\//, boston],
      [/^\/(admin\/)?unions\//, ids.national_unions!],
      [/^\/(admin\/)?users\//, volunteer],
    ]
    return rules.find(([re]) => re.test(url))?.[1] ?? 1
  }
  return (url) =>
    url.replace(
      /:(\w+)(\.\w+)?/g,
      (_m, p: string, ext: string | undefined) =>
        (p === 'token' || p === 'slug' ? 'no-such-' + p : String(table(url, p))) + (ext ?? ''),
    )
}

/** Forms on a page: action → field names with their current values. */
export function formsIn(
  html: string,
  pageUrl: string,
): { action: string; method: string; fields: Map<string, string> }[] {
  const out: { action: string; method: string; fields: Map<string, string> }[] = []
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = m[1]!
    const action = (/\baction="([^"]*)"/.exec(attrs)?.[1] ?? pageUrl).replace(/&amp;/g, '&').split('?')[0]!
    const method = (/\bmethod="([^"]*)"/.exec(attrs)?.[1] ?? 'get').toLowerCase()
    const fields = new Map<string, string>()
    for (const f of m[2]!.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
      const name = /\bname="([^"]*)"/.exec(f[2]!)?.[1]
      if (!name) continue
      const value = /\bvalue="([^"]*)"/.exec(f[2]!)?.[1] ?? ''
      if (!fields.has(name))
        fields.set(
          name,
          value
            .replace(/&amp;/g, '&')
            .replace(/&quot;/g, '"')
            .replace(/&#39;/g, "'")
            .replace(/&lt;/g, '<')
            .replace(/&gt;/g, '>'),
        )
    }
    out.push({ action, method, fields })
  }
  return out
}

/** Visits every GET page (with real ids) and collects the fields of the forms posting to each URL. */
export async function harvestForms(agent: Agent, urls: string[]): Promise<Map<string, Map<string, string>>> {
  const forms = new Map<string, Map<string, string>>()
  for (const url of urls) {
    const res = await agent.get(url)
    if (!(res.headers['content-type'] ?? '').toString().includes('text/html')) continue
    for (const f of formsIn(res.body, url)) {
      const key = `${f.method === 'post' ? 'POST' : 'GET'} ${f.action}`
      const seen = forms.get(key) ?? new Map<string, string>()
      for (const [k, v] of f.fields) if (!seen.has(k)) seen.set(k, v)
      forms.set(key, seen)
    }
  }
  return forms
}
