// Backup and restore: a populated database (the demo data plus awkward text)
// is backed up, restored into a new empty database, and every row of every
// table is identical; a restore into a database with data is refused.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import t, { type Test } from 'tap'
import { sql } from 'kysely'
import { loadDemo } from '../../src/demo/load.ts'
import { createDb, type DbHandle } from '../../src/db/database.ts'
import { backupDatabase, quoteIdent, tablesInOrder } from '../../scripts/backup.ts'
import { restoreDatabase } from '../../scripts/restore.ts'
import { buildTestApp } from '../helper.ts'
import { serverUrl } from '../setup/pg.ts'

async function emptyDatabase(t: Test): Promise<DbHandle> {
  const name = `t_restore_${process.pid}_${Date.now() % 100000}`
  const admin = new pg.Client({ connectionString: serverUrl('postgres') })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const handle = createDb(serverUrl(name), { poolSize: 3 })
  t.teardown(async () => {
    await handle.close()
    const c = new pg.Client({ connectionString: serverUrl('postgres') })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  })
  return handle
}

/** Per table: row count and an md5 of all rows in a stable order. */
async function fingerprint(handle: DbHandle): Promise<Record<string, string>> {
  const client = await handle.pool.connect()
  try {
    const out: Record<string, string> = {}
    for (const tbl of await tablesInOrder(client)) {
      const r = await client.query(
        `select count(*)::int as n, md5(coalesce(string_agg(t::text, '' order by t::text), '')) as h from ${quoteIdent(tbl.name)} t`,
      )
      out[tbl.name] = `${r.rows[0].n} ${r.rows[0].h}`
    }
    out.kysely_migration = (
      await client.query(`select string_agg(name, ',' order by name) as m from kysely_migration`)
    ).rows[0].m
    return out
  } finally {
    client.release()
  }
}

t.test('a backup restored into an empty database has every row identical', async (t) => {
  const { db, handle } = await buildTestApp(t)
  await loadDemo(db)
  const awkward = 'Tab\there, new\nline, back\\slash, "quotes", \\N, \\., émoji 🏳️‍🌈, עברית'
  await db
    .insertInto('national_unions')
    .values({ abbreviation: 'ZZZ', name: awkward, afl_cio: false, rules_notes: null })
    .execute()
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tenfold-backup-')), 'backup.gz')
  t.teardown(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }))

  const dumped = await backupDatabase(handle.pool, file)
  t.ok(fs.statSync(file).size > 1000, 'a backup file was written')
  t.ok((dumped.locals ?? 0) > 30 && (dumped.drives ?? 0) > 0, 'with the demo rows')

  const target = await emptyDatabase(t)
  const restored = await restoreDatabase(target, file)
  t.same(restored, dumped, 'the same number of rows per table came back')
  const before = await fingerprint(handle)
  const after = await fingerprint(target)
  t.same(after, before, 'every table has identical rows')
  t.ok(Object.keys(before).length > 15, `${Object.keys(before).length} tables compared`)
  const back = await target.db
    .selectFrom('national_unions')
    .select('name')
    .where('abbreviation', '=', 'ZZZ')
    .executeTakeFirstOrThrow()
  t.equal(back.name, awkward, 'awkward text survives')

  // The id sequences continue after the restored rows.
  const maxId = (await sql<{ m: number }>`select max(id)::int as m from chapters`.execute(target.db)).rows[0]!.m
  const row = await target.db
    .insertInto('chapters')
    .values({ slug: 'after-restore', name: 'After restore', city: null, state: null, time_zone: 'UTC' })
    .returning('id')
    .executeTakeFirstOrThrow()
  t.ok(row.id > maxId, 'a new chapter gets a fresh id')

  // Triggers were off while the rows came back (the matrix stamp is as it was
  // backed up, not bumped by the restored drives), and are on again after.
  const stamp = async (h: typeof handle) =>
    (
      await sql<{ n: number }>`select coalesce(max(n), 0)::int as n from change_stamps where key = 'matrix'`.execute(
        h.db,
      )
    ).rows[0]!.n
  t.equal(await stamp(target), await stamp(handle), 'the matrix stamp came back as it was')
  const slate = await target.db.selectFrom('slates').select('id').executeTakeFirstOrThrow()
  // Raw on purpose: this checks the restored database's own triggers, below any app code.
  const spare = await target.db
    .insertInto('locals')
    .values({ name: 'After Restore Local' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await target.db
    .insertInto('drives')
    .values({ slate_id: slate.id, local_id: spare.id, asks: 'slate', stage: 'identify' })
    .execute()
  t.equal(await stamp(target), (await stamp(handle)) + 1, 'a new drive moves it: triggers are back on')

  await t.rejects(restoreDatabase(target, file), /not empty/, 'a second restore into the same database is refused')
})

t.test('a file that is not a backup is refused', async (t) => {
  const target = await emptyDatabase(t)
  const file = path.join(os.tmpdir(), `not-a-backup-${process.pid}.gz`)
  fs.writeFileSync(file, (await import('node:zlib')).gzipSync('hello\n'))
  t.teardown(() => fs.rmSync(file, { force: true }))
  await t.rejects(restoreDatabase(target, file), /not a Tenfold backup/)
  t.same(
    await target.pool.query(`select to_regclass('public.locals') as t`).then((r) => r.rows[0].t),
    null,
    'nothing was created',
  )
})
