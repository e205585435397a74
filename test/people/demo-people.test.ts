import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'
import { supporterFacts } from '../../src/people/queries.ts'

t.test('the demo has fictional supporters with histories, conversations and teams', async (t) => {
  const { app, db } = await buildTestApp(t)
  await loadDemo(db)
  t.equal(await loadDemo(db), 'already loaded', 'loading twice adds nothing')
  const people = await db.selectFrom('supporters').selectAll().execute()
  t.ok(people.length >= 70 && people.length <= 90, `${people.length} supporters`)
  t.ok(
    people.every((p) => p.email?.endsWith('@example.org')),
    'example.org emails',
  )
  t.ok(
    people.every((p) => /^\+1\d{3}55501\d\d$/.test(p.phone ?? '')),
    '555-01xx phones',
  )
  t.ok(people.every((p) => p.local_id !== null && p.current_level !== null))
  const levels = await db.selectFrom('support_levels').select('supporter_id').execute()
  t.ok(levels.length > people.length, 'level histories')
  t.ok((await db.selectFrom('conversations').select('id').execute()).length >= people.length)
  const team = await db.selectFrom('team_members').select(['drive_id']).execute()
  t.ok(team.length >= 10, `${team.length} team members`)
  const facts = await supporterFacts(db, [...new Set(team.map((x) => x.drive_id))])
  t.ok(
    [...facts.values()].some((f) => f.leadersTrained >= 3),
    'a drive has three trained leaders',
  )
  const org = new Agent(app)
  await org.login('organizer.boston@example.org', DEMO_PASSWORD)
  const list = await org.get('/people')
  t.equal(list.statusCode, 200)
  t.match(list.body, '@example.org')
  const admin = new Agent(app)
  await admin.login('admin@example.org', DEMO_PASSWORD)
  for (const p of people.slice(0, 10)) t.equal((await admin.get(`/people/${p.id}`)).statusCode, 200)
})
