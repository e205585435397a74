// kill -9 of the real server (npm start's command on a fresh data folder)
// during a burst of writes and during a large supporter import, then a restart
// on the same folder: every acknowledged write is there exactly once, nothing is
// half-written, and the killed import left nothing, is marked failed and runs
// again. The embedded PostgreSQL outlives the killed node process; the restarted
// server reuses it, and the test stops it at the end.
import t from 'tap'
import { spawn, execSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { freePort, runningPort, urlFor } from '../../src/db/embedded.ts'
import { createDb, type DbHandle } from '../../src/db/database.ts'
import { PASSWORD, world } from '../factories.ts'
import { User, type Stats } from '../../scripts/soak.ts'

const root = path.resolve(import.meta.dirname, '../..')

async function waitHealthy(port: number, ms = 90_000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200) return true
    } catch {}
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

function start(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TENFOLD_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      DATABASE_URL: '',
      SESSION_SECURE_COOKIE: 'false',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  })
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  child.kill('SIGKILL')
  await exited
}

const newStats = (): Stats => ({
  requests: 0,
  byStatus: new Map(),
  latencies: [],
  acked: [],
  ackedBy: { local: 0, conversation: 0, move: 0, vote: 0 },
  failedWrites: 0,
  conflicts: 0,
  errors: 0,
})

function multipart(fields: Record<string, string>, content: string) {
  const boundary = '----tenfoldkill' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  )
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

t.test('kill -9 during a burst of writes and during an import, then restart', { timeout: 600_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tenfold-kill-'))
  fs.chmodSync(base, 0o755)
  const dataDir = path.join(base, 'data')
  let child: ChildProcess | undefined
  let handle: DbHandle | undefined
  t.teardown(async () => {
    if (child && child.exitCode === null) await kill9(child)
    await handle?.close()
    try {
      execSync(`pkill -KILL -f "postgres.*${dataDir}"`)
    } catch {}
    fs.rmSync(base, { recursive: true, force: true })
  })
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  child = start(dataDir, port)
  t.ok(await waitHealthy(port), 'the server starts on a fresh folder')
  const pgPort = runningPort(dataDir)
  t.ok(pgPort, 'its PostgreSQL runs on the folder')
  handle = createDb(urlFor(pgPort!, 'tenfold'), { poolSize: 3 })
  const db = handle.db
  const w = await world(db)

  t.test('a burst of writes', async (t) => {
    const stats = newStats()
    const prefix = `kill-burst-${Date.now()}-`
    const users = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const u = new User(baseUrl, stats)
        t.ok(await u.login(w.organizerA.email, PASSWORD), 'the organizer logs in')
        return u
      }),
    )
    let seq = 0
    const attempted: string[] = []
    let stop = false
    const burst = Promise.all(
      users.map(async (u) => {
        while (!stop) {
          const name = `${prefix}${++seq}`
          attempted.push(name)
          const res = await u.post('/locals', { name, chapter_id: String(w.a.id), city: 'Kill', state: 'MA' })
          if (res.status === 303) stats.acked.push(name)
          if (res.status === 0) return // the server is gone
        }
      }),
    )
    // Let the writes run, then kill the server mid-burst.
    while (stats.acked.length < 40) await new Promise((r) => setTimeout(r, 20))
    await kill9(child!)
    stop = true
    await burst
    t.ok(stats.acked.length >= 40, `${stats.acked.length} writes were acknowledged before the kill`)
    t.ok(stats.errors > 0, `${stats.errors} requests were cut off by the kill`)

    child = start(dataDir, port)
    t.ok(await waitHealthy(port), 'the restarted server answers')
    const rows = await sql<{ id: number; name: string; audits: number }>`
      select l.id, l.name, (select count(*)::int from audit_log a where a.entity = 'local' and a.entity_id = l.id::text and a.action = 'create') as audits
      from locals l where l.name like ${prefix + '%'}`.execute(db)
    const count = new Map<string, number>()
    for (const r of rows.rows) count.set(r.name, (count.get(r.name) ?? 0) + 1)
    t.equal(
      stats.acked.filter((n) => count.get(n) === 1).length,
      stats.acked.length,
      'every acknowledged local is there exactly once',
    )
    t.equal([...count.values()].filter((n) => n > 1).length, 0, 'no local is there twice')
    t.ok(
      rows.rows.every((r) => attempted.includes(r.name)),
      'nothing is there that was not sent',
    )
    t.ok(
      rows.rows.every((r) => r.audits === 1),
      'every saved local has its audit row (no half-written write)',
    )
    t.comment(
      `burst: ${attempted.length} sent, ${stats.acked.length} acknowledged, ${rows.rows.length} in the database (the rest were cut off unacknowledged)`,
    )
    // The app works normally after the restart.
    const u = new User(baseUrl, newStats())
    t.ok(await u.login(w.organizerA.email, PASSWORD), 'the organizer logs in')
    t.equal(
      (await u.post('/locals', { name: `${prefix}after`, chapter_id: String(w.a.id) })).status,
      303,
      'a write after the restart is accepted',
    )
  })

  t.test('a large import', async (t) => {
    const marker = `Killimport${Date.now()}`
    const rows = 40_000
    const csv =
      ['name,email,local']
        .concat(
          Array.from(
            { length: rows },
            (_, i) => `${marker} Person${i},${marker.toLowerCase()}.${i}@example.org,${w.localA.name}`,
          ),
        )
        .join('\n') + '\n'
    const stats = newStats()
    const u = new User(baseUrl, stats)
    t.ok(await u.login(w.organizerA.email, PASSWORD), 'the organizer logs in')
    await u.get('/people/import')
    const m = multipart({ _csrf: u.csrf, chapter_id: String(w.a.id) }, csv)
    const up = await fetch(`${baseUrl}/people/import`, {
      method: 'POST',
      redirect: 'manual',
      body: m.body,
      headers: { 'content-type': m.contentType, cookie: [...u.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    t.equal(up.status, 303, 'the file is uploaded')
    const id = Number(up.headers.get('location')!.split('/').pop())
    await u.get(`/people/import/${id}`)
    t.equal(
      (
        await u.post(`/people/import/${id}/mapping`, {
          map_name: '0',
          map_email: '1',
          map_local: '2',
          duplicates: 'skip',
        })
      ).status,
      303,
      'the columns are mapped',
    )
    const ready = await db
      .selectFrom('imports')
      .select(['status', 'totals'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.equal(ready.status, 'ready')
    t.equal((ready.totals as { valid?: number }).valid, rows, 'every row is valid')
    await u.get(`/people/import/${id}`)
    t.equal((await u.post(`/people/import/${id}/commit`, {})).status, 303, 'the import is started')
    // Wait until the commit is under way (progress is written outside its transaction), then kill.
    const until = Date.now() + 60_000
    let progress = 0
    while (Date.now() < until) {
      progress =
        (await db.selectFrom('imports').select('progress').where('id', '=', id).executeTakeFirstOrThrow()).progress ?? 0
      if (progress > 0) break
      await new Promise((r) => setTimeout(r, 25))
    }
    t.ok(progress > 0 && progress < 100, `the import was ${progress}% through when the server was killed`)
    await kill9(child!)
    const like = `${marker} %`
    const countImported = async () =>
      Number(
        (
          await db
            .selectFrom('supporters')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('name', 'like', like)
            .executeTakeFirstOrThrow()
        ).n,
      )

    child = start(dataDir, port)
    t.ok(await waitHealthy(port), 'the restarted server answers')
    let status = ''
    for (let i = 0; i < 100 && status !== 'failed'; i++) {
      status = (await db.selectFrom('imports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
      if (status !== 'failed') await new Promise((r) => setTimeout(r, 100))
    }
    t.equal(status, 'failed', 'the killed import is marked failed on restart')
    t.equal(await countImported(), 0, 'no supporter from the killed import exists')
    const page = await u.get(`/people/import/${id}`)
    t.match(page.body, 'Nothing from it was saved', 'its page says nothing was saved')

    // Run it again: it completes, each row once.
    t.equal((await u.post(`/people/import/${id}/commit`, {})).status, 303, 'the import can be run again')
    const doneBy = Date.now() + 180_000
    while (Date.now() < doneBy) {
      status = (await db.selectFrom('imports').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
      if (status === 'done' || status === 'failed') break
      await new Promise((r) => setTimeout(r, 250))
    }
    t.equal(status, 'done', 'the second run completes')
    t.equal(await countImported(), rows, 'every row is imported exactly once')
  })
})
