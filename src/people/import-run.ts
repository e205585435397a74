// The supporter CSV import, with its state in PostgreSQL: the upload is parsed
// as a stream (csv-parse) into import_rows in batches; validation and the commit
// stream the rows back in batches (memory stays flat); the commit runs as a
// graphile-worker job in ONE transaction — a killed import leaves nothing — and
// writes its progress through another connection so any instance can show it.
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { parse } from 'csv-parse'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database } from '../db/schema.ts'
import type { AuditActor } from '../audit/audit.ts'
import { audit } from '../audit/audit.ts'
import {
  autoMap,
  buildLocalIndex,
  mapCells,
  missingLocalKey,
  validateRow,
  type ImportRecord,
  type RowCheck,
  type LocalIndex,
  type Mapping,
} from './import-map.ts'

type Q = Kysely<Database> | Transaction<Database>
export const MAX_ROWS = 100_000
const BATCH = 2000
const LOCK = 4242050

/** withoutLocal: missing locals (missingLocalKey) whose rows are imported without a local, as the organizer chose. */
export type ImportOptions = { duplicates: 'skip' | 'update'; withoutLocal?: string[] }
/** A local named by rows of the file that is not in the chapter, and how many rows would be imported with it. */
export type MissingLocal = { key: string; union: string; local: string; rows: number }
export type ImportTotals = {
  rows: number
  valid?: number
  errors?: number
  duplicatesInFile?: number
  duplicatesInDb?: number
  warnings?: number
  missingLocals?: MissingLocal[]
  created?: number
  updated?: number
  skipped?: number
}

export class ImportFileError extends Error {}

type ParsedRecord = { record: string[]; info: { lines: number }; raw: string }

/** The line a record starts on: the line it ends on, less the line breaks inside it (blank lines before it aside). */
function startLine(endLine: number, raw: string): number {
  const body = raw.replace(/^(?:\r?\n|\r)+/, '').replace(/(?:\r?\n|\r)$/, '')
  let breaks = 0
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) breaks++
  return endLine - breaks
}

function isParseError(err: unknown): boolean {
  const e = err as { code?: string; name?: string }
  return e.name === 'CsvError' || /^(CSV_|INVALID_)/.test(e.code ?? '')
}

/** A message when the first bytes are not text (a spreadsheet, a PDF, an image, a zip) — else undefined. */
export function binaryKind(head: Buffer): string | undefined {
  const starts = (sig: number[]) => sig.every((b, i) => head[i] === b)
  if (starts([0x50, 0x4b, 0x03, 0x04]) || starts([0xd0, 0xcf, 0x11, 0xe0]))
    return (
      'That is a spreadsheet file (Excel or similar), not a CSV file. ' +
      'In the spreadsheet, choose Save As (or Download) → CSV UTF-8, and upload that.'
    )
  let control = 0
  for (const b of head) if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d)) control++
  if (control > 0 && (head.includes(0) || control / head.length > 0.01))
    return (
      'That file is not a CSV file (it looks like a picture, a PDF or another binary file). ' +
      'Export the list as CSV (UTF-8) and upload that.'
    )
  return undefined
}

/** Reads the first bytes to choose the delimiter: the header line's commas vs semicolons (outside quotes). */
function detectDelimiter(head: string): ',' | ';' {
  const line = head.replace(/^\ufeff/, '').split(/\r?\n/)[0] ?? ''
  let commas = 0
  let semis = 0
  let quoted = false
  for (const ch of line) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === ',') commas++
    else if (!quoted && ch === ';') semis++
  }
  return semis > commas ? ';' : ','
}

/** Streams an uploaded CSV into a new import (status `uploaded`); returns its id. */
export async function storeUpload(
  db: Db,
  file: Readable,
  o: { chapterId: number; userId: number; filename: string },
): Promise<{ id: number; rows: number }> {
  // Peek at the first chunk to pick the delimiter, then feed it and the rest to the parser.
  const source = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const head = await source.next()
  const first = head.done ? null : Buffer.from(head.value)
  if (!first || first.length === 0) throw new ImportFileError('The file is empty.')
  const binary = binaryKind(first.subarray(0, 8192))
  if (binary) {
    // Drain the rest so the upload completes; nothing of it is kept.
    for (;;) if ((await source.next()).done) break
    throw new ImportFileError(binary)
  }
  const delimiter = detectDelimiter(first.subarray(0, 64 * 1024).toString('utf8'))
  async function* chunks() {
    yield first!
    for (;;) {
      const n = await source.next()
      if (n.done) return
      yield n.value
    }
  }
  const parser = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    // A quote inside an unquoted field (Jo "JJ" Smith, how nicknames are written) is part of the text.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    max_record_size: 1024 * 1024,
    // The line each record ends on and its raw text: the line it starts on, as a spreadsheet numbers it.
    info: true,
    raw: true,
  })
  // pipeline, not pipe: a parse error (or a broken upload) ends the loop below as a rejection,
  // never as an uncaught error.
  pipeline(Readable.from(chunks(), { objectMode: false }), parser).catch(() => {})
  const imp = await db
    .insertInto('imports')
    .values({ chapter_id: o.chapterId, user_id: o.userId, filename: o.filename.slice(0, 200) || 'upload.csv' })
    .returning('id')
    .executeTakeFirstOrThrow()
  let headers: string[] | null = null
  let records: string[][] = []
  let lines: number[] = []
  let rows = 0
  // One batch is written while the parser reads the next; never more than one.
  let writing: Promise<unknown> = Promise.resolve()
  const flush = async () => {
    if (!records.length) return
    // Numbered by the physical line each record starts on (blank lines and multi-line cells counted).
    const json = JSON.stringify(records)
    const at = lines
    records = []
    lines = []
    await writing
    // The batch as one JSON array of cell lists: one parameter, one statement.
    writing = sql`insert into import_rows (import_id, line, cells)
      select ${imp.id}, (${at}::int[])[n], array(select json_array_elements_text(c))
      from json_array_elements(${json}::json) with ordinality as u(c, n)`.execute(db)
    writing.catch(() => {})
  }
  try {
    for await (const { record: cells, info, raw } of parser as AsyncIterable<ParsedRecord>) {
      // NUL cannot be stored in PostgreSQL text, and is never part of a name or a note.
      const record = cells.map((c) => (c.includes('\u0000') ? c.replaceAll('\u0000', '') : c))
      if (!headers) {
        headers = record.map((h) => h.trim())
        continue
      }
      lines.push(startLine(info.lines, raw))
      rows++
      if (rows > MAX_ROWS)
        throw new ImportFileError(
          `The file has more than ${MAX_ROWS.toLocaleString('en-US')} rows. ` +
            'Split it and import the parts one at a time.',
        )
      records.push(record)
      if (records.length >= BATCH) await flush()
    }
    await flush()
    await writing
  } catch (err) {
    await writing.catch(() => {})
    await db.deleteFrom('imports').where('id', '=', imp.id).execute()
    if (err instanceof ImportFileError) throw err
    // csv-parse's errors (codes like CSV_QUOTE_NOT_CLOSED or INVALID_OPENING_QUOTE) quote the file's text:
    // neither the message nor the field reaches the log or the page.
    if ((err as { code?: string }).code && isParseError(err))
      throw new ImportFileError('That file is not a readable CSV file. Check that it is saved as CSV (UTF-8).')
    throw err
  }
  if (!headers || headers.every((h) => h === '')) {
    await db.deleteFrom('imports').where('id', '=', imp.id).execute()
    throw new ImportFileError('The file has no header row.')
  }
  if (rows === 0) {
    await db.deleteFrom('imports').where('id', '=', imp.id).execute()
    throw new ImportFileError('The file has a header row but no people under it.')
  }
  // Fresh statistics, so reading the rows back in batches uses the primary key (not a scan per batch).
  await sql`analyze import_rows`.execute(db)
  await db
    .updateTable('imports')
    .set({
      headers,
      mapping: JSON.stringify(autoMap(headers)),
      options: JSON.stringify({ duplicates: 'skip' }),
      totals: JSON.stringify({ rows }),
      updated_at: sql`now()`,
    })
    .where('id', '=', imp.id)
    .execute()
  return { id: imp.id, rows }
}

export function findImport(db: Q, chapterIds: number[] | null, id: number) {
  let q = db
    .selectFrom('imports as i')
    .innerJoin('chapters as c', 'c.id', 'i.chapter_id')
    .selectAll('i')
    .select('c.name as chapter_name')
    .where('i.id', '=', id)
  if (chapterIds !== null) q = q.where('i.chapter_id', 'in', chapterIds.length ? chapterIds : [0])
  return q.executeTakeFirst()
}
export type ImportRow = NonNullable<Awaited<ReturnType<typeof findImport>>>

export function listImports(db: Db, chapterIds: number[] | null) {
  let q = db
    .selectFrom('imports as i')
    .innerJoin('chapters as c', 'c.id', 'i.chapter_id')
    .select(['i.id', 'i.filename', 'i.status', 'i.totals', 'i.created_at', 'c.name as chapter_name'])
  if (chapterIds !== null) q = q.where('i.chapter_id', 'in', chapterIds.length ? chapterIds : [0])
  return q.orderBy('i.id', 'desc').limit(10).execute()
}

export function previewRows(db: Q, importId: number, limit = 5) {
  return db
    .selectFrom('import_rows')
    .select(['line', 'cells', 'problem'])
    .where('import_id', '=', importId)
    .orderBy('line')
    .limit(limit)
    .execute()
}

export function problemRows(db: Q, importId: number, limit: number, afterLine = 0) {
  return db
    .selectFrom('import_rows')
    .select(['line', 'cells', 'problem'])
    .where('import_id', '=', importId)
    .where('problem', 'is not', null)
    .where('line', '>', afterLine)
    .orderBy('line')
    .limit(limit)
    .execute()
}

async function localIndexFor(db: Q, chapterId: number): Promise<LocalIndex> {
  const locals = await db
    .selectFrom('locals as l')
    .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
    .select([
      'l.id',
      'l.name',
      'l.designation',
      'n.abbreviation as union',
      sql<(string | null)[]>`array[n.name, n.code] || coalesce(n.aliases, '{}')`.as('union_names'),
    ])
    .where('l.chapter_id', '=', chapterId)
    .where('l.deleted_at', 'is', null)
    .execute()
  return buildLocalIndex(locals)
}

type Missing = { key: string; union: string; local: string }
type Classified =
  | { line: number; kind: 'error'; problem: string; missing?: Missing }
  | { line: number; kind: 'dup_file'; problem: string }
  | { line: number; kind: 'new'; rec: ImportRecord; problem?: string }
  | { line: number; kind: 'existing'; rec: ImportRecord; id: number; problem: string }

type Seen = { keys: Map<string, number>; ids: Map<number, number> }

/** Classifies a batch: bad rows, duplicates inside the file, matches in the chapter, new people. */
async function classify(
  db: Q,
  chapterId: number,
  locals: LocalIndex,
  mapping: Mapping,
  batch: { line: number; cells: string[] }[],
  seen: Seen,
  withoutLocal: ReadonlySet<string> = new Set(),
): Promise<Classified[]> {
  const checked = batch.map((r) => {
    const raw = mapCells(r.cells, mapping)
    return { line: r.line, raw, v: validateRow(raw, locals, withoutLocal) }
  })
  const emailOf = (v: RowCheck) => (v.ok ? v.rec.email : v.email)
  const phoneOf = (v: RowCheck) => (v.ok ? v.rec.phone : v.phone)
  const emails = checked.flatMap((c) => emailOf(c.v) ?? [])
  const phones = checked.flatMap((c) => phoneOf(c.v) ?? [])
  const existing =
    emails.length || phones.length
      ? // = any(array): what PostgreSQL makes of an IN list anyway, as two parameters instead of one per value.
        await db
          .selectFrom('supporters')
          .select(['id', 'email_normalised', 'phone'])
          .where('chapter_id', '=', chapterId)
          .where('deleted_at', 'is', null)
          .where(
            sql<boolean>`(email_normalised = any(${emails.length ? emails : ['']}::text[])
              or phone = any(${phones.length ? phones : ['']}::text[]))`,
          )
          .execute()
      : []
  const byEmail = new Map(existing.filter((e) => e.email_normalised).map((e) => [e.email_normalised!, e.id]))
  const byPhone = new Map(existing.filter((e) => e.phone).map((e) => [e.phone!, e.id]))
  const out: Classified[] = []
  for (const { line, raw, v } of checked) {
    // The email and phone themselves are the keys (an email always has an @, a phone never): no new strings per row.
    const email = emailOf(v)
    const phone = phoneOf(v)
    const keys = [email ?? '', phone ?? ''].filter(Boolean)
    const earlier = keys.map((k) => seen.keys.get(k)).find((x) => x !== undefined)
    const idE = email ? byEmail.get(email) : undefined
    const idP = phone ? byPhone.get(phone) : undefined
    const id = idE ?? idP
    const earlierById = id !== undefined ? seen.ids.get(id) : undefined
    if (!v.ok) {
      // Duplicates are reported for bad rows too (the row is still not imported, and does not claim its keys).
      const also =
        earlier !== undefined || earlierById !== undefined
          ? [`Duplicate of line ${earlier ?? earlierById} in this file`]
          : id !== undefined
            ? ['Already in Tenfold']
            : []
      out.push({
        line,
        kind: 'error',
        problem: [...v.problems, ...also].join('; '),
        ...(v.missing
          ? { missing: { key: missingLocalKey(raw), union: raw.union ?? '', local: raw.local ?? '' } }
          : {}),
      })
      continue
    }
    if (earlier !== undefined || earlierById !== undefined) {
      out.push({ line, kind: 'dup_file', problem: `Duplicate of line ${earlier ?? earlierById} in this file` })
      continue
    }
    if (idE !== undefined && idP !== undefined && idE !== idP) {
      out.push({
        line,
        kind: 'error',
        problem: 'Email and phone belong to two different supporters already in Tenfold',
      })
      continue
    }
    for (const k of keys) seen.keys.set(k, line)
    if (id !== undefined) {
      seen.ids.set(id, line)
      out.push({
        line,
        kind: 'existing',
        rec: v.rec,
        id,
        problem: `Already in Tenfold (matched on ${idE !== undefined ? 'email' : 'phone'})`,
      })
    } else out.push({ line, kind: 'new', rec: v.rec, ...(v.warnings.length ? { problem: v.warnings.join('; ') } : {}) })
  }
  return out
}

/** The rows in batches, the next one already asked for while the caller works on this one. */
async function* batches(db: Q, importId: number) {
  // As JSON: parsed natively, far cheaper than reading the text[] literal.
  const fetch = (after: number) =>
    db
      .selectFrom('import_rows')
      .select(['line', sql<string[]>`array_to_json(cells)`.as('cells')])
      .where('import_id', '=', importId)
      .where('line', '>', after)
      .orderBy('line')
      .limit(BATCH)
      .execute()
  let next = fetch(0)
  for (;;) {
    const rows = await next
    if (!rows.length) return
    if (rows.length === BATCH) {
      next = fetch(rows[rows.length - 1]!.line)
      // Awaited on the next turn; a failure there is the caller's to see then (or never, if it stops first).
      next.catch(() => {})
    } else next = Promise.resolve([])
    yield rows
  }
}

/** Saves the mapping and options, then checks every row: the validation report. */
export async function validateImport(
  db: Db,
  importId: number,
  mapping: Mapping,
  options: ImportOptions,
): Promise<ImportTotals> {
  const imp = await db
    .selectFrom('imports')
    .select(['chapter_id', 'totals'])
    .where('id', '=', importId)
    .executeTakeFirstOrThrow()
  await db
    .updateTable('imports')
    .set({
      status: 'validating',
      mapping: JSON.stringify(mapping),
      options: JSON.stringify(options),
      updated_at: sql`now()`,
    })
    .where('id', '=', importId)
    .execute()
  await db
    .updateTable('import_rows')
    .set({ problem: null })
    .where('import_id', '=', importId)
    .where('problem', 'is not', null)
    .execute()
  const locals = await localIndexFor(db, imp.chapter_id)
  const seen: Seen = { keys: new Map(), ids: new Map() }
  const totals: ImportTotals = {
    rows: (imp.totals as ImportTotals | null)?.rows ?? 0,
    valid: 0,
    errors: 0,
    duplicatesInFile: 0,
    duplicatesInDb: 0,
    warnings: 0,
  }
  const missing = new Map<string, MissingLocal>()
  const withoutLocal = new Set(options.withoutLocal ?? [])
  const prefix = { error: 'Error: ', dup_file: 'Duplicate: ', existing: 'Duplicate: ', new: 'Warning: ' } as const
  for await (const batch of batches(db, importId)) {
    const res = await classify(db, imp.chapter_id, locals, mapping, batch, seen, withoutLocal)
    const flagged = res.filter((r) => r.problem !== undefined)
    for (const r of res) {
      if (r.kind === 'error') totals.errors!++
      else if (r.kind === 'dup_file') totals.duplicatesInFile!++
      else if (r.kind === 'existing') totals.duplicatesInDb!++
      else totals.valid!++
      if (r.kind === 'new' && r.problem) totals.warnings!++
      if (r.kind === 'error' && r.missing) {
        const m = missing.get(r.missing.key) ?? { ...r.missing, rows: 0 }
        m.rows++
        missing.set(r.missing.key, m)
      }
    }
    if (flagged.length) {
      const problems = flagged.map((f) => prefix[f.kind] + f.problem)
      await sql`update import_rows r set problem = u.p
        from unnest(${flagged.map((f) => f.line)}::int[], ${problems}::text[]) as u(l, p)
        where r.import_id = ${importId} and r.line = any(${flagged.map((f) => f.line)}::int[])
          and r.line = u.l`.execute(db)
    }
  }
  // Most rows first; a file naming hundreds of unknown locals lists the first hundred.
  totals.missingLocals = [...missing.values()].sort((a, b) => b.rows - a.rows).slice(0, 100)
  await db
    .updateTable('imports')
    .set({ status: 'ready', totals: JSON.stringify(totals), updated_at: sql`now()` })
    .where('id', '=', importId)
    .execute()
  return totals
}

const SEP = '\u001f'
// Half of a surrogate pair (a tag cut at 40 characters can end in one): the
// database gets U+FFFD for it, as it would from a text parameter.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** A batch of new supporters as one JSON parameter: one native JSON.stringify, no per-value array literals. */
function freshJson(recs: ImportRecord[]): string {
  return JSON.stringify(
    recs.map((r) => ({
      local_id: r.local_id,
      name: r.name,
      role: r.role_in_local,
      member: r.chapter_member,
      email: r.email,
      phone: r.phone,
      lang: r.preferred_language,
      tags: r.tags.join(SEP).replace(LONE_SURROGATE, '\ufffd'),
      notes: r.notes,
      level: r.level,
    })),
  )
}

/**
 * Commits an import in ONE transaction. Rows with errors and duplicates inside
 * the file are skipped (and counted); matches in the chapter are skipped or have
 * their empty fields filled, as the person chose. Any failure rolls back every row.
 */
export async function commitImport(db: Db, importId: number, actor: AuditActor): Promise<ImportTotals> {
  const imp = await db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirstOrThrow()
  const mapping = (imp.mapping ?? {}) as Mapping
  const options = (imp.options ?? { duplicates: 'skip' }) as ImportOptions
  const rowsTotal = (imp.totals as ImportTotals | null)?.rows ?? 0
  const totals: ImportTotals = { rows: rowsTotal, created: 0, updated: 0, skipped: 0, errors: 0 }
  let progress: Promise<unknown> = Promise.resolve()
  await db
    .transaction()
    .execute(async (trx) => {
      // Held until commit or rollback: tells other instances this import is alive.
      await sql`select pg_advisory_xact_lock(${LOCK}, ${importId})`.execute(trx)
      const locals = await localIndexFor(trx, imp.chapter_id)
      const seen: Seen = { keys: new Map(), ids: new Map() }
      const withoutLocal = new Set(options.withoutLocal ?? [])
      let done = 0
      for await (const batch of batches(trx, importId)) {
        const res = await classify(trx, imp.chapter_id, locals, mapping, batch, seen, withoutLocal)
        const fresh = res.filter((r): r is Extract<Classified, { kind: 'new' }> => r.kind === 'new').map((r) => r.rec)
        const known = res.filter((r): r is Extract<Classified, { kind: 'existing' }> => r.kind === 'existing')
        totals.errors! += res.filter((r) => r.kind === 'error').length
        totals.skipped! += res.filter((r) => r.kind === 'dup_file').length
        if (fresh.length) {
          // The new supporters and their first support level in one statement: no ids travel back.
          const created = await sql<{ n: number }>`
          with ins as (
            insert into supporters (chapter_id, local_id, name, role_in_local, chapter_member, email,
              email_normalised, phone, preferred_language, tags, notes, current_level)
            select ${imp.chapter_id}, u.local_id, u.name, u.role, u.member, u.email, u.email, u.phone, u.lang,
              case when u.tags = '' then '{}'::text[] else string_to_array(u.tags, ${SEP}) end, u.notes, u.level
            from json_to_recordset(${freshJson(fresh)}::json) as u(local_id int, name text, role text,
              member bool, email text, phone text, lang text, tags text, notes text, level smallint)
            returning id, current_level
          ), lev as (
            insert into support_levels (supporter_id, level, note, actor_id)
            select id, current_level, ${`CSV import ${importId}`}, ${actor.actorId}::int
            from ins where current_level is not null
          )
          select count(*)::int as n from ins`.execute(trx)
          totals.created! += created.rows[0]?.n ?? 0
        }
        if (known.length && options.duplicates === 'update') {
          const recs = known.map((k) => k.rec)
          const updated = await sql<{ id: number; level: number | null; had: number | null }>`
          update supporters s set
            local_id = coalesce(s.local_id, u.local_id), email = coalesce(s.email, u.email),
            email_normalised = coalesce(s.email_normalised, u.email), phone = coalesce(s.phone, u.phone),
            preferred_language = coalesce(s.preferred_language, u.lang), notes = coalesce(s.notes, u.notes),
            tags = case when s.tags = '{}' and u.tags <> '' then string_to_array(u.tags, ${SEP}) else s.tags end,
            current_level = coalesce(s.current_level, u.level), version = s.version + 1, updated_at = now()
          from unnest(${known.map((k) => k.id)}::int[], ${recs.map((r) => r.local_id)}::int[],
            ${recs.map((r) => r.email)}::text[], ${recs.map((r) => r.phone)}::text[],
            ${recs.map((r) => r.preferred_language)}::text[], ${recs.map((r) => r.notes)}::text[],
            ${recs.map((r) => r.tags.join(SEP))}::text[], ${recs.map((r) => r.level)}::smallint[])
            as u(id, local_id, email, phone, lang, notes, tags, level)
          where s.id = u.id
          returning s.id, u.level,
            (select v.level from support_levels v where v.supporter_id = s.id limit 1) as had`.execute(trx)
          const newLevels = updated.rows.filter((r) => r.level !== null && r.had === null)
          if (newLevels.length) {
            await sql`insert into support_levels (supporter_id, level, note, actor_id)
            select unnest(${newLevels.map((r) => r.id)}::int[]), unnest(${newLevels.map((r) => r.level)}::smallint[]),
              ${`CSV import ${importId}`}, ${actor.actorId}`.execute(trx)
          }
          totals.updated! += updated.rows.length
        } else {
          totals.skipped! += known.length
        }
        done += batch.length
        // Progress goes through the pool, outside this transaction, so every instance sees it now.
        // It is written while the next batch is worked on; one at a time, in order.
        await progress
        progress = db
          .updateTable('imports')
          .set({
            progress: rowsTotal ? Math.min(99, Math.floor((done / rowsTotal) * 100)) : 99,
            updated_at: sql`now()`,
          })
          .where('id', '=', importId)
          .execute()
        progress.catch(() => {})
      }
      // Before this transaction touches the import's row (a pending progress write would wait for it).
      await progress
      const localIds = await trx
        .selectFrom('supporters')
        .select('local_id')
        .distinct()
        .where('chapter_id', '=', imp.chapter_id)
        .where('local_id', 'is not', null)
        .execute()
      if (localIds.length)
        await trx
          .updateTable('drives')
          .set({ last_activity_at: sql`now()` })
          .where(
            'local_id',
            'in',
            localIds.map((l) => l.local_id!),
          )
          .where('deleted_at', 'is', null)
          .execute()
      await trx
        .updateTable('imports')
        .set({ status: 'done', progress: 100, totals: JSON.stringify(totals), error: null, updated_at: sql`now()` })
        .where('id', '=', importId)
        .execute()
      await audit(trx, actor, {
        action: 'import',
        entity: 'supporters',
        entityId: importId,
        chapterId: imp.chapter_id,
        after: { filename: imp.filename, ...totals },
      })
    })
    .finally(() => progress.catch(() => {}))
  return totals
}

/** Marks an import failed (outside any transaction); the message never holds row data. */
export function markFailed(db: Db, importId: number, message: string) {
  return db
    .updateTable('imports')
    .set({ status: 'failed', error: message, updated_at: sql`now()` })
    .where('id', '=', importId)
    .execute()
}

/**
 * On start: imports left in `committing` whose transaction is gone (the server
 * was killed) are marked failed — nothing of them was saved, they can be run again.
 */
export async function failStaleImports(db: Db): Promise<number> {
  const stale = await db.selectFrom('imports').select('id').where('status', '=', 'committing').execute()
  let n = 0
  for (const { id } of stale) {
    // A job still queued for it (not yet started) is not stale.
    const queued = await sql<{
      n: number
    }>`select count(*)::int as n from graphile_worker.jobs where key = ${`people-import:${id}`} and locked_at is null`
      .execute(db)
      .then(
        (r) => r.rows[0]?.n ?? 0,
        () => 0,
      )
    if (queued) continue
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ free: boolean }>`select pg_try_advisory_xact_lock(${LOCK}, ${id}) as free`.execute(
        trx,
      )
      if (rows[0]?.free === true) {
        await trx
          .updateTable('imports')
          .set({
            status: 'failed',
            error: 'The server stopped while this import was running. Nothing from it was saved; run it again.',
            updated_at: sql`now()`,
          })
          .where('id', '=', id)
          .where('status', '=', 'committing')
          .execute()
        n++
      }
    })
  }
  return n
}
