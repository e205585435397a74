// A circle's contact person and meetings (version-checked, audited), and the
// chapter's section members listed on the drive page of a local of that union.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('circle contact person and section supporters on the drive page', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Slate', is_current: true })
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, asks: 'slate' })
  const pat = await f.supporter(db, w.a.id, null, {
    name: 'Pat Sectionmember',
    email: 'pat.section@example.org',
    chapter_member: true,
    potential_leader: true,
  })
  const lee = await f.supporter(db, w.a.id, null, { name: 'Lee Othermember', chapter_member: true })
  const bSupporter = await f.supporter(db, w.b.id, w.localB.id, { name: 'Bo Otherchapter' })
  const section = await db
    .insertInto('labor_circles')
    .values({ chapter_id: w.a.id, kind: 'section', name: 'CWA section', national_union_id: w.union.id })
    .returningAll()
    .executeTakeFirstOrThrow()
  await db.insertInto('labor_circle_members').values({ circle_id: section.id, supporter_id: pat.id }).execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const circleRow = () =>
    db.selectFrom('labor_circles').selectAll().where('id', '=', section.id).executeTakeFirstOrThrow()

  t.test('the drive page lists the section’s members for those who may see names', async (t) => {
    const page = await org.get(`/drives/${drive.id}`)
    t.equal(page.statusCode, 200)
    t.match(page.body, "From the chapter's section")
    t.match(
      page.body,
      /Pat Sectionmember<\/a> <span class="badge ok">potential leader<\/span> — <a href="\/circles\/\d+">CWA section<\/a>/,
    )
    t.notMatch(page.body, 'Lee Othermember', 'only section members')
    t.notMatch(page.body, 'pat.section@example.org')
    t.match((await vol.get(`/drives/${drive.id}`)).body, 'Pat Sectionmember', 'volunteers see names')
    const n = await nat.get(`/drives/${drive.id}`)
    t.equal(n.statusCode, 200)
    t.notMatch(n.body, 'Pat Sectionmember', 'national reviewers see no names')
    t.notMatch(n.body, "From the chapter's section")
  })

  t.test('an organizer sets the contact person and cadence; it is audited', async (t) => {
    const page = await org.get(`/circles/${section.id}`)
    t.match(page.body, 'Contact person and meetings')
    t.notMatch(page.body, 'Bo Otherchapter', 'only this chapter’s supporters are offered')
    const res = await org.post(`/circles/${section.id}/contact`, {
      contact_supporter_id: String(pat.id),
      cadence: 'Every other Thursday',
      version: String(section.version),
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/circles/${section.id}`)
    const row = await circleRow()
    t.equal(row.contact_supporter_id, pat.id)
    t.equal(row.cadence, 'Every other Thursday')
    t.equal(row.version, section.version + 1)
    const audit = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'labor_circle')
      .where('entity_id', '=', String(section.id))
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow()
    t.same(audit.after, { contact_supporter_id: pat.id, cadence: 'Every other Thursday' })
    const after = await org.get(`/circles/${section.id}`)
    t.match(after.body, 'contact: <a href="/people/' + pat.id + '">Pat Sectionmember</a>')
    t.match(after.body, 'meets: Every other Thursday')
    t.notMatch(
      (await nat.get(`/circles/${section.id}`)).body,
      'Pat Sectionmember',
      'national reviewers do not see the contact’s name',
    )
  })

  t.test('a stale version is a 409 that keeps the input and changes nothing', async (t) => {
    const res = await org.post(`/circles/${section.id}/contact`, {
      contact_supporter_id: String(lee.id),
      cadence: 'Weekly',
      version: String(section.version),
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, 'You changed this circle in another tab', 'the earlier save was this organizer’s own')
    t.match(res.body, 'value="Weekly"')
    t.match(res.body, 'Every other Thursday', 'the saved value is shown')
    const row = await circleRow()
    t.equal(row.contact_supporter_id, pat.id)
    t.equal(row.cadence, 'Every other Thursday')
  })

  t.test('another chapter’s supporter or a bad id is a 422; clearing works', async (t) => {
    const { version } = await circleRow()
    const other = await org.post(`/circles/${section.id}/contact`, {
      contact_supporter_id: String(bSupporter.id),
      cadence: 'Weekly',
      version: String(version),
    })
    t.equal(other.statusCode, 422)
    t.match(other.body, 'Choose a supporter of this chapter.')
    t.notMatch(other.body, 'Bo Otherchapter')
    const bad = await org.post(`/circles/${section.id}/contact`, {
      contact_supporter_id: 'abc',
      cadence: 'x'.repeat(201),
      version: String(version),
    })
    t.equal(bad.statusCode, 422)
    t.equal((await circleRow()).version, version)
    const cleared = await org.post(`/circles/${section.id}/contact`, {
      contact_supporter_id: '',
      cadence: '',
      version: String(version),
    })
    t.equal(cleared.statusCode, 303)
    const row = await circleRow()
    t.equal(row.contact_supporter_id, null)
    t.equal(row.cadence, null)
  })

  t.test('volunteers and national reviewers get 403, another chapter 404', async (t) => {
    const { version } = await circleRow()
    const form = { contact_supporter_id: String(pat.id), cadence: 'Weekly', version: String(version) }
    t.equal((await vol.post(`/circles/${section.id}/contact`, form)).statusCode, 403)
    t.equal((await nat.post(`/circles/${section.id}/contact`, form)).statusCode, 403)
    t.equal((await orgB.post(`/circles/${section.id}/contact`, form)).statusCode, 404)
    t.equal((await circleRow()).version, version)
    t.notMatch((await vol.get(`/circles/${section.id}`)).body, 'Contact person and meetings', 'no form for volunteers')
  })
})
