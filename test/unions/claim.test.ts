import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { importOlms } from '../../src/imports/olms.ts'

t.test('claiming directory locals for a chapter', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const res = await importOlms(
    db,
    [
      'aff_abbr,desig_num,f_num',
      'SEIU,509,800001',
      'CWA,1400,800002',
      'ATU,589,800003',
      'SEIU,1199,800004',
      'SEIU,1199,800005',
      'IBT,25,800006',
      'UAW,2865,800007',
    ].join('\n'),
    { actorId: null, requestId: 'test' },
  )
  t.ok(res.ok)
  const id = async (fnum: number) =>
    (await db.selectFrom('locals').select('id').where('olms_file_number', '=', fnum).executeTakeFirstOrThrow()).id
  const chapterOf = async (fnum: number) =>
    (await db.selectFrom('locals').select('chapter_id').where('olms_file_number', '=', fnum).executeTakeFirstOrThrow())
      .chapter_id
  await db.updateTable('locals').set({ chapter_id: w.b.id }).where('olms_file_number', '=', 800006).execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)

  t.test('an organizer ticks locals in a search result and claims them at once, audited', async (t) => {
    const list = await org.get('/locals?q=seiu')
    t.match(list.body, 'Claim the ticked locals for Alpha')
    t.match(list.body, `name="local" value="${await id(800001)}"`)
    const post = await org.post('/locals/claim', {
      chapter_id: String(w.a.id),
      local: [String(await id(800001)), String(await id(800002))],
      back: '/locals?q=seiu',
    })
    t.equal(post.statusCode, 303)
    t.match(post.headers.location, /^\/locals\/claimed\?ids=\d+,\d+$/)
    t.equal(await chapterOf(800001), w.a.id)
    t.equal(await chapterOf(800002), w.a.id)
    const audits = await db
      .selectFrom('audit_log')
      .select(['entity_id', 'actor_id', 'chapter_id'])
      .where('action', '=', 'claim')
      .orderBy('id')
      .execute()
    t.same(
      audits.map((a) => [Number(a.entity_id), a.actor_id, a.chapter_id]).sort((x, y) => x[0]! - y[0]!),
      [
        [await id(800001), w.organizerA.id, w.a.id],
        [await id(800002), w.organizerA.id, w.a.id],
      ],
    )
    const page = await org.get(post.headers.location as string)
    t.match(page.body, 'SEIU Local 509')
    t.match(page.body, 'Fill in the basics')
  })

  t.test('claiming again, or a local of another chapter, changes nothing', async (t) => {
    const post = await org.post('/locals/claim', {
      chapter_id: String(w.a.id),
      local: [String(await id(800001)), String(await id(800006))],
    })
    t.equal(post.statusCode, 303)
    t.equal(await chapterOf(800006), w.b.id, 'Bravo keeps its local')
    const n = await db.selectFrom('audit_log').select('id').where('action', '=', 'claim').execute()
    t.equal(n.length, 2, 'no new audit rows')
  })

  t.test('an organizer cannot claim for a chapter they do not organize; a volunteer cannot claim', async (t) => {
    const post = await org.post('/locals/claim', { chapter_id: String(w.b.id), local: String(await id(800003)) })
    t.equal(post.statusCode, 303)
    t.equal(await chapterOf(800003), null)
    const list = await vol.get('/locals?q=atu')
    t.notMatch(list.body, 'name="local"')
    t.notMatch(list.body, 'Claim the ticked')
    t.equal(
      (await vol.post('/locals/claim', { chapter_id: String(w.a.id), local: String(await id(800003)) })).statusCode,
      403,
    )
    t.equal((await vol.get('/locals/claim')).statusCode, 403)
    t.equal(await chapterOf(800003), null)
  })

  t.test(
    'a pasted list shows what matched, what is ambiguous and what was not found, and claims nothing yet',
    async (t) => {
      const page = await org.get(`/locals/claim?list=${encodeURIComponent('ATU 589, SEIU 1199; Nowhere 42\nSEIU 509')}`)
      t.equal(page.statusCode, 200)
      t.match(page.body, '1 found · 1 need you to pick · 1 not found · 1 already in Alpha')
      t.match(page.body, new RegExp(`value="${await id(800003)}" checked`), 'the single match is ticked')
      t.match(page.body, new RegExp(`value="${await id(800004)}">`), 'ambiguous ones are offered, not ticked')
      t.match(page.body, new RegExp(`value="${await id(800005)}">`))
      t.match(page.body, '“Nowhere 42”</strong>\n — not found')
      t.equal(await chapterOf(800003), null, 'nothing claimed by looking')
      const post = await org.post('/locals/claim', {
        chapter_id: String(w.a.id),
        local: [String(await id(800003)), String(await id(800005))],
      })
      t.equal(post.statusCode, 303)
      t.equal(await chapterOf(800003), w.a.id)
      t.equal(await chapterOf(800005), w.a.id)
      t.equal(await chapterOf(800004), null, 'the one not picked stays unclaimed')
    },
  )

  t.test('the pasted list costs the same number of queries for 2 entries or 20', async (t) => {
    const few = await countQueries(handle, () => org.get('/locals/claim?list=SEIU+509,CWA+1400'))
    const many = Array.from({ length: 20 }, (_, i) => `SEIU ${500 + i}`).join(',')
    const lots = await countQueries(handle, () => org.get(`/locals/claim?list=${encodeURIComponent(many)}`))
    t.equal(few, lots)
    t.ok(lots <= 8, `${lots} queries`)
  })

  t.test('the locals list with claim boxes stays within its query bound', async (t) => {
    const n = await countQueries(handle, () => org.get('/locals?q=local'))
    t.ok(n <= 8, `${n} queries`)
  })

  t.test('the short form saves place, size, sector, who decides, threshold and notice', async (t) => {
    const localId = await id(800001)
    const form = await org.get(`/locals/${localId}/quick?next=${encodeURIComponent(`/locals/claimed?ids=${localId}`)}`)
    t.equal(form.statusCode, 200)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const save = await org.post(`/locals/${localId}/quick`, {
      version,
      city: 'Boston',
      state: 'ma',
      members: '12000',
      sector: 'public',
      deciding_body: 'executive_board',
      threshold: 'two_thirds',
      notice_days: '14',
      next: `/locals/claimed?ids=${localId}`,
    })
    t.equal(save.statusCode, 303)
    t.equal(save.headers.location, `/locals/claimed?ids=${localId}`)
    const row = await db.selectFrom('locals').selectAll().where('id', '=', localId).executeTakeFirstOrThrow()
    t.same(
      [row.city, row.state, row.members, row.sector, row.deciding_body, row.threshold, row.notice_days],
      ['Boston', 'MA', 12000, 'public', 'executive_board', 'two_thirds', 14],
    )
    t.ok((await org.get('/locals?q=boston')).body.includes('SEIU Local 509'), 'now found by its place')
    const audit = await db
      .selectFrom('audit_log')
      .select('after')
      .where('entity', '=', 'local')
      .where('entity_id', '=', String(localId))
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow()
    t.match(audit.after, { city: 'Boston', members: 12000 })
  })

  t.test('bad values come back with a message per field and what was typed', async (t) => {
    const localId = await id(800002)
    const form = await org.get(`/locals/${localId}/quick`)
    const version = /name="version" value="(\d+)"/.exec(form.body)![1]!
    const bad = await org.post(`/locals/${localId}/quick`, {
      version,
      city: 'Chicago',
      state: 'Illinois',
      members: '-5',
    })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'State must be a two-letter code')
    t.match(bad.body, 'value="Chicago"')
    t.match(bad.body, 'value="Illinois"')
    const row = await db.selectFrom('locals').select('city').where('id', '=', localId).executeTakeFirstOrThrow()
    t.equal(row.city, null)
  })

  t.test('a stale short form is a conflict naming who saved, and changes nothing', async (t) => {
    const localId = await id(800001)
    const stale = await org.post(`/locals/${localId}/quick`, { version: '1', city: 'Worcester' })
    t.equal(stale.statusCode, 409)
    t.match(stale.body, 'The values saved now')
    const row = await db.selectFrom('locals').select('city').where('id', '=', localId).executeTakeFirstOrThrow()
    t.equal(row.city, 'Boston')
  })

  t.test('a volunteer may not open the short form', async (t) => {
    t.equal((await vol.get(`/locals/${await id(800001)}/quick`)).statusCode, 403)
  })
})
