// The whip count's "who should talk to whom" becomes assignments: each
// supporter best placed to reach an undecided board member is assigned, with
// an ask naming the member and how they know each other.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'
import { talkAsks } from '../../src/assignments/talk-asks.ts'

t.test('talkAsks: one ask per supporter, naming every member they reach', async (t) => {
  const talk = (supporterId: number, memberName: string, kind: string) => ({
    memberId: 1,
    memberName,
    memberSupporterId: null,
    supporterId,
    supporterName: 'S',
    kind,
    strength: 'close',
  })
  const asks = talkAsks([
    talk(1, 'Rae Board', 'coworker'),
    talk(2, 'Ty Seat', 'friend'),
    talk(1, 'Uma Chair', 'family'),
  ])
  t.same(
    [...asks],
    [
      [1, 'Talk to Rae Board (coworker) and Uma Chair (family) about the vote'],
      [2, 'Talk to Ty Seat (friend) about the vote'],
    ],
  )
  t.same([...talkAsks([])], [])
})

t.test('an organizer assigns this week’s who-talks-to-whom from the drive', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'S' })
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, stage: 'vote' })
  const kim = await f.supporter(db, w.a.id, w.localA.id, { name: 'Kim Knows' })
  const lou = await f.supporter(db, w.a.id, w.localA.id, { name: 'Lou Alone' })
  const body = await db
    .insertInto('deciding_bodies')
    .values({ drive_id: drive.id, chapter_id: w.a.id, kind: 'roster', name: 'Executive board' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const members = await db
    .insertInto('body_members')
    .values(
      [
        ['Una Undecided', 'undecided'],
        ['Yan Yes', 'yes'],
      ].map(([name, read]) => ({
        body_id: body.id,
        chapter_id: w.a.id,
        seat: 'Trustee',
        name,
        read: read as 'undecided' | 'yes',
      })),
    )
    .returning('id')
    .execute()
  await db
    .insertInto('relationships')
    .values({
      chapter_id: w.a.id,
      a_supporter_id: kim.id,
      b_member_id: members[0]!.id,
      kind: 'coworker',
      strength: 'close',
    })
    .execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)

  const panel = await org.get(`/drives/${drive.id}/assignments`, { htmx: 'section#drive-assignments' })
  t.match(panel.body, `href="/assignments/new?drive=${drive.id}&amp;whip=1"`, 'the drive’s panel offers it')

  const form = await org.get(`/assignments/new?drive=${drive.id}&whip=1`)
  t.equal(form.statusCode, 200)
  t.match(form.body, /value="\d+" checked> Kim Knows/)
  t.match(form.body, 'Talk to Una Undecided (coworker) about the vote')
  t.notMatch(form.body, 'Lou Alone', 'only supporters with a path to an open member')
  t.notMatch(form.body, 'Yan Yes', 'a member already at yes needs no one')
  t.match(form.body, '<input type="hidden" name="whip" value="1">')

  const bad = await org.post('/assignments', {
    supporter_id: String(kim.id),
    drive_id: String(drive.id),
    whip: '1',
  })
  t.equal(bad.statusCode, 422, 'no assignee: the form again, still from the whip count')
  t.match(bad.body, 'Talk to Una Undecided (coworker) about the vote')

  const res = await org.post('/assignments', {
    supporter_id: String(kim.id),
    assignee_id: String(w.volunteerA.id),
    drive_id: String(drive.id),
    whip: '1',
    // Not trusted: the asks are worked out again on the server.
    ask: '',
  })
  t.equal(res.statusCode, 303)
  const rows = await db.selectFrom('assignments').selectAll().execute()
  t.same(
    rows.map((r) => [r.supporter_id, r.assignee_id, r.drive_id, r.ask]),
    [[kim.id, w.volunteerA.id, drive.id, 'Talk to Una Undecided (coworker) about the vote']],
  )
  const audit = await db
    .selectFrom('audit_log')
    .select('after')
    .where('entity', '=', 'assignment')
    .executeTakeFirstOrThrow()
  t.match(audit.after, { from: 'whip count', supporter_ids: [kim.id] })

  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  t.match((await vol.get('/my-list')).body, 'Talk to Una Undecided (coworker) about the vote')

  const own = await org.post('/assignments', {
    supporter_id: String(lou.id),
    assignee_id: String(w.volunteerA.id),
    drive_id: String(drive.id),
    whip: '1',
    ask: 'Come to the meeting',
  })
  t.equal(own.statusCode, 303)
  const lous = await db.selectFrom('assignments').select('ask').where('supporter_id', '=', lou.id).execute()
  t.same(
    lous.map((r) => r.ask),
    ['Come to the meeting'],
    'a written ask is used as written',
  )

  const other = await orgB.get(`/assignments/new?drive=${drive.id}&whip=1`)
  t.notMatch(other.body, 'Una Undecided', 'another chapter’s organizer gets no names from this drive')
})
