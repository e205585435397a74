import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('the meeting page records a vote once, whatever the phone resends', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  await db
    .updateTable('locals')
    .set({ threshold: 'two_thirds', quorum: '25 members' })
    .where('id', '=', w.localA.id)
    .execute()
  const slate = await f.slate(db, { name: 'S', is_current: true })
  const drive = await f.drive(db, slate.id, w.localA.id, {
    chapter_id: w.a.id,
    stage: 'vote',
    asks: 'slate',
    vote_date: '2026-12-01',
  })
  await db
    .insertInto('filings')
    .values({
      drive_id: drive.id,
      filed_on: '2026-11-01',
      body: 'General membership',
      text_filed: 'RESOLVED, that Alpha Local 1 endorses the slate.',
    })
    .execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const org2 = new Agent(app)
  await org2.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const url = `/drives/${drive.id}/meeting`
  const sync = { headers: { 'x-meeting-sync': '1' } }
  const decisions = () => db.selectFrom('decisions').selectAll().where('drive_id', '=', drive.id).execute()

  t.test('the page shows the body, its rule, the motion and the forms', async (t) => {
    const res = await org.get(url)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Two-thirds')
    t.match(res.body, '25 members')
    t.match(res.body, 'RESOLVED, that Alpha Local 1 endorses the slate.')
    t.match(res.body, 'Record the vote')
    t.match(res.body, '<script src="/static/meeting.js" defer></script>')
    t.notMatch(res.body, /<script>/, 'no inline script')
    const v = await vol.get(url)
    t.equal(v.statusCode, 200)
    t.notMatch(v.body, 'Record the vote', 'volunteers see the page but record nothing')
    t.equal((await vol.post(url, { kind: 'attendance', key: 'volunteer-key-1', present: '3' })).statusCode, 403)
  })

  t.test('bad entries come back with a message, nothing stored', async (t) => {
    const res = await org.post(url, {
      kind: 'result',
      choice: 'counted',
      key: 'bad-key-0001',
      votes_for: '0',
      votes_against: '0',
      abstain: '4',
    })
    t.equal(res.statusCode, 422)
    t.match(
      res.body,
      'A counted vote needs at least one vote for or against',
      'the drive page’s rule, abstentions or not',
    )
    const s = await org.post(url, { kind: 'attendance', key: 'bad-key-0002', present: '-4' }, sync)
    t.equal(s.statusCode, 422)
    t.equal((await db.selectFrom('meeting_entries').selectAll().execute()).length, 0)
  })

  t.test(
    'attendance sent twice with the same key is stored once; a second phone’s different count is kept as a conflict',
    async (t) => {
      const a = await org.post(
        url,
        { kind: 'attendance', key: 'phone1-att-0001', present: '40', quorum_met: 'on' },
        sync,
      )
      t.equal(a.statusCode, 201)
      const again = await org.post(
        url,
        { kind: 'attendance', key: 'phone1-att-0001', present: '40', quorum_met: 'on' },
        sync,
      )
      t.equal(again.statusCode, 200)
      t.equal(again.body, 'Already saved.')
      const other = await org2.post(
        url,
        { kind: 'attendance', key: 'phone2-att-0001', present: '38', quorum_met: 'on' },
        sync,
      )
      t.equal(other.statusCode, 409, 'a second phone that had not seen the first count')
      t.match(other.body, 'Another phone saved 40 present first.')
      const fix = await org.post(
        url,
        { kind: 'attendance', key: 'phone1-att-0002', present: '41', quorum_met: 'on', base_key: 'phone1-att-0001' },
        sync,
      )
      t.equal(fix.statusCode, 201, 'a phone that saw the count may correct it')
      const page = await org.get(url)
      t.match(page.body, 'Saved: <strong>41 present</strong>')
      t.match(page.body, 'Conflict: not used')
      const rows = await db.selectFrom('meeting_entries').select(['key', 'conflict']).orderBy('id').execute()
      t.same(rows, [
        { key: 'phone1-att-0001', conflict: false },
        { key: 'phone2-att-0001', conflict: true },
        { key: 'phone1-att-0002', conflict: false },
      ])
    },
  )

  t.test('an amendment is saved', async (t) => {
    const res = await org.post(url, {
      kind: 'amendment',
      key: 'phone1-amd-0001',
      text: 'Add the school board candidate',
      amendment_outcome: 'adopted',
    })
    t.equal(res.statusCode, 303)
    t.match((await org.get(url)).body, 'Amendment adopted: Add the school board candidate')
  })

  t.test('the tally becomes the drive’s decision by the local’s rule, once, with its consequences', async (t) => {
    const form = {
      kind: 'result',
      choice: 'counted',
      key: 'phone1-res-0001',
      votes_for: '27',
      votes_against: '13',
      abstain: '1',
    }
    const first = await org.post(url, form, sync)
    t.equal(first.statusCode, 201)
    t.match(first.body, 'Adopted!')
    const again = await org.post(url, form, sync)
    t.equal(again.statusCode, 200, 'the reconnecting phone sends it again')
    const other = await org2.post(url, { ...form, key: 'phone2-res-0001', votes_for: '26' }, sync)
    t.equal(other.statusCode, 409, 'a second phone’s result is kept, not counted')
    const ds = await decisions()
    t.equal(ds.length, 1, 'exactly one decision')
    t.equal(ds[0]!.outcome, 'adopted', '27 of 40 cast is two-thirds')
    t.equal(ds[0]!.threshold, 'two_thirds')
    t.equal(ds[0]!.votes_for, 27)
    t.match(
      ds[0]!.note,
      'Recorded live on the meeting page: 41 present (quorum reached); ' +
        'amendment “Add the school board candidate” adopted',
    )
    const d = await db
      .selectFrom('drives')
      .select(['status', 'stage'])
      .where('id', '=', drive.id)
      .executeTakeFirstOrThrow()
    t.same(d, { status: 'won', stage: 'vote' })
    const e = await db.selectFrom('endorsements').selectAll().where('decision_id', '=', ds[0]!.id).execute()
    t.equal(e.length, 1, 'the slate endorsement is recorded')
    const page = await org.get(`/drives/${drive.id}`)
    t.match(page.body, 'Recorded live on the meeting page', 'the drive timeline shows the meeting’s steps')
    t.match((await org.get(url)).body, 'Recorded: Adopted')
  })

  t.test('“No quorum” is one tap with the next date and keeps the drive at the vote', async (t) => {
    const other = await f.local(db, { name: 'Alpha Local 7', chapter_id: w.a.id, national_union_id: w.union.id })
    const d2 = await f.drive(db, slate.id, other.id, { chapter_id: w.a.id, stage: 'vote' })
    const res = await org.post(`/drives/${d2.id}/meeting`, {
      kind: 'result',
      key: 'noquorum-0001',
      choice: 'no_quorum',
      next_date: '2027-01-05',
    })
    t.equal(res.statusCode, 303)
    const dec = await db.selectFrom('decisions').selectAll().where('drive_id', '=', d2.id).execute()
    t.same(
      dec.map((x) => [x.outcome, x.next_date, x.quorum_met]),
      [['no_quorum', '2027-01-05', false]],
    )
    const after = await db
      .selectFrom('drives')
      .select(['status', 'vote_date'])
      .where('id', '=', d2.id)
      .executeTakeFirstOrThrow()
    t.same(after, { status: 'active', vote_date: '2027-01-05' })
  })

  t.test('another chapter’s organizer finds no meeting page; the page is bounded in queries', async (t) => {
    const b = new Agent(app)
    await b.login(w.organizerB.email, PASSWORD)
    t.equal((await b.get(url)).statusCode, 404)
    const n1 = await countQueries(handle, () => org.get(url))
    for (let i = 0; i < 30; i++)
      await org.post(url, { kind: 'amendment', key: `many-amd-${String(i).padStart(4, '0')}`, text: `A${i}` }, sync)
    const n2 = await countQueries(handle, () => org.get(url))
    t.equal(n2, n1)
  })

  t.test('the service worker is served as a script', async (t) => {
    const res = await new Agent(app).get('/meeting-sw.js')
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'javascript')
    t.match(res.body, 'tenfold-meeting')
  })
})
