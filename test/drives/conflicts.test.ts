import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, user, world } from '../factories.ts'
import { conflictView, VersionConflict } from '../../src/shared/conflict.ts'

const versionOf = async (db: Awaited<ReturnType<typeof buildTestApp>>['db'], id: number) =>
  (await db.selectFrom('drives').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version

t.test('two organizers saving the same drive', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const maria = await user(db, 'organizer', w.a.id, { name: 'Maria Lopez' })
  const slate = await f.slate(db, { name: 'Conflict slate', is_current: true, election_date: '2030-11-05' })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const other = new Agent(app)
  await other.login(maria.email, PASSWORD)
  const start = await org.post('/drives', { local_id: String(w.localA.id), slate_id: String(slate.id), asks: 'slate' })
  const driveId = Number(/\/drives\/(\d+)/.exec(start.headers.location as string)![1])

  await t.test('the one who saved second gets a 409 naming who saved first, with both sets of values', async (t) => {
    const opened = await versionOf(db, driveId)
    const first = await other.post(`/drives/${driveId}/next-step`, {
      next_step: 'Call the president',
      next_step_due: '',
      version: String(opened),
    })
    t.equal(first.statusCode, 303)
    const res = await org.post(`/drives/${driveId}/next-step`, {
      next_step: 'Print the flyers',
      next_step_due: '',
      version: String(opened),
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, /Maria Lopez changed this drive at \d\d:\d\d/)
    t.notMatch(res.body, 'Someone else')
    t.match(res.body, 'value="Print the flyers"', 'what was typed is kept in the form')
    t.match(res.body, 'The values saved now')
    t.match(res.body, '<dd>Call the president</dd>', 'the saved value is shown beside it')
    const row = await db.selectFrom('drives').selectAll().where('id', '=', driveId).executeTakeFirstOrThrow()
    t.equal(row.next_step, 'Call the president', 'the first save stands')
  })

  await t.test('a decision that loses the race is rolled back whole: no decision, no endorsement', async (t) => {
    const stale = (await versionOf(db, driveId)) - 1
    const res = await org.post(`/drives/${driveId}/decisions`, {
      held_on: '2026-10-01',
      body: 'Membership meeting',
      kind: 'meeting',
      quorum_met: 'on',
      binding: 'on',
      choice: 'counted',
      votes_for: '40',
      votes_against: '3',
      threshold: 'majority_cast',
      version: String(stale),
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, 'Maria Lopez changed this drive')
    const decisions = await db.selectFrom('decisions').selectAll().where('drive_id', '=', driveId).execute()
    t.equal(decisions.length, 0)
    const endorsements = await db.selectFrom('endorsements').selectAll().execute()
    t.equal(endorsements.length, 0)
  })

  await t.test('a move from a stale page names who moved it and changes nothing', async (t) => {
    const opened = await versionOf(db, driveId)
    const first = await other.post(`/drives/${driveId}/stage`, { to: 'paused', version: String(opened) })
    t.equal(first.statusCode, 303)
    const res = await org.post(`/drives/${driveId}/stage`, {
      to: 'dropped',
      version: String(opened),
      reason: 'No interest',
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, 'Maria Lopez changed this drive')
    t.match(res.body, 'No interest')
    const row = await db.selectFrom('drives').selectAll().where('id', '=', driveId).executeTakeFirstOrThrow()
    t.equal(row.status, 'paused')
  })
})

t.test('The conflict message says who changed the record and when.', async (t) => {
  const at = new Date('2026-03-04T19:05:00Z')
  const cases = [
    {
      name: 'another person is named, with the time in the chapter’s zone',
      c: new VersionConflict('drive', 1, {}, { actorId: 2, actorName: 'Maria Lopez', at }),
      zone: 'America/New_York',
      want: 'Maria Lopez changed this drive on 4 Mar 2026 at 14:05',
    },
    {
      name: 'your own other tab is yours, not someone else’s',
      c: new VersionConflict('drive', 1, {}, { actorId: 7, actorName: 'Me', at }),
      zone: 'UTC',
      want: 'You changed this drive in another tab on 4 Mar 2026 at 19:05',
    },
    {
      name: 'a change made by the app itself is someone else’s',
      c: new VersionConflict('drive', 1, {}, { actorId: null, actorName: null, at }),
      zone: 'UTC',
      want: 'Someone else changed this drive on 4 Mar 2026 at 19:05',
    },
    {
      name: 'a record with no history is still a conflict',
      c: new VersionConflict('drive', 1, {}, undefined),
      zone: 'UTC',
      want: 'Someone else changed this drive after you opened it',
    },
    {
      name: 'a deleted record says nothing was saved',
      c: new VersionConflict('drive', 1, undefined, { actorId: 2, actorName: 'Maria Lopez', at }),
      zone: 'UTC',
      want: 'This drive was deleted after you opened it; nothing was saved.',
    },
  ]
  for (const x of cases)
    t.test(x.name, async (t) => {
      const v = conflictView(x.c, { what: 'drive', userId: 7, timeZone: x.zone })
      t.match(v.message, x.want)
    })
  t.test('an empty saved value shows as a dash', async (t) => {
    const v = conflictView(new VersionConflict('drive', 1, {}, undefined), {
      what: 'drive',
      userId: 7,
      saved: [{ label: 'Due', value: '' }],
    })
    t.same(v.saved, [{ label: 'Due', value: '—' }])
  })
})
