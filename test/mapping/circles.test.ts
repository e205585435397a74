// Labor circles and sections: members, drives in their unions, members in
// common following supporter changes, and the privacy rules for names/contacts.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('circles and sections follow the privacy rules and show drives in their unions', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Slate', is_current: true })
  await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, asks: 'slate' })
  const pat = await f.supporter(db, w.a.id, w.localA.id, {
    name: 'Pat Secretname',
    email: 'pat.secret@example.org',
    phone: '+15550001111',
    chapter_member: true,
    potential_leader: true,
  })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const bad = await org.post('/circles', { chapter_id: String(w.a.id), kind: 'section', name: 'CWA section' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, 'A section belongs to a union')
  const created = await org.post('/circles', {
    chapter_id: String(w.a.id),
    kind: 'section',
    name: 'CWA section',
    national_union_id: String(w.union.id),
    cadence: 'Monthly',
  })
  t.equal(created.statusCode, 303)
  const circle = await db.selectFrom('labor_circles').select('id').executeTakeFirstOrThrow()
  t.equal((await org.post(`/circles/${circle.id}/members`, { supporter_id: String(pat.id) })).statusCode, 303)
  t.equal((await db.selectFrom('labor_circle_members').selectAll().execute()).length, 1)

  const orgPage = await org.get(`/circles/${circle.id}`)
  t.match(orgPage.body, 'Pat Secretname')
  t.match(orgPage.body, 'pat.secret@example.org', 'organizers see contacts')
  t.match(orgPage.body, 'Alpha Local 1', 'the drive at a local of its union is listed')

  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const national = new Agent(app)
  await national.login(w.national.email, PASSWORD)
  for (const url of [`/circles/${circle.id}`, '/circles']) {
    const v = await vol.get(url)
    t.equal(v.statusCode, 200)
    t.notMatch(v.body, 'pat.secret@example.org', `volunteer sees no email on ${url}`)
    t.notMatch(v.body, '5550001111', `volunteer sees no phone on ${url}`)
    const n = await national.get(url)
    t.equal(n.statusCode, 200)
    for (const s of ['Pat Secretname', 'pat.secret@example.org', '5550001111'])
      t.notMatch(n.body, s, `national sees no ${s} on ${url}`)
  }
  t.match((await vol.get(`/circles/${circle.id}`)).body, 'Pat Secretname', 'volunteers see names')
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  t.equal((await orgB.get(`/circles/${circle.id}`)).statusCode, 404, 'another chapter’s circle is not found')
  t.equal((await vol.post(`/circles/${circle.id}/members`, { supporter_id: String(pat.id) })).statusCode, 403)
})

t.test('members in common follow supporter changes', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  t.match((await org.get(`/locals/${w.localA.id}`)).body, '0 chapter members inside')
  const s = await f.supporter(db, w.a.id, w.localA.id, { name: 'Sam', chapter_member: true })
  await f.supporter(db, w.a.id, w.localA.id, { name: 'Not a member', chapter_member: false })
  t.match((await org.get(`/locals/${w.localA.id}`)).body, '1 chapter member inside')
  await db.updateTable('supporters').set({ deleted_at: new Date() }).where('id', '=', s.id).execute()
  t.match((await org.get(`/locals/${w.localA.id}`)).body, '0 chapter members inside')
})
