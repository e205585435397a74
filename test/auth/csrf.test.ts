// CSRF tokens bound to the session (issue 15, item 3): a token and tf_csrf
// cookie taken from one person's browser are refused beside another person's
// session, on every unsafe route; tokens change at login and logout.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'

const tokenIn = (body: string) => /name="_csrf" value="([^"]+)"/.exec(body)?.[1]

t.test("another user's valid token pair is refused on every unsafe route", async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const thief = new Agent(app)
  await thief.login(w.volunteerA.email, PASSWORD)
  const victim = new Agent(app)
  await victim.login(w.admin.email, PASSWORD)
  // The thief's own pair works for the thief: it is a valid pair.
  t.equal((await thief.post('/saved-views', { name: 'Mine', url: '/locals' })).statusCode, 303)
  const auditBefore = (await db.selectFrom('audit_log').select('id').execute()).length
  const usersBefore = (await db.selectFrom('users').select('id').execute()).length
  // The one-click digest unsubscribe (RFC 8058) takes no form token by design: its signed URL is the key.
  const TOKENLESS = new Set(['POST /digest/unsubscribe/:token'])
  const unsafe = app.routeList.filter(
    (r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !TOKENLESS.has(`${r.method} ${r.url}`),
  )
  t.ok(unsafe.length > 40)
  const cookie = `tf_session=${victim.cookies.get('tf_session')}; tf_csrf=${thief.cookies.get('tf_csrf')}`
  for (const r of unsafe) {
    const url = r.url.replace(/:[a-zA-Z]+/g, (m) => (m === ':token' ? 'x'.repeat(30) : '1'))
    const body = new URLSearchParams({
      _csrf: thief.csrf,
      email: 'planted@example.org',
      name: 'Planted Admin',
      role: 'admin',
    })
    const inBody = await app.inject({
      method: r.method as 'POST',
      url,
      payload: body.toString(),
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    })
    t.equal(inBody.statusCode, 403, `${r.method} ${r.url}: the thief's token in the form`)
    const inHeader = await app.inject({
      method: r.method as 'POST',
      url,
      payload: 'name=Planted',
      headers: {
        cookie,
        'x-csrf-token': thief.csrf,
        'hx-request': 'true',
        'content-type': 'application/x-www-form-urlencoded',
      },
    })
    t.equal(inHeader.statusCode, 403, `${r.method} ${r.url}: the thief's token in the htmx header`)
  }
  t.equal((await db.selectFrom('audit_log').select('id').execute()).length, auditBefore, 'nothing was written')
  t.equal((await db.selectFrom('users').select('id').execute()).length, usersBefore, 'no admin was created')
  t.equal((await victim.get('/locals')).statusCode, 200, 'the victim is still logged in')
})

t.test('the form token changes at login, and a token from before login is refused after it', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  const anonymous = tokenIn((await agent.get('/login')).body)!
  const res = await agent.post('/login', { email: w.organizerA.email, password: PASSWORD })
  t.ok(
    (res.cookies as { name: string; value: string }[]).some((c) => c.name === 'tf_csrf' && c.value === ''),
    'the CSRF secret cookie is dropped at login',
  )
  const after = tokenIn((await agent.get('/locals')).body)!
  t.not(after, anonymous)
  t.equal((await agent.post('/saved-views', { name: 'Old token', url: '/locals', _csrf: anonymous })).statusCode, 403)
  t.equal((await agent.post('/saved-views', { name: 'New token', url: '/locals', _csrf: after })).statusCode, 303)
  const names = (await db.selectFrom('saved_views').select('name').execute()).map((r) => r.name)
  t.same(names, ['New token'])

  t.test("logging out ends the session's tokens", async (t) => {
    const out = await agent.post('/logout')
    t.ok((out.cookies as { name: string; value: string }[]).some((c) => c.name === 'tf_csrf' && c.value === ''))
    await agent.login(w.organizerA.email, PASSWORD)
    t.not(agent.csrf, after)
    t.equal((await agent.post('/saved-views', { name: 'Stale', url: '/locals', _csrf: after })).statusCode, 403)
  })
})

t.test('logging out in a second tab after the first tab did is harmless', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  await agent.login(w.organizerA.email, PASSWORD)
  const tabTwoToken = agent.csrf
  const session = agent.cookies.get('tf_session')!
  t.equal((await agent.post('/logout')).headers.location, '/login')
  agent.cookies.set('tf_session', session) // the second tab still holds the old cookie
  const again = await agent.post('/logout', { _csrf: tabTwoToken })
  t.equal(again.statusCode, 303)
  t.equal(again.headers.location, '/login')

  t.test('but a logout of a live session still needs its token', async (t) => {
    const other = new Agent(app)
    await other.login(w.organizerB.email, PASSWORD)
    t.equal((await other.post('/logout', { _csrf: 'forged' })).statusCode, 403)
    t.equal((await other.get('/locals')).statusCode, 200, 'still logged in')
  })
})
