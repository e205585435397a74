import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

// Supporters' data is dangerous if it leaks: volunteers never see emails or
// phones, national reviewers never see names either — on no page, fragment,
// export or error message they can reach.
t.test('privacy of supporters', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Test slate', is_current: true })
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const create = await org.post('/people', {
    name: 'Zelda Secretname',
    local_id: String(w.localA.id),
    email: 'zelda.secret@example.org',
    phone: '617-555-0177',
    level: '2',
    tags: 'quiet',
  })
  t.equal(create.statusCode, 303)
  const id = Number(create.headers.location!.split('/').pop())
  await org.post(`/drives/${drive.id}/team`, { supporter_id: String(id), role: 'lead' })
  await org.post(`/people/${id}/conversations`, { kind: 'call', held_on: '2026-11-01', outcome: 'Spoke' })
  const SECRETS = ['zelda.secret@example.org', '+16175550177', '(617) 555-0177', '555-0177', '6175550177']
  const NAME = 'Zelda Secretname'

  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)

  type Req = { method: 'GET' | 'POST'; url: string; form?: Record<string, string>; htmx?: string }
  const reachable: Req[] = [
    { method: 'GET', url: '/' },
    { method: 'GET', url: '/people' },
    { method: 'GET', url: '/people?sort=level&level=2' },
    { method: 'GET', url: '/people?q=zelda', htmx: 'div#people-results' },
    { method: 'GET', url: '/people?q=zelda.secret%40example.org', htmx: 'div#people-results' },
    { method: 'GET', url: '/people?q=555-0177' },
    { method: 'GET', url: '/people?offset=0', htmx: 'tr#people-more' },
    { method: 'GET', url: '/people?format=csv' },
    { method: 'GET', url: '/people?deleted=1' },
    { method: 'GET', url: `/people/${id}` },
    { method: 'GET', url: `/people/${id}/edit` },
    { method: 'POST', url: `/people/${id}`, form: { name: 'x', version: '1' } },
    { method: 'POST', url: `/people/${id}/level`, form: { level: '3' }, htmx: 'section#person-level' },
    { method: 'POST', url: `/people/${id}/level`, form: { level: '99' }, htmx: 'section#person-level' },
    { method: 'POST', url: `/people/${id}/level`, form: { level: '99' } },
    {
      method: 'POST',
      url: `/people/${id}/conversations`,
      form: { kind: 'text', held_on: '2026-11-02' },
      htmx: 'section#person-conversations',
    },
    { method: 'POST', url: `/people/${id}/conversations`, form: { kind: 'nope', held_on: 'x' } },
    { method: 'POST', url: `/people/${id}/merge`, form: { other_id: '99999' } },
    { method: 'POST', url: `/people/${id}/delete` },
    { method: 'POST', url: '/people/bulk', form: { action: 'delete', ids: String(id) } },
    { method: 'GET', url: '/people/import' },
    { method: 'GET', url: '/people/import/1' },
    { method: 'GET', url: '/people/import/1/report.csv' },
    { method: 'GET', url: '/people/import/1/progress' },
    { method: 'GET', url: `/drives/${drive.id}` },
    { method: 'GET', url: `/locals/${w.localA.id}` },
    { method: 'GET', url: '/board' },
    { method: 'GET', url: '/audit' },
    { method: 'GET', url: `/people/${id + 1000}` },
  ]

  async function hit(agent: Agent, r: Req) {
    const res =
      r.method === 'GET'
        ? await agent.get(r.url, { htmx: r.htmx })
        : await agent.post(r.url, r.form ?? {}, { htmx: r.htmx })
    // Follow a redirect once: the flash and the page it lands on are reachable too.
    const out = [res]
    if (res.statusCode === 303 && res.headers.location && !String(res.headers.location).startsWith('/login'))
      out.push(await agent.get(String(res.headers.location)))
    // What the person typed into the search box is echoed back to them: not a leak.
    return out.map((x) => ({ statusCode: x.statusCode, body: x.body.replace(/<input id="q"[^>]*>/, '') }))
  }

  t.test('a volunteer never gets an email or a phone', async (t) => {
    let seenName = false
    for (const r of reachable) {
      for (const res of await hit(vol, r)) {
        t.ok(res.statusCode < 500, `${r.method} ${r.url}: ${res.statusCode}`)
        for (const s of SECRETS) t.notOk(res.body.includes(s), `${r.method} ${r.url} does not show ${s}`)
        if (res.body.includes(NAME)) seenName = true
      }
    }
    t.ok(seenName, 'the volunteer does see names (the check above is not vacuous)')
    const search = await vol.get('/people?q=zelda.secret', { htmx: 'div#people-results' })
    t.notMatch(search.body, NAME, 'searching by an email a volunteer cannot see finds nothing')
    t.equal((await vol.get('/people?format=csv')).statusCode, 403)
  })

  t.test('a national reviewer never gets a name, an email or a phone', async (t) => {
    for (const r of reachable) {
      for (const res of await hit(nat, r)) {
        t.ok(res.statusCode < 500, `${r.method} ${r.url}: ${res.statusCode}`)
        for (const s of [...SECRETS, NAME, 'Secretname'])
          t.notOk(res.body.includes(s), `${r.method} ${r.url} does not show ${s}`)
      }
    }
    t.equal((await nat.get('/people')).statusCode, 403)
    t.equal((await nat.get(`/people/${id}`)).statusCode, 403)
  })

  t.test('the organizer does see them (the checks above are not vacuous)', async (t) => {
    const page = await org.get(`/people/${id}`)
    t.match(page.body, 'zelda.secret@example.org')
    t.match(page.body, '(617) 555-0177')
    t.match((await org.get('/people?format=csv')).body, '+16175550177')
  })
})
