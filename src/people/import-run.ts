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
  validateRow,
  type ImportRecord,
  type LocalIndex,
  type Mapping,
} from './import-map.ts'

type Q = Kysely<Database> | Transaction<Database>
export const MAX_ROWS = 100_000
const BATCH = 2000
const LOCK = 4242050

export type ImportOptions = { duplicates: 'skip' | 'update' }
export type ImportTotals = {
  rows: number
  valid?: number
  errors?: number
  duplicatesInFile?: number
  duplicatesInDb?: number
  created?: number
  updated?: number
  skipped?: number
}

export class ImportFileError extends Error {}

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
    skip_empty_lines: true,
    skip_records_with_empty_values: true,
    max_record_size: 1024 * 1024,
  })
  // pipeline, not pipe: a parse error (or a broken upload) ends the loop below as a rejection, never as an uncaught error.
  pipeline(Readable.from(chunks(), { objectMode: false }), parser).catch(() => {})
  const imp = await db
    .insertInto('imports')
    .values({ chapter_id: o.chapterId, user_id: o.userId, filename: o.filename.slice(0, 200) || 'upload.csv' })
    .returning('id')
    .executeTakeFirstOrThrow()
  let headers: string[] | null = null
  let records: string[][] = []
  let rows = 0
  // One batch is written while the parser reads the next; never more than one.
  let writing: Promise<unknown> = Promise.resolve()
  const flush = async () => {
    if (!records.length) return
    // Numbered like the spreadsheet's rows: the header is row 1, and a batch's rows are consecutive.
    const first = rows - records.length + 2
    const json = JSON.stringify(records)
    records = []
    await writing
    // The batch as one JSON array of cell lists: one parameter, one statement.
    writing = sql`insert into import_rows (import_id, line, cells)
      select ${imp.id}, ${first}::int + (n - 1)::int, array(select json_array_elements_text(c)) from json_array_elements(${json}::json) with ordinality as u(c, n)`.execute(
      db,
    )
    writing.catch(() => {})
  }
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!headers) {
        headers = record.map((h) => h.trim())
        continue
      }
      rows++
      if (rows > MAX_ROWS)
        throw new ImportFileError(
          `The file has more than ${MAX_ROWS.toLocaleString('en-US')} rows. Split it and import the parts one at a time.`,
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
    if ((err as { code?: string }).code?.startsWith('CSV_'))
      throw new ImportFileError('That file is not a readable CSV file. Check that it is saved as CSV (UTF-8).')
    throw err
  }
  if (!headers || headers.every((h) => h === '')) {
    await db.deleteFrom('imports').where('id', '=', imp.id).execute()
    throw new ImportFileError('The file has no header row.')
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
    .select(['l.id', 'l.name', 'l.designation', 'n.abbreviation as union'])
    .where('l.chapter_id', '=', chapterId)
    .where('l.deleted_at', 'is', null)
    .execute()
  return buildLocalIndex(locals)
}

type Classified =
  | { line: number; kind: 'error'; problem: string }
  | { line: number; kind: 'dup_file'; problem: string }
  | { line: number; kind: 'new'; rec: ImportRecord }
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
): Promise<Classified[]> {
  const checked = batch.map((r) => ({ line: r.line, v: validateRow(mapCells(r.cells, mapping), locals) }))
  const emails = checked.flatMap((c) => (c.v.ok && c.v.rec.email ? [c.v.rec.email] : []))
  const phones = checked.flatMap((c) => (c.v.ok && c.v.rec.phone ? [c.v.rec.phone] : []))
  const existing =
    emails.length || phones.length
      ? // = any(array): what PostgreSQL makes of an IN list anyway, as two parameters instead of one per value.
        await db
          .selectFrom('supporters')
          .select(['id', 'email_normalised', 'phone'])
          .where('chapter_id', '=', chapterId)
          .where('deleted_at', 'is', null)
          .where(
            sql<boolean>`(email_normalised = any(${emails.length ? emails : ['']}::text[]) or phone = any(${phones.length ? phones : ['']}::text[]))`,
          )
          .execute()
      : []
  const byEmail = new Map(existing.filter((e) => e.email_normalised).map((e) => [e.email_normalised!, e.id]))
  const byPhone = new Map(existing.filter((e) => e.phone).map((e) => [e.phone!, e.id]))
  const out: Classified[] = []
  for (const { line, v } of checked) {
    if (!v.ok) {
      out.push({ line, kind: 'error', problem: v.problems.join('; ') })
      continue
    }
    // The email and phone themselves are the keys (an email always has an @, a phone never): no new strings per row.
    const keys = [v.rec.email ?? '', v.rec.phone ?? ''].filter(Boolean)
    const earlier = keys.map((k) => seen.keys.get(k)).find((x) => x !== undefined)
    const idE = v.rec.email ? byEmail.get(v.rec.email) : undefined
    const idP = v.rec.phone ? byPhone.get(v.rec.phone) : undefined
    const id = idE ?? idP
    const earlierById = id !== undefined ? seen.ids.get(id) : undefined
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
    } else out.push({ line, kind: 'new', rec: v.rec })
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
  }
  for await (const batch of batches(db, importId)) {
    const res = await classify(db, imp.chapter_id, locals, mapping, batch, seen)
    const flagged = res.filter((r): r is Extract<Classified, { problem: string }> => 'problem' in r)
    for (const r of res) {
      if (r.kind === 'error') totals.errors!++
      else if (r.kind === 'dup_file') totals.duplicatesInFile!++
      else if (r.kind === 'existing') totals.duplicatesInDb!++
      else totals.valid!++
    }
    if (flagged.length) {
      await sql`update import_rows r set problem = u.p from unnest(${flagged.map((f) => f.line)}::int[], ${flagged.map((f) => (f.kind === 'error' ? 'Error: ' : 'Duplicate: ') + f.problem)}::text[]) as u(l, p)
        where r.import_id = ${importId} and r.line = any(${flagged.map((f) => f.line)}::int[]) and r.line = u.l`.execute(
        db,
      )
    }
  }
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
      let done = 0
      for await (const batch of batches(trx, importId)) {
        const res = await classify(trx, imp.chapter_id, locals, mapping, batch, seen)
        const fresh = res.filter((r): r is Extract<Classified, { kind: 'new' }> => r.kind === 'new').map((r) => r.rec)
        const known = res.filter((r): r is Extract<Classified, { kind: 'existing' }> => r.kind === 'existing')
        totals.errors! += res.filter((r) => r.kind === 'error').length
        totals.skipped! += res.filter((r) => r.kind === 'dup_file').length
        if (fresh.length) {
          // The new supporters and their first support level in one statement: no ids travel back.
          const created = await sql<{ n: number }>`
          with ins as (
            insert into supporters (chapter_id, local_id, name, role_in_local, chapter_member, email, email_normalised, phone, preferred_language, tags, notes, current_level)
            select ${imp.chapter_id}, u.local_id, u.name, u.role, u.member, u.email, u.email, u.phone, u.lang,
              case when u.tags = '' then '{}'::text[] else string_to_array(u.tags, ${SEP}) end, u.notes, u.level
            from json_to_recordset(${freshJson(fresh)}::json) as u(local_id int, name text, role text, member bool, email text, phone text, lang text, tags text, notes text, level smallint)
            returning id, current_level
          ), lev as (
            insert into support_levels (supporter_id, level, note, actor_id)
            select id, current_level, ${`CSV import ${importId}`}, ${actor.actorId}::int from ins where current_level is not null
          )
          select count(*)::int as n from ins`.execute(trx)
          totals.created! += created.rows[0]?.n ?? 0
        }
        if (known.length && options.duplicates === 'update') {
          const recs = known.map((k) => k.rec)
          const updated = await sql<{ id: number; level: number | null; had: number | null }>`
          update supporters s set
            local_id = coalesce(s.local_id, u.local_id), email = coalesce(s.email, u.email), email_normalised = coalesce(s.email_normalised, u.email),
            phone = coalesce(s.phone, u.phone), preferred_language = coalesce(s.preferred_language, u.lang), notes = coalesce(s.notes, u.notes),
            tags = case when s.tags = '{}' and u.tags <> '' then string_to_array(u.tags, ${SEP}) else s.tags end,
            current_level = coalesce(s.current_level, u.level), version = s.version + 1, updated_at = now()
          from unnest(${known.map((k) => k.id)}::int[], ${recs.map((r) => r.local_id)}::int[], ${recs.map((r) => r.email)}::text[], ${recs.map((r) => r.phone)}::text[],
            ${recs.map((r) => r.preferred_language)}::text[], ${recs.map((r) => r.notes)}::text[], ${recs.map((r) => r.tags.join(SEP))}::text[], ${recs.map((r) => r.level)}::smallint[])
            as u(id, local_id, email, phone, lang, notes, tags, level)
          where s.id = u.id
          returning s.id, u.level, (select v.level from support_levels v where v.supporter_id = s.id limit 1) as had`.execute(
            trx,
          )
          const newLevels = updated.rows.filter((r) => r.level !== null && r.had === null)
          if (newLevels.length) {
            await sql`insert into support_levels (supporter_id, level, note, actor_id)
            select unnest(${newLevels.map((r) => r.id)}::int[]), unnest(${newLevels.map((r) => r.level)}::smallint[]), ${`CSV import ${importId}`}, ${actor.actorId}`.execute(
              trx,
            )
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
