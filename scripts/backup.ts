// npm run backup -- FILE: a logical backup of the whole database in one gzip
// file. The embedded PostgreSQL package ships no pg_dump, and Debian's client
// (15) cannot dump a PostgreSQL 18 server, so this is done in Node: one
// REPEATABLE READ transaction (a consistent snapshot), `COPY … TO STDOUT` for
// every table of the public schema in foreign-key order, and the applied
// migrations. Format: a JSON header line, then per table its COPY text data
// ended by a `\.` line (COPY text escapes backslashes, so data never contains
// one). scripts/restore.ts reads it back into an empty database.
import fs from 'node:fs'
import { once } from 'node:events'
import { pathToFileURL } from 'node:url'
import zlib from 'node:zlib'
import type { Writable } from 'node:stream'
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'

export const FORMAT = 'tenfold-backup'
export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock']

export type TableInfo = { name: string; columns: string[] }
export type Header = {
  format: typeof FORMAT
  version: 1
  createdAt: string
  server: string
  migrations: string[]
  tables: TableInfo[]
}

export const quoteIdent = (s: string) => '"' + s.replace(/"/g, '""') + '"'

/** Tables of the public schema (without the migration bookkeeping), parents before children. */
export async function tablesInOrder(client: pg.ClientBase): Promise<TableInfo[]> {
  const tables = (
    await client.query<{
      name: string
    }>(`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by c.relname`)
  ).rows
    .map((r) => r.name)
    .filter((n) => !MIGRATION_TABLES.includes(n))
  const fks = (
    await client.query<{
      child: string
      parent: string
    }>(`select c.relname as child, p.relname as parent from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public'`)
  ).rows
  const ordered: string[] = []
  const visiting = new Set<string>()
  const visit = (t: string) => {
    if (ordered.includes(t) || visiting.has(t)) return
    visiting.add(t)
    for (const fk of fks) if (fk.child === t && fk.parent !== t) visit(fk.parent)
    ordered.push(t)
  }
  for (const t of tables) visit(t)
  const out: TableInfo[] = []
  for (const name of ordered) {
    // Generated columns are computed again on restore; COPY refuses them anyway.
    const cols = await client.query<{ attname: string }>(
      `select attname from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`,
      [quoteIdent(name)],
    )
    out.push({ name, columns: cols.rows.map((c) => c.attname) })
  }
  return out
}

async function write(out: Writable, chunk: string | Buffer): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain')
}

/** Writes a backup of the database behind `pool` to `file` (gzip). Returns row counts per table. */
export async function backupDatabase(pool: pg.Pool, file: string): Promise<Record<string, number>> {
  const client = await pool.connect()
  const gzip = zlib.createGzip()
  const sink = fs.createWriteStream(file, { mode: 0o600 })
  const done = new Promise<void>((resolve, reject) => {
    sink.on('finish', resolve)
    sink.on('error', reject)
    gzip.on('error', reject)
  })
  gzip.pipe(sink)
  const counts: Record<string, number> = {}
  try {
    await client.query('begin transaction isolation level repeatable read read only')
    const tables = await tablesInOrder(client)
    const hasMigrations = (await client.query(`select to_regclass('public.kysely_migration') as t`)).rows[0].t !== null
    const migrations = hasMigrations
      ? (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map(
          (r) => r.name,
        )
      : []
    const server = (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version
    const header: Header = {
      format: FORMAT,
      version: 1,
      createdAt: new Date().toISOString(),
      server,
      migrations,
      tables,
    }
    await write(gzip, JSON.stringify(header) + '\n')
    for (const t of tables) {
      const stream = client.query(
        copyTo(`copy ${quoteIdent(t.name)} (${t.columns.map(quoteIdent).join(', ')}) to stdout`),
      )
      let rows = 0
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        for (const b of chunk) if (b === 10) rows++
        await write(gzip, chunk)
      }
      counts[t.name] = rows
      await write(gzip, '\\.\n')
    }
    await client.query('commit')
  } catch (err) {
    await client.query('rollback').catch(() => {})
    gzip.destroy()
    sink.destroy()
    fs.rmSync(file, { force: true })
    throw err
  } finally {
    client.release()
  }
  gzip.end()
  await done
  return counts
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2]
  if (!file || file.startsWith('-')) {
    console.error('Usage: npm run backup -- FILE   (a gzip file; uses DATABASE_URL, or the embedded server)')
    process.exit(2)
  }
  const { withDatabase } = await import('../src/cli/run.ts')
  await withDatabase(
    async (handle) => {
      const counts = await backupDatabase(handle.pool, file)
      const rows = Object.values(counts).reduce((a, b) => a + b, 0)
      console.log(
        `Backed up ${Object.keys(counts).length} tables, ${rows} rows to ${file} (${fs.statSync(file).size} bytes).`,
      )
    },
    { migrate: false },
  )
}
