// Command-line tools say which database they work on, never print its password, and refuse a data folder or a
// database that holds no Tenfold database unless --init is given.
import t, { type Test } from 'tap'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { createTestDatabase } from '../helper.ts'
import { serverUrl } from '../setup/pg.ts'

const root = path.resolve(import.meta.dirname, '../..')

function userCreate(env: Record<string, string>, extra: string[] = []) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/user-create.ts',
      '--email',
      'first@example.org',
      '--name',
      'First Admin',
      '--role',
      'admin',
      ...extra,
    ],
    { cwd: root, input: 'a long enough password\n', env: { ...process.env, ...env }, encoding: 'utf8' },
  )
}

async function emptyDatabase(t: Test) {
  const name = `t_empty_${process.pid}_${Date.now() % 100000}`
  const admin = new pg.Client({ connectionString: serverUrl('postgres') })
  await admin.connect()
  await admin.query(`create database ${name} template template0`)
  await admin.end()
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: serverUrl('postgres') })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  })
  return serverUrl(name)
}

t.test('a data folder with no Tenfold database is refused, and nothing is created in it', async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenfold-nodb-'))
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }))
  const res = userCreate({ TENFOLD_DATA_DIR: dir, DATABASE_URL: '' })
  t.equal(res.status, 1, res.stderr)
  t.match(res.stdout, `Database: the embedded PostgreSQL database “tenfold” in ${path.join(dir, 'pg')}`)
  t.match(res.stderr, 'There is no Tenfold database in')
  t.match(res.stderr, '--init')
  t.same(fs.readdirSync(dir), [], 'the folder is left empty')
})

t.test('an empty database is refused without --init and set up with it', async (t) => {
  const url = await emptyDatabase(t)
  const refused = userCreate({ DATABASE_URL: url })
  t.equal(refused.status, 1, refused.stderr)
  t.match(refused.stderr, 'There is no Tenfold database in')
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  t.teardown(() => c.end())
  const tables = await c.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`)
  t.equal(tables.rows[0].n, 0, 'no table was created')
  const created = userCreate({ DATABASE_URL: url }, ['--init'])
  t.equal(created.status, 0, created.stderr)
  t.match(created.stdout, 'Created admin')
  const users = await c.query(`select email from users`)
  t.same(
    users.rows.map((r) => r.email),
    ['first@example.org'],
  )
})

t.test('a tool names the database it wrote to, without its password', async (t) => {
  const { url, name } = await createTestDatabase(t)
  const res = userCreate({ DATABASE_URL: url })
  t.equal(res.status, 0, res.stderr)
  const password = new URL(url).password
  t.match(res.stdout, new RegExp(`Database: the PostgreSQL database postgres://postgres@127\\.0\\.0\\.1:\\d+/${name}`))
  t.notMatch(res.stdout + res.stderr, password, 'the database password is never printed')
  t.notMatch(res.stdout + res.stderr, 'a long enough password', 'nor the new user’s')
})
