// Imports the OLMS directory (aff_abbr, desig_num, f_num): creates missing
// national unions by abbreviation and locals keyed by file number. Every row is
// checked before anything is written; the write is one transaction, so a bad
// file changes nothing and a second run adds nothing.
import { parse } from 'csv-parse/sync'
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { audit, type AuditActor } from '../audit/audit.ts'
import { NATIONAL_UNION_NAMES } from './national-union-names.ts'

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

export async function importOlms(
  db: Db,
  input: string | Buffer,
  actor: AuditActor,
): Promise<{ ok: true; result: OlmsResult } | { ok: false; errors: OlmsError[] }> {
  const { rows, errors, lines } = parseOlms(input)
  if (errors.length) return { ok: false, errors }
  const result = await db.transaction().execute(async (trx) => {
    const abbrs = [...new Set(rows.map((r) => r.abbr))]
    const names = abbrs.map((a) => NATIONAL_UNION_NAMES[a] ?? a)
    const created = await sql<{ id: number }>`
      insert into national_unions (abbreviation, name)
      select a, n from unnest(${abbrs}::text[], ${names}::text[]) as t(a, n)
      where not exists (select 1 from national_unions u where upper(u.abbreviation) = t.a)
      returning id`.execute(trx)
    const ids = await trx
      .selectFrom('national_unions')
      .select(['id', sql<string>`upper(abbreviation)`.as('abbr')])
      .execute()
    const idOf = new Map(ids.map((u) => [u.abbr, u.id]))
    let localsCreated = 0
    for (let i = 0; i < rows.length; i += 5000) {
      const batch = rows.slice(i, i + 5000)
      const res = await sql<{ id: number }>`
        insert into locals (national_union_id, designation, name, olms_file_number)
        select u, nullif(d, ''), n, f from unnest(${batch.map((r) => idOf.get(r.abbr)!)}::int[], ${batch.map(designation)}::text[],
          ${batch.map((r) => localName(r.abbr, r.desig, r.fnum))}::text[], ${batch.map((r) => r.fnum)}::int[]) as t(u, d, n, f)
        on conflict (olms_file_number) where olms_file_number is not null do nothing
        returning id`.execute(trx)
      localsCreated += res.rows.length
    }
    const r: OlmsResult = {
      rows: lines,
      bodies: rows.length,
      unionsCreated: created.rows.length,
      localsCreated,
      localsExisting: rows.length - localsCreated,
    }
    await audit(trx, actor, { action: 'import', entity: 'olms_directory', after: r })
    return r
  })
  return { ok: true, result }
}
