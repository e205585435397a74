// PostgreSQL stopped and started under load, with the app left running: while
// it is down /healthz says 503 and pages answer 503 with the plain "database is
// not answering" page (never a 500); once it is back the app answers 200 again
// by itself. Uses its own embedded server so the suite's server is untouched.
import t from 'tap'
import { execSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Agent } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { createDb } from '../../src/db/database.ts'
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

t.test('the app answers 503 while PostgreSQL is down and recovers by itself', { timeout: 300_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tenfold-dbrestart-'))
  fs.chmodSync(base, 0o755)
  const dataDir = path.join(base, 'data')
  let server: EmbeddedServer = await startEmbedded({ dataDir, fast: true })
  const port = server.port
  const handle = createDb(server.url('tenfold'), { poolSize: 5, onError: () => {} })
  t.teardown(async () => {
    await handle.close().catch(() => {})
    await server.stop().catch(() => {})
    try {
      execSync(`pkill -KILL -f "postgres.*${dataDir}"`)
    } catch {}
    fs.rmSync(base, { recursive: true, force: true })
  })
  await migrateToLatest(handle.db)
  const w = await world(handle.db)
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'fatal', DATABASE_URL: server.url('tenfold') }),
    db: handle,
    logger: false,
  })
  await app.ready()
  t.teardown(() => app.close())
  const agent = new Agent(app)
  await agent.login(w.organizerA.email, PASSWORD)
  t.equal((await app.inject('/healthz')).statusCode, 200, 'healthy at first')
  t.equal((await agent.get('/locals')).statusCode, 200)

  // Load: a steady stream of reads and writes for the whole test.
  const seen = new Map<number, number>()
  let load = true
  let seq = 0
  const worker = async () => {
    while (load) {
      const res =
        ++seq % 3 === 0
          ? await agent.post('/locals', { name: `Under load ${seq}`, chapter_id: String(w.a.id) })
          : await agent.get(seq % 2 ? '/locals' : '/board')
      seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  const workers = Promise.all(Array.from({ length: 5 }, worker))
  await new Promise((r) => setTimeout(r, 500))

  await server.stop()
  await new Promise((r) => setTimeout(r, 500))
  const health = await app.inject('/healthz')
  t.equal(health.statusCode, 503, '/healthz says 503 while the database is down')
  t.match(health.json(), { status: 'unavailable', database: 'not answering' })
  const page = await agent.get('/locals')
  t.equal(page.statusCode, 503, 'a page answers 503')
  t.match(page.body, 'The database is not answering right now', 'with the plain explanation')
  t.notMatch(page.body, /Reference:|stack|ECONNREFUSED/, 'and no internals')
  const post = await agent.post('/locals', { name: 'While down', chapter_id: String(w.a.id) })
  t.equal(post.statusCode, 503, 'a form post answers 503 too')
  t.match(post.body, 'was not saved')
  await new Promise((r) => setTimeout(r, 1000))

  server = await startEmbedded({ dataDir, port, fast: true })
  t.equal(server.port, port, 'PostgreSQL is back on the same port')
  let back = 0
  const until = Date.now() + 30_000
  while (Date.now() < until) {
    back = (await app.inject('/healthz')).statusCode
    if (back === 200) break
    await new Promise((r) => setTimeout(r, 200))
  }
  t.equal(back, 200, '/healthz is 200 again without restarting the app')
  await new Promise((r) => setTimeout(r, 500))
  load = false
  await workers
  t.equal((await agent.get('/locals')).statusCode, 200, 'pages answer again, with the same session')
  t.equal(
    (await agent.post('/locals', { name: 'After the restart', chapter_id: String(w.a.id) })).statusCode,
    303,
    'and writes are saved',
  )
  t.ok(await handle.db.selectFrom('locals').select('id').where('name', '=', 'After the restart').executeTakeFirst())
  const statuses = Object.fromEntries(seen)
  t.comment(`statuses under load: ${JSON.stringify(statuses)}`)
  t.notOk(
    [...seen.keys()].some((s) => s >= 500 && s !== 503),
    'under load, nothing but 503 while it was down — never a 500',
  )
  t.ok((seen.get(503) ?? 0) > 0, 'the load saw the outage')
})
