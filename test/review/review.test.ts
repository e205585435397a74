import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as fx from '../factories.ts'
import { PASSWORD, local, nationalUnion, user, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'
import type { StageKeyCol, DriveStatusCol } from '../../src/db/schema.ts'
import { groupFigures, stalledDrives, weeklyCounts, winProcesses, type GroupRow } from '../../src/review/queries.ts'

const DAY = 86_400_000
const NOW = Date.now()
const ago = (days: number) => new Date(NOW - days * DAY)
const dateAgo = (days: number) => ago(days).toISOString().slice(0, 10)

/** Monday (UTC) of the week holding `d`, as YYYY-MM-DD. */
function mondayOf(d: Date): string {
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
  x.setUTCDate(x.getUTCDate() - ((x.getUTCDay() + 6) % 7))
  return x.toISOString().slice(0, 10)
}

type Move = [
  daysAgo: number,
  from: StageKeyCol | null,
  to: StageKeyCol,
  fromStatus: DriveStatusCol | null,
  toStatus: DriveStatusCol,
]

async function drive(
  db: Db,
  o: {
    slate: number
    local: number
    chapter: number
    stage: StageKeyCol
    status: DriveStatusCol
    lastDaysAgo: number
    moves: Move[]
  },
) {
  const d = await fx.drive(db, o.slate, o.local, {
    chapter_id: o.chapter,
    asks: 'both',
    stage: o.stage,
    status: o.status,
    last_activity_at: ago(o.lastDaysAgo),
    stage_entered_at: ago(o.moves[o.moves.length - 1]![0]),
  })
  // The history is backdated, so it is written as stored rather than through insertStageChange (which stamps now).
  for (const [days, from, to, fromStatus, toStatus] of o.moves) {
    await sql`insert into stage_changes (drive_id, from_stage, to_stage, from_status, to_status, at) values (${d.id}, ${from}, ${to}, ${fromStatus}, ${toStatus}, ${ago(days)})`.execute(
      db,
    )
  }
  return d
}

/** The headline figures of a review page: label → number as printed. */
function headline(body: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of body.matchAll(/<span class="num">([^<]+)<\/span><span class="stat-label">([^<]+)<\/span>/g))
    out[m[2]!] = m[1]!
  return out
}

/** The rows of one bar chart: label → number (the label may be a link). */
function bars(body: string, after: string): Record<string, number> {
  const at = body.indexOf(after)
  const list = body.slice(at, body.indexOf('</ul>', at))
  const out: Record<string, number> = {}
  for (const m of list.matchAll(
    /<span class="rbar-label">(?:<a [^>]*>)?([^<]+)(?:<\/a>)?.*?<span class="rbar-num">(\d+)<\/span>/g,
  ))
    out[m[1]!] = Number(m[2])
  return out
}

const SUPPORTERS = [
  { name: 'Zelda Quartermain', email: 'zelda.q@example.net', phone: '+16175550123', level: 1 },
  { name: 'Yusuf Brightwater', email: 'ybright@example.net', phone: '+16175550456', level: 2 },
  { name: 'Xiomara Pennyfeather', email: 'xpenny@example.net', phone: '+16175550789', level: 4 },
]

t.test('the national review', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const seiu = await nationalUnion(db, { abbreviation: 'SEIU', name: 'Service Employees International Union' })
  const slate = await fx.slate(db, { name: 'Review slate', is_current: true, election_date: '2030-11-05', goal: 40 })
  const cand = await fx.candidate(db, slate.id, {
    chapter_id: w.a.id,
    name: 'Casey Candidate',
    office: 'City Council',
    goal: 10,
  })
  const l1 = await local(db, { name: 'Fixture Local One', chapter_id: w.a.id, national_union_id: w.union.id })
  const l2 = await local(db, { name: 'Fixture Local Two', chapter_id: w.a.id, national_union_id: w.union.id })
  const l3 = await local(db, { name: 'Fixture Local Three', chapter_id: w.a.id, national_union_id: w.union.id })
  const l5 = await local(db, { name: 'Fixture SEIU Local', chapter_id: w.b.id, national_union_id: seiu.id })
  const base = { slate: slate.id }
  // D1: through every stage, won 40 days ago. Stays: 10, 20, 10, 10, 10 days.
  const d1 = await drive(db, {
    ...base,
    local: l1.id,
    chapter: w.a.id,
    stage: 'vote',
    status: 'won',
    lastDaysAgo: 40,
    moves: [
      [100, null, 'identify', null, 'active'],
      [90, 'identify', 'democratize', 'active', 'active'],
      [70, 'democratize', 'build_team', 'active', 'active'],
      [60, 'build_team', 'file_resolution', 'active', 'active'],
      [50, 'file_resolution', 'vote', 'active', 'active'],
      [40, 'vote', 'vote', 'active', 'won'],
    ],
  })
  // D2: stuck in democratize for 60 days (identify stay 20).
  const d2 = await drive(db, {
    ...base,
    local: l2.id,
    chapter: w.a.id,
    stage: 'democratize',
    status: 'active',
    lastDaysAgo: 60,
    moves: [
      [80, null, 'identify', null, 'active'],
      [60, 'identify', 'democratize', 'active', 'active'],
    ],
  })
  // D3: skipped democratize (identify stay 25), then paused in build_team (stay still open).
  await drive(db, {
    ...base,
    local: l3.id,
    chapter: w.a.id,
    stage: 'build_team',
    status: 'paused',
    lastDaysAgo: 20,
    moves: [
      [55, null, 'identify', null, 'active'],
      [30, 'identify', 'build_team', 'active', 'active'],
      [20, 'build_team', 'build_team', 'active', 'paused'],
    ],
  })
  // D4 (chapter B): dropped after 30 days in identify.
  await drive(db, {
    ...base,
    local: w.localB.id,
    chapter: w.b.id,
    stage: 'identify',
    status: 'dropped',
    lastDaysAgo: 10,
    moves: [
      [40, null, 'identify', null, 'active'],
      [10, 'identify', 'identify', 'active', 'dropped'],
    ],
  })
  // D5 (chapter B, SEIU): started 5 days ago.
  const d5 = await drive(db, {
    ...base,
    local: l5.id,
    chapter: w.b.id,
    stage: 'identify',
    status: 'active',
    lastDaysAgo: 5,
    moves: [[5, null, 'identify', null, 'active']],
  })

  const x1 = await db
    .insertInto('decisions')
    .values({
      drive_id: d1.id,
      body: 'General membership meeting',
      held_on: dateAgo(40),
      kind: 'meeting',
      outcome: 'adopted',
      votes_for: 50,
      votes_against: 10,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const x2 = await db
    .insertInto('decisions')
    .values({ drive_id: d5.id, body: 'Executive board', held_on: dateAgo(5), kind: 'poll', outcome: 'adopted' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const e = (v: {
    local_id?: number
    national_union_id?: number
    candidate_id?: number | null
    chapter_id?: number | null
    status: 'active' | 'conditional' | 'rescinded'
    decided: number
    deciding_body?: string
    decision_id?: number
  }) =>
    db
      .insertInto('endorsements')
      .values({
        slate_id: slate.id,
        local_id: v.local_id ?? null,
        national_union_id: v.national_union_id ?? null,
        candidate_id: v.candidate_id ?? null,
        chapter_id: v.chapter_id ?? null,
        status: v.status,
        decided_on: dateAgo(v.decided),
        deciding_body: v.deciding_body ?? null,
        decision_id: v.decision_id ?? null,
      })
      .execute()
  await e({
    local_id: l1.id,
    chapter_id: w.a.id,
    status: 'active',
    decided: 40,
    deciding_body: 'General membership meeting',
    decision_id: x1.id,
  })
  await e({
    local_id: l1.id,
    chapter_id: w.a.id,
    candidate_id: cand.id,
    status: 'active',
    decided: 40,
    deciding_body: 'General membership meeting',
    decision_id: x1.id,
  })
  await e({
    national_union_id: w.union.id,
    candidate_id: cand.id,
    status: 'active',
    decided: 20,
    deciding_body: 'Executive board',
  })
  await e({ local_id: w.localB.id, chapter_id: w.b.id, candidate_id: cand.id, status: 'rescinded', decided: 30 })
  await e({
    local_id: l5.id,
    chapter_id: w.b.id,
    status: 'conditional',
    decided: 5,
    deciding_body: 'Executive board',
    decision_id: x2.id,
  })

  // Supporters with names and contacts that must never reach a reviewer.
  const supporterIds: number[] = []
  for (const s of SUPPORTERS) {
    const row = await fx.supporter(db, w.a.id, l1.id, {
      name: s.name,
      email: s.email,
      phone: s.phone,
      current_level: s.level,
    })
    supporterIds.push(row.id)
  }
  await db
    .insertInto('team_members')
    .values({ drive_id: d1.id, supporter_id: supporterIds[0]!, role: 'lead', trained_on: dateAgo(65) })
    .execute()
  await db
    .insertInto('team_members')
    .values({ drive_id: d1.id, supporter_id: supporterIds[1]!, role: 'member', trained_on: null })
    .execute()

  // The first drive opened up its local's process (a forum and a binding poll) before its vote.
  await db
    .insertInto('process_pushes')
    .values({ drive_id: d1.id, mechanisms: ['candidate_forum', 'binding_poll'], outcome: 'adopted' })
    .execute()

  const all = { chapterIds: null }
  const f = { slate: slate.id }
  const byLabel = (rows: GroupRow[]) => Object.fromEntries(rows.map((r) => [r.label, r]))

  t.test('figures by national union match the hand-computed fixture', async (t) => {
    const rows = byLabel(await groupFigures(db, all, f, 'union'))
    const cwa = rows.CWA!
    const cases: [keyof GroupRow, unknown][] = [
      ['locals', 5],
      ['targeted', 4],
      ['drives', 4],
      ['at_identify', 0],
      ['at_democratize', 1],
      ['at_build_team', 1],
      ['at_file_resolution', 0],
      ['at_vote', 0],
      ['reached_identify', 4],
      ['reached_democratize', 3],
      ['reached_build_team', 2],
      ['reached_file_resolution', 1],
      ['reached_vote', 1],
      ['reached_won', 1],
      ['won', 1],
      ['lost', 0],
      ['dropped', 1],
      ['active', 1],
      ['paused', 1],
      ['med_identify', 22.5],
      ['med_democratize', 20],
      ['med_build_team', 10],
      ['med_file_resolution', 10],
      ['med_vote', 10],
      ['national_slate', 0],
      ['national_candidate', 1],
      ['local_slate', 1],
      ['local_candidate', 1],
      ['rescinded', 1],
      ['by_membership', 1],
      ['by_leadership', 1],
      ['by_delegate', 0],
      ['by_unknown', 0],
      ['national_status', 'Casey Candidate: active'],
      ['supporters', 3],
      ['supporters_12', 2],
      ['leaders_trained', 1],
    ]
    for (const [k, v] of cases) t.equal(cwa[k], v, `CWA ${k}`)
    const seiuRow = rows.SEIU!
    t.equal(seiuRow.targeted, 1)
    t.equal(seiuRow.at_identify, 1)
    t.equal(seiuRow.local_slate, 1, 'a conditional endorsement is in force')
    t.equal(seiuRow.by_membership, 1, 'a member poll counts as a membership decision even when the board ran it')
    t.equal(seiuRow.med_identify, null, 'an open stay is not measured')
    const total = rows.All!
    t.equal(total.k, -1)
    t.equal(total.locals, 6)
    t.equal(total.drives, 5)
    t.equal(total.reached_identify, 5)
    t.equal(total.reached_democratize, 3)
    t.equal(total.by_membership, 2)
    t.equal(total.med_identify, 22.5)
  })

  t.test('figures by chapter split the same drives', async (t) => {
    const rows = byLabel(await groupFigures(db, all, f, 'chapter'))
    t.equal(rows.Alpha!.drives, 3)
    t.equal(rows.Alpha!.med_identify, 20, 'median of 10, 20 and 25 days')
    t.equal(rows.Alpha!.reached_democratize, 3)
    t.equal(rows.Bravo!.drives, 2)
    t.equal(rows.Bravo!.med_identify, 30)
    t.equal(rows.Bravo!.dropped, 1)
    t.equal(rows.Bravo!.rescinded, 1)
  })

  t.test('filters narrow every figure', async (t) => {
    const rows = byLabel(await groupFigures(db, all, { ...f, union: seiuIdOf() }, 'union'))
    t.same(Object.keys(rows).sort(), ['All', 'SEIU'])
    const none = await groupFigures(db, all, { ...f, orientation: 'hostile' }, 'union')
    t.equal(none.length, 1, 'only the total row')
    t.equal(none[0]!.drives, 0)
  })
  const seiuIdOf = () => seiu.id

  t.test('the stalled list holds the active drives quiet for N days', async (t) => {
    const cases: [number, number[]][] = [
      [30, [d2.id]],
      [61, []],
      [3, [d2.id, d5.id]],
    ]
    for (const [days, ids] of cases) {
      const rows = await stalledDrives(db, all, f, days)
      t.same(
        rows.map((r) => r.id),
        ids,
        `${days} days`,
      )
    }
    const [row] = await stalledDrives(db, all, f, 30)
    t.equal(row!.days, 60)
    t.equal(row!.local_name, 'Fixture Local Two')
    t.equal(row!.chapter_name, 'Alpha')
  })

  t.test('a conversation counts as activity', async (t) => {
    const cv = await fx.conversation(db, supporterIds[2]!, { drive_id: d2.id, kind: 'call', held_on: dateAgo(2) })
    t.same(
      (await stalledDrives(db, all, f, 30)).map((r) => r.id),
      [],
    )
    await db.deleteFrom('conversations').where('id', '=', cv.id).execute()
  })

  t.test('weekly counts: endorsements won and drives entering each stage', async (t) => {
    const rows = await weeklyCounts(db, all, f)
    t.equal(rows.length, 26)
    t.equal(rows[25]!.week, mondayOf(new Date()))
    const sum = (k: 'endorsements' | StageKeyCol | 'won') => rows.reduce((a, r) => a + r[k], 0)
    t.equal(sum('endorsements'), 5)
    t.equal(sum('identify'), 5)
    t.equal(sum('democratize'), 2)
    t.equal(sum('build_team'), 2)
    t.equal(sum('file_resolution'), 1)
    t.equal(sum('vote'), 1)
    t.equal(sum('won'), 1)
    const week = rows.find((r) => r.week === mondayOf(ago(5)))!
    t.ok(week.identify >= 1, 'D5 entered identify in its week')
    t.equal(rows.find((r) => r.week === mondayOf(ago(100)))!.identify, 1, 'D1 entered identify in its week')
  })

  t.test('how the wins came: the process recorded on each endorsing local’s drive', async (t) => {
    t.same(await winProcesses(db, all, f), {
      locals: 2,
      adopted: 1,
      already: 0,
      rejected: 0,
      none: 1,
      mechanisms: { binding_poll: 1, candidate_forum: 1 },
    })
    const seiuOnly = await winProcesses(db, all, { ...f, union: seiu.id })
    t.same([seiuOnly.locals, seiuOnly.adopted, seiuOnly.none], [1, 0, 1])
    t.equal((await winProcesses(db, { chapterIds: [w.b.id] }, f)).adopted, 0, 'chapter B’s locals opened nothing up')
  })

  const national = new Agent(app)
  await national.login(w.national.email, PASSWORD)
  const orgA = new Agent(app)
  await orgA.login(w.organizerA.email, PASSWORD)
  const volunteer = new Agent(app)
  await volunteer.login(w.volunteerA.email, PASSWORD)

  t.test('a national reviewer sees the review page with every section', async (t) => {
    const res = await national.get('/review')
    t.equal(res.statusCode, 200)
    for (const s of [
      'Where the drives stand',
      'How endorsements were won',
      'National unions',
      'Stalled drives',
      'Every figure',
      'By national union: the pipeline',
      'By chapter: the same figures',
      'Each week: endorsements',
      'Fixture Local Two',
      'role="img"',
      '75%',
      '22.5',
      'Casey Candidate</th><td class="num" data-label="Endorsing locals">2</td><td class="num" data-label="Goal">10</td>',
    ])
      t.match(res.body, s)
    t.match(res.body, `/review/drives?slate=${slate.id}&amp;union=${w.union.id}&amp;stage=democratize&amp;status=open`)
    t.match(res.body, 'Review</a>', 'the nav shows Review')
    t.match(res.body, `href="/review/unions/seiu?slate=${slate.id}"`, 'each national union opens its own view')
    t.match(res.body, /<details class="review-details" id="by-union">\s*<summary>/, 'the tables start collapsed')
  })

  t.test('the headline figures agree with the database', async (t) => {
    const open = await db
      .selectFrom('drives')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('slate_id', '=', slate.id)
      .where('deleted_at', 'is', null)
      .where('status', 'in', ['active', 'paused'])
      .executeTakeFirstOrThrow()
    const inForce = await db
      .selectFrom('endorsements')
      .select([
        (e) => e.fn.countAll<string>().as('n'),
        (e) => e.fn.count<string>('local_id').distinct().as('locals'),
        (e) => e.fn.count<string>('national_union_id').as('national'),
      ])
      .where('slate_id', '=', slate.id)
      .where('status', 'in', ['active', 'conditional', 'pending_parent', 'conflict_parent'])
      .executeTakeFirstOrThrow()
    const quiet = await db
      .selectFrom('drives')
      .select((e) => e.fn.countAll<string>().as('n'))
      .where('slate_id', '=', slate.id)
      .where('status', '=', 'active')
      .where(sql<boolean>`last_activity_at < now() - interval '30 days'`)
      .executeTakeFirstOrThrow()
    const page = await national.get('/review')
    const h = headline(page.body)
    t.equal(h['open drives'], String(open.n), `${open.n} open drives`)
    t.equal(h['endorsements in force'], String(inForce.n))
    t.equal(h['locals endorsing'], String(inForce.locals), 'distinct endorsing locals')
    t.match(page.body, 'goal 40<', 'the slate’s own goal (40), as the slate page counts it, not its candidates’ sum')
    t.equal(h.stalled, String(quiet.n))
    t.equal(h['of wins by the members'], '67%', 'two of three decisions were the members’: a meeting and a poll')
    t.match(page.body, `${Number(inForce.n) - Number(inForce.national)} local · ${inForce.national} national`)
    t.same(bars(page.body, 'id="stages-h"'), {
      Identify: 1,
      Democratize: 1,
      'Build team': 1,
      File: 0,
      Vote: 0,
      Won: 1,
      Lost: 0,
      Dropped: 1,
    })
    t.same(bars(page.body, 'Who decided'), {
      'Membership vote or poll': 2,
      'Executive board or leadership': 1,
      'Delegate body': 0,
      'Not recorded': 0,
    })
    t.same(bars(page.body, 'The process before the vote'), {
      'Process opened up first': 1,
      'Already democratic': 0,
      'Push for it rejected': 0,
      'Nothing recorded': 1,
    })
    t.match(page.body, 'Opened up by: binding member poll 1, candidate forum 1.')
  })

  t.test('a national union’s view: its figures, its drives by stage, what stalled, how it won', async (t) => {
    const res = await national.get('/review/unions/cwa')
    t.equal(res.statusCode, 200)
    t.match(res.body, '<h1>CWA</h1>')
    t.match(res.body, 'Communications Workers of America')
    const h = headline(res.body)
    t.equal(h['open drives'], '2', 'D2 active and D3 paused')
    t.equal(h['endorsements in force'], '3', 'two of Local One’s and the national one')
    t.equal(h['national-level endorsements'], '1')
    t.equal(h.stalled, '1')
    t.equal(h['of wins by the members'], '50%')
    t.match(res.body, 'Casey Candidate: active', 'where the national-level endorsement stands')
    const stalled = res.body.slice(res.body.indexOf('id="stalled"'), res.body.indexOf('id="chapters"'))
    t.match(stalled, 'Fixture Local Two')
    t.match(stalled, '60 days')
    const byStage = res.body.slice(res.body.indexOf('id="drives-by-stage"'), res.body.indexOf('id="by-chapter"'))
    t.match(byStage, /Democratize the endorsement process <span class="muted">\(1\)<\/span>/)
    t.match(byStage, 'Fixture Local Two')
    t.match(byStage, 'Fixture Local Three')
    t.notMatch(byStage, 'Fixture Local One', 'a won drive is not open')
    t.notMatch(res.body, 'Fixture SEIU Local', 'nothing of another union')
    t.same(bars(res.body, 'Who decided'), {
      'Membership vote or poll': 1,
      'Executive board or leadership': 1,
      'Delegate body': 0,
      'Not recorded': 0,
    })
    const seiuPage = await national.get('/review/unions/SEIU?days=3')
    t.equal(seiuPage.statusCode, 200, 'the code is read in any case')
    t.equal(headline(seiuPage.body).stalled, '1', 'the stalled filter is kept')
    t.match(seiuPage.body, 'Fixture SEIU Local')
    t.notMatch(seiuPage.body, 'Fixture Local Two')
    const fragment = await national.get('/review/unions/cwa?chapter=none', { htmx: 'div#review-report' })
    t.notMatch(fragment.body, '<html')
    t.match(fragment.body, 'id="review-report"')
    t.equal((await national.get('/review/unions/independent')).statusCode, 200)
    t.equal((await national.get('/review/unions/nosuchunion')).statusCode, 404)
    t.equal((await national.get('/review/unions/no%20such')).statusCode, 400)
  })

  t.test('the union picker answers with the union’s own address, filters kept', async (t) => {
    const res = await national.get(`/review/unions?union=${seiu.id}&days=45&chapter=${w.b.id}`)
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/review/unions/seiu?slate=${slate.id}&chapter=${w.b.id}&days=45`)
    t.equal(
      (await national.get('/review/unions?union=none')).headers.location,
      `/review/unions/independent?slate=${slate.id}`,
    )
    t.equal((await national.get('/review/unions')).headers.location, `/review?slate=${slate.id}`)
  })

  t.test('the stalled page lists every quiet drive, counted by national union', async (t) => {
    const res = await national.get('/review/stalled?days=3')
    t.equal(res.statusCode, 200)
    t.match(res.body, '2 drives with no activity for 3 days or more')
    t.ok(res.body.indexOf('Fixture Local Two') < res.body.indexOf('Fixture SEIU Local'), 'longest silence first')
    t.same(bars(res.body, 'By national union'), { CWA: 1, SEIU: 1 })
    t.match(res.body, 'format=csv&amp;table=stalled')
    const quiet = await national.get('/review/stalled')
    t.match(quiet.body, '1 drive with no activity for 30 days or more')
    t.notMatch(quiet.body, 'Fixture SEIU Local')
  })

  t.test('the filter form gets the report fragment alone', async (t) => {
    const res = await national.get(`/review?union=${seiu.id}`, { htmx: 'div#review-report' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'id="review-report"')
    t.notMatch(res.body, 'Fixture Local Two')
  })

  t.test('a drill-down lists the drives behind a figure', async (t) => {
    const res = await national.get(`/review/drives?union=${w.union.id}&stage=democratize&status=open`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Fixture Local Two')
    t.notMatch(res.body, 'Fixture Local One')
    t.match(res.body, '1 drive')
    const reached = await national.get(`/review/drives?union=${w.union.id}&reached=build_team`)
    t.match(reached.body, 'Fixture Local One')
    t.match(reached.body, 'Fixture Local Three')
    t.notMatch(reached.body, 'Fixture Local Two')
    const stalled = await national.get('/review/drives?stalled=30')
    t.match(stalled.body, 'Fixture Local Two')
    t.notMatch(stalled.body, 'Fixture SEIU Local')
    t.equal((await national.get('/review/drives?stage=sideways')).statusCode, 400)
  })

  t.test('each table exports as CSV, and the export is audited', async (t) => {
    for (const table of ['unions', 'chapters', 'stalled', 'weekly']) {
      const res = await national.get(`/review?format=csv&table=${table}`)
      t.equal(res.statusCode, 200, table)
      t.match(res.headers['content-type'], 'text/csv')
      t.match(res.headers['content-disposition'], `review-${table}-`)
    }
    const unions = await national.get('/review?format=csv&table=unions')
    t.match(
      unions.body,
      /CWA,5,4,4,0,1,1,0,0,1,1,1,0,1,75,67,50,100,100,22.5,20,10,10,10,0,1,1,1,1,1,1,0,0,Casey Candidate: active,2,3,1/,
    )
    const stalled = await national.get('/review?format=csv&table=stalled&days=30')
    t.match(stalled.body, `${d2.id},Fixture Local Two,CWA,Alpha,democratize,`)
    const audits = await db
      .selectFrom('audit_log')
      .select(['entity_id', 'actor_id'])
      .where('action', '=', 'export')
      .where('entity', '=', 'review')
      .execute()
    t.equal(audits.length, 6)
    t.ok(audits.every((a) => a.actor_id === w.national.id))
    t.equal((await national.get('/review?format=csv&table=everything')).statusCode, 400)
  })

  t.test('no page, fragment or export shown to a national reviewer names a supporter', async (t) => {
    const urls = [
      '/review',
      '/review/unions/cwa',
      '/review/unions/seiu?days=1',
      '/review/stalled?days=1',
      '/review?days=1',
      `/review?chapter=${w.a.id}`,
      '/review/drives',
      `/review/drives?union=${w.union.id}`,
      '/review/drives?stalled=1',
      ...['unions', 'chapters', 'stalled', 'weekly'].map((x) => `/review?format=csv&table=${x}`),
    ]
    for (const url of urls) {
      for (const htmx of [undefined, 'div#review-report']) {
        const res = await national.get(url, { htmx })
        t.equal(res.statusCode, 200, url)
        for (const s of SUPPORTERS) {
          for (const v of [s.name, s.email, s.phone, s.phone.slice(2)]) t.notMatch(res.body, v, `${url} shows no ${v}`)
        }
      }
    }
  })

  t.test('an organizer sees only their own chapter', async (t) => {
    const res = await orgA.get('/review')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Figures for the chapters you organize in.')
    t.match(res.body, 'Fixture Local Two')
    t.notMatch(res.body, 'Bravo')
    t.notMatch(res.body, 'Fixture SEIU Local')
    const rows = await groupFigures(db, { chapterIds: [w.a.id] }, f, 'union')
    t.same(
      rows.map((r) => r.label),
      ['CWA', 'All'],
    )
    t.equal(rows[0]!.targeted, 3)
    t.equal(rows[0]!.locals, 4)
    t.equal(rows[0]!.national_candidate, 0, 'national endorsements belong to no chapter')
    const drill = await orgA.get(`/review/drives?chapter=${w.b.id}`)
    t.equal(drill.statusCode, 200)
    t.notMatch(drill.body, 'Fixture SEIU Local')
    t.notMatch(drill.body, w.localB.name)
    const csv = await orgA.get('/review?format=csv&table=chapters')
    t.equal(csv.statusCode, 200)
    t.notMatch(csv.body, 'Bravo')
    const seiuView = await orgA.get('/review/unions/seiu')
    t.equal(seiuView.statusCode, 200)
    t.notMatch(seiuView.body, 'Fixture SEIU Local', 'another chapter’s SEIU drive stays out')
    t.equal(headline(seiuView.body)['open drives'], '0')
    const stalled = await orgA.get('/review/stalled?days=3')
    t.match(stalled.body, 'Fixture Local Two')
    t.notMatch(stalled.body, 'Fixture SEIU Local')
  })

  t.test('a volunteer is refused', async (t) => {
    for (const url of [
      '/review',
      '/review/drives',
      '/review?format=csv&table=unions',
      '/review/unions/cwa',
      '/review/stalled',
    ]) {
      const res = await volunteer.get(url)
      t.equal(res.statusCode, 403, url)
      t.notMatch(res.body, 'Fixture Local')
    }
    t.notMatch((await volunteer.get('/')).body, 'href="/review"', 'no Review item in a volunteer’s nav')
  })

  t.test('an anonymous visitor is sent to the login page', async (t) => {
    const res = await new Agent(app).get('/review')
    t.equal(res.statusCode, 303)
    t.match(res.headers.location, /^\/login/)
  })
  void handle
})

t.test('the review runs the same number of queries for 10 and 300 drives', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const admin = await user(db, 'national')
  const slate = await fx.slate(db, { name: 'Scale slate', is_current: true, election_date: null })
  const STAGES = ['identify', 'democratize', 'build_team', 'file_resolution', 'vote'] as const
  async function addDrives(n: number, from: number) {
    const ids = await fx.many(n, async (i) => {
      const g = from + i
      const chapterId = g % 2 === 0 ? w.a.id : w.b.id
      const l = await fx.local(db, {
        name: `Scale Local ${g}`,
        chapter_id: chapterId,
        national_union_id: w.union.id,
        state: 'MA',
      })
      const d = await fx.drive(db, slate.id, l.id, {
        chapter_id: chapterId,
        asks: 'both',
        stage: STAGES[l.id % 5]!,
        last_activity_at: ago(l.id % 90),
      })
      return d.id
    })
    // Backdated history, written as stored (insertStageChange stamps now).
    await sql`
      with d as (select id, stage from drives where id = any(${ids}::int[]))
      insert into stage_changes (drive_id, from_stage, to_stage, from_status, to_status, at)
      select d.id, null, 'identify', null, 'active', now() - interval '100 days' from d
      union all
      select d.id, 'identify', d.stage, 'active', 'active', now() - (d.id % 60) * interval '1 day' from d where d.stage <> 'identify'`.execute(
      db,
    )
  }
  const agent = new Agent(app)
  await agent.login(admin.email, PASSWORD)
  await addDrives(10, 1)
  await agent.get('/review')
  const small = await countQueries(handle, () => agent.get('/review'))
  const smallCsv = await countQueries(handle, () => agent.get('/review/drives?stage=vote'))
  const smallUnion = await countQueries(handle, () => agent.get('/review/unions/cwa'))
  const smallStalled = await countQueries(handle, () => agent.get('/review/stalled?days=1'))
  await addDrives(290, 11)
  const big = await countQueries(handle, () => agent.get('/review'))
  const bigCsv = await countQueries(handle, () => agent.get('/review/drives?stage=vote'))
  const bigUnion = await countQueries(handle, () => agent.get('/review/unions/cwa'))
  const bigStalled = await countQueries(handle, () => agent.get('/review/stalled?days=1'))
  t.equal(big, small, `the review page: ${small} queries`)
  t.ok(big <= 12, 'at most 12 queries')
  t.equal(bigCsv, smallCsv, 'the drill-down')
  t.equal(bigUnion, smallUnion, `a national union's view: ${smallUnion} queries`)
  t.ok(bigUnion <= 13, 'at most 13 queries')
  t.equal(bigStalled, smallStalled, `the stalled page: ${smallStalled} queries`)
  t.ok(bigStalled <= 6, 'at most 6 queries')
  const union = await agent.get('/review/unions/cwa')
  t.match(union.body, 'Scale Local')
  t.equal(headline(union.body)['open drives'], '300')
  const byStage = union.body.slice(union.body.indexOf('id="drives-by-stage"'), union.body.indexOf('id="by-chapter"'))
  t.equal((byStage.match(/<li>/g) ?? []).length, 125, '25 drives listed per stage, not all 300')
  t.match(byStage, /The 25 longest at this stage are listed: <a href="[^"]+stage=identify&amp;status=open">all 60<\/a>/)
  const res = await agent.get('/review')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Scale Local')
})

t.test('the page shows the busiest groups and a "Show all" link that keeps the filters', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const admin = await user(db, 'national')
  const slate = await fx.slate(db, { name: 'Many unions slate', is_current: true, election_date: null })
  // 12 national unions, union number i with i drives: the two quietest are left off the summary.
  for (let i = 1; i <= 12; i++) {
    const n = await nationalUnion(db, { abbreviation: `U${String(i).padStart(2, '0')}`, name: `Union ${i}` })
    for (let j = 0; j < i; j++) {
      const l = await local(db, { name: `Union ${i} Local ${j}`, chapter_id: w.a.id, national_union_id: n.id })
      await fx.drive(db, slate.id, l.id, { chapter_id: w.a.id, asks: 'both', stage: 'identify', status: 'active' })
    }
  }
  const agent = new Agent(app)
  await agent.login(admin.email, PASSWORD)
  const res = await agent.get('/review?state=')
  t.equal(res.statusCode, 200)
  const list = res.body.slice(res.body.indexOf('id="unions"'), res.body.indexOf('id="stalled"'))
  t.match(list, '>U12</a>', 'the busiest union is in the list')
  t.notMatch(list, '>U01</a>', 'the quietest is left off the list too')
  const union = res.body.slice(res.body.indexOf('id="by-union"'), res.body.indexOf('id="national-level"'))
  t.match(union, '>U12</th>')
  t.match(union, '>U03</th>')
  t.notMatch(union, '>U01</th>', 'the quietest union is left off')
  t.notMatch(union, '>U02</th>')
  t.match(list, '3 more are in the CSV export', 'two unions plus the world’s own CWA')
  const href = `/review?slate=${slate.id}&amp;unions=all#by-union`
  t.match(list, `href="${href}"`, 'a plain link works without JavaScript')
  t.match(list, `hx-get="${href}"`)
  const all = await agent.get(`/review?slate=${slate.id}&unions=all`)
  const allUnion = all.body.slice(all.body.indexOf('id="by-union"'), all.body.indexOf('id="national-level"'))
  t.match(allUnion, '>U01</th>')
  t.match(allUnion, '>U02</th>')
  t.match(all.body, 'Show the busiest only')
  const fragment = await agent.get(`/review?slate=${slate.id}&unions=all`, { htmx: 'div#review-report' })
  t.notMatch(fragment.body, '<html')
  t.match(fragment.body, '>U01</th>')
  const csv = await agent.get('/review?format=csv&table=unions')
  t.match(csv.body, /\nU01,/, 'the CSV carries every union')
  t.equal((await agent.get('/review?unions=some')).statusCode, 400)
})
