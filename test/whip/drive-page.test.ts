import t, { type Test } from 'tap'
import type { Db } from '../../src/db/database.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'
import { Agent, buildTestApp, countQueries } from '../helper.ts'

async function setup(t: Test) {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Whip slate', is_current: true, election_date: '2027-11-02' })
  await db.updateTable('locals').set({ threshold: 'majority_cast' }).where('id', '=', w.localA.id).execute()
  const drive = await f.drive(db, slate.id, w.localA.id, {
    chapter_id: w.a.id,
    asks: 'slate',
    stage: 'file_resolution',
  })
  const body = await db
    .insertInto('deciding_bodies')
    .values({ drive_id: drive.id, chapter_id: w.a.id, name: 'Executive board', threshold: 'two_thirds' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  return { app, db, handle, w, drive, body, org }
}

async function seat(db: Db, bodyId: number, chapterId: number, name: string, read: 'yes' | 'undecided' | 'no') {
  return db
    .insertInto('body_members')
    .values({ body_id: bodyId, chapter_id: chapterId, name, read })
    .returning('id')
    .executeTakeFirstOrThrow()
}

t.test('The drive page answers “would we win today, by how much, whom do we talk to next”.', async (t) => {
  const { app, db, w, drive, body, org } = await setup(t)
  for (const n of ['Ada', 'Bo', 'Cal', 'Dov', 'Eve']) await seat(db, body.id, w.a.id, `${n} Yes`, 'yes')
  const u = await seat(db, body.id, w.a.id, 'Uma Undecided', 'undecided')
  await seat(db, body.id, w.a.id, 'Viv Undecided', 'undecided')
  for (const n of ['Xi', 'Yan']) await seat(db, body.id, w.a.id, `${n} No`, 'no')
  const friend = await f.supporter(db, w.a.id, w.localA.id, {
    name: 'Pat Friend',
    current_level: 1,
    email: 'pat@example.org',
  })
  await db
    .insertInto('relationships')
    .values({ chapter_id: w.a.id, a_supporter_id: friend.id, b_member_id: u.id, kind: 'friend', strength: 'close' })
    .execute()

  const page = await org.get(`/drives/${drive.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Do we have the votes?')
  t.match(
    page.body,
    /<a href="#whip-count"><span class="badge warn">We would lose today: 1 short<\/span>/,
    'the verdict is at the top of the page, linking down to the panel',
  )
  // 5 yes of 9; two-thirds of 9 needs 6.
  t.match(page.body, 'We would lose today: 1 short')
  t.match(page.body, 'move Uma Undecided')
  t.match(page.body, /<strong>Pat Friend<\/strong> talks to <strong>Uma Undecided<\/strong>/)
  t.match(page.body, 'The whip count’s likely case is 1 short — file anyway?', 'the filing form warns')

  const filed = await org.post(`/drives/${drive.id}/filings`, {
    filed_on: '2026-06-01',
    body: 'Executive board',
    text_filed: 'Resolved, that we endorse the slate.',
  })
  t.equal(filed.statusCode, 303, 'filing is never blocked')
  const after = await org.get(`/drives/${drive.id}`)
  t.match(after.body, 'is 1 short.', 'and the flash says how short')

  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)
  const natPage = await nat.get(`/drives/${drive.id}`)
  t.match(natPage.body, 'We would lose today: 1 short', 'national reviewers see the count')
  t.notMatch(natPage.body, 'Uma Undecided', 'but no names')
  t.notMatch(natPage.body, 'Pat Friend')
})

t.test('The drive page and the board stay within their query counts as the body grows.', async (t) => {
  const { db, w, drive, body, org, handle } = await setup(t)
  const grow = async (n: number, from: number) => {
    for (let i = from; i < from + n; i++) {
      const m = await seat(db, body.id, w.a.id, `Member ${i}`, i % 3 ? 'yes' : 'undecided')
      const s = await f.supporter(db, w.a.id, w.localA.id, { name: `Friend ${i}`, current_level: 2 })
      await db
        .insertInto('relationships')
        .values({ chapter_id: w.a.id, a_supporter_id: s.id, b_member_id: m.id, kind: 'coworker', strength: 'knows' })
        .execute()
    }
  }
  await grow(3, 0)
  const small = await countQueries(handle, () => org.get(`/drives/${drive.id}`))
  const boardSmall = await countQueries(handle, () => org.get('/board'))
  await grow(30, 3)
  const big = await countQueries(handle, () => org.get(`/drives/${drive.id}`))
  const boardBig = await countQueries(handle, () => org.get('/board'))
  t.equal(big, small, `the drive page runs ${small} queries whatever the body's size`)
  t.equal(boardBig, boardSmall, `the board runs ${boardSmall} queries`)
  const board = await org.get('/board')
  t.match(board.body, /votes: 22 of 22 needed/, 'the card shows the badge: 22 yes of 33, two-thirds needs 22')
})
