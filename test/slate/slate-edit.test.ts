import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, slate, world } from '../factories.ts'

t.test('editing a slate, who runs it and the current slate', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const login = async (u: { email: string }) => {
    const a = new Agent(app)
    await a.login(u.email, PASSWORD)
    return a
  }
  const admin = await login(w.admin)
  const orgA = await login(w.organizerA)
  const orgB = await login(w.organizerB)
  const vol = await login(w.volunteerA)
  const national = await login(w.national)
  const slateRow = (id: number) => db.selectFrom('slates').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  let alphaSlate = 0
  t.test(
    'an organizer creates a slate run by their chapter and, with no slate current, makes it current',
    async (t) => {
      const form = await orgA.get('/slates/new')
      t.match(form.body, 'One slate is current for everyone', 'the current-slate rule is stated on the form')
      const res = await orgA.post('/slates', {
        name: 'Alpha city slate',
        cycle: '2027',
        election_date: '2027-11-02',
        goal: '30',
        chapter_id: String(w.a.id),
        is_current: 'on',
      })
      t.equal(res.statusCode, 303)
      alphaSlate = Number(/\/slates\/(\d+)$/.exec(res.headers.location as string)![1])
      const row = await slateRow(alphaSlate)
      t.equal(row.chapter_id, w.a.id, 'the slate is run by chapter Alpha')
      t.equal(row.is_current, true, 'it is the current slate')
      const audit = await db
        .selectFrom('audit_log')
        .select(['action', 'chapter_id'])
        .where('entity', '=', 'slate')
        .where('entity_id', '=', String(alphaSlate))
        .execute()
      t.same(audit, [{ action: 'create', chapter_id: w.a.id }])
    },
  )

  t.test('an organizer cannot create a slate for another chapter or for the admins', async (t) => {
    for (const chapter_id of [String(w.b.id), '']) {
      const res = await orgA.post('/slates', { name: 'Sneaky', goal: '10', chapter_id })
      t.equal(res.statusCode, 422)
      t.match(res.body, 'Choose a chapter you organize in.')
      t.match(res.body, 'value="Sneaky"', 'what was typed is kept')
    }
    t.equal((await db.selectFrom('slates').select('id').where('name', '=', 'Sneaky').execute()).length, 0)
  })

  t.test('the organizers of the running chapter and admins edit it; others are refused', async (t) => {
    t.equal((await orgA.get(`/slates/${alphaSlate}/edit`)).statusCode, 200)
    t.equal((await admin.get(`/slates/${alphaSlate}/edit`)).statusCode, 200)
    for (const a of [orgB, vol, national]) {
      t.equal((await a.get(`/slates/${alphaSlate}/edit`)).statusCode, 403)
      t.equal((await a.post(`/slates/${alphaSlate}/edit`, { name: 'Taken', version: '1' })).statusCode, 403)
    }
    t.equal((await slateRow(alphaSlate)).name, 'Alpha city slate', 'nothing was written by the refused posts')
    const page = await orgA.get(`/slates/${alphaSlate}`)
    t.match(page.body, `href="/slates/${alphaSlate}/edit"`, 'the slate page offers Edit to its organizer')
    t.notMatch((await orgB.get(`/slates/${alphaSlate}`)).body, `/slates/${alphaSlate}/edit`, 'but not to others')
  })

  t.test('a saved edit changes the slate, is audited and shows in the slate’s history', async (t) => {
    const before = await slateRow(alphaSlate)
    const res = await orgA.post(`/slates/${alphaSlate}/edit`, {
      name: 'Alpha city slate 2027',
      cycle: '2027',
      election_date: '2027-11-09',
      goal: '40',
      chapter_id: String(w.a.id),
      is_current: 'on',
      version: String(before.version),
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/slates/${alphaSlate}`)
    const after = await slateRow(alphaSlate)
    t.equal(after.name, 'Alpha city slate 2027')
    t.equal(after.election_date, '2027-11-09')
    t.equal(after.goal, 40)
    t.equal(after.version, before.version + 1)
    const audit = await db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity', '=', 'slate')
      .where('entity_id', '=', String(alphaSlate))
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow()
    t.match(audit.after, { name: 'Alpha city slate 2027', goal: 40 })
    t.match(audit.before, { name: 'Alpha city slate', goal: 30 })
    const page = await vol.get(`/slates/${alphaSlate}`)
    t.match(page.body, 'History of this slate')
    t.match(page.body, 'name: Alpha city slate → Alpha city slate 2027')
    t.match(page.body, 'goal: 30 → 40')
  })

  t.test('a stale form is a 409 naming who saved first; nothing is overwritten', async (t) => {
    const res = await admin.post(`/slates/${alphaSlate}/edit`, {
      name: 'Admin’s stale name',
      goal: '40',
      chapter_id: String(w.a.id),
      version: '1',
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, /organizer \d+ changed this slate/)
    t.match(res.body, 'The values saved now')
    t.match(res.body, 'value="Admin’s stale name"', 'the admin’s typing is kept')
    t.equal((await slateRow(alphaSlate)).name, 'Alpha city slate 2027')
  })

  t.test('bad input comes back as the form with a message per field', async (t) => {
    const v = String((await slateRow(alphaSlate)).version)
    const res = await orgA.post(`/slates/${alphaSlate}/edit`, {
      name: '',
      goal: 'lots',
      election_date: '2027-02-31',
      chapter_id: String(w.a.id),
      version: v,
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'id="slate-name-err"')
    t.match(res.body, 'id="slate-goal-err"')
    t.match(res.body, 'value="lots"')
    t.equal((await slateRow(alphaSlate)).version, Number(v), 'nothing was saved')
  })

  t.test('an organizer cannot take the current slate from another chapter; an admin can', async (t) => {
    const bravo = await orgB.post('/slates', { name: 'Bravo slate', goal: '10', chapter_id: String(w.b.id) })
    t.equal(bravo.statusCode, 303)
    const bravoId = Number(/\/slates\/(\d+)$/.exec(bravo.headers.location as string)![1])
    const edit = await orgB.get(`/slates/${bravoId}/edit`)
    t.match(edit.body, 'Ask an admin to make this slate current.', 'the way forward is named')
    t.match(edit.body, 'Current now: Alpha city slate 2027.')
    const v = String((await slateRow(bravoId)).version)
    const res = await orgB.post(`/slates/${bravoId}/edit`, {
      name: 'Bravo slate',
      goal: '10',
      chapter_id: String(w.b.id),
      is_current: 'on',
      version: v,
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Only an admin can make it the current slate now')
    t.equal((await slateRow(alphaSlate)).is_current, true, 'Alpha’s slate is still current')
    const ok = await admin.post(`/slates/${bravoId}/edit`, {
      name: 'Bravo slate',
      goal: '10',
      chapter_id: String(w.b.id),
      is_current: 'on',
      version: v,
    })
    t.equal(ok.statusCode, 303)
    t.equal((await slateRow(bravoId)).is_current, true)
    t.equal((await slateRow(alphaSlate)).is_current, false, 'one current slate at a time')
  })

  t.test('the slate page reads the same number of queries with or without history', async (t) => {
    const fresh = await slate(db, { name: 'No history', goal: 10 })
    const a = await countQueries(handle, () => vol.get(`/slates/${fresh.id}`))
    const b = await countQueries(handle, () => vol.get(`/slates/${alphaSlate}`))
    t.equal(a, b)
    t.ok(b <= 12, `${b} queries`)
  })
})
