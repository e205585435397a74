import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, local, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'

type Stage = 'identify' | 'democratize' | 'build_team' | 'file_resolution' | 'vote'

async function drives(
  db: Db,
  o: {
    slateId: number
    chapterId: number
    unionId: number
    n: number
    stage: Stage
    status?: 'active' | 'won' | 'lost' | 'dropped'
    prefix: string
    ownerId: number
  },
) {
  const out = []
  for (let i = 0; i < o.n; i++) {
    const l = await local(db, {
      name: `${o.prefix} ${String(i).padStart(3, '0')}`,
      chapter_id: o.chapterId,
      national_union_id: o.unionId,
    })
    const d = await db
      .insertInto('drives')
      .values({
        slate_id: o.slateId,
        local_id: l.id,
        chapter_id: o.chapterId,
        stage: o.stage,
        status: o.status ?? 'active',
        owner_id: o.ownerId,
        next_step: 'Call the steward',
        next_step_due: i % 2 ? '2020-01-01' : '2099-01-01',
        vote_date: o.stage === 'vote' ? new Date(Date.now() + 5 * 86400_000).toISOString().slice(0, 10) : null,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await db
      .insertInto('stage_changes')
      .values({
        drive_id: d.id,
        from_stage: null,
        to_stage: o.stage,
        from_status: null,
        to_status: 'active',
        actor_id: o.ownerId,
      })
      .execute()
    out.push(d)
  }
  return out
}

t.test('the board, the dashboard and the calendar feed', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const s = await db
    .insertInto('slates')
    .values({ name: '2026 national slate', is_current: true })
    .returningAll()
    .executeTakeFirstOrThrow()
  const base = { slateId: s.id, unionId: w.union.id, ownerId: w.organizerA.id }
  await drives(db, { ...base, chapterId: w.a.id, n: 30, stage: 'identify', prefix: 'Ident Local' })
  const votes = await drives(db, { ...base, chapterId: w.a.id, n: 2, stage: 'vote', prefix: 'Voting Local' })
  await drives(db, { ...base, chapterId: w.a.id, n: 1, stage: 'vote', status: 'won', prefix: 'Won Local' })
  await drives(db, {
    ...base,
    chapterId: w.b.id,
    ownerId: w.organizerB.id,
    n: 2,
    stage: 'democratize',
    prefix: 'Bravo Drive',
  })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)

  await t.test('the board shows a column per stage and end with counts, defaulting to my chapters', async (t) => {
    const res = await org.get('/board')
    t.equal(res.statusCode, 200)
    t.match(res.body, /data-count="identify">30</)
    t.match(res.body, /data-count="vote">2</)
    t.match(res.body, /data-count="won">1</)
    t.match(res.body, /data-count="democratize">0</)
    t.notMatch(res.body, 'Bravo Drive')
    t.equal((res.body.match(/class="drive-card"/g) ?? []).length, 25 + 2 + 1)
    t.match(res.body, 'Load more')
    t.match(res.body, 'overdue')
    t.match(res.body, 'Move to…')
  })

  await t.test('a column loads its next cards on demand', async (t) => {
    const res = await org.get('/board?column=identify&offset=25', { htmx: 'li#more-identify' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.equal((res.body.match(/class="drive-card"/g) ?? []).length, 5)
    t.notMatch(res.body, 'Load more')
    const page = await org.get('/board?column=identify&offset=25')
    t.equal((page.body.match(/class="drive-card"/g) ?? []).length, 30 + 2 + 1)
  })

  await t.test('filters are kept in the address', async (t) => {
    const res = await org.get('/board?orientation=hostile')
    t.match(res.body, /data-count="identify">0</)
    t.match(res.body, '<option value="hostile" selected>')
    t.equal((await org.get('/board?chapter=abc')).statusCode, 400)
  })

  await t.test('a volunteer sees the board without move forms', async (t) => {
    const res = await vol.get('/board')
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, 'Move to…')
  })

  await t.test('the dashboard lists overdue next steps, upcoming votes and stage counts', async (t) => {
    const res = await org.get('/')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Overdue next steps')
    t.match(res.body, 'days late')
    t.match(res.body, 'Voting Local 000')
    t.match(res.body, 'in 5 days')
    t.notMatch(res.body, 'Bravo Drive')
  })

  await t.test('pages answer in the same number of queries for 3 and 30 drives', async (t) => {
    const { app: app2, db: db2, handle: h2 } = await buildTestApp(t)
    const w2 = await world(db2)
    const s2 = await db2
      .insertInto('slates')
      .values({ name: 'S', is_current: true })
      .returningAll()
      .executeTakeFirstOrThrow()
    const few = await drives(db2, {
      slateId: s2.id,
      unionId: w2.union.id,
      ownerId: w2.organizerA.id,
      chapterId: w2.a.id,
      n: 3,
      stage: 'vote',
      prefix: 'Few',
    })
    const a2 = new Agent(app2)
    await a2.login(w2.organizerA.email, PASSWORD)
    const small = {
      board: await countQueries(h2, () => a2.get('/board')),
      drive: await countQueries(h2, () => a2.get(`/drives/${few[0]!.id}`)),
      home: await countQueries(h2, () => a2.get('/')),
    }
    const big = {
      board: await countQueries(handle, () => org.get('/board')),
      drive: await countQueries(handle, () => org.get(`/drives/${votes[0]!.id}`)),
      home: await countQueries(handle, () => org.get('/')),
    }
    t.same(small, big)
    for (const n of Object.values(big)) t.ok(n <= 12, `${n} queries`)
  })

  await t.test('the calendar feed lists the votes and a revoked or unknown token is 404', async (t) => {
    const page = await org.get('/account/calendar')
    t.equal(page.statusCode, 200)
    const made = await org.post('/account/calendar')
    t.equal(made.statusCode, 200)
    const m = /\/calendar\/([A-Za-z0-9_-]+)\.ics/.exec(made.body)
    t.ok(m)
    const url = `/calendar/${m![1]}.ics`
    const feed = await new Agent(app).get(url)
    t.equal(feed.statusCode, 200)
    t.match(feed.headers['content-type'], 'text/calendar')
    t.match(feed.body, 'BEGIN:VCALENDAR')
    t.match(feed.body, 'SUMMARY:Vote: Voting Local 000')
    t.match(feed.body, `DTSTART;VALUE=DATE:${votes[0]!.vote_date!.replaceAll('-', '')}`)
    t.notMatch(feed.body, 'Bravo Drive')
    t.equal((await new Agent(app).get('/calendar/' + 'x'.repeat(32) + '.ics')).statusCode, 404)
    await org.post('/account/calendar/revoke')
    t.equal((await new Agent(app).get(url)).statusCode, 404)
  })
})
