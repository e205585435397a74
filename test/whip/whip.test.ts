import t, { type Test } from 'tap'
import type { Db } from '../../src/db/database.ts'
import { weeklyTalks, whipBadges } from '../../src/whip/panels.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'
import { Agent, buildTestApp, countQueries } from '../helper.ts'

async function setup(t: Test) {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Whip slate', is_current: true, election_date: '2026-11-03' })
  await db
    .updateTable('locals')
    .set({ threshold: 'two_thirds', deciding_body: 'executive_board', members: 400 })
    .where('id', '=', w.localA.id)
    .execute()
  const drive = await f.drive(db, slate.id, w.localA.id, {
    chapter_id: w.a.id,
    asks: 'slate',
    stage: 'file_resolution',
  })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  return { app, db, handle, w, slate, drive, org }
}

const supporter = (db: Db, chapterId: number, localId: number, name: string, level: number | null = null) =>
  f.supporter(db, chapterId, localId, {
    name,
    current_level: level,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`,
  })

async function lastAudit(db: Db, entity: string) {
  return db.selectFrom('audit_log').selectAll().where('entity', '=', entity).orderBy('id', 'desc').executeTakeFirst()
}

t.test('An organizer lists the body, its rule and its members, and sees the projected tally.', async (t) => {
  const { app, db, w, drive, org } = await setup(t)
  const url = `/drives/${drive.id}/whip`

  const page = await org.get(url)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'No deciding body listed yet')
  t.match(page.body, 'value="Executive board"', 'the name is suggested from the local’s deciding body')

  const bad = await org.post(`${url}/body`, {
    kind: 'roster',
    name: 'Exec board',
    threshold: 'custom',
    threshold_percent: '',
  })
  t.equal(bad.statusCode, 422, 'a custom threshold without its percentage comes back')
  t.match(bad.body, 'Give the percentage a custom threshold needs.')
  t.match(bad.body, 'value="Exec board"', 'what was typed is kept')
  t.equal((await db.selectFrom('deciding_bodies').selectAll().execute()).length, 0)

  const ok = await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board', threshold: '', quorum: '6' })
  t.equal(ok.statusCode, 303)
  const body = await db.selectFrom('deciding_bodies').selectAll().executeTakeFirstOrThrow()
  t.same([body.name, body.threshold, body.quorum, body.chapter_id], ['Exec board', null, 6, w.a.id])
  t.equal((await lastAudit(db, 'deciding_body'))?.action, 'create')

  const known = await supporter(db, w.a.id, w.localA.id, 'Rosa Known', 2)
  for (const [seat, name] of [
    ['President', 'Ana Yes'],
    ['Secretary', 'Ben Yes'],
    ['Trustee', 'Cy Yes'],
    ['Trustee', 'Dee Undecided'],
    ['Trustee', 'Eli Undecided'],
    ['Trustee', 'Fay No'],
  ])
    t.equal((await org.post(`${url}/members`, { seat: seat!, name: name! })).statusCode, 303, `${name} added`)
  const linked = await org.post(`${url}/members`, { seat: 'Vice president', supporter_id: String(known.id) })
  t.equal(linked.statusCode, 303)
  const row = await db
    .selectFrom('body_members')
    .selectAll()
    .where('supporter_id', '=', known.id)
    .executeTakeFirstOrThrow()
  t.equal(row.name, null, 'a linked supporter is one person: the name comes from the supporter record')

  const twice = await org.post(`${url}/members`, { supporter_id: String(known.id) })
  t.equal(twice.statusCode, 422, 'the same supporter cannot sit twice')
  t.match(twice.body, 'already sits on this body')
  const nameless = await org.post(`${url}/members`, { seat: 'Trustee', joined_on: '2026-02-30' })
  t.equal(nameless.statusCode, 422)
  t.match(nameless.body, 'Give a name or pick a known supporter.')
  t.match(nameless.body, 'not a real date')

  const members = await db.selectFrom('body_members').selectAll().orderBy('id').execute()
  const byName = (n: string) => members.find((m) => m.name === n)!
  for (const [n, read] of [
    ['Ana Yes', 'yes'],
    ['Ben Yes', 'yes'],
    ['Cy Yes', 'yes'],
    ['Fay No', 'no'],
  ] as const) {
    const m = byName(n)
    const res = await org.post(`${url}/members/${m.id}/read`, {
      read,
      note: 'said so at the picnic',
      version: String(m.version),
    })
    t.equal(res.statusCode, 303, `${n}'s read saved`)
  }
  const shown = await org.get(url)
  t.match(shown.body, 'Level 2 suggests Leaning yes', 'the linked supporter’s level suggests a read')
  t.equal(
    (await db.selectFrom('body_members').select('read').where('id', '=', row.id).executeTakeFirstOrThrow()).read,
    null,
    'the suggestion never writes a read',
  )
  // 3 yes, 1 no, 3 with no read of 7; two-thirds of 7 needs 5; quorum 6.
  t.match(shown.body, 'We would lose today: 2 short')
  t.match(shown.body, '3 yes, 3 undecided, 1 no of 7 seats — two-thirds of those voting needs 5 (quorum 6): 2 short')

  // The volunteer saves a read first; the organizer's page was opened before that.
  const anaId = byName('Ana Yes').id
  const opened = await db.selectFrom('body_members').select('version').where('id', '=', anaId).executeTakeFirstOrThrow()
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const first = await vol.post(`${url}/members/${anaId}/read`, { read: 'leaning_yes', version: String(opened.version) })
  t.equal(first.statusCode, 303)
  const stale = await org.post(`${url}/members/${anaId}/read`, {
    read: 'no',
    note: 'heard otherwise',
    version: String(opened.version),
  })
  t.equal(stale.statusCode, 409, 'a read set from an old page is a conflict, not an overwrite')
  t.match(stale.body, new RegExp(`${w.volunteerA.name} changed this member at \\d\\d:\\d\\d`), 'it names who saved')
  t.match(stale.body, 'The values saved now')
  t.match(stale.body, /<dt>Read<\/dt><dd>Leaning yes<\/dd>/, 'the saved read is beside the form')
  t.match(stale.body, 'value="heard otherwise"', 'what the organizer typed is kept')
  const ana = await db.selectFrom('body_members').selectAll().where('id', '=', anaId).executeTakeFirstOrThrow()
  t.equal(ana.read, 'leaning_yes', 'the first save stands')
  t.match(stale.body, `name="version" value="${ana.version}"`, 'saving again applies the typed read on purpose')
  const again = await org.post(`${url}/members/${anaId}/read`, { read: 'yes', version: String(ana.version) })
  t.equal(again.statusCode, 303)

  const fresh = await db.selectFrom('body_members').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow()
  await org.post(`${url}/members/${row.id}/read`, { read: 'leaning_yes', version: String(fresh.version) })
  const dee = byName('Dee Undecided')
  await org.post(`${url}/members/${dee.id}/read`, { read: 'yes', note: 'came round', version: String(dee.version) })
  const after = await org.get(url)
  t.match(after.body, 'We would win today, by one vote', 'the projected tally follows the reads')
  const ids = [...after.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)
  t.same(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'no id repeats on the page, though every member has its own read form',
  )
  const history = await db.selectFrom('member_reads').selectAll().where('member_id', '=', dee.id).execute()
  t.same(
    history.map((h) => [h.read, h.note, h.actor_id]),
    [['yes', 'came round', w.organizerA.id]],
    'every read is kept with who and why',
  )
  t.equal((await lastAudit(db, 'body_member'))?.action, 'read')

  const junk = await org.post(`${url}/members/${dee.id}/read`, { read: 'maybe', version: '1' })
  t.equal(junk.statusCode, 422)
  t.match(junk.body, 'Choose a read.')
  t.equal((await org.get(`/drives/${drive.id}/whip/members/abc/read`)).statusCode, 404)
  t.equal((await org.post(`/drives/${drive.id}/whip/members/abc/read`, {})).statusCode, 400)
})

t.test('Paths to an undecided member list the supporters who know them, closest first.', async (t) => {
  const { app, db, w, drive, org } = await setup(t)
  const url = `/drives/${drive.id}/whip`
  await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board', threshold: 'majority_cast' })
  await org.post(`${url}/members`, { seat: 'Trustee', name: 'Gil Undecided' })
  const gil = await db.selectFrom('body_members').selectAll().executeTakeFirstOrThrow()
  const close = await supporter(db, w.a.id, w.localA.id, 'Hana Close', 3)
  const knows = await supporter(db, w.a.id, w.localA.id, 'Ivo Knows', 1)
  const other = await supporter(db, w.b.id, w.localB.id, 'Bravo Person', 1)

  t.equal(
    (
      await org.post(`${url}/relationships`, {
        a: `s${knows.id}`,
        b: `m${gil.id}`,
        kind: 'coworker',
        strength: 'knows',
      })
    ).statusCode,
    303,
  )
  t.equal(
    (await org.post(`${url}/relationships`, { a: `s${close.id}`, b: `m${gil.id}`, kind: 'friend', strength: 'close' }))
      .statusCode,
    303,
  )
  const foreign = await org.post(`${url}/relationships`, {
    a: `s${other.id}`,
    b: `m${gil.id}`,
    kind: 'friend',
    strength: 'close',
  })
  t.equal(foreign.statusCode, 422, 'another chapter’s supporter cannot be linked')
  t.match(foreign.body, 'Choose someone from this drive.')
  const self = await org.post(`${url}/relationships`, {
    a: `m${gil.id}`,
    b: `m${gil.id}`,
    kind: 'friend',
    strength: 'close',
  })
  t.equal(self.statusCode, 422)
  t.match(self.body, 'Choose two different people.')

  const rels = await db.selectFrom('relationships').selectAll().where('deleted_at', 'is', null).execute()
  t.equal(rels.length, 2)
  const page = await org.get(url)
  const hana = page.body.indexOf('Hana Close</a> — Close')
  const ivo = page.body.indexOf('Ivo Knows</a> — Knows')
  t.ok(hana > 0 && ivo > hana, 'the close friend comes before the coworker who knows them')
  t.match(page.body, /Hana Close<\/strong><\/a> talks to\s+<strong>Gil Undecided/)

  t.match(page.body, `href="/assignments/new?drive=${drive.id}&amp;whip=1">Assign these conversations`)
  const assign = await org.get(`/assignments/new?drive=${drive.id}&whip=1`)
  t.equal(assign.statusCode, 200, 'the week’s list turns into assignments')
  t.match(assign.body, 'Hana Close')
  const talks = await weeklyTalks(db, { chapterIds: [w.a.id] }, drive.id, '2026-06-01')
  t.same(
    talks.map((x) => [x.supporterName, x.memberName, x.strength]),
    [['Hana Close', 'Gil Undecided', 'close']],
    'the weekly list is exported for assignments',
  )
  t.same(await weeklyTalks(db, { chapterIds: [w.b.id] }, drive.id, '2026-06-01'), [], 'out of scope: nothing')

  const unversioned = await org.post(`${url}/relationships/${rels[1]!.id}/delete`, {})
  t.equal(unversioned.statusCode, 409, 'a delete from a page without the version is a conflict')
  const removed = await org.post(`${url}/relationships/${rels[1]!.id}/delete`, { version: String(rels[1]!.version) })
  t.equal(removed.statusCode, 303)
  t.ok(
    (await db.selectFrom('relationships').select('deleted_at').where('id', '=', rels[1]!.id).executeTakeFirstOrThrow())
      .deleted_at,
    'soft-deleted',
  )
  void app
})

t.test(
  'Volunteers see names and reads but no contacts; national reviewers and other chapters do not get in.',
  async (t) => {
    const { app, db, w, drive, org } = await setup(t)
    const url = `/drives/${drive.id}/whip`
    await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board' })
    const s = await supporter(db, w.a.id, w.localA.id, 'Jo Linked', 1)
    await org.post(`${url}/members`, { seat: 'Treasurer', supporter_id: String(s.id) })
    const m = await db.selectFrom('body_members').selectAll().executeTakeFirstOrThrow()

    const vol = new Agent(app)
    await vol.login(w.volunteerA.email, PASSWORD)
    const page = await vol.get(url)
    t.equal(page.statusCode, 200)
    t.match(page.body, 'Jo Linked')
    t.notMatch(page.body, 'jo.linked@example.org', 'no contact details')
    t.notMatch(page.body, 'Add a member', 'volunteers do not edit the roster')
    t.equal(
      (await vol.post(`${url}/members/${m.id}/read`, { read: 'yes', version: String(m.version) })).statusCode,
      303,
    )
    t.equal((await vol.post(`${url}/members`, { name: 'Sneaky' })).statusCode, 403)

    const nat = new Agent(app)
    await nat.login(w.national.email, PASSWORD)
    t.equal((await nat.get(url)).statusCode, 403)
    const natDrive = await nat.get(`/drives/${drive.id}`)
    t.notMatch(natDrive.body, 'Jo Linked', 'the drive page names nobody to a national reviewer')

    const orgB = new Agent(app)
    await orgB.login(w.organizerB.email, PASSWORD)
    t.equal((await orgB.get(url)).statusCode, 404)
    t.equal((await orgB.post(`${url}/members/${m.id}/read`, { read: 'no', version: '2' })).statusCode, 404)
  },
)

t.test('A membership meeting counts pledged turnout against the expected room.', async (t) => {
  const { db, w, drive, org } = await setup(t)
  const url = `/drives/${drive.id}/whip`
  const noRoom = await org.post(`${url}/body`, {
    kind: 'turnout',
    name: 'General membership meeting',
    threshold: 'majority_cast',
  })
  t.equal(noRoom.statusCode, 422)
  t.match(noRoom.body, 'Give the attendance you expect')
  t.equal(
    (
      await org.post(`${url}/body`, {
        kind: 'turnout',
        name: 'General membership meeting',
        threshold: 'majority_cast',
        quorum: '5',
        expected_attendance: '9',
      })
    ).statusCode,
    303,
  )
  const people = await Promise.all(['Kay', 'Lou', 'Mo', 'Ned'].map((n) => supporter(db, w.a.id, w.localA.id, n, 1)))
  for (const [i, p] of people.entries())
    await org.post(`${url}/pledges`, { supporter_id: String(p.id), pledge: i < 3 ? 'pledged' : 'maybe' })
  let page = await org.get(url)
  t.match(page.body, 'We would lose today: 2 short', 'three of nine coming need two more for a majority')
  await org.post(`${url}/pledges`, { supporter_id: String(people[3]!.id), pledge: 'confirmed' })
  const extra = await supporter(db, w.a.id, w.localA.id, 'Oz', 1)
  await org.post(`${url}/pledges`, { supporter_id: String(extra.id), pledge: 'confirmed' })
  page = await org.get(url)
  t.match(page.body, 'We would win today, by one vote')
  const rows = await db.selectFrom('turnout_pledges').selectAll().where('deleted_at', 'is', null).execute()
  t.equal(rows.length, 5, 'one pledge per supporter, changed in place')
  await org.post(`${url}/pledges`, { supporter_id: String(extra.id), pledge: 'none' })
  t.equal((await db.selectFrom('turnout_pledges').selectAll().where('deleted_at', 'is', null).execute()).length, 4)
})

t.test(
  'A structure test charts each unit against 50% and the target, and says when a majority is reached.',
  async (t) => {
    const { db, drive, org } = await setup(t)
    const url = `/drives/${drive.id}/whip`
    const bad = await org.post(`${url}/tests`, { kind: 'petition', name: 'M4A petition', units: 'Days 40\nNights: x' })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Line 1: write each unit as')
    t.match(bad.body, 'M4A petition', 'the name typed is kept')
    t.equal(
      (
        await org.post(`${url}/tests`, {
          kind: 'petition',
          name: 'M4A petition',
          target_percent: '60',
          units: 'Days: 40\nNights: 20',
        })
      ).statusCode,
      303,
    )
    const test = await db.selectFrom('structure_tests').selectAll().executeTakeFirstOrThrow()
    const units = await db.selectFrom('structure_test_units').selectAll().orderBy('position').execute()
    t.same(
      units.map((u) => [u.name, u.headcount]),
      [
        ['Days', 40],
        ['Nights', 20],
      ],
    )
    const tooMany = await org.post(`${url}/tests/${test.id}/counts`, {
      unit_id: String(units[1]!.id),
      counted_on: '2026-03-01',
      total: '25',
    })
    t.equal(tooMany.statusCode, 422)
    t.match(tooMany.body, 'More than the unit’s headcount of 20')
    const future = await org.post(`${url}/tests/${test.id}/counts`, {
      unit_id: String(units[1]!.id),
      counted_on: '2099-03-01',
      total: '5',
    })
    t.equal(future.statusCode, 422)
    t.match(future.body, 'The date is in the future.')
    for (const [u, d, n] of [
      [0, '2026-03-01', 10],
      [1, '2026-03-01', 5],
      [0, '2026-03-08', 22],
      [1, '2026-03-08', 12],
    ] as const)
      t.equal(
        (
          await org.post(`${url}/tests/${test.id}/counts`, {
            unit_id: String(units[u]!.id),
            counted_on: d,
            total: String(n),
          })
        ).statusCode,
        303,
      )
    const page = await org.get(url)
    t.match(page.body, '34 of 60 (56%) — majority reached')
    t.match(page.body, '<svg class="whip-chart"')
    t.match(page.body, 'Days: 22 of 40 (55%)')

    const wholeLocal = await org.post(`${url}/tests`, { kind: 'sticker_up', name: 'Sticker day' })
    t.equal(wholeLocal.statusCode, 303, 'with no units the local’s membership is the denominator')
    const whole = await db
      .selectFrom('structure_test_units')
      .selectAll()
      .where('name', '=', 'Whole local')
      .executeTakeFirstOrThrow()
    t.equal(whole.headcount, 400)
  },
)

t.test('The whip page and the board badges answer in a bounded number of queries.', async (t) => {
  const { db, w, drive, org, handle } = await setup(t)
  const url = `/drives/${drive.id}/whip`
  await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board', threshold: 'majority_cast' })
  const body = await db.selectFrom('deciding_bodies').selectAll().executeTakeFirstOrThrow()
  const addMembers = async (n: number, from: number) => {
    for (let i = from; i < from + n; i++) {
      const s = await supporter(db, w.a.id, w.localA.id, `Friend ${i}`, 1 + (i % 5))
      const m = await db
        .insertInto('body_members')
        .values({ body_id: body.id, chapter_id: w.a.id, name: `Member ${i}`, read: i % 2 ? 'undecided' : 'yes' })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('relationships')
        .values({ chapter_id: w.a.id, a_supporter_id: s.id, b_member_id: m.id, kind: 'coworker', strength: 'knows' })
        .execute()
    }
  }
  await addMembers(3, 0)
  const small = await countQueries(handle, () => org.get(url))
  await addMembers(30, 3)
  const big = await countQueries(handle, () => org.get(url))
  t.equal(big, small, `the whip page runs ${small} queries whatever the body's size`)
  t.ok(small <= 20, `and few of them (${small})`)

  const badges = await countQueries(handle, () => whipBadges(db, [drive.id, 999999]))
  t.equal(badges, 1, 'badges for many drives are one query')
  const got = await whipBadges(db, [drive.id])
  t.equal(got.get(drive.id)?.text, 'votes: 17 of 17 needed', '17 yes of 33 present, 17 needed')
})
