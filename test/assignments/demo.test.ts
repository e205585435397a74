// The demo data set gives the Boston volunteer and organizer a "my list", and
// Boston an upcoming meeting to open on a phone.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'

t.test('the demo volunteer and organizer have assignments, and Boston has a meeting ahead', async (t) => {
  const { app, db } = await buildTestApp(t)
  const summary = await loadDemo(db)
  t.match(summary, /9 assignments \(5 for the Boston volunteer, 4 for the organizer, one done\)/)
  t.equal(await loadDemo(db), 'already loaded', 'loading twice adds nothing')
  t.equal((await db.selectFrom('assignments').selectAll().execute()).length, 9)

  const vol = new Agent(app)
  await vol.login('volunteer.boston@example.org', DEMO_PASSWORD)
  const list = await vol.get('/my-list')
  t.equal(list.statusCode, 200)
  t.equal((list.body.match(/href="\/my-list\/\d+"/g) ?? []).length, 5, 'five people on the volunteer’s list')
  t.match(list.body, 'Overdue')
  t.match(list.body, 'today')
  t.notMatch(list.body, /@example\.org|555-01/, 'no contact details for a volunteer')

  const org = new Agent(app)
  await org.login('organizer.boston@example.org', DEMO_PASSWORD)
  const mine = await org.get('/my-list')
  t.equal((mine.body.match(/href="\/my-list\/\d+"/g) ?? []).length, 3, 'three open, one done')
  const progress = await org.get('/assignments')
  t.match(progress.body, /Vic Volunteer<\/th><td class="num">\d<\/td>/)
  t.match(progress.body, /Omar Organizer<\/th><td class="num">\d<\/td><td class="num">1 /, 'one done')

  const meeting = /the next Boston meeting is drive (\d+)'s, on (\d{4}-\d{2}-\d{2})/.exec(summary)
  t.ok(meeting, 'an upcoming meeting')
  t.ok(meeting![2]! >= new Date().toISOString().slice(0, 10), 'ahead of today')
  const page = await org.get(`/drives/${meeting![1]}/meeting`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Record the vote')
  t.match(page.body, 'The motion (filed with')
  t.match(page.body, 'Whip count:')
})
