import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, drive, local, slate, world } from '../factories.ts'

t.test('with REVIEW_CACHE_SECONDS the review reuses its figures per scope and says how old they are', async (t) => {
  const { app, db } = await buildTestApp(t, { REVIEW_CACHE_SECONDS: '60' })
  const w = await world(db)
  const s = await slate(db, { name: 'Cached slate', cycle: '2030', is_current: true })
  const stalled = async (localId: number, chapterId: number) => {
    const sixtyDaysAgo = new Date(Date.now() - 60 * 86_400_000)
    await drive(db, s.id, localId, {
      chapter_id: chapterId,
      asks: 'slate',
      stage: 'democratize',
      last_activity_at: sixtyDaysAgo,
      stage_entered_at: sixtyDaysAgo,
    })
  }
  await stalled(w.localA.id, w.a.id)
  await stalled(w.localB.id, w.b.id)
  const national = new Agent(app)
  await national.login(w.national.email, PASSWORD)
  const orgA = new Agent(app)
  await orgA.login(w.organizerA.email, PASSWORD)

  const first = await national.get('/review')
  t.equal(first.statusCode, 200)
  t.match(first.body, /Figures as of \d\d:\d\d; they refresh every minute\./)
  t.match(first.body, w.localA.name)
  t.match(first.body, w.localB.name)

  const mine = await orgA.get('/review')
  t.match(mine.body, w.localA.name)
  t.notMatch(mine.body, w.localB.name, 'an organizer never gets figures kept for a wider scope')

  const late = await local(db, { name: 'Late Local 77', chapter_id: w.a.id })
  await stalled(late.id, w.a.id)
  t.notMatch((await national.get('/review')).body, 'Late Local 77', 'within the minute the kept figures are shown')
  t.match((await national.get(`/review?days=31`)).body, 'Late Local 77', 'other filters are read afresh')
})
