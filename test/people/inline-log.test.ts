import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('logging a conversation from the drive page and the local page', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Test slate', is_current: true })
  const driveA = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, last_activity_at: '2020-01-01' })
  const ana = await f.supporter(db, w.a.id, w.localA.id, {
    name: 'Ana Inlineton',
    email: 'ana.inline@example.org',
    current_level: 2,
  })
  const ben = await f.supporter(db, w.a.id, w.localA.id, { name: 'Ben Undecided', current_level: 3 })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)
  const conversations = () => db.selectFrom('conversations').selectAll().orderBy('id').execute()
  const back = `/drives/${driveA.id}`

  t.test('the drive and local pages show the form with the local’s supporters, by level then name', async (t) => {
    const page = await org.get(back)
    t.equal(page.statusCode, 200)
    t.match(page.body, 'Log a conversation')
    t.match(page.body, /Ana Inlineton \(level 2\)[\s\S]*Ben Undecided \(level 3\)/)
    t.match(page.body, `name="back" value="${back}"`)
    t.notMatch(page.body, 'ana.inline@example.org', 'no email in the picker')
    const local = await vol.get(`/locals/${w.localA.id}`)
    t.equal(local.statusCode, 200)
    t.match(local.body, 'Log a conversation')
    t.match(local.body, `name="back" value="/locals/${w.localA.id}"`)
  })

  t.test('national reviewers see no names and no form on the drive page', async (t) => {
    const page = await nat.get(back)
    t.equal(page.statusCode, 200)
    t.notMatch(page.body, 'Log a conversation')
    t.notMatch(page.body, 'Ana Inlineton')
  })

  t.test('logging from the drive page without JS writes the row with the drive id and goes back', async (t) => {
    const res = await org.post('/conversations', {
      supporter_id: String(ana.id),
      kind: 'one_on_one',
      held_on: '2026-11-20',
      outcome: 'Will sign the petition',
      note: '',
      follow_up_on: '2026-11-30',
      back,
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, back)
    const rows = await conversations()
    t.equal(rows.length, 1)
    t.equal(rows[0]!.drive_id, driveA.id)
    t.equal(rows[0]!.supporter_id, ana.id)
    t.equal(rows[0]!.by_user_id, w.organizerA.id)
    t.equal(rows[0]!.follow_up_on, '2026-11-30')
    const d = await db
      .selectFrom('drives')
      .select('last_activity_at')
      .where('id', '=', driveA.id)
      .executeTakeFirstOrThrow()
    t.ok(
      new Date(d.last_activity_at as unknown as string).getTime() > Date.parse('2025-01-01'),
      'the drive’s last activity moved',
    )
    const s = await db
      .selectFrom('supporters')
      .select('last_contact_on')
      .where('id', '=', ana.id)
      .executeTakeFirstOrThrow()
    t.equal(s.last_contact_on, '2026-11-20')
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'conversation')
      .where('entity_id', '=', String(rows[0]!.id))
      .executeTakeFirst()
    t.ok(audit, 'audited')
    const page = await org.get(back)
    t.match(page.body, 'Will sign the petition', 'the drive page lists it')
  })

  t.test('a volunteer logs with htmx and gets the confirmation and the recent list', async (t) => {
    const res = await vol.post(
      '/conversations',
      {
        supporter_id: String(ben.id),
        kind: 'call',
        held_on: '2026-11-21',
        outcome: 'Wants to hear the candidate',
        back,
      },
      { htmx: 'section#logged-conversations' },
    )
    t.equal(res.statusCode, 200)
    t.match(res.body, /^\s*<section class="panel" id="logged-conversations">/)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'Conversation with Ben Undecided logged.')
    t.match(res.body, /Ben Undecided<\/a>: <strong>Call<\/strong>[\s\S]*Ana Inlineton<\/a>: <strong>1-on-1<\/strong>/)
    const rows = await conversations()
    t.equal(rows.length, 2)
    t.equal(rows[1]!.drive_id, driveA.id)
    t.equal(rows[1]!.by_user_id, w.volunteerA.id)
  })

  t.test('a bad form comes back in the panel with messages and the typed values', async (t) => {
    const res = await org.post(
      '/conversations',
      { supporter_id: String(ana.id), kind: '', held_on: '', outcome: 'Kept text', back },
      { htmx: 'section#logged-conversations' },
    )
    t.equal(res.statusCode, 422)
    t.match(res.body, 'id="logged-conversations"')
    t.match(res.body, 'Choose what kind of conversation it was.')
    t.match(res.body, 'value="Kept text"')
    const none = await org.post(
      '/conversations',
      { supporter_id: '', kind: 'call', held_on: '2026-11-21', back },
      { htmx: 'section#logged-conversations' },
    )
    t.equal(none.statusCode, 422)
    t.match(none.body, 'Choose the supporter you talked with.')
    t.equal((await conversations()).length, 2)
  })

  t.test('logging from the local page goes back to the local page', async (t) => {
    const res = await org.post(`/people/${ana.id}/conversations`, {
      kind: 'text',
      held_on: '2026-11-22',
      back: `/locals/${w.localA.id}`,
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/locals/${w.localA.id}`)
  })

  t.test('a back to another site is ignored', async (t) => {
    for (const bad of [
      'https://evil.example.com/drives/1',
      '//evil.example.com/drives/1',
      '/drives/1/../../x',
      '/people/1',
      'javascript:alert(1)',
      '/drives/1?x=https://evil.example.com',
    ]) {
      const res = await org.post('/conversations', {
        supporter_id: String(ana.id),
        kind: 'call',
        held_on: '2026-11-22',
        back: bad,
      })
      t.equal(res.statusCode, 303, bad)
      t.equal(res.headers.location, `/people/${ana.id}`, `${bad} is not followed`)
    }
  })

  t.test('national reviewers get 403 and another chapter’s organizer 404, and nothing is written', async (t) => {
    const before = (await conversations()).length
    const n = await nat.post('/conversations', {
      supporter_id: String(ana.id),
      kind: 'call',
      held_on: '2026-11-22',
      back,
    })
    t.equal(n.statusCode, 403)
    t.notMatch(n.body, 'Ana Inlineton')
    const b = await orgB.post('/conversations', {
      supporter_id: String(ana.id),
      kind: 'call',
      held_on: '2026-11-22',
      back,
    })
    t.equal(b.statusCode, 404)
    t.notMatch(b.body, 'Ana Inlineton')
    const b2 = await orgB.post(`/people/${ana.id}/conversations`, { kind: 'call', held_on: '2026-11-22', back })
    t.equal(b2.statusCode, 404)
    t.equal((await conversations()).length, before)
  })

  t.test('the drive page answers in the same number of queries with 2 and 60 supporters', async (t) => {
    const small = await countQueries(handle, () => org.get(back))
    for (let i = 0; i < 58; i++)
      await f.supporter(db, w.a.id, w.localA.id, { name: `Extra Person ${i}`, current_level: (i % 5) + 1 })
    const big = await countQueries(handle, () => org.get(back))
    t.equal(small, big)
    t.ok(big <= 12, `${big} queries`)
  })
})
