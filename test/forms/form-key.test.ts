import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'
import { CREATING, purgeFormKeys } from '../../src/plugins/form-key.ts'

const keyOf = (html: string) => /name="_form_key" value="([^"]+)"/.exec(html)?.[1] ?? ''

t.test('one-time form keys', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Form key slate', is_current: true })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const countSupporters = async (name: string) =>
    Number(
      (
        await db
          .selectFrom('supporters')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('name', '=', name)
          .executeTakeFirstOrThrow()
      ).n,
    )

  t.test('every creating route in the list exists, so the list cannot drift from the routes', async (t) => {
    const routes = new Set(app.routeList.map((r) => `${r.method} ${r.url}`))
    for (const r of CREATING) t.ok(routes.has(r), r)
  })

  t.test('a form page carries a fresh key, different on every render', async (t) => {
    const a = keyOf((await org.get('/people/new')).body)
    const b = keyOf((await org.get('/people/new')).body)
    t.match(a, /^[0-9a-f-]{36}$/)
    t.not(a, b)
  })

  t.test('a double click on Save makes one supporter, and both answers lead to it', async (t) => {
    const key = keyOf((await org.get('/people/new')).body)
    const form = { name: 'Double Click', local_id: String(w.localA.id), _form_key: key }
    const [one, two] = await Promise.all([org.post('/people', form), org.post('/people', form)])
    t.equal(one.statusCode, 303)
    t.equal(two.statusCode, 303)
    t.equal(one.headers.location, two.headers.location)
    t.equal(await countSupporters('Double Click'), 1)
  })

  t.test('Save, Back and Save again goes to what the first save made', async (t) => {
    const key = keyOf((await org.get('/people/new')).body)
    const form = { name: 'Back Again', local_id: String(w.localA.id), _form_key: key }
    const first = await org.post('/people', form)
    const row = await db
      .selectFrom('supporters')
      .select('id')
      .where('name', '=', 'Back Again')
      .executeTakeFirstOrThrow()
    t.equal(first.headers.location, `/people/${row.id}`)
    const again = await org.post('/people', form)
    t.equal(again.statusCode, 303)
    t.equal(again.headers.location, `/people/${row.id}`)
    t.equal(await countSupporters('Back Again'), 1)
  })

  t.test('a form sent with errors can be corrected and sent with the same key', async (t) => {
    const key = keyOf((await org.get('/people/new')).body)
    const bad = await org.post('/people', { name: '', local_id: String(w.localA.id), _form_key: key })
    t.equal(bad.statusCode, 422)
    const good = await org.post('/people', { name: 'Fixed Later', local_id: String(w.localA.id), _form_key: key })
    t.equal(good.statusCode, 303)
    t.equal(await countSupporters('Fixed Later'), 1)
  })

  t.test('a key is one person’s: another user’s copy of it still creates', async (t) => {
    const key = keyOf((await org.get('/people/new')).body)
    await org.post('/people', { name: 'Mine', local_id: String(w.localA.id), _form_key: key })
    const admin = new Agent(app)
    await admin.login(w.admin.email, PASSWORD)
    const res = await admin.post('/people', { name: 'Theirs', local_id: String(w.localA.id), _form_key: key })
    t.equal(res.statusCode, 303)
    t.equal(await countSupporters('Theirs'), 1)
  })

  t.test('a double click on Start a drive starts one drive and both answers open it', async (t) => {
    const key = keyOf((await org.get(`/locals/${w.localA.id}`)).body)
    const form = { local_id: String(w.localA.id), slate_id: String(slate.id), asks: 'slate', _form_key: key }
    const [one, two] = await Promise.all([org.post('/drives', form), org.post('/drives', form)])
    const drives = await db.selectFrom('drives').select('id').where('local_id', '=', w.localA.id).execute()
    t.equal(drives.length, 1)
    t.equal(one.headers.location, `/drives/${drives[0]!.id}`)
    t.equal(two.headers.location, `/drives/${drives[0]!.id}`)
  })

  t.test('starting a drive that exists says so and links to it', async (t) => {
    const drive = await db
      .selectFrom('drives')
      .select('id')
      .where('local_id', '=', w.localA.id)
      .executeTakeFirstOrThrow()
    const res = await org.post('/drives', { local_id: String(w.localA.id), slate_id: String(slate.id), asks: 'slate' })
    t.equal(res.statusCode, 422)
    t.match(res.body, `href="/drives/${drive.id}"`)
    t.match(res.body, 'Open that drive')
  })

  t.test('adding a supporter whose email exists links to the one who has it', async (t) => {
    const first = await org.post('/people', {
      name: 'Has Email',
      local_id: String(w.localA.id),
      email: 'has.email@example.org',
    })
    t.equal(first.statusCode, 303)
    const res = await org.post('/people', {
      name: 'Same Email',
      local_id: String(w.localA.id),
      email: 'Has.Email@example.org',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, `href="${first.headers.location}"`)
    t.match(res.body, 'Open Has Email')
  })

  t.test('an htmx form sent twice with no page to go to says it was saved once', async (t) => {
    const person = await db
      .selectFrom('supporters')
      .select('id')
      .where('name', '=', 'Back Again')
      .executeTakeFirstOrThrow()
    const key = keyOf((await org.get(`/people/${person.id}`)).body)
    const form = { kind: 'one_on_one', held_on: '2026-11-30', outcome: 'Talked about the forum', _form_key: key }
    const first = await org.post(`/people/${person.id}/conversations`, form, { htmx: true })
    t.ok(first.statusCode < 400, `first answer ${first.statusCode}`)
    const again = await org.post(`/people/${person.id}/conversations`, form, { htmx: true })
    const n = await db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('supporter_id', '=', person.id)
      .executeTakeFirstOrThrow()
    t.equal(Number(n.n), 1)
    if (again.statusCode === 409) t.match(again.body, 'Already saved')
    else t.ok(again.headers['hx-redirect'], 'sent where the first one went')
  })

  t.test('keys older than a day are purged, newer ones kept', async (t) => {
    const old = '00000000-0000-4000-8000-000000000001'
    const fresh = '00000000-0000-4000-8000-000000000002'
    await db
      .insertInto('form_keys')
      .values([
        { user_id: w.organizerA.id, key: old, route: 'POST /people', created_at: new Date(Date.now() - 3 * 86400000) },
        { user_id: w.organizerA.id, key: fresh, route: 'POST /people' },
      ])
      .execute()
    t.ok((await purgeFormKeys(db)) >= 1)
    const left = await db.selectFrom('form_keys').select('key').where('key', 'in', [old, fresh]).execute()
    t.same(
      left.map((r) => r.key),
      [fresh],
    )
  })
})
