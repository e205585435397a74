// The assignments panel on the drive page, and one-time form keys on the two
// forms that create something (the assign form, the "log it" form of my list).
import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

const keyOf = (html: string) => /name="_form_key" value="([^"]+)"/.exec(html)?.[1] ?? ''

t.test('the drive page shows its assignments to its organizers only', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'S' })
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id })
  const people = []
  for (const name of ['Dora Done', 'Olu Open', 'Lea Late'])
    people.push(await f.supporter(db, w.a.id, w.localA.id, { name }))
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)

  const url = `/drives/${drive.id}/assignments`
  const lazy = { htmx: 'section#drive-assignments' }
  const before = await org.get(`/drives/${drive.id}`)
  t.match(before.body, `id="drive-assignments" hx-get="${url}" hx-trigger="load"`, 'the drive page loads it lazily')
  t.match(before.body, `<a href="${url}">`, 'a plain link without JavaScript')
  const empty = await org.get(url, lazy)
  t.notMatch(empty.body, '<html', 'htmx gets the section alone')
  t.match(empty.body, 'Nobody has been given people to talk to for this drive yet.')
  t.match(empty.body, `href="/assignments/new?drive=${drive.id}"`)

  const form = await org.get(`/assignments/new?drive=${drive.id}`)
  const res = await org.post('/assignments', {
    supporter_id: people.map((p) => String(p.id)),
    assignee_id: String(w.volunteerA.id),
    drive_id: String(drive.id),
    due_on: '2020-01-01',
    _form_key: keyOf(form.body),
  })
  t.equal(res.statusCode, 303)
  const rows = await db.selectFrom('assignments').selectAll().orderBy('id').execute()
  t.equal(rows.length, 3)
  // Dora's conversation is logged, Lea's is overdue (2020), Olu's due date moves ahead.
  await db.updateTable('assignments').set({ due_on: '2099-01-01' }).where('id', '=', rows[1]!.id).execute()
  const card = await vol.get(`/my-list/${rows[0]!.id}`)
  t.equal(
    (
      await vol.post(`/my-list/${rows[0]!.id}`, {
        kind: 'call',
        held_on: '2026-11-30',
        done: 'on',
        version: String(rows[0]!.version),
        _form_key: keyOf(card.body),
      })
    ).statusCode,
    303,
  )

  const page = await org.get(url, lazy)
  t.equal(page.statusCode, 200)
  const panel = page.body
  t.match(
    panel,
    new RegExp(
      `<th scope="row">${w.volunteerA.name}</th><td class="num">3</td><td class="num">1</td>` +
        '<td class="num"><span class="badge err">1</span></td>',
    ),
    'assigned 3, done 1, overdue 1',
  )
  t.match(panel, 'Still to talk to (2)')
  t.match(panel, 'Olu Open')
  t.match(panel, 'Lea Late')
  t.notMatch(panel.slice(0, panel.indexOf('</section>')), 'Dora Done', 'done ones are not “still to talk to”')
  t.match(panel, `action="/assignments/${rows[2]!.id}/cancel"`)

  const whole = await org.get(url)
  t.match(whole.body, '<html', 'the same URL opened as a link is a page')
  t.match(whole.body, '<h1>Assignments: Alpha Local 1</h1>')
  t.match(whole.body, 'Olu Open')

  const volPage = await vol.get(`/drives/${drive.id}`)
  t.equal(volPage.statusCode, 200)
  t.notMatch(volPage.body, 'id="drive-assignments"', 'volunteers see their own list, not the drive’s')
  t.equal((await vol.get(url)).statusCode, 403)
  t.notMatch((await vol.get(url, lazy)).body, 'Olu Open')
  t.equal((await orgB.get(`/drives/${drive.id}`)).statusCode, 404)
  t.equal((await orgB.get(url)).statusCode, 404)

  t.test('the panel costs the drive page nothing, and itself the same queries with 3 or 300', async (t) => {
    const small = await countQueries(handle, () => org.get(url, lazy))
    const drivePage = await countQueries(handle, () => org.get(`/drives/${drive.id}`))
    const volunteerDrivePage = await countQueries(handle, () => vol.get(`/drives/${drive.id}`))
    t.equal(drivePage, volunteerDrivePage, 'the organizer’s drive page costs what the volunteer’s does')
    t.ok(drivePage <= 12, `within the drive page’s bound (${drivePage})`)
    const more = await f.many(300, (i) => f.supporter(db, w.a.id, w.localA.id, { name: `Bulk ${i}` }))
    await db
      .insertInto('assignments')
      .values(
        more.map((p) => ({ chapter_id: w.a.id, supporter_id: p.id, assignee_id: w.organizerA.id, drive_id: drive.id })),
      )
      .execute()
    const big = await countQueries(handle, () => org.get(url, lazy))
    t.equal(big, small, `${big} queries`)
    const p = await org.get(url, lazy)
    t.match(p.body, 'Still to talk to (302)')
    t.match(p.body, 'The first 100 are shown', 'the open list is capped')
  })
})

t.test('a double submit of the assign form or of “log it” makes one record', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const ana = await f.supporter(db, w.a.id, w.localA.id, { name: 'Ana Twice' })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)

  const form = await org.get(`/assignments/new?supporter=${ana.id}`)
  const key = keyOf(form.body)
  t.ok(key, 'the assign form carries a one-time key')
  const body = { supporter_id: String(ana.id), assignee_id: String(w.volunteerA.id), _form_key: key }
  const first = await org.post('/assignments', body)
  t.equal(first.statusCode, 303)
  const second = await org.post('/assignments', body)
  t.equal(second.statusCode, 303)
  t.equal(second.headers.location, first.headers.location, 'the second send goes where the first went')
  t.match((await org.get(String(second.headers.location))).body, 'Saved already')
  t.equal((await db.selectFrom('assignments').selectAll().execute()).length, 1)
  const audits = await db.selectFrom('audit_log').selectAll().where('entity', '=', 'assignment').execute()
  t.equal(audits.length, 1, 'audited once')

  // "Done" unticked keeps the person on the list, so without the key a double tap would log twice.
  const a = await db.selectFrom('assignments').selectAll().executeTakeFirstOrThrow()
  const card = await vol.get(`/my-list/${a.id}`)
  const log = {
    kind: 'text',
    held_on: '2026-11-30',
    outcome: 'Texted about the forum',
    version: String(a.version),
    _form_key: keyOf(card.body),
  }
  const l1 = await vol.post(`/my-list/${a.id}`, log)
  const l2 = await vol.post(`/my-list/${a.id}`, log)
  t.equal(l1.statusCode, 303)
  t.equal(l2.statusCode, 303)
  t.equal(l2.headers.location, l1.headers.location)
  const conv = await db.selectFrom('conversations').selectAll().where('supporter_id', '=', ana.id).execute()
  t.equal(conv.length, 1, 'one conversation logged')
  const again = await vol.get(`/my-list/${a.id}`)
  const l3 = await vol.post(`/my-list/${a.id}`, { ...log, _form_key: keyOf(again.body) })
  t.equal(l3.statusCode, 303, 'a fresh form logs the next conversation')
  t.equal((await db.selectFrom('conversations').selectAll().execute()).length, 2)
})
