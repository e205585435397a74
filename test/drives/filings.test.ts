// One way to record a filing (src/drives/filings.ts): the drive page's filing form and the resolution
// page's both set the drive's vote date by the same earliest-vote rule, in one transaction, audited and
// version-checked; the vote then shows on the dashboard and in the calendar feed.
import t, { type Test } from 'tap'
import { DateTime } from 'luxon'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, candidate, drive, local, slate, world } from '../factories.ts'
import { todayIn } from '../../src/drives/vote-dates.ts'
import type { Db } from '../../src/db/database.ts'

const ZONE = 'America/New_York' // chapter Alpha's zone (test/factories.ts)
const plusDays = (iso: string, n: number) => DateTime.fromISO(iso).plus({ days: n }).toISODate()!
const compact = (iso: string) => iso.replaceAll('-', '')

async function setup(t: Test) {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await slate(db, { name: 'City slate', election_date: '2099-11-03' })
  const cand = await candidate(db, s.id, { name: 'Ana Ruiz', chapter_id: w.a.id, election_date: '2099-11-03' })
  // A local whose rules nobody has looked up yet.
  const unknown = await local(db, { name: 'Transit Local 589', chapter_id: w.a.id, national_union_id: w.union.id })
  await db.updateTable('locals').set({ notice_days: null }).where('id', '=', unknown.id).execute()
  const known = await drive(db, s.id, w.localA.id, { chapter_id: w.a.id, candidate_id: cand.id })
  const noNotice = await drive(db, s.id, unknown.id, { chapter_id: w.a.id, candidate_id: cand.id })
  const endorse = await db
    .selectFrom('resolutions')
    .select('id')
    .where('slug', '=', 'endorse-local-candidate')
    .executeTakeFirstOrThrow()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  return { app, db, w, s, cand, unknown, known, noNotice, endorse, org }
}

const driveRow = (db: Db, id: number) =>
  db.selectFrom('drives').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const filingsOf = (db: Db, id: number) =>
  db.selectFrom('filings').selectAll().where('drive_id', '=', id).orderBy('id').execute()
const auditOf = (db: Db, entity: string, id: number) =>
  db
    .selectFrom('audit_log')
    .selectAll()
    .where('entity', '=', entity)
    .where('entity_id', '=', String(id))
    .orderBy('id')
    .execute()

async function calendarFeed(app: Agent['app'], org: Agent) {
  const made = await org.post('/account/calendar')
  const url = /\/calendar\/[A-Za-z0-9_-]+\.ics/.exec(made.body)?.[0]
  if (!url) throw new Error('no calendar link on /account/calendar')
  return (await new Agent(app).get(url)).body
}

t.test(
  'filing from the drive page: the earliest vote after the notice period becomes the drive’s vote date',
  async (t) => {
    const { app, db, w, known, org } = await setup(t)
    const today = todayIn(ZONE)
    const page = await org.get(`/drives/${known.id}`)
    t.match(page.body, 'Vote</dt><dd>No date yet', 'no vote date before the filing')
    t.match(page.body, 'computed from the local’s notice period (14 days)')
    t.match(page.body, `name="version" value="${known.version}"`, 'the filing form carries the drive’s version')

    const res = await org.post(`/drives/${known.id}/filings`, {
      filed_on: today,
      body: 'Executive board',
      text_filed: 'Resolved, that Local 1 endorses Ana Ruiz.',
      version: String(known.version),
    })
    t.equal(res.statusCode, 303)
    const expected = plusDays(today, 14)
    const [f, ...more] = await filingsOf(db, known.id)
    t.equal(more.length, 0, 'one filing')
    t.equal(f?.earliest_vote_on, expected)
    t.equal(f?.body, 'Executive board')
    t.equal(f?.resolution_version_id, null, 'typed on the drive page, no model resolution')
    const d = await driveRow(db, known.id)
    t.equal(d.vote_date, expected, 'the drive’s vote date')
    t.equal(d.version, known.version + 1, 'the drive’s version moved on')
    const filingAudit = await auditOf(db, 'filing', f!.id)
    t.equal(filingAudit.length, 1)
    t.match(filingAudit[0], { action: 'create', actor_id: w.organizerA.id })
    t.match(filingAudit[0]?.after, { earliest_vote_on: expected, notice_known: true, drive_id: known.id })
    const driveAudit = (await auditOf(db, 'drive', known.id)).filter((a) => a.action === 'update')
    t.same(
      driveAudit.map((a) => [a.before, (a.after as { vote_date?: string }).vote_date]),
      [[{ vote_date: null }, expected]],
    )

    const after = await org.get(String(res.headers.location).replace('#timeline', ''))
    const shown = DateTime.fromISO(expected).toFormat('ccc d LLL yyyy')
    t.match(after.body, `Filing recorded. Earliest vote: ${shown}, now the drive’s vote date.`, 'the flash')
    t.match(after.body, `Vote</dt><dd>${shown} (in 14 days)`, 'the drive page shows the vote date')
    t.notMatch(after.body, 'Vote</dt><dd>No date yet')
    const dash = await org.get('/')
    t.match(
      dash.body,
      new RegExp(`<a href="/drives/${known.id}">Alpha Local 1</a>[^\\n]*in 14 days`),
      'on the dashboard',
    )
    const feed = await calendarFeed(app, org)
    t.match(feed, 'SUMMARY:Vote: Alpha Local 1')
    t.match(feed, `DTSTART;VALUE=DATE:${compact(expected)}`)
  },
)

t.test(
  'filing from the resolution page sets the vote date by the same rule, and says when notice is unknown',
  async (t) => {
    const { app, db, noNotice, unknown, endorse, org } = await setup(t)
    const today = todayIn(ZONE)
    const form = await org.get(`/resolutions/${endorse.id}?drive=${noNotice.id}`)
    t.equal(form.statusCode, 200)
    t.match(form.body, 'notice period is not known, so the earliest vote date assumes no notice period')
    t.match(form.body, `href="/locals/${unknown.id}/edit">Set the local’s rules</a>`)
    t.match(form.body, `name="drive_version" value="${noNotice.version}"`)

    const res = await org.post(`/resolutions/${endorse.id}/filings`, {
      drive: String(noNotice.id),
      body: 'the general membership meeting',
      filed_on: today,
      drive_version: String(noNotice.version),
    })
    t.equal(res.statusCode, 303)
    const [f, ...more] = await filingsOf(db, noNotice.id)
    t.equal(more.length, 0, 'one filing')
    t.ok(f?.resolution_version_id, 'the model resolution’s version is recorded')
    t.match(f?.text_filed, 'Ana Ruiz', 'the filled text is what was filed')
    t.equal(f?.earliest_vote_on, today, 'no notice period assumed: the earliest vote is the filing day')
    const d = await driveRow(db, noNotice.id)
    t.equal(d.vote_date, today, 'the drive has its vote date (it used to stay empty)')
    t.equal(d.version, noNotice.version + 1)
    const filingAudit = await auditOf(db, 'filing', f!.id)
    t.equal(filingAudit.length, 1)
    t.match(filingAudit[0]?.after, { earliest_vote_on: today, notice_known: false })
    const driveAudit = (await auditOf(db, 'drive', noNotice.id)).filter((a) => a.action === 'update')
    t.equal(driveAudit.length, 1, 'the vote date change is audited')
    t.match(driveAudit[0]?.after, { vote_date: today })

    const filingPage = await org.get(String(res.headers.location))
    t.match(filingPage.body, 'assumes no notice period', 'the flash says what the date assumes')
    const drivePage = await org.get(`/drives/${noNotice.id}`)
    t.notMatch(drivePage.body, 'Vote</dt><dd>No date yet')
    t.match(drivePage.body, 'Vote</dt><dd>')
    t.match(drivePage.body, 'assumes no notice period', 'the drive page’s filing form says it too')
    const dash = await org.get('/')
    t.match(dash.body, new RegExp(`<a href="/drives/${noNotice.id}">Transit Local 589</a>[^\\n]*today`), 'dashboard')
    const feed = await calendarFeed(app, org)
    t.match(feed, 'SUMMARY:Vote: Transit Local 589')
    t.match(feed, `DTSTART;VALUE=DATE:${compact(today)}`)
  },
)

t.test('both pages give the same earliest vote for the same local and date', async (t) => {
  const { db, w, s, cand, known, endorse, org } = await setup(t)
  const filedOn = plusDays(todayIn(ZONE), -3)
  // Another local with the same 14-day notice period as Alpha Local 1.
  const twin = await local(db, { name: 'Alpha Local 3', chapter_id: w.a.id, notice_days: 14 })
  const second = await drive(db, s.id, twin.id, { chapter_id: w.a.id, candidate_id: cand.id })
  await org.post(`/drives/${known.id}/filings`, { filed_on: filedOn, body: 'Board', text_filed: 'Resolved.' })
  await org.post(`/resolutions/${endorse.id}/filings`, { drive: String(second.id), body: 'Board', filed_on: filedOn })
  const a = await filingsOf(db, known.id)
  const b = await filingsOf(db, second.id)
  t.equal(a.length, 1)
  t.equal(b.length, 1)
  t.equal(a[0]?.earliest_vote_on, plusDays(filedOn, 14))
  t.equal(b[0]?.earliest_vote_on, a[0]?.earliest_vote_on)
  t.equal((await driveRow(db, second.id)).vote_date, (await driveRow(db, known.id)).vote_date)
})

t.test('a drive that already has a vote date keeps it; the filing still records its earliest vote', async (t) => {
  const { db, known, endorse, org } = await setup(t)
  const set = plusDays(todayIn(ZONE), 40)
  await db.updateTable('drives').set({ vote_date: set }).where('id', '=', known.id).execute()
  const today = todayIn(ZONE)
  const res = await org.post(`/resolutions/${endorse.id}/filings`, {
    drive: String(known.id),
    body: 'Board',
    filed_on: today,
  })
  t.equal(res.statusCode, 303)
  t.equal((await filingsOf(db, known.id))[0]?.earliest_vote_on, plusDays(today, 14))
  t.equal((await driveRow(db, known.id)).vote_date, set)
  t.equal((await auditOf(db, 'drive', known.id)).filter((a) => a.action === 'update').length, 0, 'no drive change')
})

t.test('a stale drive version is a 409 naming who changed the drive, and nothing is written', async (t) => {
  const { app, db, w, known, endorse, org } = await setup(t)
  const other = new Agent(app)
  await other.login(w.admin.email, PASSWORD)
  const moved = await other.post(`/drives/${known.id}/next-step`, {
    next_step: 'Call the president',
    next_step_due: '',
    version: String(known.version),
  })
  t.equal(moved.statusCode, 303)
  const today = todayIn(ZONE)
  const fromResolution = await org.post(`/resolutions/${endorse.id}/filings`, {
    drive: String(known.id),
    body: 'Board',
    filed_on: today,
    drive_version: String(known.version),
  })
  t.equal(fromResolution.statusCode, 409)
  t.match(fromResolution.body, w.admin.name, 'the message names who changed the drive')
  t.match(fromResolution.body, 'value="Board"', 'what was typed is kept')
  t.match(fromResolution.body, `name="drive_version" value="${known.version + 1}"`, 'saving again is on purpose')
  const fromDrive = await org.post(`/drives/${known.id}/filings`, {
    filed_on: today,
    body: 'Board',
    text_filed: 'Resolved.',
    version: String(known.version),
  })
  t.equal(fromDrive.statusCode, 409)
  t.match(fromDrive.body, w.admin.name)
  t.equal((await filingsOf(db, known.id)).length, 0, 'no filing written')
  const d = await driveRow(db, known.id)
  t.equal(d.vote_date, null)
  t.equal(d.next_step, 'Call the president', 'the other save stands')
})
