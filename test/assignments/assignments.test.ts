import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('assignments and my list', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'S', is_current: true })
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id })
  const person = (name: string, level: number | null, email?: string, chapterId = w.a.id, localId = w.localA.id) =>
    f.supporter(db, chapterId, localId, { name, current_level: level, email: email ?? null })
  const ana = await person('Ana Assignee', 2, 'ana.secret@example.org')
  const ben = await person('Ben Undecided', 3)
  const cy = await person('Cy Later', 4)
  const bravo = await person('Bravo Person', 2, undefined, w.b.id, w.localB.id)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const assignments = () => db.selectFrom('assignments').selectAll().orderBy('id').execute()

  t.test('the assign form lists the people picked and the chapter’s members with accounts', async (t) => {
    const res = await org.get(`/assignments/new?supporter=${ana.id}&supporter=${ben.id}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Ana Assignee')
    t.match(res.body, 'Ben Undecided')
    t.match(res.body, w.volunteerA.name)
    t.notMatch(res.body, w.organizerB.name, 'no one from another chapter to assign to')
    t.notMatch(res.body, 'ana.secret@example.org')
  })

  t.test('the people list’s filters carry over: the people shown are preselected', async (t) => {
    const res = await org.get('/assignments/new?level=3')
    t.equal(res.statusCode, 200)
    t.match(res.body, /value="\d+" checked> Ben Undecided/)
    t.notMatch(res.body, 'Ana Assignee')
    const list = await org.get('/people?level=3')
    t.match(list.body, 'href="/assignments/new?level=3"', 'the people list links to assign the people shown')
  })

  t.test('a form without people or assignee comes back with a message per field and the values kept', async (t) => {
    const res = await org.post('/assignments', { ask: 'Sign the petition', due_on: '2026-13-40' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Choose at least one person.')
    t.match(res.body, 'Who talks to them')
    t.match(res.body, 'not a real date')
    t.match(res.body, 'value="Sign the petition"')
    t.equal((await assignments()).length, 0)
  })

  t.test('an assignee from another chapter is refused', async (t) => {
    const res = await org.post('/assignments', { supporter_id: String(ana.id), assignee_id: String(w.organizerB.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Choose a member of the chapter with an account.')
    t.equal((await assignments()).length, 0)
  })

  t.test('an organizer cannot assign another chapter’s supporters', async (t) => {
    const res = await orgB.post('/assignments', { supporter_id: String(ana.id), assignee_id: String(w.organizerB.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Choose people from a chapter you organize.')
    t.equal((await assignments()).length, 0)
  })

  t.test('volunteers give out no assignments', async (t) => {
    t.equal((await vol.get('/assignments')).statusCode, 403)
    t.equal((await vol.get('/assignments/new')).statusCode, 403)
    const res = await vol.post('/assignments', { supporter_id: String(ana.id), assignee_id: String(w.volunteerA.id) })
    t.equal(res.statusCode, 403)
    t.equal((await assignments()).length, 0)
  })

  t.test(
    'assigning three people writes three rows tied to the drive, audited; a double submit adds nothing',
    async (t) => {
      const form = {
        supporter_id: [String(ana.id), String(ben.id), String(cy.id), String(bravo.id)],
        assignee_id: String(w.volunteerA.id),
        ask: 'Invite to the candidate forum',
        due_on: '2020-01-10',
        drive_id: String(drive.id),
      }
      const res = await org.post('/assignments', form)
      t.equal(res.statusCode, 303)
      t.equal(res.headers.location, `/drives/${drive.id}`)
      const rows = await assignments()
      t.same(
        rows.map((r) => [r.supporter_id, r.assignee_id, r.drive_id, r.status, r.ask]),
        [ana, ben, cy].map((p) => [p.id, w.volunteerA.id, drive.id, 'open', 'Invite to the candidate forum']),
        'the other chapter’s person is left out',
      )
      const again = await org.post('/assignments', form)
      t.equal(again.statusCode, 303)
      t.equal((await assignments()).length, 3, 'no duplicate on a second submit')
      const page = await org.get(`/drives/${drive.id}`)
      t.match(page.body, '3 people were already on that list.')
      // Different due dates so the list's order is visible: Cy is due latest, Ben has no date.
      await db.updateTable('assignments').set({ due_on: '2099-01-01' }).where('supporter_id', '=', cy.id).execute()
      await db.updateTable('assignments').set({ due_on: null }).where('supporter_id', '=', ben.id).execute()
      const audits = await db.selectFrom('audit_log').selectAll().where('entity', '=', 'assignment').execute()
      t.equal(audits.length, 1)
    },
  )

  t.test('the organizer sees each assignee’s progress', async (t) => {
    const res = await org.get('/assignments')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Alpha Local 1')
    t.match(res.body, new RegExp(`${w.volunteerA.name}</th><td class="num">3</td><td class="num">0 `))
    t.match(res.body, '<span class="badge err">1</span>', 'one overdue')
  })

  t.test('my list: due first, overdue flagged, names and levels, no contact details', async (t) => {
    const res = await vol.get('/my-list')
    t.equal(res.statusCode, 200)
    t.match(res.body, /Ana Assignee[\s\S]*Overdue[\s\S]*Cy Later[\s\S]*Ben Undecided/)
    t.match(res.body, 'level 2')
    t.notMatch(res.body, 'ana.secret@example.org')
    const mine = await assignments()
    const card = await vol.get(`/my-list/${mine[0]!.id}`)
    t.equal(card.statusCode, 200)
    t.match(card.body, 'Invite to the candidate forum')
    t.notMatch(card.body, 'ana.secret@example.org', 'volunteers see no contact details by default')
    t.equal((await org.get(`/my-list/${mine[0]!.id}`)).statusCode, 404, 'someone else’s assignment is not found')
  })

  t.test('the chapter setting shows volunteers the contacts of assigned people, audited', async (t) => {
    const chapter = await db.selectFrom('chapters').select('version').where('id', '=', w.a.id).executeTakeFirstOrThrow()
    t.equal(
      (await vol.post('/assignments/settings', { chapter_id: String(w.a.id), assigned_contacts: 'on' })).statusCode,
      403,
    )
    const res = await org.post('/assignments/settings', {
      chapter_id: String(w.a.id),
      assigned_contacts: 'on',
      version: String(chapter.version),
    })
    t.equal(res.statusCode, 303)
    const mine = await assignments()
    const card = await vol.get(`/my-list/${mine[0]!.id}`)
    t.match(card.body, 'ana.secret@example.org')
    const a = await db.selectFrom('audit_log').selectAll().where('entity', '=', 'chapter').execute()
    t.same(a.at(-1)?.after, { assigned_contacts: true })
    const off = await org.post('/assignments/settings', {
      chapter_id: String(w.a.id),
      version: String(chapter.version + 1),
    })
    t.equal(off.statusCode, 303)
    t.notMatch((await vol.get(`/my-list/${mine[0]!.id}`)).body, 'ana.secret@example.org')
  })

  t.test(
    'logging from the card writes the conversation and the level, marks it done, goes to the next person',
    async (t) => {
      const mine = await assignments()
      const first = mine[0]!
      const bad = await vol.post(`/my-list/${first.id}`, {
        kind: '',
        held_on: '1926-02-30',
        version: String(first.version),
        outcome: 'kept',
      })
      t.equal(bad.statusCode, 422)
      t.match(bad.body, 'Choose what kind of conversation it was.')
      t.match(bad.body, 'value="kept"')
      const res = await vol.post(`/my-list/${first.id}`, {
        kind: 'call',
        held_on: '2026-11-30',
        outcome: 'Will come to the forum',
        level: '1',
        follow_up_on: '2026-12-10',
        done: 'on',
        version: String(first.version),
      })
      t.equal(res.statusCode, 303)
      const cyRow = mine.find((m) => m.supporter_id === cy.id)!
      t.equal(res.headers.location, `/my-list/${cyRow.id}`, 'on to the next person, due first')
      const conv = await db.selectFrom('conversations').selectAll().where('supporter_id', '=', ana.id).execute()
      t.equal(conv.length, 1)
      t.equal(conv[0]!.drive_id, drive.id)
      t.equal(conv[0]!.follow_up_on, '2026-12-10')
      const s = await db
        .selectFrom('supporters')
        .select('current_level')
        .where('id', '=', ana.id)
        .executeTakeFirstOrThrow()
      t.equal(s.current_level, 1)
      const done = await db.selectFrom('assignments').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow()
      t.equal(done.status, 'done')
      t.equal(done.conversation_id, conv[0]!.id)
      t.notMatch((await vol.get('/my-list')).body, '<strong>Ana Assignee</strong>', 'done ones leave the list')

      const twice = await vol.post(`/my-list/${first.id}`, {
        kind: 'call',
        held_on: '2026-11-30',
        done: 'on',
        version: String(first.version),
      })
      t.equal(twice.statusCode, 303, 'Back and submit again')
      const conv2 = await db.selectFrom('conversations').selectAll().where('supporter_id', '=', ana.id).execute()
      t.equal(conv2.length, 1, 'nothing logged twice')
    },
  )

  t.test('unticking “done” logs the conversation and keeps the person on the list', async (t) => {
    const row = (await assignments()).find((m) => m.supporter_id === cy.id)!
    const res = await vol.post(`/my-list/${row.id}`, {
      kind: 'text',
      held_on: '2026-11-30',
      version: String(row.version),
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/my-list')
    t.match((await vol.get('/my-list')).body, 'Cy Later')
  })

  t.test('working through the rest empties the list', async (t) => {
    for (const row of (await assignments()).filter((r) => r.status === 'open')) {
      const res = await vol.post(`/my-list/${row.id}`, {
        kind: 'one_on_one',
        held_on: '2026-11-30',
        done: 'on',
        version: String(row.version),
      })
      t.equal(res.statusCode, 303)
    }
    const page = await vol.get('/my-list')
    t.match(page.body, 'All done')
    t.equal((await assignments()).filter((r) => r.status === 'open').length, 0)
  })

  t.test('an organizer takes back an open assignment', async (t) => {
    await org.post('/assignments', { supporter_id: String(ben.id), assignee_id: String(w.organizerA.id) })
    const row = (await assignments()).at(-1)!
    t.equal((await vol.post(`/assignments/${row.id}/cancel`)).statusCode, 403)
    t.equal((await orgB.post(`/assignments/${row.id}/cancel`)).statusCode, 404)
    const res = await org.post(`/assignments/${row.id}/cancel`)
    t.equal(res.statusCode, 303)
    const after = await db.selectFrom('assignments').select('status').where('id', '=', row.id).executeTakeFirstOrThrow()
    t.equal(after.status, 'cancelled')
  })

  t.test('my list answers in the same number of queries for 5 or 500 assignments', async (t) => {
    const make = async (n: number) => {
      const ids = await f.many(n, (i) => f.supporter(db, w.a.id, w.localA.id, { name: `Bulk ${n}-${i}` }))
      await db
        .insertInto('assignments')
        .values(
          ids.map((r, i) => ({
            chapter_id: w.a.id,
            supporter_id: r.id,
            assignee_id: w.organizerA.id,
            due_on: sql<string>`current_date + ${i % 9}::int` as never,
          })),
        )
        .execute()
    }
    await make(5)
    const small = await countQueries(handle, () => org.get('/my-list'))
    await make(495)
    const big = await countQueries(handle, () => org.get('/my-list'))
    t.equal(big, small, `${big} queries with 500 assigned, as with 5`)
    const page = await org.get('/my-list')
    t.match(page.body, '500 to talk to')
    t.equal((page.body.match(/href="\/my-list\/\d+"/g) ?? []).length, 100, 'a phone’s worth: the first 100, due first')
    t.match(page.body, '<a href="/my-list?from=100">Show the next 100</a>')
    const last = await org.get('/my-list?from=400')
    t.equal((last.body.match(/href="\/my-list\/\d+"/g) ?? []).length, 100, 'the last hundred')
    t.notMatch(last.body, 'Show the next')
    t.match(last.body, '<a href="/my-list">Back to the first ones</a>')
    t.equal(await countQueries(handle, () => org.get('/my-list?from=400')), small, 'later pages cost the same')
    const past = await org.get('/my-list?from=900')
    t.equal(past.statusCode, 303, 'past the end: back to the start')
    t.equal((await org.get('/my-list?from=abc')).statusCode, 400)
    const bigAssign = await countQueries(handle, () => org.get('/assignments'))
    t.ok(bigAssign <= small + 4, `the progress page is bounded too (${bigAssign})`)
  })
})
