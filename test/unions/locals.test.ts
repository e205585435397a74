import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, local, world } from '../factories.ts'

t.test('the locals directory', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  for (let i = 0; i < 60; i++)
    await local(db, {
      name: `Bulk Local ${String(i).padStart(2, '0')}`,
      chapter_id: w.a.id,
      national_union_id: w.union.id,
    })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)

  t.test('an anonymous visitor is sent to the login page', async (t) => {
    const res = await new Agent(app).get('/locals')
    t.equal(res.statusCode, 303)
    t.match(res.headers.location, /^\/login\?next=%2Flocals/)
  })

  t.test('the list shows the first page and a load-more link', async (t) => {
    const res = await org.get('/locals')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Alpha Local 1')
    t.match(res.body, 'Load more')
    t.equal((res.body.match(/data-label="Local"/g) ?? []).length, 50)
  })

  t.test('load more returns only the next rows', async (t) => {
    const res = await org.get('/locals?offset=50', { htmx: 'tr#locals-more' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.equal((res.body.match(/data-label="Local"/g) ?? []).length, 12)
  })

  t.test('active search returns the results block alone', async (t) => {
    const res = await org.get('/locals?q=bravo', { htmx: 'div#locals-results' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'Bravo Local 2')
    t.notMatch(res.body, 'Alpha Local 1')
    t.equal(res.headers.vary, 'HX-Request, HX-Target')
  })

  t.test('filters by chapter and orientation', async (t) => {
    const res = await org.get(`/locals?chapter=${w.b.id}&orientation=middling`)
    t.match(res.body, 'Bravo Local 2')
    t.notMatch(res.body, 'Bulk Local')
  })

  t.test('junk in the address is a 400 and an unknown id a 404', async (t) => {
    t.equal((await org.get('/locals/abc')).statusCode, 400)
    t.equal((await org.get('/locals/0')).statusCode, 400)
    t.equal((await org.get('/locals/99999')).statusCode, 404)
    t.equal((await org.get('/locals?sort=sideways')).statusCode, 400)
  })

  t.test('a bad form comes back with a message per field and the typed values', async (t) => {
    const res = await org.post('/locals', {
      name: '',
      members: 'lots',
      state: 'Massachusetts',
      notice_days: '-3',
      rules_source_url: 'javascript:alert(1)',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Name is required.')
    t.match(res.body, 'Approximate membership must be a whole number.')
    t.match(res.body, 'State must be a two-letter code')
    t.match(res.body, 'value="lots"')
    t.match(res.body, 'value="Massachusetts"')
    const count = await db
      .selectFrom('locals')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    t.equal(count.n, 62)
  })

  t.test('creating a local writes it and its audit row', async (t) => {
    const res = await org.post('/locals', {
      name: 'New Local 77',
      national_union_id: String(w.union.id),
      chapter_id: String(w.a.id),
      members: '1,200',
      state: 'ma',
      olms_file_number: '555',
    })
    t.equal(res.statusCode, 303)
    const row = await db.selectFrom('locals').selectAll().where('name', '=', 'New Local 77').executeTakeFirstOrThrow()
    t.equal(row.members, 1200)
    t.equal(row.state, 'MA')
    t.equal(res.headers.location, `/locals/${row.id}`)
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'local')
      .where('entity_id', '=', String(row.id))
      .executeTakeFirstOrThrow()
    t.equal(a.action, 'create')
    t.equal(a.actor_id, w.organizerA.id)
  })

  t.test('a duplicate OLMS file number is a field message, not a 500', async (t) => {
    const res = await org.post('/locals', { name: 'Copy', olms_file_number: '555', chapter_id: String(w.a.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Another local already has this OLMS file number.')
  })

  t.test('an organizer cannot add a local to another chapter', async (t) => {
    const res = await org.post('/locals', { name: 'Sneaky', chapter_id: String(w.b.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'only add locals to chapters you organize in')
  })

  t.test('an organizer cannot edit another chapter’s local', async (t) => {
    t.equal((await org.get(`/locals/${w.localB.id}/edit`)).statusCode, 403)
    t.equal((await org.post(`/locals/${w.localB.id}`, { name: 'Hijacked', version: '1' })).statusCode, 403)
  })

  t.test('a second save from a stale form is a conflict with the input kept', async (t) => {
    const first = await org.post(`/locals/${w.localA.id}`, {
      name: 'Alpha Local 1 (renamed)',
      chapter_id: String(w.a.id),
      version: '1',
    })
    t.equal(first.statusCode, 303)
    const second = await org.post(`/locals/${w.localA.id}`, {
      name: 'My stale name',
      chapter_id: String(w.a.id),
      version: '1',
    })
    t.equal(second.statusCode, 409)
    t.match(second.body, 'You changed this local in another tab', 'the earlier save was this organizer’s own')
    t.match(second.body, '<dd>Alpha Local 1 (renamed)</dd>', 'the saved name is shown beside the form')
    t.match(second.body, 'value="My stale name"')
    const row = await db
      .selectFrom('locals')
      .select(['name', 'version'])
      .where('id', '=', w.localA.id)
      .executeTakeFirstOrThrow()
    t.equal(row.name, 'Alpha Local 1 (renamed)')
    t.equal(row.version, 2)
  })

  t.test('delete is soft and restore brings it back', async (t) => {
    const del = await org.post(`/locals/${w.localA.id}/delete`)
    t.equal(del.statusCode, 303)
    t.equal((await org.get(`/locals/${w.localA.id}`)).statusCode, 404)
    t.match((await org.get('/locals?deleted=1')).body, 'Alpha Local 1')
    const res = await org.post(`/locals/${w.localA.id}/restore`)
    t.equal(res.statusCode, 303)
    t.equal((await org.get(`/locals/${w.localA.id}`)).statusCode, 200)
    const actions = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'local')
      .where('entity_id', '=', String(w.localA.id))
      .orderBy('id')
      .execute()
    t.same(
      actions.map((a) => a.action),
      ['update', 'delete', 'restore'],
    )
  })

  t.test('the list answers in the same number of queries for 10 or 60 rows', async (t) => {
    const small = await countQueries(handle, () => org.get('/locals?q=Alpha'))
    const big = await countQueries(handle, () => org.get('/locals'))
    t.equal(small, big)
    t.ok(big <= 6, `${big} queries`)
  })

  t.test('CSV export neutralises formulas and is audited', async (t) => {
    await local(db, { name: '=HYPERLINK("x")', chapter_id: w.a.id })
    const res = await org.get('/locals?format=csv')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'text/csv')
    t.match(res.body, `"'=HYPERLINK(""x"")"`)
    const a = await db.selectFrom('audit_log').select('action').where('entity', '=', 'locals').executeTakeFirst()
    t.equal(a?.action, 'export')
  })
})

t.test('the stylesheet and scripts load without a login', async (t) => {
  const { app } = await buildTestApp(t)
  for (const file of ['/static/app.css', '/static/app.js', '/static/vendor/htmx.min.js']) {
    const res = await app.inject(file)
    t.equal(res.statusCode, 200, file)
  }
})

t.test('a form shown again after a failed post carries a fresh CSRF token', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const res = await org.post('/locals', { name: '' })
  t.equal(res.statusCode, 422)
  const token = /name="_csrf" value="([^"]*)"/.exec(res.body)?.[1]
  t.ok(token && token.length > 10, 'the re-shown form has a token')
  const again = await org.post('/locals', { name: 'Fixed Local', _csrf: token! })
  t.equal(again.statusCode, 303, 'and submitting it works')
})
