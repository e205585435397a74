// The login throttle (issue 15, item 4): growing waits per account and address
// instead of a hard lock, a known browser judged by its own failures only, and
// a correct password or a reset link clearing the account's count.
import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { THROTTLE, waitMinutes } from '../../src/auth/queries.ts'
import type { Db } from '../../src/db/database.ts'

const wrong = (agent: Agent, email: string, remoteAddress: string) =>
  agent.post('/login', { email, password: 'not the password' }, { remoteAddress })

/** Moves every recorded failure `seconds` into the past, as if that much time had gone by. */
const age = (db: Db, seconds: number) =>
  db
    .updateTable('login_attempts')
    .set({ at: sql`at - make_interval(secs => ${seconds})` })
    .execute()

t.test('the wait after the free failures doubles and stops at 15 minutes', async (t) => {
  const free = THROTTLE.free.pair
  t.same(
    [0, 1, 2, 3, 4, 5, 6, 7].map((extra) => waitMinutes(free - 1 + extra, free)),
    [0, 1, 2, 4, 8, 15, 15, 15],
  )
})

t.test('one address guessing one account waits longer after each failure', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const attacker = new Agent(app)
  for (let i = 0; i < THROTTLE.free.pair; i++)
    t.equal((await wrong(attacker, w.organizerA.email, '203.0.113.9')).statusCode, 422)
  const held = await attacker.post(
    '/login',
    { email: w.organizerA.email, password: PASSWORD },
    { remoteAddress: '203.0.113.9' },
  )
  t.equal(held.statusCode, 429, 'even the right password waits, from that address')
  t.match(held.body, 'Wait a minute')
  const failures = (await db.selectFrom('login_attempts').select('id').execute()).length
  await wrong(attacker, w.organizerA.email, '203.0.113.9')
  t.equal(
    (await db.selectFrom('login_attempts').select('id').execute()).length,
    failures,
    'a held attempt is not counted',
  )
  await age(db, 61)
  t.equal((await wrong(attacker, w.organizerA.email, '203.0.113.9')).statusCode, 422, 'after the minute, one more try')
  const longer = await wrong(attacker, w.organizerA.email, '203.0.113.9')
  t.equal(longer.statusCode, 429)
  t.match(longer.body, 'Wait 2 minutes')
  const owner = new Agent(app)
  const res = await owner.post(
    '/login',
    { email: w.organizerA.email, password: PASSWORD },
    { remoteAddress: '198.51.100.7' },
  )
  t.equal(res.statusCode, 303, 'the owner logs in from another address at once')
})

t.test('wrong passwords from elsewhere never lock the owner out of their own browser', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const owner = new Agent(app)
  await owner.login(w.organizerA.email, PASSWORD)
  t.ok(owner.cookies.get('tf_device'), 'a logged-in browser is remembered')
  await owner.post('/logout')
  // A colleague (or an attacker) spreads wrong passwords over many addresses.
  const attacker = new Agent(app)
  for (let i = 0; i < THROTTLE.free.account + 3; i++) await wrong(attacker, w.organizerA.email, `203.0.113.${i + 1}`)
  const fresh = await new Agent(app).post(
    '/login',
    { email: w.organizerA.email, password: PASSWORD },
    { remoteAddress: '203.0.113.200' },
  )
  t.equal(fresh.statusCode, 429, 'a browser never seen before waits: the guess was spread over many addresses')
  await owner.get('/login')
  const back = await owner.post('/login', { email: w.organizerA.email, password: PASSWORD })
  t.equal(back.statusCode, 303, "the owner's own browser gets in")
  t.equal(
    (await db.selectFrom('login_attempts').select('id').where('key', 'like', 'acct:%').execute()).length,
    0,
    "and the correct password clears the account's count",
  )
  t.equal(
    (
      await new Agent(app).post(
        '/login',
        { email: w.organizerA.email, password: PASSWORD },
        { remoteAddress: '203.0.113.201' },
      )
    ).statusCode,
    303,
    'so a new browser gets in again too',
  )

  t.test("a device cookie made for one account does not loosen another account's throttle", async (t) => {
    const stranger = new Agent(app)
    await stranger.login(w.volunteerA.email, PASSWORD)
    for (let i = 0; i < THROTTLE.free.pair; i++) await wrong(stranger, w.organizerB.email, '127.0.0.1')
    const r = await stranger.post('/login', { email: w.organizerB.email, password: PASSWORD })
    t.equal(r.statusCode, 429)
  })
})

t.test("a password set through a reset link clears the account's count", async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const attacker = new Agent(app)
  for (let i = 0; i < THROTTLE.free.account; i++) await wrong(attacker, w.organizerA.email, `192.0.2.${i + 1}`)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const linkPage = await admin.post(`/admin/users/${w.organizerA.id}/reset-link`)
  const link = /\/welcome\/([A-Za-z0-9_-]+)/.exec(linkPage.body)![1]!
  const person = new Agent(app)
  await person.get(`/welcome/${link}`)
  const set = await person.post(`/welcome/${link}`, {
    password: 'a brand new password',
    confirm: 'a brand new password',
  })
  t.equal(set.statusCode, 303)
  t.equal((await db.selectFrom('login_attempts').select('id').where('key', 'like', 'acct:%').execute()).length, 0)
  const res = await person.post(
    '/login',
    { email: w.organizerA.email, password: 'a brand new password' },
    { remoteAddress: '192.0.2.250' },
  )
  t.equal(res.statusCode, 303)
})
