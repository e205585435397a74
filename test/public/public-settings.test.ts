import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, slate, world } from '../factories.ts'

t.test('a slate’s public page: who may change it, and addresses that never echo the Host header', async (t) => {
  const { app, db } = await buildTestApp(t, { PUBLIC_URL: 'https://tenfold.example.org/' })
  const w = await world(db)
  const national = await slate(db, { name: 'National slate', public_slug: 'national', public_enabled: true })
  const alpha = await slate(db, { name: 'Alpha slate', chapter_id: w.a.id })
  await db
    .insertInto('endorsements')
    .values({
      slate_id: national.id,
      local_id: w.localA.id,
      chapter_id: w.a.id,
      decided_on: '2026-05-01',
      is_public: true,
    })
    .execute()
  const login = async (u: { email: string }) => {
    const a = new Agent(app)
    await a.login(u.email, PASSWORD)
    return a
  }
  const orgA = await login(w.organizerA)
  const orgB = await login(w.organizerB)
  const admin = await login(w.admin)
  const row = (id: number) => db.selectFrom('slates').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  t.test('an organizer of one chapter cannot change the national slate’s public page', async (t) => {
    const page = await orgA.get(`/slates/${national.id}/public`)
    t.equal(page.statusCode, 200, 'they still open it, to mark their own locals’ endorsements public')
    t.notMatch(page.body, 'name="public_slug"', 'without the address form')
    t.match(page.body, 'set by whoever runs the slate')
    const off = await orgA.post(`/slates/${national.id}/public`, {
      public_slug: 'hijacked',
      version: String(national.version),
    })
    t.equal(off.statusCode, 403)
    const after = await row(national.id)
    t.equal(after.public_slug, 'national', 'the address is unchanged')
    t.equal(after.public_enabled, true, 'the list is still on')
  })

  t.test('the organizers of the chapter that runs a slate, and admins, change its public page', async (t) => {
    t.equal(
      (await orgB.post(`/slates/${alpha.id}/public`, { public_slug: 'bravo-took-it', version: '1' })).statusCode,
      403,
      'not another chapter’s organizer',
    )
    const res = await orgA.post(`/slates/${alpha.id}/public`, {
      public_slug: 'alpha-2027',
      public_enabled: 'on',
      version: String(alpha.version),
    })
    t.equal(res.statusCode, 303)
    t.match(await row(alpha.id), { public_slug: 'alpha-2027', public_enabled: true })
    const adminRes = await admin.post(`/slates/${national.id}/public`, {
      public_slug: 'national',
      version: String(national.version),
    })
    t.equal(adminRes.statusCode, 303)
    t.equal((await row(national.id)).public_enabled, false, 'an admin switched the national list off')
    const audit = await db
      .selectFrom('audit_log')
      .select('after')
      .where('entity', '=', 'slate')
      .where('entity_id', '=', String(national.id))
      .executeTakeFirstOrThrow()
    t.match(audit.after, { public_enabled: false })
  })

  t.test('public answers build their addresses from PUBLIC_URL, whatever Host the request names', async (t) => {
    await db.updateTable('slates').set({ public_enabled: true }).where('id', '=', national.id).execute()
    const forged = { host: 'evil.example', 'x-forwarded-host': 'evil.example' }
    for (const url of ['/public/slates/national.json', '/public/slates/national/embed', '/public/slates/national']) {
      const res = await app.inject({ method: 'GET', url, headers: forged })
      t.equal(res.statusCode, 200, url)
      t.notMatch(res.body, 'evil.example', `${url} does not echo the Host header`)
    }
    const feed = await app.inject({ method: 'GET', url: '/public/slates/national.json', headers: forged })
    t.equal(JSON.parse(feed.body).slate.url, 'https://tenfold.example.org/public/slates/national')
    const embed = await app.inject({ method: 'GET', url: '/public/slates/national/embed', headers: forged })
    t.match(embed.body, 'href="https://tenfold.example.org/public/slates/national"')
    const settings = await admin.get(`/slates/${national.id}/public`, { headers: { host: 'evil.example' } })
    t.notMatch(settings.body, 'evil.example', 'nor does the settings page’s snippet')
    t.match(settings.body, 'https://tenfold.example.org/public/slates/national.json')
  })

  t.test('invitation links start with PUBLIC_URL too', async (t) => {
    const res = await admin.post(
      '/admin/users',
      { name: 'New Person', email: 'new.person@example.org', role: 'volunteer', chapter_id: String(w.a.id) },
      { headers: { host: 'evil.example' } },
    )
    t.equal(res.statusCode, 200)
    t.match(res.body, 'https://tenfold.example.org/welcome/')
    t.notMatch(res.body, 'evil.example')
  })
})

t.test('PUBLIC_URL defaults to the listening address and refuses what is not an http(s) address', async (t) => {
  const { loadConfig } = await import('../../src/config.ts')
  t.equal(loadConfig({ HOST: '127.0.0.1', PORT: '3102' }).publicUrl, 'http://127.0.0.1:3102')
  t.equal(loadConfig({ PUBLIC_URL: 'https://t.example.org/tenfold/' }).publicUrl, 'https://t.example.org/tenfold')
  t.throws(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' }), /Invalid PUBLIC_URL/)
  t.throws(() => loadConfig({ PUBLIC_URL: 'https://t.example.org/?x=1' }), /Invalid PUBLIC_URL/)
})
