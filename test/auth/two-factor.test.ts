// Two-factor login held on every request (issue 15, items 1 and 2): a session
// waiting for enrolment or for its TOTP code reaches nothing else, and a code
// completes one login only.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { newSecret, totpNow } from '../../src/auth/totp.ts'
import { loginWithCode, totpAt } from './support.ts'

t.test('a session waiting for 2FA enrolment reaches only enrolment and logout', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  await db.insertInto('settings').values({ key: 'require_2fa', value: 'true' }).execute()
  const admin = new Agent(app)
  const res = await admin.post('/login', { email: w.admin.email, password: PASSWORD })
  t.equal(res.headers.location, '/account/2fa', 'the password sends an admin without 2FA to enrolment')
  const usersBefore = (await db.selectFrom('users').select('id').execute()).length
  for (const url of ['/admin/users', '/audit', '/review?format=csv', '/locals', '/']) {
    const r = await admin.get(url)
    t.equal(r.statusCode, 303, `GET ${url} is held`)
    t.equal(r.headers.location, '/account/2fa', `GET ${url} points back to enrolment`)
  }
  const htmx = await admin.get('/admin/users', { htmx: 'div#users' })
  t.equal(htmx.statusCode, 401)
  t.equal(htmx.headers['hx-redirect'], '/account/2fa')
  const enrol = await admin.get('/account/2fa')
  t.equal(enrol.statusCode, 200)
  t.notMatch(enrol.body, 'aria-label="Main"', 'no menu while enrolment is pending')
  t.match(enrol.body, 'action="/logout"', 'but a way to log out')
  const create = await admin.post('/admin/users', { email: 'sneaky@example.org', name: 'Sneaky', role: 'admin' })
  t.equal(create.statusCode, 303)
  t.equal(create.headers.location, '/account/2fa')
  t.equal((await db.selectFrom('users').select('id').execute()).length, usersBefore, 'no account was created')

  const secret = /name="secret" value="([A-Z2-7]+)"/.exec(enrol.body)![1]!
  t.equal((await admin.post('/account/2fa', { secret, code: totpNow(secret) })).statusCode, 200)
  t.equal((await admin.get('/admin/users')).statusCode, 200, 'enrolled: the admin pages open')

  t.test('volunteers and organizers are not asked to enrol', async (t) => {
    const v = new Agent(app)
    await v.login(w.volunteerA.email, PASSWORD)
    t.equal((await v.get('/locals')).statusCode, 200)
  })

  t.test('turning require_2fa on holds a national reviewer already logged in', async (t) => {
    await db.updateTable('settings').set({ value: 'false' }).where('key', '=', 'require_2fa').execute()
    const n = new Agent(app)
    await n.login(w.national.email, PASSWORD)
    t.equal((await n.get('/review')).statusCode, 200)
    await db.updateTable('settings').set({ value: 'true' }).where('key', '=', 'require_2fa').execute()
    const held = await n.get('/review')
    t.equal(held.statusCode, 303)
    t.equal(held.headers.location, '/account/2fa')
    const out = await n.post('/logout')
    t.equal(out.headers.location, '/login', 'logging out still works')
  })
})

t.test('a session waiting for the TOTP code reaches only the code page and logout', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const secret = newSecret()
  await db.updateTable('users').set({ totp_secret: secret, totp_enabled: true }).where('id', '=', w.admin.id).execute()
  const a = new Agent(app)
  const res = await a.post('/login', { email: w.admin.email, password: PASSWORD })
  t.match(res.headers.location, '/login/2fa')
  for (const url of ['/admin/users', '/audit', '/account/2fa', '/people']) {
    const r = await a.get(url)
    t.equal(r.statusCode, 303, `GET ${url} is held`)
    t.equal(r.headers.location, '/login/2fa', `GET ${url} points back to the code page`)
  }
  const page = await a.get('/login/2fa')
  t.equal(page.statusCode, 200)
  t.match(page.body, 'action="/logout"', 'the code page offers a way out')
  const out = await a.post('/logout')
  t.equal(out.headers.location, '/login')
  t.equal((await db.selectFrom('sessions').select('id').where('user_id', '=', w.admin.id).execute()).length, 0)
})

t.test('a TOTP code completes one login only', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const secret = newSecret()
  await db.updateTable('users').set({ totp_secret: secret, totp_enabled: true }).where('id', '=', w.admin.id).execute()
  const code = totpNow(secret)
  const first = await loginWithCode(new Agent(app), w.admin.email, code)
  t.equal(first.statusCode, 303, 'the first login with the code succeeds')
  const again = await loginWithCode(new Agent(app), w.admin.email, code)
  t.equal(again.statusCode, 422, 'the same code is refused for a second login')
  t.match(again.body, 'That code was already used')
  const older = await loginWithCode(new Agent(app), w.admin.email, totpAt(secret, -1))
  t.equal(older.statusCode, 422, 'so is the code of the step before it')
  const next = await loginWithCode(new Agent(app), w.admin.email, totpAt(secret, 1))
  t.equal(next.statusCode, 303, 'the next code works')
  const row = await db.selectFrom('users').select('totp_last_step').where('id', '=', w.admin.id).executeTakeFirst()
  t.equal(row?.totp_last_step, Math.floor(Date.now() / 30_000) + 1, 'the last accepted step is remembered')

  t.test('two logins racing with one code: one wins', async (t) => {
    await db.updateTable('users').set({ totp_last_step: null }).where('id', '=', w.admin.id).execute()
    const fresh = totpNow(secret)
    const [x, y] = [new Agent(app), new Agent(app)]
    for (const ag of [x, y]) {
      await ag.post('/login', { email: w.admin.email, password: PASSWORD })
      await ag.get('/login/2fa')
    }
    const codes = await Promise.all([x.post('/login/2fa', { code: fresh }), y.post('/login/2fa', { code: fresh })])
    t.same(codes.map((r) => r.statusCode).sort(), [303, 422])
  })
})

t.test('the code that turned two-factor login on cannot log in', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  await agent.login(w.organizerA.email, PASSWORD)
  const page = await agent.get('/account/2fa')
  const secret = /name="secret" value="([A-Z2-7]+)"/.exec(page.body)![1]!
  const code = totpNow(secret)
  t.equal((await agent.post('/account/2fa', { secret, code })).statusCode, 200)
  const replay = await loginWithCode(new Agent(app), w.organizerA.email, code)
  t.equal(replay.statusCode, 422)
})
