import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD } from '../factories.ts'

// The dashboard of an empty instance or a new chapter says what to do first,
// and stops saying it once the chapter has a drive.
t.test('first steps on the dashboard', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const admin = await f.user(db, 'admin')
  const asAdmin = new Agent(app)
  await asAdmin.login(admin.email, PASSWORD)
  const steps = (body: string) => body.slice(body.indexOf('id="first-steps"'), body.indexOf('</ol>'))

  await t.test('an empty instance: every step open, the admin ones first', async (t) => {
    const res = await asAdmin.get('/')
    t.equal(res.statusCode, 200)
    const s = steps(res.body)
    t.match(s, 'First steps')
    t.match(s, /href="\/admin\/chapters">Add your chapter<\/a><\/li>/)
    t.match(s, /href="\/admin\/import">Import the union directory/)
    t.match(s, /href="\/locals\/claim">Claim the locals/)
    t.match(s, /href="\/slates">Set up the current slate/)
    t.notMatch(s, 'done')
    t.ok(s.indexOf('Add your chapter') < s.indexOf('Claim the locals'), 'in the order they are done')
  })

  const chapter = await f.chapter(db, { name: 'Lowell', slug: 'lowell' })
  const union = await f.nationalUnion(db)
  const unclaimed = await f.local(db, { name: 'Unclaimed Local 9', national_union_id: union.id })
  const organizer = await f.user(db, 'organizer', chapter.id)
  const volunteer = await f.user(db, 'volunteer', chapter.id)
  const asOrganizer = new Agent(app)
  await asOrganizer.login(organizer.email, PASSWORD)

  await t.test('steps done so far say so; an organizer sees only the chapter steps', async (t) => {
    const a = steps((await asAdmin.get('/')).body)
    t.match(a, /Add your chapter<\/a> <span class="badge ok">done<\/span> <span class="muted">1 chapter so far/)
    t.match(
      a,
      /Import the union directory[^<]*<\/a> <span class="badge ok">done<\/span> <span class="muted">1 local in/,
    )
    t.match(a, /Claim the locals your chapter organizes in<\/a><\/li>/, 'nothing claimed yet')
    const o = steps((await asOrganizer.get('/')).body)
    t.notMatch(o, 'Add your chapter')
    t.notMatch(o, 'Import the union directory')
    t.match(o, /Claim the locals your chapter organizes in<\/a><\/li>/)
  })

  await t.test('a volunteer is not shown steps they cannot take', async (t) => {
    const asVolunteer = new Agent(app)
    await asVolunteer.login(volunteer.email, PASSWORD)
    const res = await asVolunteer.get('/')
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, 'id="first-steps"')
  })

  await t.test('claimed locals and a current slate are done; a drive ends the steps', async (t) => {
    await db.updateTable('locals').set({ chapter_id: chapter.id }).where('id', '=', unclaimed.id).execute()
    const slate = await f.slate(db, { name: 'Cycle slate', is_current: true })
    const o = steps((await asOrganizer.get('/')).body)
    t.match(o, /Claim the locals[^<]*<\/a> <span class="badge ok">done<\/span> <span class="muted">1 local claimed/)
    t.match(o, /Set up the current slate[^<]*<\/a> <span class="badge ok">done<\/span>/)
    const withSteps = await countQueries(handle, () => asOrganizer.get('/'))
    await f.drive(db, slate.id, unclaimed.id, { chapter_id: chapter.id })
    const res = await asOrganizer.get('/')
    t.notMatch(res.body, 'id="first-steps"', 'the chapter has a drive: no more first steps')
    const without = await countQueries(handle, () => asOrganizer.get('/'))
    t.equal(withSteps, without + 1, 'the steps cost one query, and only while there is no drive')
  })
})
