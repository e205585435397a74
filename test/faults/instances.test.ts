// Two app instances on one database, as behind a load balancer: a session made
// on one is valid on the other, and failed logins on both add up to the
// throttle — the state lives in PostgreSQL, not in either process.
import t from 'tap'
import type { Test } from 'tap'
import { Agent, createTestDatabase } from '../helper.ts'
import { world, PASSWORD } from '../factories.ts'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { createDb } from '../../src/db/database.ts'
import { THROTTLE } from '../../src/auth/queries.ts'

async function twoInstances(t: Test) {
  const { url } = await createTestDatabase(t)
  const make = async () => {
    const handle = createDb(url, { poolSize: 3 })
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: url }),
      db: handle,
      logger: false,
    })
    await app.ready()
    t.teardown(async () => {
      await app.close()
      await handle.close()
    })
    return { app, db: handle.db }
  }
  const a = await make()
  const b = await make()
  const w = await world(a.db)
  return { a, b, w }
}

t.test('a login on instance A is valid on instance B with the same cookie', async (t) => {
  const { a, b, w } = await twoInstances(t)
  const onA = new Agent(a.app)
  await onA.login(w.organizerA.email, PASSWORD)
  const onB = new Agent(b.app)
  onB.cookies = new Map(onA.cookies)
  const home = await onB.get('/locals')
  t.equal(home.statusCode, 200, 'B serves the page to the session made on A')
  t.match(home.body, w.organizerA.name, 'as the same person')
  // A write on B with the session (and CSRF token) from A.
  const created = await onB.post('/locals', { name: 'Made on B', chapter_id: String(w.a.id) })
  t.equal(created.statusCode, 303, 'a form posted to B is accepted')
  t.ok(
    await a.db.selectFrom('locals').select('id').where('name', '=', 'Made on B').executeTakeFirst(),
    'and the local is in the database',
  )
  // Logging out on B ends the session on A too.
  await onB.post('/logout')
  const after = await onA.get('/locals')
  t.equal(after.statusCode, 303, 'after logging out on B, A sends the person to the login page')
  t.match(after.headers.location, '/login')
})

t.test('failed logins on A and on B add up to the throttle', async (t) => {
  const { a, b, w } = await twoInstances(t)
  const onA = new Agent(a.app)
  const onB = new Agent(b.app)
  for (let i = 0; i < THROTTLE.free.pair; i++) {
    const agent = i % 2 === 0 ? onA : onB
    const res = await agent.post('/login', { email: w.organizerA.email, password: 'wrong password ' + i })
    t.equal(res.statusCode, 422, `failure ${i + 1} on ${i % 2 === 0 ? 'A' : 'B'} is refused normally`)
  }
  t.equal(
    (await onA.post('/login', { email: w.organizerA.email, password: PASSWORD })).statusCode,
    429,
    'A now throttles, even with the right password',
  )
  t.equal(
    (await onB.post('/login', { email: w.organizerA.email, password: PASSWORD })).statusCode,
    429,
    'and so does B',
  )
  t.equal(
    (await onB.post('/login', { email: w.organizerB.email, password: PASSWORD })).statusCode,
    303,
    'another account still logs in',
  )
})
