import { DateTime } from 'luxon'
import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, local, world } from '../factories.ts'
import { insertStageChange } from '../../src/drives/queries.ts'
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
    const d = await f.drive(db, o.slateId, l.id, {
      chapter_id: o.chapterId,
      stage: o.stage,
      status: o.status ?? 'active',
      owner_id: o.ownerId,
      next_step: 'Call the steward',
      next_step_due: i % 2 ? '2020-01-01' : '2099-01-01',
      // Five days from today as the chapter (New York) counts days, not UTC: the two differ every evening.
      vote_date: o.stage === 'vote' ? DateTime.now().setZone('America/New_York').plus({ days: 5 }).toISODate() : null,
    })
    await insertStageChange(db, {
      drive_id: d.id,
      from_stage: null,
      to_stage: o.stage,
      from_status: null,
      to_status: 'active',
      reason: null,
      warnings: [],
      actor_id: o.ownerId,
    })
    out.push(d)
  }
  return out
}

t.test('the board, the dashboard and the calendar feed', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const s = await f.slate(db, { name: '2026 national slate', is_current: true })
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
    t.equal((res.body.match(/class="drive-card"/g) ?? []).length, 10 + 2 + 1, 'the first ten cards of a column')
    t.match(res.body, 'Load more')
    t.match(res.body, 'overdue')
    t.match(res.body, 'Move to…')
  })

  await t.test('a column loads its next cards on demand', async (t) => {
    const first = await org.get('/board')
    t.match(first.body, 'href="/board?column=identify&amp;offset=10"', 'the link works without JavaScript too')
    const res = await org.get('/board?column=identify&offset=10', { htmx: 'li#more-identify' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.equal((res.body.match(/class="drive-card"/g) ?? []).length, 20)
    t.notMatch(res.body, 'Load more')
    const page = await org.get('/board?column=identify&offset=10')
    t.equal((page.body.match(/class="drive-card"/g) ?? []).length, 30 + 2 + 1)
    t.match(page.body, /data-count="identify">30</, 'the count stays exact')
  })

  await t.test('the ends are stacked in one column after the five stages', async (t) => {
    const res = await org.get('/board')
    const ends = res.body.slice(res.body.indexOf('class="board-ends"'))
    for (const k of ['won', 'lost', 'dropped']) t.match(ends, `id="col-${k}"`, `${k} is with the ends`)
    t.notMatch(ends, 'id="col-vote"')
    for (const k of ['identify', 'vote', 'won', 'lost', 'dropped']) t.match(res.body, `href="#col-${k}"`)
  })

  await t.test('"Move to" lists the stages ahead first, then the ends, then the stages behind', async (t) => {
    const res = await org.get('/board?column=vote&offset=0')
    const m = new RegExp(`<select id="move-${votes[0]!.id}"[^>]*>(.*?)</select>`).exec(res.body)
    t.ok(m, 'the vote card has a move form')
    const values = [...m![1]!.matchAll(/value="([^"]*)"/g)].map((x) => x[1])
    t.same(values, ['', 'won', 'lost', 'dropped', 'paused', 'identify', 'democratize', 'build_team', 'file_resolution'])
    const ident = /<select id="move-\d+"[^>]*>(.*?)<\/select>/.exec(
      res.body.slice(res.body.indexOf('id="cards-identify"')),
    )
    const identValues = [...ident![1]!.matchAll(/value="([^"]*)"/g)].map((x) => x[1])
    t.same(identValues.slice(0, 3), ['', 'democratize', 'build_team'], 'the next stage first')
  })

  await t.test('a move comes back to the board with the card first in its new column', async (t) => {
    const board = await org.get('/board')
    const last = await db
      .selectFrom('drives')
      .select(['id', 'version'])
      .where('stage', '=', 'identify')
      .where('chapter_id', '=', w.a.id)
      .orderBy('stage_entered_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    const back = new RegExp(`action="/drives/${last.id}/stage"[\\s\\S]*?name="back" value="([^"]+)"`).exec(board.body)
    t.notOk(back, 'the 30th card is not on the first screen')
    const res = await org.get(`/board?moved=${last.id}`)
    const cards = res.body.slice(res.body.indexOf('id="cards-identify"'))
    t.match(cards, new RegExp(`^id="cards-identify">\\s*<li class="drive-card just-moved" id="drive-${last.id}"`))
    t.match(res.body, `data-moved="${last.id}"`)
    t.equal((res.body.match(new RegExp(`id="drive-${last.id}"`, 'g')) ?? []).length, 1)
    t.match(cards, `name="back" value="/board?moved=${last.id}"`)
    const more = await org.get(`/board?column=identify&offset=10&moved=${last.id}`, { htmx: 'li#more-identify' })
    t.notMatch(more.body, `id="drive-${last.id}"`, 'not shown twice when the column loads more')
    t.equal((await org.get('/board?moved=abc')).statusCode, 400)
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
    const s2 = await f.slate(db2, { name: 'S', is_current: true })
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
