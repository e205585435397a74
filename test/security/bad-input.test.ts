// Bad input never gets a 500 or a wrong write (issue 15, items 14-16): control
// characters in addresses and forms, dates out of their meaning's range, and
// integers past their column.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('hostile values in requests', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const supporter = await f.supporter(db, w.a.id, w.localA.id, { name: 'Dana Date' })

  t.test('a NUL or control character in any query string is a 400, never a 500', async (t) => {
    for (const url of ['/people?q=%00', '/locals?q=%00&format=csv', '/resolutions?q=%00', '/admin/users?q=%00']) {
      const res = await admin.get(url)
      t.equal(res.statusCode, 400, url)
    }
    let n = 0
    for (const r of app.routeList.filter((r) => r.method === 'GET' && !r.url.startsWith('/static'))) {
      const url = r.url.replace(/:([a-zA-Z_]+)/g, '1')
      for (const q of ['q=%00', 'page=1%01', 'x%00=1']) {
        const res = await admin.get(`${url}?${q}`)
        t.ok(res.statusCode < 500, `GET ${url}?${q} → ${res.statusCode}`)
        n++
      }
    }
    t.equal((await admin.get('/share/abc%00def')).statusCode, 400, 'and in a route parameter')
    t.comment(`${n} requests`)
  })

  t.test('a saved view whose address holds %00 never breaks a page', async (t) => {
    const saved = await admin.post('/saved-views', { name: 'Broken view', url: '/people?q=%00' })
    t.ok(saved.statusCode < 500)
    const row = await db.selectFrom('saved_views').select('id').where('name', '=', 'Broken view').executeTakeFirst()
    if (row) {
      const open = await admin.get(`/saved-views/${row.id}`)
      t.ok(open.statusCode < 500, 'opening it')
      if (open.headers.location) t.ok((await admin.get(String(open.headers.location))).statusCode < 500)
    }
    t.equal((await admin.get('/')).statusCode, 200, 'the menu with saved views still renders')
  })

  t.test('control characters in form fields are dropped, the rest kept as typed', async (t) => {
    const res = await org.post('/locals', { name: 'Local\u0000 77\u0007', chapter_id: String(w.a.id) })
    t.equal(res.statusCode, 303)
    const row = await db.selectFrom('locals').select('name').where('name', 'like', 'Local%77').executeTakeFirst()
    t.equal(row?.name, 'Local 77')
  })

  t.test('dates out of range for what they mean are refused with the form, nothing written', async (t) => {
    const count = async () =>
      (await db.selectFrom('conversations').select('id').where('supporter_id', '=', supporter.id).execute()).length
    const future = new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10)
    for (const held_on of ['0000-01-01', '9999-12-31', '10000-01-01', '1899-12-31', future]) {
      const res = await org.post(`/people/${supporter.id}/conversations`, { kind: 'one_on_one', held_on })
      t.equal(res.statusCode, 422, `a conversation on ${held_on}`)
      t.match(res.body, held_on, 'what was typed is kept')
    }
    const back = await org.post(`/people/${supporter.id}/conversations`, {
      kind: 'one_on_one',
      held_on: '2026-11-20',
      follow_up_on: '2026-11-01',
    })
    t.equal(back.statusCode, 422, 'a follow-up before the conversation')
    t.match(back.body, 'The follow-up cannot be before the conversation.')
    t.equal(await count(), 0)
    const p = await db
      .selectFrom('supporters')
      .select('last_contact_on')
      .where('id', '=', supporter.id)
      .executeTakeFirst()
    t.equal(p?.last_contact_on, null, 'no last contact in 9999')
    const ok = await org.post(`/people/${supporter.id}/conversations`, { kind: 'one_on_one', held_on: '2026-11-20' })
    t.ok([200, 303].includes(ok.statusCode), 'a real date is accepted')
    t.equal(await count(), 1)
  })

  t.test('an endorsement dated 9999-12-31 is refused', async (t) => {
    const slate = await f.slate(db, { name: 'Dates slate', is_current: true, election_date: '2026-11-03' })
    const res = await org.post(`/slates/${slate.id}/endorsements`, {
      local_id: String(w.localA.id),
      level: 'local_slate',
      decided_on: '9999-12-31',
    })
    t.equal(res.statusCode, 422)
    t.equal((await db.selectFrom('endorsements').select('id').execute()).length, 0)
    t.equal((await admin.get(`/slates/${slate.id}`)).statusCode, 200)
  })

  t.test('integers past their column are a 400 or 422, never a 500', async (t) => {
    const huge = '99999999999999999999'
    const edit = await org.post(`/locals/${w.localA.id}`, {
      name: 'Alpha Local 1',
      chapter_id: String(w.a.id),
      version: huge,
      members: huge,
    })
    t.ok([409, 422].includes(edit.statusCode), `editing a local with version=${huge} → ${edit.statusCode}`)
    for (const url of [`/people?offset=${huge}`, `/locals?page=${huge}`, `/people?local=${huge}`, `/drives/${huge}`]) {
      const res = await org.get(url)
      t.ok([400, 404, 200].includes(res.statusCode), `${url} → ${res.statusCode}`)
    }
    const local = await db
      .selectFrom('locals')
      .select(['members', 'version'])
      .where('id', '=', w.localA.id)
      .executeTakeFirst()
    t.equal(local?.members, 1000, 'nothing was written')
  })
})
