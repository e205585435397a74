// A filled resolution adapted for its drive: missing details asked for in a
// small form, the text edited (version-checked, audited), and the adapted text
// being what is shared, downloaded and filed.
import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, candidate, drive, local, slate, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'

async function adaptWorld(db: Db) {
  const w = await world(db)
  const s = await slate(db, { name: '2026 slate', election_date: '2026-11-03' })
  const cand = await candidate(db, s.id, {
    chapter_id: w.a.id,
    name: 'Rosa Parks Jr',
    office: 'City Council',
    district: 'District 7',
    election_date: '2026-11-03',
  })
  // No designation recorded, a COPE committee decides, and the name gives no "Local N".
  const nurses = await local(db, {
    name: 'Harbor Nurses',
    chapter_id: w.a.id,
    national_union_id: w.union.id,
    deciding_body: 'cope_committee',
  })
  const nursesDrive = await drive(db, s.id, nurses.id, { chapter_id: w.a.id, candidate_id: cand.id })
  const driveA = await drive(db, s.id, w.localA.id, {
    chapter_id: w.a.id,
    candidate_id: cand.id,
    vote_date: '2026-06-09',
  })
  const endorse = await db
    .selectFrom('resolutions')
    .selectAll()
    .where('slug', '=', 'endorse-local-candidate')
    .executeTakeFirstOrThrow()
  return { ...w, s, cand, nurses, nursesDrive, driveA, endorse }
}

/** The text of the resolution as the page prints it, tags removed. */
const textOf = (html: string) =>
  (/<article[^>]*id="resolution-text"[^>]*>([\s\S]*?)<\/article>/.exec(html)?.[1] ?? '').replace(/<[^>]+>/g, '')

t.test('adapting a filled resolution for a drive', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await adaptWorld(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const page = (driveId: number) => `/resolutions/${w.endorse.id}?drive=${driveId}`
  const adaptations = () =>
    db.selectFrom('resolution_adaptations').selectAll().where('deleted_at', 'is', null).orderBy('id').execute()

  t.test('a drive chosen in the address fills its local, candidate and vote date, and links back', async (t) => {
    const res = await org.get(page(w.driveA.id))
    t.equal(res.statusCode, 200)
    const text = textOf(res.body)
    t.match(text, 'RESOLVED, that Local 1, Communications Workers of America, endorses Rosa Parks Jr for City Council')
    t.match(text, 'Adopted by the general membership meeting on Tuesday, June 9, 2026')
    t.notMatch(text, '[', 'no blank is left in brackets')
    t.match(res.body, `<a href="/drives/${w.driveA.id}">Back to the drive: Alpha Local 1</a>`)
    t.match(res.body, 'name="meeting_date" value="2026-06-09"', 'the picker shows the vote date')
  })

  t.test('fallbacks read naturally: the deciding body in words, not a menu label', async (t) => {
    const res = await org.get(page(w.nursesDrive.id))
    const text = textOf(res.body)
    t.match(text, 'Adopted by the political action (COPE) committee on')
    t.notMatch(res.body, /political\/cope/i)
    t.match(text, '[local.designation]', 'a designation the name does not give is still marked')
    t.match(res.body, 'A few details are missing')
    t.match(res.body, 'name="fill.local.designation"')
    t.match(res.body, 'name="fill.meeting.date"')
  })

  t.test('the missing-details form says what is wrong next to each field and keeps what was typed', async (t) => {
    const res = await org.post(`/resolutions/${w.endorse.id}/adaptation/details`, {
      drive: String(w.nursesDrive.id),
      'fill.local.designation': 'Local 77',
      'fill.meeting.date': '1926-05-04',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Meeting date: 1926 looks like a typing slip. Check the year.')
    t.match(res.body, 'value="Local 77"')
    const empty = await org.post(`/resolutions/${w.endorse.id}/adaptation/details`, {
      drive: String(w.nursesDrive.id),
    })
    t.equal(empty.statusCode, 422)
    t.match(empty.body, 'Local designation is needed for this text.')
    t.same(await adaptations(), [], 'nothing saved')
  })

  t.test('filling the missing details saves the drive’s text with no brackets left, audited', async (t) => {
    const res = await org.post(`/resolutions/${w.endorse.id}/adaptation/details`, {
      drive: String(w.nursesDrive.id),
      'fill.local.designation': 'Local 77',
      'fill.meeting.date': '2026-07-14',
    })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/resolutions/${w.endorse.id}?drive=${w.nursesDrive.id}#resolution-text`)
    const [a] = await adaptations()
    t.ok(a)
    t.equal(a!.drive_id, w.nursesDrive.id)
    t.equal(a!.candidate_id, w.cand.id)
    t.same(a!.fields, { 'local.designation': 'Local 77', 'meeting.date': '2026-07-14' })
    t.match(a!.body, 'RESOLVED, that Local 77, Communications Workers of America, endorses Rosa Parks Jr')
    t.match(a!.body, 'on Tuesday, July 14, 2026')
    t.notMatch(a!.body, '[')
    const logged = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity', '=', 'resolution_adaptation')
      .execute()
    t.same(logged, [{ action: 'create', entity_id: String(a!.id) }])
    const shown = await org.get(page(w.nursesDrive.id))
    t.notMatch(textOf(shown.body), '[')
    t.notMatch(shown.body, 'A few details are missing')
    t.match(shown.body, 'Adapted for this drive by')
  })

  t.test('an adapted sentence is saved as the drive’s text; the model stays as it was', async (t) => {
    const [a] = await adaptations()
    const text = a!.body.replace('endorses Rosa Parks Jr', 'proudly endorses Rosa Parks Jr')
    const res = await org.post(`/resolutions/${w.endorse.id}/adaptation`, {
      drive: String(w.nursesDrive.id),
      text,
      adaptation_version: String(a!.version),
    })
    t.equal(res.statusCode, 303)
    const [b] = await adaptations()
    t.equal(b!.version, a!.version + 1)
    t.match(b!.body, 'Local 77, Communications Workers of America, proudly endorses Rosa Parks Jr')
    const model = await db
      .selectFrom('resolution_versions')
      .select('body')
      .where('resolution_id', '=', w.endorse.id)
      .execute()
    t.equal(model.length, 1, 'no new model version')
    t.notMatch(model[0]!.body, 'proudly')
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity', '=', 'resolution_adaptation')
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow()
    t.notMatch(JSON.stringify(audit.before), 'proudly')
    t.match(JSON.stringify(audit.after), 'proudly')
  })

  t.test('a text with a blank left in it comes back with the blank named', async (t) => {
    const [a] = await adaptations()
    const res = await org.post(`/resolutions/${w.endorse.id}/adaptation`, {
      drive: String(w.nursesDrive.id),
      text: 'RESOLVED, that [local.designation] endorses {{candidate.name}}.',
      adaptation_version: String(a!.version),
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'The text still has blanks to fill: [local.designation], {{candidate.name}}.')
    t.match(res.body, 'RESOLVED, that [local.designation] endorses {{candidate.name}}.', 'the typed text is kept')
    t.equal((await adaptations())[0]!.version, a!.version, 'nothing saved')
  })

  t.test('saving over someone else’s newer text is a 409 that names them and keeps both texts', async (t) => {
    const [a] = await adaptations()
    const stale = await org.post(`/resolutions/${w.endorse.id}/adaptation`, {
      drive: String(w.nursesDrive.id),
      text: 'RESOLVED, that Local 77 endorses Rosa Parks Jr, from an old tab.',
      adaptation_version: String(a!.version - 1),
    })
    t.equal(stale.statusCode, 409)
    t.match(stale.body, /You changed this adapted text in another tab/)
    t.match(stale.body, 'from an old tab.')
    t.match(stale.body, 'The text saved now')
    t.match(stale.body, `name="adaptation_version" value="${a!.version}"`, 'saving again applies the typed text')
    t.equal((await adaptations())[0]!.body, a!.body)
  })

  t.test('the adapted text is what is downloaded, shared and filed', async (t) => {
    const txt = await org.get(`/resolutions/${w.endorse.id}/render.txt?drive=${w.nursesDrive.id}`)
    t.match(txt.body, 'proudly endorses Rosa Parks Jr')
    const shared = await org.post(`/resolutions/${w.endorse.id}/share`, { drive: String(w.nursesDrive.id) })
    t.equal(shared.statusCode, 303)
    const link = await db.selectFrom('share_links').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.match(link.filled_body, 'proudly endorses Rosa Parks Jr')
    const filed = await org.post(`/resolutions/${w.endorse.id}/filings`, {
      drive: String(w.nursesDrive.id),
      body: 'the COPE committee',
      filed_on: '2026-06-01',
    })
    t.equal(filed.statusCode, 303)
    const filing = await db.selectFrom('filings').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    t.match(filing.text_filed, 'proudly endorses Rosa Parks Jr')
  })

  t.test('a volunteer reads the adapted text but is offered no way to change it, and cannot post one', async (t) => {
    const res = await vol.get(page(w.nursesDrive.id))
    t.equal(res.statusCode, 200)
    t.match(textOf(res.body), 'proudly endorses')
    t.notMatch(res.body, 'Adapt the text for this drive')
    const [a] = await adaptations()
    const post = await vol.post(`/resolutions/${w.endorse.id}/adaptation`, {
      drive: String(w.nursesDrive.id),
      text: 'RESOLVED, that we endorse.',
      adaptation_version: String(a!.version),
    })
    t.equal(post.statusCode, 403)
  })

  t.test('another chapter’s organizer cannot see or adapt the drive’s text', async (t) => {
    t.equal((await orgB.get(page(w.nursesDrive.id))).statusCode, 404)
    const post = await orgB.post(`/resolutions/${w.endorse.id}/adaptation`, {
      drive: String(w.nursesDrive.id),
      text: 'RESOLVED, that we endorse.',
      adaptation_version: '0',
    })
    t.equal(post.statusCode, 404)
  })

  t.test('going back to the model sets the adapted text aside (kept, not erased)', async (t) => {
    const [a] = await adaptations()
    const res = await org.post(`/resolutions/${w.endorse.id}/adaptation/discard`, {
      drive: String(w.nursesDrive.id),
      adaptation_version: String(a!.version),
    })
    t.equal(res.statusCode, 303)
    t.same(await adaptations(), [])
    const kept = await db
      .selectFrom('resolution_adaptations')
      .select('deleted_at')
      .where('id', '=', a!.id)
      .executeTakeFirstOrThrow()
    t.ok(kept.deleted_at, 'soft-deleted')
    const shown = await org.get(page(w.nursesDrive.id))
    t.match(textOf(shown.body), '[local.designation]')
  })

  t.test('the fill page with an adapted text runs as many queries as without one', async (t) => {
    const plain = await countQueries(handle, () => org.get(page(w.driveA.id)))
    await org.post(`/resolutions/${w.endorse.id}/adaptation`, {
      drive: String(w.driveA.id),
      text: 'RESOLVED, that Local 1 endorses Rosa Parks Jr.',
      adaptation_version: '0',
    })
    const adapted = await countQueries(handle, () => org.get(page(w.driveA.id)))
    t.ok(adapted <= plain, `${adapted} queries with an adapted text, ${plain} without`)
  })
})
