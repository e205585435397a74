// Mapping facts, past positions, the mapping view, and saved views.
import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { local, PASSWORD, world } from '../factories.ts'

t.test('positions are recorded on a local, listed, and filter the mapping view', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const bad = await org.post(`/locals/${w.localA.id}/positions`, {
    topic: 'other',
    decided_on: '2026-13-01',
    outcome: 'passed',
  })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, 'Say what the resolution was about.')
  t.match(bad.body, 'not a real date')
  const ok = await org.post(`/locals/${w.localA.id}/positions`, {
    topic: 'ceasefire',
    decided_on: '2025-02-01',
    outcome: 'passed',
    source_url: 'https://example.org/minutes',
  })
  t.equal(ok.statusCode, 303)
  t.equal(
    (await db.selectFrom('political_positions').select('topic').where('local_id', '=', w.localA.id).execute()).length,
    1,
  )
  const page = await org.get(`/locals/${w.localA.id}`)
  t.match(page.body, 'Ceasefire')
  t.match(page.body, 'Passed')
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  t.equal(
    (
      await orgB.post(`/locals/${w.localA.id}/positions`, {
        topic: 'climate',
        decided_on: '2025-02-01',
        outcome: 'passed',
      })
    ).statusCode,
    403,
  )

  const other = await local(db, { name: 'Alpha Local 9', chapter_id: w.a.id })
  const all = await org.get(`/mapping?chapter=${w.a.id}`)
  t.match(all.body, 'Alpha Local 9')
  const filtered = await org.get(`/mapping?chapter=${w.a.id}&topic=ceasefire&outcome=passed`)
  t.match(filtered.body, 'Alpha Local 1')
  t.notMatch(filtered.body, other.name)
  t.equal((await org.get(`/mapping?chapter=${w.b.id}`)).statusCode, 404, 'another chapter’s mapping is not found')
})

t.test('the mapping view orders locals by the documented priority and shows its parts', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  await f.slate(db, { name: 'Current', is_current: true })
  await local(db, { name: 'Hostile Giant', chapter_id: w.a.id, orientation: 'hostile', members: 90000 })
  const left = await local(db, { name: 'Left Small', chapter_id: w.a.id, orientation: 'left_led', members: 100 })
  const mid = await local(db, {
    name: 'Middling With Members',
    chapter_id: w.a.id,
    orientation: 'middling',
    members: 1000,
  })
  for (const i of [1, 2, 3, 4, 5]) await f.supporter(db, w.a.id, mid.id, { name: `Member ${i}`, chapter_member: true })
  await db
    .updateTable('locals')
    .set({ officer_election_on: new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 10) })
    .where('id', '=', left.id)
    .execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const res = await org.get(`/mapping?chapter=${w.a.id}`)
  t.equal(res.statusCode, 200)
  // left-led 40 + size 10 + election 10 = 60; middling 10 + size 15 + members 20 = 45; middling 10 + size 15 = 25; hostile −50 + size 20 = −30
  const order = ['Left Small', 'Middling With Members', 'Alpha Local 1', 'Hostile Giant'].map((n) =>
    res.body.indexOf(n),
  )
  t.ok(
    order.every((x) => x > 0),
    'all listed',
  )
  t.same(
    [...order].sort((a, b) => a - b),
    order,
    'highest score first',
  )
  t.match(res.body, '5 members in common +20')
  t.match(res.body, 'officer election within a year +10')
  t.match(res.body, 'Start a drive')
  const volunteer = new Agent(app)
  await volunteer.login(w.volunteerA.email, PASSWORD)
  const vres = await volunteer.get(`/mapping?chapter=${w.a.id}`)
  t.equal(vres.statusCode, 200)
  t.notMatch(vres.body, 'Member 1', 'no supporter names, only counts')
  t.notMatch(vres.body, 'action="/drives"', 'a volunteer cannot start drives')
})

t.test('mapping facts are saved with a version check', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const v = (await db.selectFrom('locals').select('version').where('id', '=', w.localA.id).executeTakeFirstOrThrow())
    .version
  const res = await org.post(`/locals/${w.localA.id}/mapping`, {
    on_labor_council: 'yes',
    endorses_candidates: 'yes',
    endorses_how: 'COPE recommends',
    officer_election_on: '2027-03-01',
    contract_expires_on: '',
    version: String(v),
  })
  t.equal(res.statusCode, 303)
  const row = await db
    .selectFrom('locals')
    .select(['on_labor_council', 'endorses_candidates', 'officer_election_on'])
    .where('id', '=', w.localA.id)
    .executeTakeFirstOrThrow()
  t.same(row, { on_labor_council: true, endorses_candidates: 'yes', officer_election_on: '2027-03-01' })
  const stale = await org.post(`/locals/${w.localA.id}/mapping`, { endorses_candidates: 'no', version: String(v) })
  t.equal(stale.statusCode, 409)
  t.match(stale.body, 'You changed this local in another tab', 'the earlier save was this organizer’s own')
  t.match(stale.body, 'The values saved now')
  t.match(stale.body, '<dd>COPE recommends</dd>', 'the saved facts are listed beside the form')
})

t.test('saved views restore exactly and stay private to their owner', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const url = `/locals?q=cwa&chapter=${w.a.id}&sort=members`
  const saved = await org.post('/saved-views', { name: 'Big CWA locals', url: url + '&offset=50&format=csv' })
  t.equal(saved.statusCode, 303)
  const row = await db.selectFrom('saved_views').selectAll().executeTakeFirstOrThrow()
  const open = await org.get(`/saved-views/${row.id}`)
  t.equal(open.statusCode, 303)
  t.equal(open.headers.location, url, 'the redirect is the saved URL')
  t.match((await org.get('/saved-views', { htmx: 'div#saved-views-nav' })).body, 'Big CWA locals')
  const bad = await org.post('/saved-views', { name: 'Admin', url: '/admin/users' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, 'Only list, board and matrix pages')
  t.equal((await org.post('/saved-views', { name: '', url })).statusCode, 422)

  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  t.equal((await vol.get(`/saved-views/${row.id}`)).statusCode, 404, 'another user’s personal view is not found')
  t.notMatch((await vol.get('/saved-views')).body, 'Big CWA locals')
  t.equal(
    (await vol.post('/saved-views', { name: 'Shared', url: '/board', chapter_id: String(w.a.id) })).statusCode,
    422,
    'a volunteer cannot share with the chapter',
  )

  await org.post('/saved-views', { name: 'Chapter board', url: '/board?stage=vote', chapter_id: String(w.a.id) })
  const shared = await db
    .selectFrom('saved_views')
    .select('id')
    .where('name', '=', 'Chapter board')
    .executeTakeFirstOrThrow()
  t.equal(
    (await vol.get(`/saved-views/${shared.id}`)).headers.location,
    '/board?stage=vote',
    'a chapter view opens for the chapter',
  )
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  t.equal((await orgB.get(`/saved-views/${shared.id}`)).statusCode, 404, 'and not for another chapter')
  t.equal((await vol.post(`/saved-views/${shared.id}/delete`)).statusCode, 403)
  t.equal((await org.post(`/saved-views/${shared.id}/delete`)).statusCode, 303)
})

t.test(
  'the mapping view answers in the same few queries for small and bigger areas, and as a fragment for htmx',
  async (t) => {
    const { app, db, handle } = await buildTestApp(t)
    const w = await world(db)
    await f.slate(db, { name: 'Current', is_current: true })
    const org = new Agent(app)
    await org.login(w.organizerA.email, PASSWORD)
    const url = `/mapping?chapter=${w.a.id}`
    await org.get(url)
    const small = await countQueries(handle, () => org.get(url))
    for (let i = 0; i < 15; i++) {
      const l = await local(db, { name: `More Local ${i}`, chapter_id: w.a.id })
      await db
        .insertInto('political_positions')
        .values({ local_id: l.id, topic: 'climate', decided_on: '2025-01-01', outcome: 'passed' })
        .execute()
    }
    const bigger = await countQueries(handle, () => org.get(url))
    t.equal(small, bigger, 'same number of queries')
    t.ok(bigger <= 12, `${bigger} queries`)
    const frag = await org.get(url + '&topic=climate', { htmx: 'div#mapping-results' })
    t.match(frag.body, 'More Local 3')
    t.notMatch(frag.body, '<html', 'only the results')
  },
)
