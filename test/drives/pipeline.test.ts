import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'

async function slate(db: Db, o: { election_date?: string } = {}) {
  return db
    .insertInto('slates')
    .values({ name: '2026 national slate', is_current: true, election_date: o.election_date ?? '2026-11-03' })
    .returningAll()
    .executeTakeFirstOrThrow()
}

const stageChanges = (db: Db, driveId: number) =>
  db.selectFrom('stage_changes').selectAll().where('drive_id', '=', driveId).orderBy('id').execute()
const drive = (db: Db, id: number) => db.selectFrom('drives').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

t.test('the drive pipeline', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await slate(db)
  const cand = await db
    .insertInto('candidates')
    .values({
      slate_id: s.id,
      chapter_id: w.a.id,
      name: 'Rosa Candidate',
      office: 'City Council',
      election_date: '2026-11-03',
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)

  let driveId = 0

  await t.test('the local page offers to start a drive', async (t) => {
    const res = await org.get(`/locals/${w.localA.id}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Start a drive')
    t.match(res.body, '2026 national slate')
  })

  await t.test('an organizer starts a drive from the local page', async (t) => {
    const res = await org.post('/drives', {
      local_id: String(w.localA.id),
      slate_id: String(s.id),
      asks: 'both',
      candidate_id: String(cand.id),
    })
    t.equal(res.statusCode, 303)
    const row = await db.selectFrom('drives').selectAll().where('local_id', '=', w.localA.id).executeTakeFirstOrThrow()
    driveId = row.id
    t.equal(res.headers.location, `/drives/${row.id}`)
    t.equal(row.chapter_id, w.a.id)
    t.equal(row.stage, 'identify')
    t.equal(row.owner_id, w.organizerA.id)
    t.equal((await stageChanges(db, row.id)).length, 1)
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'drive')
      .where('entity_id', '=', String(row.id))
      .executeTakeFirstOrThrow()
    t.equal(a.action, 'create')
  })

  await t.test('a second drive for the same local and slate is a field message', async (t) => {
    const res = await org.post('/drives', { local_id: String(w.localA.id), slate_id: String(s.id), asks: 'slate' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'already has a drive for that slate')
  })

  await t.test('another chapter’s organizer cannot start a drive at this local', async (t) => {
    const res = await orgB.post('/drives', { local_id: String(w.localA.id), slate_id: String(s.id), asks: 'slate' })
    t.equal(res.statusCode, 403)
  })

  await t.test('the drive page shows the stages, the exit check and the timeline', async (t) => {
    const res = await org.get(`/drives/${driveId}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Identify supporters')
    t.match(res.body, 'Hold the vote')
    t.match(res.body, '0 of 5 supporters at level 1–2', 'the supporter counts now feed the check')
    t.match(res.body, 'Drive started in “Identify supporters”')
    t.match(res.body, 'Majority of votes cast')
  })

  await t.test('a national reviewer reads the drive but gets no forms', async (t) => {
    const res = await nat.get(`/drives/${driveId}`)
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, 'Record the decision')
  })

  await t.test('another chapter’s organizer gets 404 on the drive and its forms', async (t) => {
    t.equal((await orgB.get(`/drives/${driveId}`)).statusCode, 404)
    for (const path of ['stage', 'next-step', 'process', 'filings', 'decisions']) {
      t.equal((await orgB.post(`/drives/${driveId}/${path}`, { to: 'vote', version: '1' })).statusCode, 404, path)
    }
  })

  await t.test('a volunteer cannot move a drive', async (t) => {
    const res = await vol.post(`/drives/${driveId}/stage`, { to: 'democratize', version: '1', reason: 'x' })
    t.equal(res.statusCode, 403)
    t.equal((await drive(db, driveId)).stage, 'identify')
  })

  await t.test('moving past an unmet check asks for a reason and changes nothing', async (t) => {
    const res = await org.post(`/drives/${driveId}/stage`, { to: 'democratize', version: '1' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Give a reason for this move')
    t.match(res.body, 'Exit check not met')
    t.equal((await drive(db, driveId)).stage, 'identify')
    t.equal((await stageChanges(db, driveId)).length, 1)
  })

  await t.test('with a reason the move is recorded with its warnings and audited', async (t) => {
    const res = await org.post(`/drives/${driveId}/stage`, {
      to: 'democratize',
      version: '1',
      reason: 'Five strong supporters known from the 1-on-1s',
      back: '/board',
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/board')
    const d = await drive(db, driveId)
    t.equal(d.stage, 'democratize')
    t.equal(d.version, 2)
    const changes = await stageChanges(db, driveId)
    t.equal(changes.length, 2)
    t.equal(changes[1]!.reason, 'Five strong supporters known from the 1-on-1s')
    t.ok(changes[1]!.warnings.length > 0)
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'drive')
      .where('action', '=', 'move')
      .executeTakeFirstOrThrow()
    t.equal(a.actor_id, w.organizerA.id)
  })

  await t.test('a stale version is a 409 that names who changed it and keeps the input', async (t) => {
    const res = await org.post(`/drives/${driveId}/stage`, {
      to: 'build_team',
      version: '1',
      reason: 'my careful reason',
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, 'You changed this drive in another tab', 'the other change was this organizer’s own')
    t.notMatch(res.body, 'Someone else')
    t.match(res.body, 'The values saved now')
    t.match(res.body, 'my careful reason')
    t.equal((await drive(db, driveId)).stage, 'democratize')
  })

  await t.test('a process push adopted meets the democratize check, so the next move needs no reason', async (t) => {
    const bad = await org.post(`/drives/${driveId}/process`, { outcome: 'adopted', body: 'Executive board' })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Tick at least one mechanism')
    const res = await org.post(`/drives/${driveId}/process`, {
      mechanisms: ['candidate_forum', 'binding_poll'],
      body: 'Executive board',
      decided_on: '2026-09-01',
      outcome: 'adopted',
    })
    t.equal(res.statusCode, 303)
    const p = await db
      .selectFrom('process_pushes')
      .selectAll()
      .where('drive_id', '=', driveId)
      .executeTakeFirstOrThrow()
    t.same(p.mechanisms, ['candidate_forum', 'binding_poll'])
    const move = await org.post(`/drives/${driveId}/stage`, { to: 'build_team', version: '2' })
    t.equal(move.statusCode, 303)
    t.equal((await drive(db, driveId)).stage, 'build_team')
  })

  await t.test('moving backwards needs a reason', async (t) => {
    const res = await org.post(`/drives/${driveId}/stage`, { to: 'democratize', version: '3' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Moving back')
    const ok = await org.post(`/drives/${driveId}/stage`, {
      to: 'democratize',
      version: '3',
      reason: 'Board reversed the poll',
    })
    t.equal(ok.statusCode, 303)
    t.equal((await drive(db, driveId)).stage, 'democratize')
    const skip = await org.post(`/drives/${driveId}/stage`, {
      to: 'file_resolution',
      version: '4',
      reason: 'Team already trained last cycle',
    })
    t.equal(skip.statusCode, 303)
    const d = await drive(db, driveId)
    t.equal(d.stage, 'file_resolution')
    t.equal(d.process_skipped_reason, null, 'the process was adopted, so nothing was skipped')
  })

  await t.test('the next step saves inline and answers htmx with its panel', async (t) => {
    const res = await org.post(
      `/drives/${driveId}/next-step`,
      { next_step: 'Collect signatures', next_step_due: '2020-01-01', version: '5' },
      { htmx: 'section#next-step' },
    )
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'Collect signatures')
    t.match(res.body, 'overdue')
    const bad = await org.post(`/drives/${driveId}/next-step`, {
      next_step: 'x',
      next_step_due: '2020-02-31',
      version: '6',
    })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Due date is not a real date.')
  })

  await t.test('a stale next-step save is a 409 with the typed text kept', async (t) => {
    const res = await org.post(
      `/drives/${driveId}/next-step`,
      { next_step: 'Book the hall for the forum', next_step_due: '2026-12-01', version: '1' },
      { htmx: 'section#next-step' },
    )
    t.equal(res.statusCode, 409)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'You changed this drive in another tab')
    t.match(res.body, 'value="Book the hall for the forum"')
    t.equal((await drive(db, driveId)).next_step, 'Collect signatures')
  })

  await t.test('the local page lists its drive', async (t) => {
    const res = await org.get(`/locals/${w.localA.id}`)
    t.match(res.body, `href="/drives/${driveId}"`)
    t.match(res.body, 'File the resolution')
  })

  await t.test('a filing computes the earliest vote date from the notice period', async (t) => {
    const res = await org.post(`/drives/${driveId}/filings`, {
      filed_on: '2026-10-01',
      body: 'General membership meeting',
      text_filed: 'Whereas … Resolved …',
    })
    t.equal(res.statusCode, 303)
    const f = await db.selectFrom('filings').selectAll().where('drive_id', '=', driveId).executeTakeFirstOrThrow()
    t.equal(f.earliest_vote_on, '2026-10-15')
    t.equal((await drive(db, driveId)).vote_date, '2026-10-15')
    const late = await org.post(`/drives/${driveId}/filings`, {
      filed_on: '2026-10-25',
      body: 'General membership meeting',
      text_filed: 'Again',
    })
    t.match(decodeURIComponent(String(late.headers['set-cookie'])), 'falls after the election')
  })

  await t.test('a postponed decision keeps the drive at the vote with the new date', async (t) => {
    const v = (await drive(db, driveId)).version
    const res = await org.post(`/drives/${driveId}/decisions`, {
      body: 'General membership meeting',
      held_on: '2026-10-15',
      choice: 'postponed',
      next_date: '2026-10-29',
      quorum_met: 'on',
      binding: 'on',
      version: String(v),
      confirm: 'yes',
    })
    t.equal(res.statusCode, 303)
    const d = await drive(db, driveId)
    t.equal(d.stage, 'vote')
    t.equal(d.status, 'active')
    t.equal(d.vote_date, '2026-10-29')
  })

  await t.test('a counted vote with a missing tally comes back with field messages', async (t) => {
    const v = (await drive(db, driveId)).version
    const res = await org.post(`/drives/${driveId}/decisions`, {
      body: 'GMM',
      held_on: '2026-10-29',
      choice: 'counted',
      quorum_met: 'on',
      threshold: 'majority_cast',
      votes_for: 'many',
      version: String(v),
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Votes for must be a whole number.')
    t.match(res.body, 'value="many"')
  })

  await t.test('an adopted vote wins the drive and records the endorsements', async (t) => {
    const v = (await drive(db, driveId)).version
    const res = await org.post(`/drives/${driveId}/decisions`, {
      body: 'General membership meeting',
      held_on: '2026-10-29',
      choice: 'counted',
      quorum_met: 'on',
      binding: 'on',
      threshold: 'two_thirds',
      votes_for: '40',
      votes_against: '20',
      abstain: '5',
      version: String(v),
      confirm: 'yes',
    })
    t.equal(res.statusCode, 303)
    const d = await drive(db, driveId)
    t.equal(d.status, 'won')
    const x = await db
      .selectFrom('decisions')
      .selectAll()
      .where('drive_id', '=', driveId)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    t.equal(x.outcome, 'adopted')
    const e = await db.selectFrom('endorsements').selectAll().where('decision_id', '=', x.id).orderBy('id').execute()
    t.equal(e.length, 2)
    t.same(
      e.map((r) => r.candidate_id),
      [cand.id, null],
    )
    t.equal(e[0]!.local_id, w.localA.id)
    t.equal(e[0]!.chapter_id, w.a.id)
    t.equal(e[0]!.threshold_met, true)
  })

  await t.test('the drive page timeline shows every kind of event', async (t) => {
    const res = await org.get(`/drives/${driveId}`)
    t.match(res.body, 'Process push: Candidate forum, Binding member poll — Adopted')
    t.match(res.body, 'Resolution filed with General membership meeting')
    t.match(res.body, 'Postponed')
    t.match(res.body, 'Meeting of General membership meeting: Adopted')
    t.match(res.body, 'For 40 · against 20 · abstain 5 · Two-thirds')
    t.match(res.body, 'Whole slate')
  })

  await t.test('a failed vote (a tie) loses the drive', async (t) => {
    const l = await db
      .insertInto('locals')
      .values({
        name: 'Alpha Local 9',
        chapter_id: w.a.id,
        national_union_id: w.union.id,
        notice_days: 7,
        threshold: 'majority_cast',
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await org.post('/drives', { local_id: String(l.id), slate_id: String(s.id), asks: 'slate' })
    const d0 = await db.selectFrom('drives').selectAll().where('local_id', '=', l.id).executeTakeFirstOrThrow()
    const res = await org.post(`/drives/${d0.id}/decisions`, {
      body: 'Executive board',
      held_on: '2026-10-02',
      choice: 'counted',
      quorum_met: 'on',
      threshold: 'majority_cast',
      votes_for: '5',
      votes_against: '5',
      version: String(d0.version),
      confirm: 'yes',
    })
    t.equal(res.statusCode, 303)
    const d = await drive(db, d0.id)
    t.equal(d.status, 'lost')
    t.equal(d.stage, 'vote')
    t.equal((await db.selectFrom('endorsements').selectAll().where('local_id', '=', l.id).execute()).length, 0)
    const reopen = await org.post(`/drives/${d0.id}/stage`, { to: 'identify', version: String(d.version) })
    t.equal(reopen.statusCode, 422)
    t.match(reopen.body, 'Reopening a drive')
  })

  await t.test('no quorum keeps the drive at the vote', async (t) => {
    const l = await db
      .insertInto('locals')
      .values({ name: 'Alpha Local 10', chapter_id: w.a.id, notice_days: 7 })
      .returningAll()
      .executeTakeFirstOrThrow()
    await org.post('/drives', { local_id: String(l.id), slate_id: String(s.id), asks: 'slate' })
    const d0 = await db.selectFrom('drives').selectAll().where('local_id', '=', l.id).executeTakeFirstOrThrow()
    const res = await org.post(`/drives/${d0.id}/decisions`, {
      body: 'GMM',
      held_on: '2026-10-02',
      choice: 'counted',
      threshold: 'majority_cast',
      next_date: '2026-11-01',
      version: String(d0.version),
      confirm: 'yes',
    })
    t.equal(res.statusCode, 303)
    const d = await drive(db, d0.id)
    t.equal(d.status, 'active')
    t.equal(d.stage, 'vote')
    const x = await db.selectFrom('decisions').selectAll().where('drive_id', '=', d0.id).executeTakeFirstOrThrow()
    t.equal(x.outcome, 'no_quorum')
  })

  await t.test('a custom threshold is applied to the tally', async (t) => {
    for (const [name, votesFor, against, want] of [
      ['Alpha Local 11', '57', '43', 'failed'],
      ['Alpha Local 12', '58', '42', 'adopted'],
    ] as const) {
      const l = await db
        .insertInto('locals')
        .values({ name, chapter_id: w.a.id, notice_days: 7, threshold: 'custom', threshold_percent: 58 })
        .returningAll()
        .executeTakeFirstOrThrow()
      await org.post('/drives', {
        local_id: String(l.id),
        slate_id: String(s.id),
        asks: 'candidate',
        candidate_id: String(cand.id),
      })
      const d0 = await db.selectFrom('drives').selectAll().where('local_id', '=', l.id).executeTakeFirstOrThrow()
      const page = await org.get(`/drives/${d0.id}`)
      t.match(
        page.body,
        /name="threshold_percent" type="text" value="58"/,
        'the threshold defaults from the local’s rules',
      )
      const res = await org.post(`/drives/${d0.id}/decisions`, {
        body: 'GMM',
        held_on: '2026-10-02',
        choice: 'counted',
        quorum_met: 'on',
        threshold: 'custom',
        threshold_percent: '58',
        votes_for: votesFor,
        votes_against: against,
        version: String(d0.version),
        confirm: 'yes',
      })
      t.equal(res.statusCode, 303)
      const x = await db.selectFrom('decisions').selectAll().where('drive_id', '=', d0.id).executeTakeFirstOrThrow()
      t.equal(x.outcome, want, name)
      const e = await db.selectFrom('endorsements').selectAll().where('local_id', '=', l.id).execute()
      t.same(
        e.map((r) => r.candidate_id),
        want === 'adopted' ? [cand.id] : [],
      )
    }
  })

  await t.test('leaving democratize without an adopted process records the reason as the skip', async (t) => {
    const l = await db
      .insertInto('locals')
      .values({ name: 'Alpha Local 13', chapter_id: w.a.id })
      .returningAll()
      .executeTakeFirstOrThrow()
    await org.post('/drives', { local_id: String(l.id), slate_id: String(s.id), asks: 'slate' })
    const d0 = await db.selectFrom('drives').selectAll().where('local_id', '=', l.id).executeTakeFirstOrThrow()
    await org.post(`/drives/${d0.id}/stage`, { to: 'democratize', version: '1', reason: 'Known supporters' })
    const asks = await org.post(`/drives/${d0.id}/stage`, { to: 'build_team', version: '2' })
    t.equal(asks.statusCode, 422)
    t.match(asks.body, 'No democratic process adopted yet')
    await org.post(`/drives/${d0.id}/stage`, {
      to: 'build_team',
      version: '2',
      reason: 'Members already vote on endorsements',
    })
    const d = await drive(db, d0.id)
    t.equal(d.stage, 'build_team')
    t.equal(d.process_skipped_reason, 'Members already vote on endorsements')
    const page = await org.get(`/drives/${d0.id}`)
    t.match(page.body, 'Moved from “Democratize the endorsement process” to “Build teams”')
  })
})
