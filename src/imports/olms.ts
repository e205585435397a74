// Imports the OLMS directory (aff_abbr, desig_num, f_num): creates missing
// national unions by abbreviation and locals keyed by file number. Every row is
// checked before anything is written; the write is one transaction, so a bad
// file changes nothing and a second run adds nothing.
import { parse } from 'csv-parse/sync'
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'
import { audit, type AuditActor } from '../audit/audit.ts'
import { unionNamesFor } from './national-union-names.ts'

export type OlmsRow = { line: number; abbr: string; desig: number; fnum: number; also: number[] }
export type OlmsError = { line: number; message: string }
export type OlmsResult = {
  rows: number
  bodies: number
  unionsCreated: number
  localsCreated: number
  localsExisting: number
}

export function parseOlms(input: string | Buffer): { rows: OlmsRow[]; errors: OlmsError[]; lines: number } {
  const records: string[][] = parse(input, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true })
  const errors: OlmsError[] = []
  const rows: OlmsRow[] = []
  const header = (records[0] ?? []).map((h) => h.toLowerCase())
  const ai = header.indexOf('aff_abbr'),
    di = header.indexOf('desig_num'),
    fi = header.indexOf('f_num')
  if (ai < 0 || di < 0 || fi < 0)
    return {
      rows,
      errors: [{ line: 1, message: 'The header must name the columns aff_abbr, desig_num and f_num.' }],
      lines: 0,
    }
  const seen = new Map<number, number>() // f_num → index in rows
  for (const [i, r] of records.slice(1).entries()) {
    const line = i + 2
    const abbr = (r[ai] ?? '').toUpperCase()
    const desigText = r[di] ?? '',
      fnumText = r[fi] ?? ''
    if (!/^[A-Z0-9&./\- ]{1,20}$/.test(abbr)) {
      errors.push({ line, message: `aff_abbr “${abbr.slice(0, 30)}” is not a union abbreviation.` })
      continue
    }
    // OLMS writes -1 for a few bodies without a number: the same as 0.
    if (!/^-?\d{1,9}$/.test(desigText)) {
      errors.push({ line, message: `desig_num “${desigText.slice(0, 30)}” is not a number.` })
      continue
    }
    if (!/^\d{1,9}$/.test(fnumText) || Number(fnumText) === 0) {
      errors.push({ line, message: `f_num “${fnumText.slice(0, 30)}” is not a file number.` })
      continue
    }
    const fnum = Number(fnumText)
    // The OLMS data lists some filing bodies under two local numbers (e.g. an
    // amalgamated local): one body, so one local, with both designations.
    const first = seen.get(fnum)
    if (first !== undefined) {
      const row = rows[first]!
      const d = Math.max(0, Number(desigText))
      if (!row.also.includes(d) && d !== row.desig) row.also.push(d)
      continue
    }
    seen.set(fnum, rows.length)
    rows.push({ line, abbr, desig: Math.max(0, Number(desigText)), fnum, also: [] })
  }
  return { rows, errors, lines: Math.max(0, records.length - 1) }
}

function designation(r: OlmsRow): string {
  return [r.desig, ...r.also]
    .filter((d) => d > 0)
    .map((d) => `Local ${d}`)
    .join(' / ')
}

export function localName(abbr: string, desig: number, fnum: number): string {
  return desig > 0 ? `${abbr} Local ${desig}` : `${abbr} (OLMS file ${fnum})`
}

type UnionPlan = { abbreviation: string; name: string; code: string; aliases: Set<string> }

/**
 * Which national union each OLMS code belongs to: an existing one (by code, abbreviation or alias, or by the
 * common abbreviation the code stands for), or a new one under its common names. Codes that name the same union
 * (UNITE, UNITHE and HERE are all UNITE HERE) end up at one union, the extra codes as aliases.
 */
async function placeUnions(trx: Transaction<Database>, codes: string[]) {
  const existing = await trx.selectFrom('national_unions').select(['id', 'abbreviation', 'code', 'aliases']).execute()
  const byKey = new Map<string, (typeof existing)[number]>()
  for (const e of existing) {
    for (const k of [e.abbreviation, e.code ?? '', ...e.aliases])
      if (k && !byKey.has(k.toUpperCase())) byKey.set(k.toUpperCase(), e)
  }
  const fresh = new Map<string, UnionPlan>() // upper(abbreviation) → plan
  const extra = new Map<number, { code: string | null; aliases: Set<string> }>()
  const found = new Map<string, { id?: number; plan?: UnionPlan; abbreviation: string }>()
  for (const code of codes) {
    const names = unionNamesFor(code)
    const hit = byKey.get(code) ?? byKey.get(names.abbreviation.toUpperCase())
    if (hit) {
      const x = extra.get(hit.id) ?? { code: hit.code, aliases: new Set<string>() }
      if (x.code === null) x.code = code
      else if (x.code.toUpperCase() !== code) x.aliases.add(code)
      // A union typed by hand under other names learns the common ones too ("IBT" learns "Teamsters").
      for (const a of [names.abbreviation, ...names.aliases])
        if (a.toUpperCase() !== hit.abbreviation.toUpperCase()) x.aliases.add(a)
      extra.set(hit.id, x)
      found.set(code, { id: hit.id, abbreviation: hit.abbreviation })
      continue
    }
    const key = names.abbreviation.toUpperCase()
    let plan = fresh.get(key)
    if (!plan) {
      plan = { abbreviation: names.abbreviation, name: names.name, code, aliases: new Set(names.aliases) }
      fresh.set(key, plan)
    } else plan.aliases.add(code)
    found.set(code, { plan, abbreviation: plan.abbreviation })
  }
  const plans = [...fresh.values()]
  const created = plans.length
    ? await sql<{ id: number; code: string }>`
      insert into national_unions (abbreviation, name, code, aliases)
      select a, n, c, string_to_array(al, ${SEP}) from unnest(${plans.map((p) => p.abbreviation)}::text[],
        ${plans.map((p) => p.name)}::text[], ${plans.map((p) => p.code)}::text[],
        ${plans.map((p) => [...p.aliases].join(SEP))}::text[]) as t(a, n, c, al)
      returning id, code`.execute(trx)
    : { rows: [] }
  const idOfPlanCode = new Map(created.rows.map((r) => [r.code, r.id]))
  for (const [id, x] of extra) {
    await trx
      .updateTable('national_unions')
      .set({
        code: sql`coalesce(code, ${x.code})`,
        aliases: sql`array(select distinct a from unnest(aliases || ${[...x.aliases]}::text[]) as a order by a)`,
      })
      .where('id', '=', id)
      .execute()
  }
  const idOf = new Map<string, number>()
  const abbrOf = new Map<string, string>()
  for (const [code, f] of found) {
    idOf.set(code, f.id ?? idOfPlanCode.get(f.plan!.code)!)
    abbrOf.set(code, f.abbreviation)
  }
  return { idOf, abbrOf, created: created.rows.length }
}
const SEP = '\u001f'

export async function importOlms(
  db: Db,
  input: string | Buffer,
  actor: AuditActor,
): Promise<{ ok: true; result: OlmsResult } | { ok: false; errors: OlmsError[] }> {
  const { rows, errors, lines } = parseOlms(input)
  if (errors.length) return { ok: false, errors }
  const result = await db.transaction().execute(async (trx) => {
    const { idOf, abbrOf, created } = await placeUnions(trx, [...new Set(rows.map((r) => r.abbr))])
    let localsCreated = 0
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000)
      const unionIds = batch.map((r) => idOf.get(r.abbr)!)
      const names = batch.map((r) => localName(abbrOf.get(r.abbr)!, r.desig, r.fnum))
      const res = await sql<{ id: number }>`
        insert into locals (national_union_id, designation, name, olms_file_number)
        select u, nullif(d, ''), n, f from unnest(${unionIds}::int[], ${batch.map(designation)}::text[],
          ${names}::text[], ${batch.map((r) => r.fnum)}::int[]) as t(u, d, n, f)
        on conflict (olms_file_number) where olms_file_number is not null do nothing
        returning id`.execute(trx)
      localsCreated += res.rows.length
    }
    const r: OlmsResult = {
      rows: lines,
      bodies: rows.length,
      unionsCreated: created,
      localsCreated,
      localsExisting: rows.length - localsCreated,
    }
    await audit(trx, actor, { action: 'import', entity: 'olms_directory', after: r })
    return r
  })
  return { ok: true, result }
}
