// npm run restore -- FILE: loads a backup made by scripts/backup.ts into an
// EMPTY database (it refuses otherwise): migrations up to the version recorded
// in the backup, then every table with `COPY … FROM STDIN` in foreign-key order
// and the identity sequences set past the highest id — all in one transaction,
// so a failed restore leaves nothing behind but the migrated schema.
import fs from 'node:fs'
import { once } from 'node:events'
import readline from 'node:readline'
import { pathToFileURL } from 'node:url'
import zlib from 'node:zlib'
import { from as copyFrom } from 'pg-copy-streams'
import type { DbHandle } from '../src/db/database.ts'
import { migrator } from '../src/db/migrate.ts'
import { FORMAT, MIGRATION_TABLES, quoteIdent, type Header } from './backup.ts'

/** Tables of the public schema that hold rows (the migration bookkeeping aside). */
export async function nonEmptyTables(handle: DbHandle): Promise<string[]> {
  const tables = (
    await handle.pool.query<{
      name: string
    }>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')`)
  ).rows
    .map((r) => r.name)
    .filter((n) => !MIGRATION_TABLES.includes(n))
  const full: string[] = []
  for (const t of tables)
    if ((await handle.pool.query(`select exists (select from ${quoteIdent(t)}) as x`)).rows[0].x) full.push(t)
  return full
}

async function appliedMigrations(handle: DbHandle): Promise<string[]> {
  const exists = (await handle.pool.query(`select to_regclass('public.kysely_migration') as t`)).rows[0].t !== null
  return exists
    ? (await handle.pool.query<{ name: string }>('select name from kysely_migration order by name')).rows.map(
        (r) => r.name,
      )
    : []
}

/** Restores `file` into the (empty) database behind `handle`. Returns row counts per table. */
export async function restoreDatabase(handle: DbHandle, file: string): Promise<Record<string, number>> {
  const lines = readline.createInterface({
    input: fs.createReadStream(file).pipe(zlib.createGunzip()),
    crlfDelay: Infinity,
  })
  const it = lines[Symbol.asyncIterator]()
  const first = await it.next()
  let header: Header
  try {
    header = JSON.parse(String(first.value)) as Header
  } catch {
    throw new Error(`${file} is not a Tenfold backup (no header)`)
  }
  if (header.format !== FORMAT || header.version !== 1)
    throw new Error(`${file} is not a Tenfold backup (format ${String(header.format)} ${String(header.version)})`)

  const full = await nonEmptyTables(handle)
  if (full.length)
    throw new Error(
      `Refusing to restore: the database is not empty (rows in ${full.slice(0, 5).join(', ')}${full.length > 5 ? ', …' : ''}). Restore into a new, empty database.`,
    )
  const applied = await appliedMigrations(handle)
  const known = (await migrator(handle.db).getMigrations()).map((m) => m.name)
  const missing = header.migrations.filter((m) => !known.includes(m))
  if (missing.length)
    throw new Error(
      `The backup was made by a newer Tenfold (migrations ${missing.join(', ')} are unknown here): update the code first.`,
    )
  if (applied.some((m) => !header.migrations.includes(m)))
    throw new Error(`The database is migrated past the backup (${applied.at(-1)}); restore into a new, empty database.`)
  const target = header.migrations.at(-1)
  if (target) {
    const { error } = await migrator(handle.db).migrateTo(target)
    if (error)
      throw new Error(`migration to ${target} failed: ${error instanceof Error ? error.message : String(error)}`)
  }

  const client = await handle.pool.connect()
  const counts: Record<string, number> = {}
  try {
    await client.query('begin')
    // Migrations may seed rows; the backup has its own copy of them.
    if (header.tables.length)
      await client.query(`truncate ${header.tables.map((t) => quoteIdent(t.name)).join(', ')} cascade`)
    // Tables kept by triggers (review counters, change stamps) come back as
    // they were backed up: the triggers must not count the restored rows again.
    for (const t of header.tables) await client.query(`alter table ${quoteIdent(t.name)} disable trigger user`)
    for (const t of header.tables) {
      const stream = client.query(
        copyFrom(`copy ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(', ')}) from stdin`),
      )
      const finished = new Promise<void>((resolve, reject) => {
        stream.on('finish', resolve)
        stream.on('error', reject)
      })
      let rows = 0
      for (;;) {
        const next = await it.next()
        if (next.done) throw new Error(`${file} is cut short in table ${t.name}`)
        if (next.value === '\\.') break
        rows++
        if (!stream.write(next.value + '\n')) await Promise.race([once(stream, 'drain'), finished])
      }
      stream.end()
      await finished
      counts[t.name] = rows
    }
    for (const t of header.tables) await client.query(`alter table ${quoteIdent(t.name)} enable trigger user`)
    // Identity and serial columns continue after the restored ids.
    const seqs = await client.query<{
      table_name: string
      column_name: string
      seq: string
    }>(`select table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) as seq
      from information_schema.columns where table_schema = 'public' and pg_get_serial_sequence(quote_ident(table_name), column_name) is not null`)
    for (const s of seqs.rows) {
      const col = quoteIdent(s.column_name),
        tbl = quoteIdent(s.table_name)
      await client.query(
        `select setval($1, coalesce((select max(${col}) from ${tbl}), 1), (select max(${col}) from ${tbl}) is not null)`,
        [s.seq],
      )
    }
    await client.query('commit')
  } catch (err) {
    await client.query('rollback').catch(() => {})
    throw err
  } finally {
    client.release()
    lines.close()
  }
  return counts
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2]
  if (!file || file.startsWith('-') || !fs.existsSync(file)) {
    console.error(
      'Usage: npm run restore -- FILE   (a backup from npm run backup; into an EMPTY database: DATABASE_URL, or the embedded server)',
    )
    process.exit(2)
  }
  const { withNewDatabase } = await import('../src/cli/run.ts')
  await withNewDatabase(
    async (handle) => {
      const counts = await restoreDatabase(handle, file)
      const rows = Object.values(counts).reduce((a, b) => a + b, 0)
      console.log(`Restored ${Object.keys(counts).length} tables, ${rows} rows from ${file}.`)
    },
    { migrate: false },
  )
}
