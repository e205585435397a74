import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { conversation, PASSWORD, supporter, world } from '../factories.ts'

t.test('follow-up dates come back: dashboard, people filter, calendar feed', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const add = (name: string) => supporter(db, w.a.id, w.localA.id, { name })
  const due = await add('Dora Due')
  const later = await add('Lee Later')
  const done = await add('Finn Followed')
  const never = await add('Nia Never')
  const log = (id: number, held: string, follow: string | null) =>
    conversation(db, id, { kind: 'call', held_on: held, follow_up_on: follow, by_user_id: w.organizerA.id })
  await log(due.id, '2026-01-01', '2026-02-01')
  await log(later.id, '2026-01-01', '2099-01-01')
  await log(done.id, '2026-01-01', '2026-02-01')
  await log(done.id, '2026-02-02', null) // followed up since: nothing due
  void never
  await db
    .insertInto('assignments')
    .values({
      chapter_id: w.a.id,
      supporter_id: later.id,
      assignee_id: w.organizerA.id,
      ask: 'Ask about the forum',
      due_on: '2099-01-02',
    })
    .execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)

  t.test('the dashboard lists follow-ups due, oldest first, and nothing that was followed up', async (t) => {
    const res = await org.get('/')
    t.match(res.body, 'Follow-ups due')
    t.match(res.body, 'Dora Due')
    t.notMatch(res.body, 'Lee Later')
    t.notMatch(res.body, 'Finn Followed')
    const nat = new Agent(app)
    await nat.login(w.national.email, PASSWORD)
    t.notMatch((await nat.get('/')).body, 'Dora Due', 'national reviewers see no names')
  })

  t.test('the people list filters “follow-up due” and “no contact for N days”', async (t) => {
    const res = await org.get('/people?followup=1')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Dora Due')
    t.notMatch(res.body, 'Lee Later')
    t.notMatch(res.body, 'Finn Followed')
    t.match(res.body, 'name="followup" value="1" checked')
    const stale = await org.get('/people?stale=30')
    t.match(stale.body, 'Nia Never')
    t.match(stale.body, 'Dora Due')
  })

  t.test('the calendar feed has the person’s assignments and the chapter’s follow-ups', async (t) => {
    const made = await org.post('/account/calendar')
    const url = /\/calendar\/[A-Za-z0-9_-]+\.ics/.exec(made.body)![0]
    const feed = await new Agent(app).get(url)
    t.equal(feed.statusCode, 200)
    t.match(feed.body, 'SUMMARY:Talk to Lee Later: Ask about the forum')
    t.match(feed.body, 'SUMMARY:Follow up with Dora Due (Alpha Local 1)')
    t.match(feed.body, 'DTSTART;VALUE=DATE:20260201')
    t.notMatch(feed.body, 'Finn Followed')
  })
})
