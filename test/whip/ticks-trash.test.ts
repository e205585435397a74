// Ticking supporters off on a structure test (page, post, htmx row, the figures it feeds), removing
// whip rows softly and restoring them from the trash, and the deciding body's 409 through the shared
// conflict pattern. Through the front door on real PostgreSQL, the database checked after every write.
import t, { type Test } from 'tap'
import type { Db } from '../../src/db/database.ts'
import { whipExitFacts } from '../../src/whip/panels.ts'
import * as f from '../factories.ts'
import { PASSWORD, user, world } from '../factories.ts'
import { Agent, buildTestApp, countQueries } from '../helper.ts'

async function setup(t: Test) {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Tick slate', is_current: true, election_date: '2026-11-03' })
  await db.updateTable('locals').set({ members: 400 }).where('id', '=', w.localA.id).execute()
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, asks: 'slate', stage: 'build_team' })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  return { app, db, handle, w, drive, org, url: `/drives/${drive.id}/whip` }
}

async function supporters(db: Db, chapterId: number, localId: number, names: string[]) {
  const out = []
  for (const name of names) out.push(await f.supporter(db, chapterId, localId, { name }))
  return out
}

const liveTicks = (db: Db, testId: number) =>
  db
    .selectFrom('structure_test_participants')
    .select(['supporter_id', 'unit_id', 'took_part_on'])
    .where('test_id', '=', testId)
    .where('deleted_at', 'is', null)
    .orderBy('supporter_id')
    .execute()

t.test('Supporters ticked off on a structure test count toward its units, once each.', async (t) => {
  const { app, db, handle, w, drive, org, url } = await setup(t)
  t.equal(
    (await org.post(`${url}/tests`, { kind: 'pledge_card', name: 'Pledge cards', units: 'Days: 4\nNights: 6' }))
      .statusCode,
    303,
  )
  const test = await db.selectFrom('structure_tests').selectAll().executeTakeFirstOrThrow()
  const [days, nights] = await db
    .selectFrom('structure_test_units')
    .selectAll()
    .where('test_id', '=', test.id)
    .orderBy('position')
    .execute()
  const people = await supporters(db, w.a.id, w.localA.id, ['Ada Tick', 'Bo Tick', 'Cy Tick', 'Di Other'])
  const [other] = await supporters(db, w.b.id, w.localB.id, ['Ezra Bravo'])
  const ticks = `${url}/tests/${test.id}/ticks`

  const page = await org.get(`${ticks}?unit=${nights!.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Tick off: Pledge cards')
  t.match(page.body, /Ticks go to <strong>Nights<\/strong>/, 'the unit asked for')
  for (const p of people) t.match(page.body, `id="tick-${p.id}"`, `${p.name} is listed`)
  t.notMatch(page.body, 'Ezra Bravo', 'another chapter’s supporters are not')
  const ids = [...page.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)
  t.same(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'no id repeats on the tick page',
  )

  const tick = (supporterId: number, unitId: number, on: string, tookPart = '1', agent = org) =>
    agent.post(ticks, { supporter_id: String(supporterId), unit_id: String(unitId), on, took_part: tookPart })
  const first = await tick(people[0]!.id, nights!.id, '2026-03-02')
  t.equal(first.statusCode, 303)
  t.match(first.headers.location, `${ticks}?unit=${nights!.id}&on=2026-03-02#tick-${people[0]!.id}`)
  t.equal((await tick(people[1]!.id, nights!.id, '2026-03-02')).statusCode, 303)
  t.equal((await tick(people[2]!.id, days!.id, '2026-03-03')).statusCode, 303)
  t.equal((await tick(people[0]!.id, days!.id, '2026-03-04')).statusCode, 303, 'ticking twice is harmless')
  t.same(
    (await liveTicks(db, test.id)).map((r) => [r.supporter_id, r.unit_id, r.took_part_on]),
    [
      [people[0]!.id, nights!.id, '2026-03-02'],
      [people[1]!.id, nights!.id, '2026-03-02'],
      [people[2]!.id, days!.id, '2026-03-03'],
    ],
    'one row per supporter, in the unit and on the day ticked',
  )
  const audit = await db
    .selectFrom('audit_log')
    .select(['action', 'entity_id'])
    .where('entity', '=', 'structure_test')
    .where('action', 'in', ['tick', 'untick'])
    .execute()
  t.equal(audit.length, 3, 'each tick is audited (the repeated one changed nothing)')

  t.equal((await tick(other!.id, days!.id, '2026-03-03')).statusCode, 303, 'a stranger is refused with a message')
  t.equal((await tick(people[3]!.id, days!.id, '2099-01-01')).statusCode, 303)
  t.equal((await liveTicks(db, test.id)).length, 3, 'neither a stranger nor a future day is ticked')
  const junk = await org.post(ticks, { supporter_id: 'x', unit_id: String(days!.id), on: '2026-03-03', took_part: '1' })
  t.equal(junk.statusCode, 303)
  t.equal((await org.get(`${ticks}?unit=abc`)).statusCode, 400, 'junk in the query is a 400')
  t.equal((await org.get(`${url}/tests/999999/ticks`)).statusCode, 404)

  // The whip page folds the ticks into the units' figures: Nights 2 of 6, Days 1 of 4.
  const whip = await org.get(url)
  t.match(whip.body, 'Nights: 2 of 6 (33%)')
  t.match(whip.body, 'Days: 1 of 4 (25%)')
  t.match(whip.body, '3 supporters ticked off so far')
  // A total entered for a day counts the paper cards too: the higher figure wins.
  await org.post(`${url}/tests/${test.id}/counts`, { unit_id: String(days!.id), counted_on: '2026-03-05', total: '3' })
  t.match((await org.get(url)).body, '5 of 10 (50%)')
  t.equal((await tick(people[3]!.id, nights!.id, '2026-03-06')).statusCode, 303)
  t.match((await org.get(url)).body, '6 of 10 (60%) — majority reached', 'a ticked supporter tips the majority')
  const facts = (await whipExitFacts(db, [drive.id])).get(drive.id)!
  t.same(facts.majorityTest, { required: false, reached: true, best: 'Pledge cards: 6 of 10 (60%)' })

  // Unticking is a soft delete; ticking again adds them back.
  t.equal((await tick(people[3]!.id, nights!.id, '2026-03-06', '0')).statusCode, 303)
  const gone = await db
    .selectFrom('structure_test_participants')
    .select('deleted_at')
    .where('supporter_id', '=', people[3]!.id)
    .executeTakeFirstOrThrow()
  t.ok(gone.deleted_at, 'the untick keeps the row, deleted')
  t.equal((await liveTicks(db, test.id)).length, 3)

  // With htmx the row alone comes back, ticked, its button ready to untick.
  const row = await org.post(
    ticks,
    { supporter_id: String(people[3]!.id), unit_id: String(days!.id), on: '2026-03-06', took_part: '1' },
    { headers: { 'hx-request': 'true', 'hx-target': `li#tick-${people[3]!.id}` } },
  )
  t.equal(row.statusCode, 200)
  t.notMatch(row.body, '<html', 'a fragment, not a page')
  t.match(row.body, `<li id="tick-${people[3]!.id}" class="tick-row ticked">`)
  t.match(row.body, 'name="took_part" value="0"')
  t.match(row.body, 'Di Other ticked off.')
  t.match(row.body, '<p class="sub" id="tick-summary" hx-swap-oob="true">', 'the count under the title follows')
  t.match(row.body, '4 supporters ticked off')
  const filtered = await org.get(`${ticks}?q=bo`, {
    headers: { 'hx-request': 'true', 'hx-target': 'ul#tick-rows' },
  })
  t.notMatch(filtered.body, '<html')
  t.match(filtered.body, 'Bo Tick')
  t.notMatch(filtered.body, 'Ada Tick', 'the name filter narrows the list')

  // Volunteers tick; national reviewers and other chapters do not get in.
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  t.equal((await vol.get(ticks)).statusCode, 200)
  t.equal((await tick(people[1]!.id, nights!.id, '2026-03-02', '0', vol)).statusCode, 303)
  t.equal((await liveTicks(db, test.id)).length, 3)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)
  t.equal((await nat.get(ticks)).statusCode, 403)
  t.equal((await tick(people[1]!.id, nights!.id, '2026-03-02', '1', nat)).statusCode, 403)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  t.equal((await orgB.get(ticks)).statusCode, 404)
  t.equal((await tick(people[1]!.id, nights!.id, '2026-03-02', '1', orgB)).statusCode, 404)
  t.equal((await liveTicks(db, test.id)).length, 3)

  // The tick page's queries do not grow with the local's supporters.
  const small = await countQueries(handle, () => org.get(ticks))
  await supporters(
    db,
    w.a.id,
    w.localA.id,
    Array.from({ length: 120 }, (_, i) => `Many ${i}`),
  )
  const big = await countQueries(handle, () => org.get(ticks))
  t.equal(big, small, `the tick page runs ${small} queries whatever the number of supporters`)
  t.ok(small <= 10)
})

t.test('Removed members, relationships, tests and pledges come back from the trash.', async (t) => {
  const { db, w, org, url } = await setup(t)
  await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board' })
  await org.post(`${url}/members`, { seat: 'Trustee', name: 'Gil Gone' })
  const [s] = await supporters(db, w.a.id, w.localA.id, ['Hana Knows'])
  const m = await db.selectFrom('body_members').selectAll().executeTakeFirstOrThrow()
  await org.post(`${url}/relationships`, { a: `s${s!.id}`, b: `m${m.id}`, kind: 'friend', strength: 'close' })
  const r = await db.selectFrom('relationships').selectAll().executeTakeFirstOrThrow()
  await org.post(`${url}/tests`, { kind: 'petition', name: 'Ceasefire petition', units: 'All: 50' })
  const test = await db.selectFrom('structure_tests').selectAll().executeTakeFirstOrThrow()

  const stale = await org.post(`${url}/members/${m.id}/delete`, { version: String(m.version + 5) })
  t.equal(stale.statusCode, 409, 'removing from a stale page is a conflict')
  t.match(stale.body, 'You changed this member in another tab')
  t.equal((await org.post(`${url}/members/${m.id}/delete`, { version: String(m.version) })).statusCode, 303)
  t.equal((await org.post(`${url}/relationships/${r.id}/delete`, { version: String(r.version) })).statusCode, 303)
  t.equal((await org.post(`${url}/tests/${test.id}/delete`, { version: String(test.version) })).statusCode, 303)
  const page = await org.get(url)
  t.notMatch(page.body, `id="member-${m.id}"`, 'the member is off the list')
  t.notMatch(page.body, `id="test-${test.id}"`, 'the test is off the page')
  t.match(page.body, 'Ceasefire petition removed. The trash can restore it.')
  for (const [table, id] of [
    ['body_members', m.id],
    ['relationships', r.id],
    ['structure_tests', test.id],
  ] as const) {
    const row = await db.selectFrom(table).select('deleted_at').where('id', '=', id).executeTakeFirstOrThrow()
    t.ok(row.deleted_at, `${table}: soft-deleted, not gone`)
  }
  const deletes = await db
    .selectFrom('audit_log')
    .select(['entity', 'actor_id'])
    .where('action', '=', 'delete')
    .orderBy('id')
    .execute()
  t.same(
    deletes.map((a) => [a.entity, a.actor_id]),
    [
      ['body_member', w.organizerA.id],
      ['relationship', w.organizerA.id],
      ['structure_test', w.organizerA.id],
    ],
  )

  const trash = await org.get('/trash')
  t.equal(trash.statusCode, 200)
  t.match(trash.body, 'Gil Gone (Trustee), Exec board of Alpha Local 1')
  t.match(trash.body, 'Hana Knows knows Gil Gone')
  t.match(trash.body, 'Alpha Local 1: Ceasefire petition')
  t.match(trash.body, /Restore its person first\./, 'the relationship waits for its member')

  const blocked = await org.post(`/trash/relationship/${r.id}/restore`, {})
  t.equal(blocked.statusCode, 303)
  t.ok(
    (await db.selectFrom('relationships').select('deleted_at').where('id', '=', r.id).executeTakeFirstOrThrow())
      .deleted_at,
    'not restored while its member is deleted',
  )
  for (const [entity, id] of [
    ['body_member', m.id],
    ['relationship', r.id],
    ['structure_test', test.id],
  ] as const)
    t.equal((await org.post(`/trash/${entity}/${id}/restore`, {})).statusCode, 303, `${entity} restored`)
  const back = await org.get(url)
  t.match(back.body, 'Gil Gone')
  t.match(back.body, 'Ceasefire petition')
  t.match(back.body, /Hana Knows<\/a> — Close · Friend/, 'the path is back')
  const restores = await db
    .selectFrom('audit_log')
    .select('entity')
    .where('action', '=', 'restore')
    .orderBy('id')
    .execute()
  t.same(
    restores.map((a) => a.entity),
    ['body_member', 'relationship', 'structure_test'],
  )
  const member = await db.selectFrom('body_members').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow()
  t.equal(member.version, m.version + 2, 'the delete and the restore each bump the version')

  // A withdrawn pledge is restorable too.
  const body = await db.selectFrom('deciding_bodies').selectAll().executeTakeFirstOrThrow()
  await org.post(`${url}/body`, {
    kind: 'turnout',
    name: 'Membership meeting',
    expected_attendance: '30',
    version: String(body.version),
  })
  await org.post(`${url}/pledges`, { supporter_id: String(s!.id), pledge: 'pledged' })
  await org.post(`${url}/pledges`, { supporter_id: String(s!.id), pledge: 'none' })
  const pledge = await db.selectFrom('turnout_pledges').selectAll().executeTakeFirstOrThrow()
  t.ok(pledge.deleted_at)
  t.match((await org.get('/trash')).body, 'Hana Knows pledged to attend (Alpha Local 1)')
  t.equal((await org.post(`/trash/turnout_pledge/${pledge.id}/restore`, {})).statusCode, 303)
  const restored = await db.selectFrom('turnout_pledges').selectAll().executeTakeFirstOrThrow()
  t.same([restored.deleted_at, restored.pledge], [null, 'pledged'])
})

t.test(
  'Two organizers saving the deciding body: the second gets the first one’s values beside the form.',
  async (t) => {
    const { app, db, w, org, url } = await setup(t)
    await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board', quorum: '5' })
    const body = await db.selectFrom('deciding_bodies').selectAll().executeTakeFirstOrThrow()
    await user(db, 'organizer', w.a.id, { email: 'second.organizer@example.org', name: 'Rae Second' })
    const second = new Agent(app)
    await second.login('second.organizer@example.org', PASSWORD)
    const v = String(body.version)
    t.equal(
      (await second.post(`${url}/body`, { kind: 'roster', name: 'Executive board', quorum: '7', version: v }))
        .statusCode,
      303,
    )
    const late = await org.post(`${url}/body`, { kind: 'roster', name: 'E-board', quorum: '6', version: v })
    t.equal(late.statusCode, 409)
    t.match(late.body, /Rae Second changed this deciding body at \d\d:\d\d/)
    t.match(late.body, /<dt>Name<\/dt><dd>Executive board<\/dd>/)
    t.match(late.body, /<dt>Quorum<\/dt><dd>7<\/dd>/)
    t.match(late.body, 'value="E-board"', 'what was typed is kept')
    const saved = await db.selectFrom('deciding_bodies').selectAll().executeTakeFirstOrThrow()
    t.same([saved.name, saved.quorum], ['Executive board', 7], 'the first save stands')
    t.match(late.body, `name="version" value="${saved.version}"`)
    const again = await org.post(`${url}/body`, {
      kind: 'roster',
      name: 'E-board',
      quorum: '6',
      version: String(saved.version),
    })
    t.equal(again.statusCode, 303, 'saving again applies the typed values on purpose')
    t.equal((await db.selectFrom('deciding_bodies').select('name').executeTakeFirstOrThrow()).name, 'E-board')
    t.equal((await db.selectFrom('deciding_bodies').selectAll().execute()).length, 1, 'still one body')
  },
)
