import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'

// Each subtest builds the drive it needs (through the factories or the start form) and reads
// versions from the database, so any one of them runs, passes or fails on its own.

const stageChanges = (db: Db, driveId: number) =>
  db.selectFrom('stage_changes').selectAll().where('drive_id', '=', driveId).orderBy('id').execute()
const drive = (db: Db, id: number) => db.selectFrom('drives').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
/** The drive's version as the database holds it now, as a form sends it back. */
const versionOf = async (db: Db, id: number) => String((await drive(db, id)).version)

t.test('the drive pipeline', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await f.slate(db, { name: '2026 national slate', is_current: true, election_date: '2026-11-03' })
  const cand = await f.candidate(db, s.id, {
    chapter_id: w.a.id,
    name: 'Rosa Candidate',
    office: 'City Council',
    election_date: '2026-11-03',
  })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)

  /** A local of chapter Alpha (14 days' notice, majority of votes cast) with no drive yet. */
  const alphaLocal = () => f.local(db, { chapter_id: w.a.id, national_union_id: w.union.id, notice_days: 14 })
  type DriveOpts = NonNullable<Parameters<typeof f.drive>[3]>
  /** A drive of a new Alpha local for both the slate and Rosa, owned by Alpha's organizer, at `stage`. */
  const alphaDrive = async (o: DriveOpts = {}) => {
    const l = await alphaLocal()
    const d = await f.drive(db, s.id, l.id, {
      chapter_id: w.a.id,
      asks: 'both',
      candidate_id: cand.id,
      owner_id: w.organizerA.id,
      ...o,
    })
    return { local: l, id: d.id }
  }
  /** A drive at the filing stage with a resolution filed on 1 October (so its earliest vote is 15 October). */
  const filedDrive = async () => {
    const d = await alphaDrive({ stage: 'file_resolution' })
    const res = await org.post(`/drives/${d.id}/filings`, {
      filed_on: '2026-10-01',
      body: 'General membership meeting',
      text_filed: 'Whereas … Resolved …',
    })
    if (res.statusCode !== 303) throw new Error(`filing answered ${res.statusCode}`)
    return d
  }
  const decide = async (id: number, fields: Record<string, string>) =>
    org.post(`/drives/${id}/decisions`, { ...fields, version: await versionOf(db, id), confirm: 'yes' })

  await t.test('the local page offers to start a drive', async (t) => {
    const res = await org.get(`/locals/${w.localA.id}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Start a drive')
    t.match(res.body, '2026 national slate')
  })

  await t.test('an organizer starts a drive from the local page', async (t) => {
    const l = await alphaLocal()
    const res = await org.post('/drives', {
      local_id: String(l.id),
      slate_id: String(s.id),
      asks: 'both',
      candidate_id: String(cand.id),
    })
    t.equal(res.statusCode, 303)
    const row = await db.selectFrom('drives').selectAll().where('local_id', '=', l.id).executeTakeFirstOrThrow()
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
    const d = await alphaDrive()
    const res = await org.post('/drives', { local_id: String(d.local.id), slate_id: String(s.id), asks: 'slate' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'already has a drive for that slate')
  })

  await t.test('another chapter’s organizer cannot start a drive at this local', async (t) => {
    const l = await alphaLocal()
    const res = await orgB.post('/drives', { local_id: String(l.id), slate_id: String(s.id), asks: 'slate' })
    t.equal(res.statusCode, 403)
  })

  await t.test('the drive page shows the stages, the exit check and the timeline', async (t) => {
    const l = await alphaLocal()
    const start = await org.post('/drives', { local_id: String(l.id), slate_id: String(s.id), asks: 'slate' })
    const res = await org.get(start.headers.location as string)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Identify supporters')
    t.match(res.body, 'Hold the vote')
    t.match(res.body, '0 of 5 supporters at level 1–2', 'the supporter counts now feed the check')
    t.match(res.body, 'Drive started in “Identify supporters”')
    t.match(res.body, 'Majority of votes cast')
  })

  await t.test('a national reviewer reads the drive but gets no forms', async (t) => {
    const d = await alphaDrive()
    const res = await nat.get(`/drives/${d.id}`)
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, 'Record the decision')
    t.match((await org.get(`/drives/${d.id}`)).body, 'Record the decision', 'the chapter’s organizer gets the form')
  })

  await t.test('another chapter’s organizer gets 404 on the drive and its forms', async (t) => {
    const d = await alphaDrive()
    const version = await versionOf(db, d.id)
    t.equal((await orgB.get(`/drives/${d.id}`)).statusCode, 404)
    for (const path of ['stage', 'next-step', 'process', 'filings', 'decisions']) {
      t.equal((await orgB.post(`/drives/${d.id}/${path}`, { to: 'vote', version })).statusCode, 404, path)
    }
  })

  await t.test('a volunteer cannot move a drive', async (t) => {
    const d = await alphaDrive()
    const version = await versionOf(db, d.id)
    const res = await vol.post(`/drives/${d.id}/stage`, { to: 'democratize', version, reason: 'x' })
    t.equal(res.statusCode, 403)
    t.equal((await drive(db, d.id)).stage, 'identify')
  })

  await t.test('moving past an unmet check asks for a reason and changes nothing', async (t) => {
    const d = await alphaDrive()
    const changes = (await stageChanges(db, d.id)).length
    const res = await org.post(`/drives/${d.id}/stage`, { to: 'democratize', version: await versionOf(db, d.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Give a reason for this move')
    t.match(res.body, 'Exit check not met')
    t.equal((await drive(db, d.id)).stage, 'identify')
    t.equal((await stageChanges(db, d.id)).length, changes)
  })

  await t.test('with a reason the move is recorded with its warnings and audited', async (t) => {
    const d = await alphaDrive()
    const before = await drive(db, d.id)
    const changes = (await stageChanges(db, d.id)).length
    const res = await org.post(`/drives/${d.id}/stage`, {
      to: 'democratize',
      version: String(before.version),
      reason: 'Five strong supporters known from the 1-on-1s',
      back: '/board',
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/board')
    const after = await drive(db, d.id)
    t.equal(after.stage, 'democratize')
    t.equal(after.version, before.version + 1)
    const rows = await stageChanges(db, d.id)
    t.equal(rows.length, changes + 1)
    t.equal(rows.at(-1)!.reason, 'Five strong supporters known from the 1-on-1s')
    t.ok(rows.at(-1)!.warnings.length > 0)
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'drive')
      .where('entity_id', '=', String(d.id))
      .where('action', '=', 'move')
      .executeTakeFirstOrThrow()
    t.equal(a.actor_id, w.organizerA.id)
  })

  await t.test('a stale version is a 409 that names who changed it and keeps the input', async (t) => {
    const d = await alphaDrive()
    const opened = await versionOf(db, d.id)
    const first = await org.post(`/drives/${d.id}/stage`, { to: 'democratize', version: opened, reason: 'Known' })
    t.equal(first.statusCode, 303, 'the same organizer moved it first, in another tab')
    const res = await org.post(`/drives/${d.id}/stage`, {
      to: 'build_team',
      version: opened,
      reason: 'my careful reason',
    })
    t.equal(res.statusCode, 409)
    t.match(res.body, 'You changed this drive in another tab', 'the other change was this organizer’s own')
    t.notMatch(res.body, 'Someone else')
    t.match(res.body, 'The values saved now')
    t.match(res.body, 'my careful reason')
    t.equal((await drive(db, d.id)).stage, 'democratize')
  })

  await t.test('a process push adopted meets the democratize check, so the next move needs no reason', async (t) => {
    const d = await alphaDrive({ stage: 'democratize' })
    const bad = await org.post(`/drives/${d.id}/process`, { outcome: 'adopted', body: 'Executive board' })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Tick at least one mechanism')
    const res = await org.post(`/drives/${d.id}/process`, {
      mechanisms: ['candidate_forum', 'binding_poll'],
      body: 'Executive board',
      decided_on: '2026-09-01',
      outcome: 'adopted',
    })
    t.equal(res.statusCode, 303)
    const p = await db.selectFrom('process_pushes').selectAll().where('drive_id', '=', d.id).executeTakeFirstOrThrow()
    t.same(p.mechanisms, ['candidate_forum', 'binding_poll'])
    const move = await org.post(`/drives/${d.id}/stage`, { to: 'build_team', version: await versionOf(db, d.id) })
    t.equal(move.statusCode, 303)
    t.equal((await drive(db, d.id)).stage, 'build_team')
  })

  await t.test('moving backwards needs a reason', async (t) => {
    const d = await alphaDrive({ stage: 'build_team' })
    const adopted = await org.post(`/drives/${d.id}/process`, {
      mechanisms: ['binding_poll'],
      body: 'Executive board',
      decided_on: '2026-09-01',
      outcome: 'adopted',
    })
    t.equal(adopted.statusCode, 303)
    const res = await org.post(`/drives/${d.id}/stage`, { to: 'democratize', version: await versionOf(db, d.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Moving back')
    const ok = await org.post(`/drives/${d.id}/stage`, {
      to: 'democratize',
      version: await versionOf(db, d.id),
      reason: 'Board reversed the poll',
    })
    t.equal(ok.statusCode, 303)
    t.equal((await drive(db, d.id)).stage, 'democratize')
    const skip = await org.post(`/drives/${d.id}/stage`, {
      to: 'file_resolution',
      version: await versionOf(db, d.id),
      reason: 'Team already trained last cycle',
    })
    t.equal(skip.statusCode, 303)
    const after = await drive(db, d.id)
    t.equal(after.stage, 'file_resolution')
    t.equal(after.process_skipped_reason, null, 'the process was adopted, so nothing was skipped')
  })

  await t.test('the next step saves inline and answers htmx with its panel', async (t) => {
    const d = await alphaDrive()
    const res = await org.post(
      `/drives/${d.id}/next-step`,
      { next_step: 'Collect signatures', next_step_due: '2020-01-01', version: await versionOf(db, d.id) },
      { htmx: 'section#next-step' },
    )
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'Collect signatures')
    t.match(res.body, 'overdue')
    const bad = await org.post(`/drives/${d.id}/next-step`, {
      next_step: 'x',
      next_step_due: '2020-02-31',
      version: await versionOf(db, d.id),
    })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Due date is not a real date.')
  })

  await t.test('a stale next-step save is a 409 with the typed text kept', async (t) => {
    const d = await alphaDrive()
    const opened = await versionOf(db, d.id)
    const first = await org.post(`/drives/${d.id}/next-step`, {
      next_step: 'Collect signatures',
      next_step_due: '2020-01-01',
      version: opened,
    })
    t.ok([200, 303].includes(first.statusCode), 'the first save, in another tab, is taken')
    const res = await org.post(
      `/drives/${d.id}/next-step`,
      { next_step: 'Book the hall for the forum', next_step_due: '2026-12-01', version: opened },
      { htmx: 'section#next-step' },
    )
    t.equal(res.statusCode, 409)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'You changed this drive in another tab')
    t.match(res.body, 'value="Book the hall for the forum"')
    t.equal((await drive(db, d.id)).next_step, 'Collect signatures')
  })

  await t.test('the local page lists its drive', async (t) => {
    const d = await alphaDrive({ stage: 'file_resolution' })
    const res = await org.get(`/locals/${d.local.id}`)
    t.match(res.body, `href="/drives/${d.id}"`)
    t.match(res.body, 'File the resolution')
  })

  await t.test('a filing computes the earliest vote date from the notice period', async (t) => {
    const d = await alphaDrive({ stage: 'file_resolution' })
    const res = await org.post(`/drives/${d.id}/filings`, {
      filed_on: '2026-10-01',
      body: 'General membership meeting',
      text_filed: 'Whereas … Resolved …',
    })
    t.equal(res.statusCode, 303)
    const filing = await db.selectFrom('filings').selectAll().where('drive_id', '=', d.id).executeTakeFirstOrThrow()
    t.equal(filing.earliest_vote_on, '2026-10-15')
    t.equal((await drive(db, d.id)).vote_date, '2026-10-15')
    const late = await org.post(`/drives/${d.id}/filings`, {
      filed_on: '2026-10-25',
      body: 'General membership meeting',
      text_filed: 'Again',
    })
    t.match(decodeURIComponent(String(late.headers['set-cookie'])), 'falls after the election')
  })

  await t.test('a postponed decision keeps the drive at the vote with the new date', async (t) => {
    const d = await filedDrive()
    const res = await decide(d.id, {
      body: 'General membership meeting',
      held_on: '2026-10-15',
      choice: 'postponed',
      next_date: '2026-10-29',
      quorum_met: 'on',
      binding: 'on',
    })
    t.equal(res.statusCode, 303)
    const after = await drive(db, d.id)
    t.equal(after.stage, 'vote')
    t.equal(after.status, 'active')
    t.equal(after.vote_date, '2026-10-29')
  })

  await t.test('a counted vote with a missing tally comes back with field messages', async (t) => {
    const d = await filedDrive()
    const res = await org.post(`/drives/${d.id}/decisions`, {
      body: 'GMM',
      held_on: '2026-10-29',
      choice: 'counted',
      quorum_met: 'on',
      threshold: 'majority_cast',
      votes_for: 'many',
      version: await versionOf(db, d.id),
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Votes for must be a whole number.')
    t.match(res.body, 'value="many"')
  })

  const adoptedVote = {
    body: 'General membership meeting',
    held_on: '2026-10-29',
    choice: 'counted',
    quorum_met: 'on',
    binding: 'on',
    threshold: 'two_thirds',
    votes_for: '40',
    votes_against: '20',
    abstain: '5',
  }

  await t.test('an adopted vote wins the drive and records the endorsements', async (t) => {
    const d = await filedDrive()
    const res = await decide(d.id, adoptedVote)
    t.equal(res.statusCode, 303)
    t.equal((await drive(db, d.id)).status, 'won')
    const x = await db
      .selectFrom('decisions')
      .selectAll()
      .where('drive_id', '=', d.id)
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow()
    t.equal(x.outcome, 'adopted')
    const e = await db.selectFrom('endorsements').selectAll().where('decision_id', '=', x.id).orderBy('id').execute()
    t.equal(e.length, 2)
    t.same(
      e.map((r) => r.candidate_id),
      [cand.id, null],
    )
    t.equal(e[0]!.local_id, d.local.id)
    t.equal(e[0]!.chapter_id, w.a.id)
    t.equal(e[0]!.threshold_met, true)
  })

  await t.test('the drive page timeline shows every kind of event', async (t) => {
    const d = await alphaDrive({ stage: 'democratize' })
    const pushed = await org.post(`/drives/${d.id}/process`, {
      mechanisms: ['candidate_forum', 'binding_poll'],
      body: 'Executive board',
      decided_on: '2026-09-01',
      outcome: 'adopted',
    })
    t.equal(pushed.statusCode, 303)
    const filed = await org.post(`/drives/${d.id}/filings`, {
      filed_on: '2026-10-01',
      body: 'General membership meeting',
      text_filed: 'Whereas … Resolved …',
    })
    t.equal(filed.statusCode, 303)
    const postponed = await decide(d.id, {
      body: 'General membership meeting',
      held_on: '2026-10-15',
      choice: 'postponed',
      next_date: '2026-10-29',
      quorum_met: 'on',
      binding: 'on',
    })
    t.equal(postponed.statusCode, 303)
    t.equal((await decide(d.id, adoptedVote)).statusCode, 303)
    const res = await org.get(`/drives/${d.id}`)
    t.match(res.body, 'Process push: Candidate forum, Binding member poll — Adopted')
    t.match(res.body, 'Resolution filed with General membership meeting')
    t.match(res.body, 'Postponed')
    t.match(res.body, 'Meeting of General membership meeting: Adopted')
    t.match(res.body, 'For 40 · against 20 · abstain 5 · Two-thirds')
    t.match(res.body, 'Whole slate')
  })

  await t.test('a failed vote (a tie) loses the drive', async (t) => {
    const l = await f.local(db, {
      name: 'Alpha Local 9',
      chapter_id: w.a.id,
      national_union_id: w.union.id,
      notice_days: 7,
      threshold: 'majority_cast',
    })
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
    const l = await f.local(db, { name: 'Alpha Local 10', chapter_id: w.a.id, notice_days: 7 })
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
      const l = await f.local(db, {
        name,
        chapter_id: w.a.id,
        notice_days: 7,
        threshold: 'custom',
        threshold_percent: 58,
      })
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
    const l = await f.local(db, { name: 'Alpha Local 13', chapter_id: w.a.id })
    await org.post('/drives', { local_id: String(l.id), slate_id: String(s.id), asks: 'slate' })
    const d0 = await db.selectFrom('drives').selectAll().where('local_id', '=', l.id).executeTakeFirstOrThrow()
    await org.post(`/drives/${d0.id}/stage`, {
      to: 'democratize',
      version: await versionOf(db, d0.id),
      reason: 'Known supporters',
    })
    const asks = await org.post(`/drives/${d0.id}/stage`, { to: 'build_team', version: await versionOf(db, d0.id) })
    t.equal(asks.statusCode, 422)
    t.match(asks.body, 'No democratic process adopted yet')
    await org.post(`/drives/${d0.id}/stage`, {
      to: 'build_team',
      version: await versionOf(db, d0.id),
      reason: 'Members already vote on endorsements',
    })
    const d = await drive(db, d0.id)
    t.equal(d.stage, 'build_team')
    t.equal(d.process_skipped_reason, 'Members already vote on endorsements')
    const page = await org.get(`/drives/${d0.id}`)
    t.match(page.body, 'Moved from “Democratize the endorsement process” to “Build teams”')
  })
})
