// The slips a tired organizer makes, found by walking the app in a browser: a year typed as 1926 for 2026
// in a due date, a filing or a conversation; a filed text cut off mid-word in the timeline; the slate page
// writing its dates as 2027-02-23 where every other page says "Tue 23 Feb 2027". Each is refused (422, the
// form kept) or shown the one way, and the database is checked after. A volunteer is not sent to a page
// that answers 403.
import t, { type Test } from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, candidate, drive, slate, supporter, world } from '../factories.ts'
import { todayIn } from '../../src/drives/vote-dates.ts'

const ZONE = 'America/New_York' // chapter Alpha's zone (test/factories.ts)

async function setup(t: Test) {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await slate(db, { name: 'Walk slate', election_date: '2099-11-03' })
  const cand = await candidate(db, s.id, {
    name: 'Ana Ruiz',
    chapter_id: w.a.id,
    election_date: '2099-11-03',
    election_type: 'general',
  })
  const d = await drive(db, s.id, w.localA.id, { chapter_id: w.a.id, candidate_id: cand.id })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  return { app, db, w, s, cand, d, org }
}

t.test('a next step due in 1926 is a typing slip: 422, the message by the field, nothing saved', async (t) => {
  const { db, d, org } = await setup(t)
  const res = await org.post(`/drives/${d.id}/next-step`, {
    next_step: 'Call the steward back',
    next_step_due: '1926-05-01',
    version: String(d.version),
  })
  t.equal(res.statusCode, 422)
  t.match(res.body, 'Due date must be within ten years of today.')
  t.match(res.body, 'value="Call the steward back"', 'what was typed is kept')
  t.match(res.body, 'value="1926-05-01"', 'the date typed is kept to correct')
  const row = await db.selectFrom('drives').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow()
  t.equal(row.next_step, null, 'no next step saved')
  t.equal(row.next_step_due, null)
  t.equal(row.version, d.version, 'the drive is unchanged')

  const ok = await org.post(`/drives/${d.id}/next-step`, {
    next_step: 'Call the steward back',
    next_step_due: todayIn(ZONE),
    version: String(d.version),
  })
  t.ok([200, 303].includes(ok.statusCode), 'today is a fine due date')
})

t.test('a filing in 1926 is refused on the drive page and on the resolution page; no vote date from it', async (t) => {
  const { db, d, org } = await setup(t)
  const fromDrive = await org.post(`/drives/${d.id}/filings`, {
    filed_on: '1926-01-01',
    body: 'Executive board',
    text_filed: 'Resolved, that the local endorses Ana Ruiz.',
    version: String(d.version),
  })
  t.equal(fromDrive.statusCode, 422)
  t.match(fromDrive.body, 'Date filed must be today or earlier (and in 2000 or later).')
  t.match(fromDrive.body, 'Resolved, that the local endorses Ana Ruiz.', 'the text typed is kept')

  const res = await db
    .selectFrom('resolutions')
    .select('id')
    .where('slug', '=', 'endorse-local-candidate')
    .executeTakeFirstOrThrow()
  const fromResolution = await org.post(`/resolutions/${res.id}/filings`, {
    drive: String(d.id),
    body: 'Executive board',
    filed_on: '1926-01-01',
    drive_version: String(d.version),
  })
  t.equal(fromResolution.statusCode, 422)
  t.match(fromResolution.body, 'Filed on must be today or earlier (and in 2000 or later).')

  t.same(await db.selectFrom('filings').select('id').where('drive_id', '=', d.id).execute(), [], 'no filing')
  const row = await db.selectFrom('drives').select('vote_date').where('id', '=', d.id).executeTakeFirstOrThrow()
  t.equal(row.vote_date, null, 'no vote date in 1926')
})

t.test('a conversation logged in 1926 is refused with the form kept', async (t) => {
  const { db, w, org } = await setup(t)
  const ana = await supporter(db, w.a.id, w.localA.id, { name: 'Ana Walker' })
  const res = await org.post('/conversations', {
    supporter_id: String(ana.id),
    kind: 'one_on_one',
    held_on: '1926-11-20',
    outcome: 'Will sign the petition',
    note: '',
    follow_up_on: '',
  })
  t.equal(res.statusCode, 422)
  t.match(res.body, 'Date must be today or earlier (and in 2000 or later).')
  t.match(res.body, 'Will sign the petition', 'the outcome typed is kept')
  t.same(await db.selectFrom('conversations').select('id').where('supporter_id', '=', ana.id).execute(), [])
})

t.test('the timeline shows the start of a long filed text cut between words, never mid-word', async (t) => {
  const { d, org } = await setup(t)
  // 296 characters, then a word that the 300-character cut would have split.
  const head = 'WHEREAS, the members want a voice. '.repeat(9).slice(0, 296)
  const text = `${head} Whereupon the members vote.`
  const filed = await org.post(`/drives/${d.id}/filings`, {
    filed_on: todayIn(ZONE),
    body: 'Executive board',
    text_filed: text,
    version: String(d.version),
  })
  t.equal(filed.statusCode, 303)
  const page = await org.get(`/drives/${d.id}`)
  const line = /Text filed: ([^<]*)/.exec(page.body)?.[1] ?? ''
  t.ok(line.startsWith('WHEREAS, the members want a voice.'), 'the timeline shows the start of the text')
  t.notMatch(line, 'Wh', 'the word that crosses the limit is left out, not cut in two')
  t.ok(line.endsWith(`${head.trimEnd().slice(-20)} …`), 'the excerpt ends on a whole word, then …')
})

t.test('the slate page and the slate list write dates like every other page', async (t) => {
  const { db, w, s, cand, org } = await setup(t)
  await db
    .insertInto('endorsements')
    .values({
      slate_id: s.id,
      local_id: w.localA.id,
      chapter_id: w.a.id,
      candidate_id: cand.id,
      decided_on: '2026-04-02',
    })
    .execute()
  const page = await org.get(`/slates/${s.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'general · Tue 3 Nov 2099', 'the candidate’s election')
  t.match(page.body, '<td data-label="Decided">Thu 2 Apr 2026</td>', 'the endorsement’s date')
  t.notMatch(page.body, /<td[^>]*>[^<]*\b\d{4}-\d{2}-\d{2}\b/, 'no YYYY-MM-DD in any cell')
  const list = await org.get('/slates')
  t.match(list.body, 'Tue 3 Nov 2099')
  t.notMatch(list.body, '2099-11-03')
})

t.test('a volunteer’s people list has no link to the deleted supporters, which refuse them', async (t) => {
  const { app, w, org } = await setup(t)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const list = await vol.get('/people')
  t.equal(list.statusCode, 200)
  t.notMatch(list.body, 'href="/people?deleted=1"', 'no link for the volunteer')
  t.equal((await vol.get('/people?deleted=1')).statusCode, 403, 'the page the link went to refuses them')
  t.match((await org.get('/people')).body, 'href="/people?deleted=1"', 'the organizer keeps the link')
})

t.test('saving the same next step again changes nothing: one audit row, one version bump', async (t) => {
  const { db, d, org } = await setup(t)
  const audits = () =>
    db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity', '=', 'drive')
      .where('entity_id', '=', String(d.id))
      .execute()
  const empty = await org.post(`/drives/${d.id}/next-step`, {
    next_step: '',
    next_step_due: '',
    version: String(d.version),
  })
  t.ok([200, 303].includes(empty.statusCode), 'an empty form on a drive with no next step is fine')
  t.same(await audits(), [], 'and writes no empty audit row')
  const values = { next_step: 'Call the steward back', next_step_due: todayIn(ZONE), version: String(d.version) }
  await org.post(`/drives/${d.id}/next-step`, values)
  const again = await org.post(`/drives/${d.id}/next-step`, values)
  t.ok([200, 303].includes(again.statusCode), 'the second press is no conflict')
  const row = await db.selectFrom('drives').selectAll().where('id', '=', d.id).executeTakeFirstOrThrow()
  t.equal(row.version, d.version + 1, 'the version moved once')
  t.equal(row.next_step, 'Call the steward back')
  t.equal((await audits()).length, 1, 'one audit row')
})
