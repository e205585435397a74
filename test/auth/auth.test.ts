import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { totpNow } from '../../src/auth/totp.ts'
import { totpAt } from './support.ts'

t.test('logging in and out', async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  const w = await world(db)

  t.test('a correct password logs in, rotates the session and audits it', async (t) => {
    const agent = new Agent(app)
    await agent.get('/login')
    agent.cookies.set('tf_session', 'planted-by-an-attacker')
    const res = await agent.post('/login', {
      email: w.organizerA.email.toUpperCase(),
      password: PASSWORD,
      next: '/locals',
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/locals')
    t.not(agent.cookies.get('tf_session'), 'planted-by-an-attacker')
    const cookie = (res.cookies as { name: string; httpOnly?: boolean; sameSite?: string }[]).find(
      (c) => c.name === 'tf_session',
    )!
    t.ok(cookie.httpOnly)
    t.equal(cookie.sameSite, 'Lax')
    t.equal((await agent.get('/locals')).statusCode, 200)
    const a = await db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_id', '=', w.organizerA.id)
      .where('action', '=', 'login')
      .executeTakeFirst()
    t.ok(a)
  })

  t.test('a wrong password and an unknown email get the same message', async (t) => {
    const agent = new Agent(app)
    const wrong = await agent.post('/login', { email: w.volunteerA.email, password: 'nope nope nope' })
    const unknown = await agent.post('/login', { email: 'nobody@example.org', password: 'nope nope nope' })
    t.equal(wrong.statusCode, 422)
    t.equal(unknown.statusCode, 422)
    t.match(wrong.body, 'That email and password do not match an active account.')
    t.match(unknown.body, 'That email and password do not match an active account.')
    t.match(wrong.body, `value="${w.volunteerA.email}"`)
    t.equal((await db.selectFrom('audit_log').select('id').where('action', '=', 'login_failed').execute()).length, 2)
  })

  t.test('an open redirect in next is ignored', async (t) => {
    const agent = new Agent(app)
    const res = await agent.post('/login', { email: w.admin.email, password: PASSWORD, next: '//evil.example/' })
    t.equal(res.headers.location, '/')
  })

  t.test('logging out ends the session on the server', async (t) => {
    const agent = new Agent(app)
    await agent.login(w.organizerB.email, PASSWORD)
    const token = agent.cookies.get('tf_session')!
    await agent.post('/logout')
    const stale = new Agent(app)
    stale.cookies.set('tf_session', token)
    t.equal((await stale.get('/locals')).statusCode, 303)
  })

  t.test('a deactivated user is out on their next request', async (t) => {
    const agent = new Agent(app)
    await agent.login(w.national.email, PASSWORD)
    t.equal((await agent.get('/')).statusCode, 200)
    await db.updateTable('users').set({ active: false }).where('id', '=', w.national.id).execute()
    const res = await agent.get('/')
    t.equal(res.statusCode, 303)
    t.match(res.headers.location, '/login')
    await db.updateTable('users').set({ active: true }).where('id', '=', w.national.id).execute()
  })

  t.test('htmx requests without a session get 401 and a redirect header', async (t) => {
    const res = await new Agent(app).get('/locals', { htmx: 'div#locals-results' })
    t.equal(res.statusCode, 401)
    t.match(res.headers['hx-redirect'], '/login')
  })

  t.test('the logs of this whole file hold no password, session id or email', async (t) => {
    const text = logs.join('\n')
    t.ok(logs.length > 0, 'something was logged')
    t.notMatch(text, PASSWORD)
    t.notMatch(text, /@example\.org/)
    t.notMatch(text, /tf_session=/)
  })
})

t.test('two-factor login', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  await agent.login(w.admin.email, PASSWORD)
  const page = await agent.get('/account/2fa')
  t.equal(page.statusCode, 200)
  t.match(page.body, '<svg')
  const secret = /name="secret" value="([A-Z2-7]+)"/.exec(page.body)![1]!
  const bad = await agent.post('/account/2fa', { secret, code: '000000' })
  t.equal(bad.statusCode, 422)
  const ok = await agent.post('/account/2fa', { secret, code: totpNow(secret) })
  t.equal(ok.statusCode, 200)
  const codes = [...ok.body.matchAll(/<li><code>([a-z0-9]{10})<\/code><\/li>/g)].map((m) => m[1]!)
  t.equal(codes.length, 8)
  const row = await db
    .selectFrom('users')
    .select(['totp_enabled', 'recovery_codes'])
    .where('id', '=', w.admin.id)
    .executeTakeFirstOrThrow()
  t.ok(row.totp_enabled)
  t.notOk(row.recovery_codes.includes(codes[0]!), 'codes are stored hashed')

  t.test('a password alone no longer gets in', async (t) => {
    const a = new Agent(app)
    const res = await a.post('/login', { email: w.admin.email, password: PASSWORD })
    t.match(res.headers.location, '/login/2fa')
    t.equal((await a.get('/locals')).statusCode, 303)
    await a.get('/login/2fa')
    // The enrolment used the current step's code; the app's next code is the one to type.
    const code = await a.post('/login/2fa', { code: totpAt(secret, 1) })
    t.equal(code.statusCode, 303)
    t.equal((await a.get('/locals')).statusCode, 200)
  })

  t.test('a recovery code works once', async (t) => {
    const a = new Agent(app)
    await a.post('/login', { email: w.admin.email, password: PASSWORD })
    await a.get('/login/2fa')
    t.equal((await a.post('/login/2fa', { code: codes[0]! })).statusCode, 303)
    const b = new Agent(app)
    await b.post('/login', { email: w.admin.email, password: PASSWORD })
    await b.get('/login/2fa')
    t.equal((await b.post('/login/2fa', { code: codes[0]! })).statusCode, 422)
  })
})

t.test('every unsafe request needs the CSRF token', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  await agent.login(w.admin.email, PASSWORD)
  const unsafe = app.routeList
  t.ok(unsafe.length > 5)
  // One-click unsubscribe (RFC 8058): mail clients post without a form; the signed token in the URL is the key,
  // so a forged or missing CSRF token changes nothing and a junk token is simply not found.
  const tokenIsKey = new Set(['/digest/unsubscribe/:token'])
  for (const r of unsafe.filter((r) => r.method === 'POST' && tokenIsKey.has(r.url))) {
    const url = r.url.replace(':token', 'x'.repeat(30))
    t.equal((await agent.post(url, {}, { csrf: false })).statusCode, 404, `POST ${r.url} with a junk key`)
  }
  for (const r of unsafe.filter((r) => r.method === 'POST' && !tokenIsKey.has(r.url))) {
    const url = r.url.replace(/:[a-zA-Z]+/g, (m) => (m === ':token' ? 'x'.repeat(30) : '1'))
    const res = await agent.post(url, { _csrf: 'forged' })
    t.equal(res.statusCode, 403, `POST ${r.url} with a forged token`)
    const none = await agent.post(url, {}, { csrf: false })
    t.equal(none.statusCode, 403, `POST ${r.url} with no token`)
  }
})
