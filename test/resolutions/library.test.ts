import AdmZip from 'adm-zip'
import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, local, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'
import { ensureModelResolutions } from '../../src/resolutions/seed.ts'

async function driveWorld(db: Db) {
  const w = await world(db)
  const slate = await f.slate(db, { name: '2026 slate', election_date: '2026-11-03' })
  const cand = await f.candidate(db, slate.id, {
    chapter_id: w.a.id,
    name: 'Rosa Parks Jr',
    office: 'City Council',
    district: 'District 7',
    election_date: '2026-11-03',
  })
  const evil = await local(db, { name: '<b>Evil</b> & Local 9', chapter_id: w.a.id, national_union_id: w.union.id })
  const driveA = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, candidate_id: cand.id })
  const driveNoCand = await f.drive(db, slate.id, evil.id, { chapter_id: w.a.id })
  const driveB = await f.drive(db, slate.id, w.localB.id, { chapter_id: w.b.id })
  const endorse = await db
    .selectFrom('resolutions')
    .selectAll()
    .where('slug', '=', 'endorse-local-candidate')
    .executeTakeFirstOrThrow()
  const endorseEs = await db
    .selectFrom('resolutions')
    .selectAll()
    .where('slug', '=', 'endorse-local-candidate-es')
    .executeTakeFirstOrThrow()
  return { ...w, slate, cand, evil, driveA, driveNoCand, driveB, endorse, endorseEs }
}

t.test('the resolution library', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await driveWorld(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)

  t.test('a fresh database has the model resolutions, each at version 1, and seeding again adds nothing', async (t) => {
    const rows = await db
      .selectFrom('resolutions as r')
      .innerJoin('resolution_versions as v', 'v.resolution_id', 'r.id')
      .select(['r.slug', 'v.number'])
      .execute()
    t.ok(rows.length >= 9)
    t.ok(rows.every((r) => r.number === 1))
    t.equal(await ensureModelResolutions(db), 0)
  })

  t.test('every signed-in role can browse the library', async (t) => {
    const res = await vol.get('/resolutions')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Endorse the local candidate')
    t.match(res.body, 'Respaldo a la candidatura local')
    t.equal((await new Agent(app).get('/resolutions')).statusCode, 303)
  })

  t.test('filters by kind and language', async (t) => {
    const res = await org.get('/resolutions?kind=endorse_candidate&language=es')
    t.match(res.body, 'Respaldo a la candidatura local')
    t.notMatch(res.body, `href="/resolutions/${w.endorse.id}"`)
    t.notMatch(res.body, 'Strike-support pledge')
  })

  t.test('full-text search finds a word from a body, and active search returns the results alone', async (t) => {
    const res = await org.get('/resolutions?q=questionnaire', { htmx: 'div#resolutions-results' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'Request a candidate questionnaire and forum')
    t.notMatch(res.body, 'Strike-support pledge')
    const none = await org.get('/resolutions?q=zzzqqq')
    t.match(none.body, 'No resolutions match')
  })

  t.test('a new version with an unknown field is a 422 naming it and listing the known fields', async (t) => {
    const res = await org.post(`/resolutions/${w.endorse.id}/versions`, {
      body: 'WHEREAS {{bogus.field}} matters;\n\nRESOLVED, that {{local.name}} acts.',
      base: '1',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, '{{bogus.field}}')
    t.match(res.body, '{{candidate.office}}')
    t.match(res.body, 'WHEREAS {{bogus.field}} matters')
    const bad = await org.post(`/resolutions/${w.endorse.id}/versions`, {
      body: 'RESOLVED, that {{local.name acts.',
      base: '1',
    })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'never closed')
    const n = await db
      .selectFrom('resolution_versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('resolution_id', '=', w.endorse.id)
      .executeTakeFirstOrThrow()
    t.equal(n.n, 1)
  })

  t.test('a volunteer cannot save a version', async (t) => {
    const res = await vol.post(`/resolutions/${w.endorse.id}/versions`, { body: 'RESOLVED, that we win.' })
    t.equal(res.statusCode, 403)
  })

  t.test('creating a resolution and saving a new version keeps the old one', async (t) => {
    const res = await org.post('/resolutions', {
      title: 'Heat safety',
      kind: 'issue',
      language: 'en',
      tags: 'Heat, safety',
      body: 'WHEREAS heat kills;\n\nRESOLVED, that {{local.name}} backs a heat standard.',
    })
    t.equal(res.statusCode, 303)
    const r = await db
      .selectFrom('resolutions')
      .selectAll()
      .where('title', '=', 'Heat safety')
      .executeTakeFirstOrThrow()
    t.same(r.tags, ['heat', 'safety'])
    const v2 = await org.post(`/resolutions/${r.id}/versions`, {
      body: 'WHEREAS heat kills workers;\n\nRESOLVED, that {{local.name}} backs a heat standard.',
      base: '1',
      note: 'sharper',
    })
    t.equal(v2.statusCode, 303)
    const versions = await db
      .selectFrom('resolution_versions')
      .select(['number', 'body'])
      .where('resolution_id', '=', r.id)
      .orderBy('number')
      .execute()
    t.same(
      versions.map((v) => v.number),
      [1, 2],
    )
    t.equal(versions[0]!.body, 'WHEREAS heat kills;\n\nRESOLVED, that {{local.name}} backs a heat standard.')
    const stale = await org.post(`/resolutions/${r.id}/versions`, {
      body: 'RESOLVED, that {{local.name}} waits.',
      base: '1',
    })
    t.equal(stale.statusCode, 409)
    t.match(stale.body, 'waits.')
    const page = await org.get(`/resolutions/${r.id}`)
    t.match(page.body, 'Version 2')
    t.match(page.body, 'heat kills workers')
  })

  t.test('filling for a drive shows the local name and flags a missing candidate', async (t) => {
    const res = await org.get(`/resolutions/${w.endorse.id}?drive=${w.driveNoCand.id}&meeting_date=2026-03-03`)
    t.equal(res.statusCode, 200)
    t.match(res.body, '&lt;b&gt;Evil&lt;/b&gt; &amp; Local 9')
    t.notMatch(res.body, '<b>Evil</b>')
    t.match(res.body, 'class="merge-missing" title="Missing: candidate.name"')
    t.match(res.body, 'Tuesday, March 3, 2026')
    const filled = await org.get(`/resolutions/${w.endorse.id}?drive=${w.driveA.id}`)
    t.match(filled.body, 'Alpha Local 1')
    t.match(filled.body, 'Rosa Parks Jr')
    t.match(filled.body, 'the general membership meeting')
  })

  t.test('the Spanish text fills dates in Spanish', async (t) => {
    const res = await org.get(`/resolutions/${w.endorseEs.id}?drive=${w.driveA.id}&meeting_date=2026-03-03`)
    t.match(res.body, 'martes, 3 de marzo de 2026')
  })

  t.test('the .txt download has the local name as plain text', async (t) => {
    const res = await org.get(`/resolutions/${w.endorse.id}/render.txt?drive=${w.driveNoCand.id}`)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'text/plain')
    t.match(res.headers['content-disposition'], /attachment; filename=".*\.txt"/)
    t.match(res.body, '<b>Evil</b> & Local 9')
    t.match(res.body, '[candidate.name]')
    const md = await org.get(`/resolutions/${w.endorse.id}/render.md?drive=${w.driveA.id}`)
    t.match(md.body, /^# Endorse the local candidate/)
  })

  t.test('the .docx download is a Word file with the filled local name', async (t) => {
    const res = await org.get(`/resolutions/${w.endorse.id}/render.docx?drive=${w.driveA.id}&meeting_date=2026-03-03`)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'wordprocessingml')
    const zip = new AdmZip(res.rawPayload)
    const xml = zip.readAsText('word/document.xml')
    t.match(xml, 'Alpha Local 1')
    t.match(xml, 'Rosa Parks Jr')
    t.match(xml, 'RESOLVED')
    t.ok(zip.getEntry('[Content_Types].xml'))
  })

  t.test('another chapter’s organizer gets 404 for a drive not theirs', async (t) => {
    t.equal((await orgB.get(`/resolutions/${w.endorse.id}?drive=${w.driveA.id}`)).statusCode, 404)
    t.equal((await orgB.get(`/resolutions/${w.endorse.id}/render.docx?drive=${w.driveA.id}`)).statusCode, 404)
    t.equal(
      (
        await orgB.post(`/resolutions/${w.endorse.id}/filings`, {
          drive: String(w.driveA.id),
          body: 'the board',
          filed_on: '2026-02-01',
        })
      ).statusCode,
      404,
    )
    t.equal((await orgB.post(`/resolutions/${w.endorse.id}/share`, { drive: String(w.driveA.id) })).statusCode, 404)
    const picker = await orgB.get(`/resolutions/${w.endorse.id}`)
    t.notMatch(picker.body, 'Alpha Local 1')
    t.match(picker.body, 'Bravo Local 2')
  })

  t.test('the library and the fill page run a bounded number of queries, whatever the data size', async (t) => {
    const fill = `/resolutions/${w.endorse.id}?drive=${w.driveA.id}&meeting_date=2026-03-03`
    const small = [
      await countQueries(handle, () => org.get('/resolutions')),
      await countQueries(handle, () => org.get(fill)),
    ]
    for (let i = 0; i < 20; i++) {
      const l = await local(db, { name: `More Local ${i}`, chapter_id: w.a.id })
      const d = await f.drive(db, w.slate.id, l.id, { chapter_id: w.a.id })
      await f.candidate(db, w.slate.id, { name: `Cand ${i}`, office: 'Mayor' })
      await db
        .insertInto('filings')
        .values({ drive_id: w.driveA.id, filed_on: '2026-01-01', body: 'board', text_filed: 'x' })
        .execute()
      await org.post('/resolutions', {
        title: `Extra ${i}`,
        kind: 'issue',
        language: 'en',
        body: `RESOLVED, that {{local.name}} does ${i}.`,
      })
      t.ok(d.id)
    }
    const big = [
      await countQueries(handle, () => org.get('/resolutions')),
      await countQueries(handle, () => org.get(fill)),
    ]
    t.same(big, small)
    t.ok(Math.max(...big) <= 12, `queries: ${big.join(', ')}`)
  })

  t.test('a volunteer may fill but not share or file', async (t) => {
    t.equal((await vol.get(`/resolutions/${w.endorse.id}?drive=${w.driveA.id}`)).statusCode, 200)
    t.equal((await vol.post(`/resolutions/${w.endorse.id}/share`, { drive: String(w.driveA.id) })).statusCode, 403)
    t.equal(
      (
        await vol.post(`/resolutions/${w.endorse.id}/filings`, {
          drive: String(w.driveA.id),
          body: 'the board',
          filed_on: '2026-02-01',
        })
      ).statusCode,
      403,
    )
  })
})

t.test('share links', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await driveWorld(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)

  async function share(extra: Record<string, string> = {}) {
    const res = await org.post(`/resolutions/${w.endorse.id}/share`, {
      drive: String(w.driveA.id),
      meeting_date: '2026-03-03',
      ...extra,
    })
    t.equal(res.statusCode, 303)
    const page = await org.get(res.headers.location as string)
    const m = /\/share\/([A-Za-z0-9_-]{43})/.exec(page.body)
    const link = await db.selectFrom('share_links').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
    return { token: m![1]!, link, location: res.headers.location as string }
  }

  t.test('creating a share link redirects; the link is shown once and a refresh is the page again', async (t) => {
    const { token, location } = await share()
    t.match(location, new RegExp(`^/resolutions/${w.endorse.id}\\?drive=${w.driveA.id}&meeting_date=2026-03-03#share$`))
    const refresh = await org.get(location)
    t.equal(refresh.statusCode, 200)
    t.notMatch(refresh.body, token)
    t.notMatch(refresh.body, 'Share link created')
  })

  t.test('a share link works logged out, shows only the filled text, and counts uses', async (t) => {
    const { token, link } = await share()
    t.not(link.token_hash, token)
    t.notMatch(JSON.stringify(link), token)
    const anon = new Agent(app)
    const res = await anon.get(`/share/${token}`)
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Alpha Local 1')
    t.match(res.body, 'Rosa Parks Jr')
    t.match(res.body, 'data-copy="#resolution-text"')
    t.notMatch(res.body, w.organizerA.email)
    t.notMatch(res.body, '@example.org')
    t.notMatch(res.body, 'Log out')
    const txt = await anon.get(`/share/${token}?format=txt`)
    t.match(txt.body, 'Alpha Local 1')
    const docx = await anon.get(`/share/${token}?format=docx`)
    t.match(new AdmZip(docx.rawPayload).readAsText('word/document.xml'), 'Alpha Local 1')
    const after = await db.selectFrom('share_links').select('uses').where('id', '=', link.id).executeTakeFirstOrThrow()
    t.equal(after.uses, 3)
    const page = await org.get(`/resolutions/${w.endorse.id}?drive=${w.driveA.id}`)
    t.match(page.body, /data-label="Uses" class="num">3</)
  })

  t.test('a revoked link is a 404 saying it is no longer active', async (t) => {
    const { token, link } = await share()
    t.equal((await orgB.post(`/resolutions/share/${link.id}/revoke`)).statusCode, 404)
    const rv = await org.post(`/resolutions/share/${link.id}/revoke`)
    t.equal(rv.statusCode, 303)
    const res = await new Agent(app).get(`/share/${token}`)
    t.equal(res.statusCode, 404)
    t.match(res.body, 'This link is no longer active')
  })

  t.test('an expired link is a 404', async (t) => {
    const { token, link } = await share({ expires_days: '2' })
    t.ok(link.expires_at)
    t.equal((await new Agent(app).get(`/share/${token}`)).statusCode, 200)
    await db
      .updateTable('share_links')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', link.id)
      .execute()
    t.equal((await new Agent(app).get(`/share/${token}`)).statusCode, 404)
  })

  t.test('a guessed token is a 404', async (t) => {
    t.equal((await new Agent(app).get('/share/' + 'A'.repeat(43))).statusCode, 404)
    t.equal((await new Agent(app).get('/share/nope')).statusCode, 404)
  })
})

t.test('filings', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await driveWorld(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const version = await db
    .selectFrom('resolution_versions')
    .selectAll()
    .where('resolution_id', '=', w.endorse.id)
    .executeTakeFirstOrThrow()

  t.test('filing records the version, the filled text and the earliest vote date', async (t) => {
    const bad = await org.post(`/resolutions/${w.endorse.id}/filings`, {
      drive: String(w.driveA.id),
      body: '',
      filed_on: 'soon',
    })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Filed on must be a date')
    const res = await org.post(`/resolutions/${w.endorse.id}/filings`, {
      drive: String(w.driveA.id),
      body: 'the executive board',
      filed_on: '2026-02-01',
      meeting_date: '2026-03-03',
    })
    t.equal(res.statusCode, 303)
    const f = await db.selectFrom('filings').selectAll().executeTakeFirstOrThrow()
    t.equal(res.headers.location, `/resolutions/filings/${f.id}`)
    t.equal(f.resolution_version_id, version.id)
    t.equal(f.drive_id, w.driveA.id)
    t.equal(f.candidate_id, w.cand.id)
    t.equal(f.earliest_vote_on, '2026-02-15')
    t.match(f.text_filed, 'Alpha Local 1')
    t.notMatch(f.text_filed, '{{local.name}}')
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'filing')
      .where('entity_id', '=', String(f.id))
      .executeTakeFirstOrThrow()
    t.equal(a.action, 'create')
    const page = await org.get(`/resolutions/${w.endorse.id}`)
    t.match(page.body, 'filed with a local')
  })

  t.test('the adopted text is recorded and its diff shows the amended clause', async (t) => {
    const f = await db.selectFrom('filings').selectAll().executeTakeFirstOrThrow()
    t.equal((await orgB.get(`/resolutions/filings/${f.id}`)).statusCode, 404)
    t.equal((await orgB.post(`/resolutions/filings/${f.id}/adopted`, { adopted_text: 'x' })).statusCode, 404)
    const empty = await org.post(`/resolutions/filings/${f.id}/adopted`, { adopted_text: '' })
    t.equal(empty.statusCode, 422)
    const amended = f.text_filed.replace('RESOLVED', 'RESOLVED, as amended from the floor,')
    t.not(amended, f.text_filed)
    const res = await org.post(`/resolutions/filings/${f.id}/adopted`, { adopted_text: amended })
    t.equal(res.statusCode, 303)
    const row = await db.selectFrom('filings').select('adopted_text').where('id', '=', f.id).executeTakeFirstOrThrow()
    t.equal(row.adopted_text, amended)
    const page = await org.get(`/resolutions/filings/${f.id}`)
    t.match(page.body, /<ins><span class="diff-mark">\[added:<\/span>[^<]*amended from the floor/)
    t.match(page.body, 'Changes at the meeting')
  })

  t.test('a filed version is never changed by saving a new one', async (t) => {
    const res = await org.post(`/resolutions/${w.endorse.id}/versions`, {
      body: 'RESOLVED, that {{local.name}} endorses {{candidate.name}}.',
      base: '1',
    })
    t.equal(res.statusCode, 303)
    const v1 = await db
      .selectFrom('resolution_versions')
      .selectAll()
      .where('id', '=', version.id)
      .executeTakeFirstOrThrow()
    t.equal(v1.body, version.body)
    t.equal(v1.number, 1)
    await t.rejects(
      db.updateTable('resolution_versions').set({ body: 'tampered' }).where('id', '=', version.id).execute(),
      /cannot be changed/,
    )
  })
})
