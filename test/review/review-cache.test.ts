import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, local, world } from '../factories.ts'

t.test('with REVIEW_CACHE_SECONDS the review reuses its figures per scope and says how old they are', async (t) => {
  const { app, db } = await buildTestApp(t, { REVIEW_CACHE_SECONDS: '60' })
  const w = await world(db)
  const s = await db
    .insertInto('slates')
    .values({ name: 'Cached slate', cycle: '2030', is_current: true })
    .returning('id')
    .executeTakeFirstOrThrow()
  const stalled = async (localId: number, chapterId: number) => {
    const d = await db
      .insertInto('drives')
      .values({ slate_id: s.id, local_id: localId, chapter_id: chapterId, asks: 'slate', stage: 'democratize' })
      .returning('id')
      .executeTakeFirstOrThrow()
    await sql`update drives set last_activity_at = now() - interval '60 days', stage_entered_at = now() - interval '60 days' where id = ${d.id}`.execute(
      db,
    )
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
