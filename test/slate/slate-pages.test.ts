import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, nationalUnion, user, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'
import { shortCellLabel } from '../../src/slate/present.ts'

const slate = (db: Db, name = 'Test slate', isCurrent = false) =>
  f.slate(db, { name, is_current: isCurrent, election_date: '2030-11-05' })

const candidate = (db: Db, slateId: number, chapterId: number | null, name: string) =>
  f.candidate(db, slateId, { chapter_id: chapterId, name, election_date: '2030-11-05', joined_on: '2026-01-01' })

/** A slate of `c` candidates and `b` locals, each local with a drive and an endorsement. */
async function bulkSlate(db: Db, chapterId: number, unionId: number, c: number, b: number, tag: string) {
  const s = await slate(db, `Bulk ${tag}`)
  const cands = await f.many(c, (i) =>
    f.candidate(db, s.id, {
      chapter_id: chapterId,
      name: `${tag} Candidate ${i}`,
      office: `Seat ${i}`,
      election_date: '2030-11-05',
    }),
  )
  const locals = await f.many(b, async (i) => {
    const l = await f.local(db, { name: `${tag} Local ${i}`, chapter_id: chapterId, national_union_id: unionId })
    await f.drive(db, s.id, l.id, {
      chapter_id: chapterId,
      asks: 'candidate',
      candidate_id: cands[i % c]!.id,
      stage: 'vote',
      vote_date: '2030-10-01',
    })
    return l
  })
  await db
    .insertInto('endorsements')
    .values(
      locals.map((l, i) => ({
        slate_id: s.id,
        local_id: l.id,
        chapter_id: chapterId,
        candidate_id: i % 3 === 0 ? null : cands[i % c]!.id,
        decided_on: '2026-03-01',
      })),
    )
    .execute()
  return s
}

t.test('the slate pages', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const current = await slate(db, '2030 national slate', true)
  const ana = await candidate(db, current.id, w.a.id, 'Ana Alpha')
  const ben = await candidate(db, current.id, w.b.id, 'Ben Bravo')
  const seiu = await nationalUnion(db, { abbreviation: 'SEIU', name: 'Service Employees International Union' })

  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const orgA = new Agent(app)
  await orgA.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)

  const cellOf = async (agent: Agent, body: string, cand: number | 'slate') => {
    const res = await agent.get(`/slates/${current.id}/matrix`)
    const m = new RegExp(`href="matrix/cell\\?body=${body}&amp;candidate=${cand}"[^>]*>([^<]*)<`).exec(res.body)
    return m?.[1] ?? ''
  }

  t.test('an anonymous visitor is sent to the login page', async (t) => {
    for (const url of ['/slates', `/slates/${current.id}`, `/slates/${current.id}/matrix`]) {
      const res = await new Agent(app).get(url)
      t.equal(res.statusCode, 303)
      t.match(res.headers.location, /^\/login\?next=/)
    }
  })

  t.test('the nav links to the current slate, which redirects to it', async (t) => {
    const home = await vol.get('/')
    t.match(home.body, 'href="/slates/current"')
    const res = await vol.get('/slates/current')
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/slates/${current.id}`)
  })

  t.test('every signed-in role can read the slate list and page', async (t) => {
    for (const agent of [vol, nat, orgB]) {
      const list = await agent.get('/slates')
      t.equal(list.statusCode, 200)
      t.match(list.body, '2030 national slate')
      const page = await agent.get(`/slates/${current.id}`)
      t.equal(page.statusCode, 200)
      t.match(page.body, 'Ana Alpha')
      t.match(page.body, 'Ben Bravo')
    }
    t.equal((await vol.get('/slates/99999')).statusCode, 404)
    t.equal((await vol.get('/slates/abc')).statusCode, 400)
  })

  t.test('a volunteer cannot create a slate, a candidate or an endorsement', async (t) => {
    t.equal((await vol.get('/slates/new')).statusCode, 403)
    t.equal((await vol.post('/slates', { name: 'Mine' })).statusCode, 403)
    t.equal((await vol.post(`/slates/${current.id}/candidates`, { name: 'X', office: 'Y' })).statusCode, 403)
    t.equal(
      (await vol.post(`/slates/${current.id}/endorsements`, { body: `l${w.localA.id}`, decided_on: '2026-05-01' }))
        .statusCode,
      403,
    )
  })

  t.test('a bad slate form comes back with messages and the typed values', async (t) => {
    const res = await orgA.post('/slates', { name: '', goal: 'many', election_date: '2026-02-30' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Name is required.')
    t.match(res.body, 'Goal (endorsing locals) must be a whole number.')
    t.match(res.body, 'Election date is not a real date.')
    t.match(res.body, 'value="many"')
  })

  t.test('an organizer creates a slate; while another is current only an admin makes it current', async (t) => {
    const bad = await orgA.post('/slates', { name: 'Organizer slate', chapter_id: String(w.a.id), is_current: 'on' })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Only an admin can make it the current slate now')
    const res = await orgA.post('/slates', {
      name: 'Organizer slate',
      cycle: '2030',
      goal: '50',
      chapter_id: String(w.a.id),
    })
    t.equal(res.statusCode, 303)
    const row = await db
      .selectFrom('slates')
      .selectAll()
      .where('name', '=', 'Organizer slate')
      .executeTakeFirstOrThrow()
    t.equal(row.goal, 50)
    t.equal(row.is_current, false)
    t.equal(row.chapter_id, w.a.id, 'run by the organizer’s chapter')
    t.equal(res.headers.location, `/slates/${row.id}`)
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'slate')
      .where('entity_id', '=', String(row.id))
      .executeTakeFirstOrThrow()
    t.equal(a.action, 'create')
  })

  t.test('a bad candidate form is a 422 with a message per field', async (t) => {
    const res = await orgA.post(`/slates/${current.id}/candidates`, {
      name: '',
      office: '',
      level: 'galactic',
      goal: '0',
      chapter_id: String(w.a.id),
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Name is required.')
    t.match(res.body, 'Office is required.')
    t.match(res.body, 'Choose a valid level.')
    t.match(res.body, 'Goal (endorsing locals) must be at least 1.')
    const dates = await orgA.post(`/slates/${current.id}/candidates`, {
      name: 'Dee',
      office: 'Mayor',
      chapter_id: String(w.a.id),
      joined_on: '2026-05-01',
      left_on: '2026-04-01',
    })
    t.equal(dates.statusCode, 422)
    t.match(dates.body, 'The leaving date cannot be before the joining date.')
    t.match(dates.body, 'value="Dee"')
  })

  t.test('an organizer adds a candidate only in their chapter', async (t) => {
    const other = await orgA.post(`/slates/${current.id}/candidates`, {
      name: 'Cleo',
      office: 'Mayor',
      chapter_id: String(w.b.id),
    })
    t.equal(other.statusCode, 422)
    t.match(other.body, 'Choose a chapter you organize in.')
    const res = await orgA.post(`/slates/${current.id}/candidates`, {
      name: 'Cleo Alpha',
      office: 'Mayor',
      level: 'municipal',
      chapter_id: String(w.a.id),
      election_date: '2030-11-05',
    })
    t.equal(res.statusCode, 303)
    const row = await db.selectFrom('candidates').selectAll().where('name', '=', 'Cleo Alpha').executeTakeFirstOrThrow()
    t.equal(row.goal, 10)
    t.equal(row.status, 'running')
    t.equal(row.slate_id, current.id)
    t.ok(
      await db
        .selectFrom('audit_log')
        .select('id')
        .where('entity', '=', 'candidate')
        .where('entity_id', '=', String(row.id))
        .executeTakeFirst(),
    )
  })

  t.test('an organizer cannot edit another chapter’s candidate, and a stale form is a conflict', async (t) => {
    t.equal((await orgA.get(`/slates/${current.id}/candidates/${ben.id}/edit`)).statusCode, 403)
    t.equal(
      (await orgA.post(`/slates/${current.id}/candidates/${ben.id}`, { name: 'Hijack', office: 'X', version: '1' }))
        .statusCode,
      403,
    )
    const form = await orgA.get(`/slates/${current.id}/candidates/${ana.id}/edit`)
    t.equal(form.statusCode, 200)
    const opened = Number(/name="version" value="(\d+)"/.exec(form.body)?.[1])
    const other = new Agent(app)
    const maria = await user(db, 'organizer', w.a.id, { name: 'Maria Second' })
    await other.login(maria.email, PASSWORD)
    const first = await other.post(`/slates/${current.id}/candidates/${ana.id}`, {
      name: 'Ana Alpha',
      office: 'City Council D1',
      chapter_id: String(w.a.id),
      version: String(opened),
    })
    t.equal(first.statusCode, 303)
    const second = await orgA.post(`/slates/${current.id}/candidates/${ana.id}`, {
      name: 'Ana Stale',
      office: 'City Council',
      chapter_id: String(w.a.id),
      version: String(opened),
    })
    t.equal(second.statusCode, 409)
    t.match(second.body, 'Maria Second changed this candidate at ', 'the message names who saved first')
    t.match(second.body, 'value="Ana Stale"', 'what was typed is kept')
    t.match(second.body, '<dd>City Council D1</dd>', 'the saved office is shown beside the form')
    t.match(second.body, `name="version" value="${opened + 1}"`)
    const row = await db
      .selectFrom('candidates')
      .select(['office', 'version'])
      .where('id', '=', ana.id)
      .executeTakeFirstOrThrow()
    t.equal(row.office, 'City Council D1')
    t.equal(row.version, opened + 1)
    const withdraw = await orgA.post(`/slates/${current.id}/candidates/${ana.id}/withdraw`, {
      withdraw_on: '2026-06-01',
      version: String(opened),
    })
    t.equal(withdraw.statusCode, 409, 'a withdrawal from the stale form is refused too')
    t.equal(
      (await db.selectFrom('candidates').select('status').where('id', '=', ana.id).executeTakeFirstOrThrow()).status,
      'running',
    )
  })

  t.test('organizer B cannot record an endorsement for chapter A’s local, nor a national one', async (t) => {
    const res = await orgB.post(`/slates/${current.id}/endorsements`, {
      body: `l${w.localA.id}`,
      candidate_id: String(ana.id),
      decided_on: '2026-05-01',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'only record endorsements for locals of a chapter you organize in')
    const nat = await orgB.post(`/slates/${current.id}/endorsements`, { body: `n${seiu.id}`, decided_on: '2026-05-01' })
    t.equal(nat.statusCode, 422)
    const count = await db
      .selectFrom('endorsements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    t.equal(count.n, 0)
  })

  t.test('a bad endorsement form is a 422 with the typed values kept', async (t) => {
    const res = await orgA.post(`/slates/${current.id}/endorsements`, {
      body: '',
      status: 'conditional',
      decided_on: 'soon',
      votes_for: 'lots',
      source_url: 'javascript:alert(1)',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Choose the endorsing body.')
    t.match(res.body, 'Date decided must be a date')
    t.match(res.body, 'Votes for must be a whole number.')
    t.match(res.body, 'value="lots"')
    const cond = await orgA.post(`/slates/${current.id}/endorsements`, {
      body: `l${w.localA.id}`,
      status: 'conditional',
      decided_on: '2026-05-01',
    })
    t.equal(cond.statusCode, 422)
    t.match(cond.body, 'Say what the conditions are.')
  })

  t.test('an organizer records a local endorsement; its chapter is the local’s', async (t) => {
    const res = await orgA.post(`/slates/${current.id}/endorsements`, {
      body: `l${w.localA.id}`,
      candidate_id: String(ana.id),
      status: 'active',
      decided_on: '2026-05-01',
      deciding_body: 'Membership meeting',
      votes_for: '40',
      votes_against: '3',
      threshold_met: 'yes',
      is_public: 'on',
    })
    t.equal(res.statusCode, 303)
    const row = await db
      .selectFrom('endorsements')
      .selectAll()
      .where('local_id', '=', w.localA.id)
      .executeTakeFirstOrThrow()
    t.equal(row.chapter_id, w.a.id)
    t.equal(row.candidate_id, ana.id)
    t.equal(row.threshold_met, true)
    t.equal(row.actor_id, w.organizerA.id)
    t.ok(
      await db
        .selectFrom('audit_log')
        .select('id')
        .where('entity', '=', 'endorsement')
        .where('entity_id', '=', String(row.id))
        .executeTakeFirst(),
    )
    t.match(await cellOf(vol, `l${w.localA.id}`, ana.id), 'Endorsed · Fri 1 May 2026')
  })

  t.test('rescinding makes a new row and the cell shows rescinded; re-endorsing shows endorsed', async (t) => {
    const first = await db
      .selectFrom('endorsements')
      .selectAll()
      .where('local_id', '=', w.localA.id)
      .executeTakeFirstOrThrow()
    t.equal(
      (
        await orgB.post(`/slates/${current.id}/endorsements/${first.id}/replace`, {
          status: 'rescinded',
          decided_on: '2026-06-01',
        })
      ).statusCode,
      403,
    )
    const early = await orgA.post(`/slates/${current.id}/endorsements/${first.id}/replace`, {
      status: 'rescinded',
      decided_on: '2026-04-01',
    })
    t.equal(early.statusCode, 422)
    t.match(early.body, 'cannot be before the endorsement itself')
    const res = await orgA.post(`/slates/${current.id}/endorsements/${first.id}/replace`, {
      status: 'rescinded',
      decided_on: '2026-06-01',
    })
    t.equal(res.statusCode, 303)
    const rows = await db
      .selectFrom('endorsements')
      .selectAll()
      .where('local_id', '=', w.localA.id)
      .orderBy('id')
      .execute()
    t.equal(rows.length, 2)
    t.equal(rows[0]!.status, 'active', 'the original row is never edited')
    t.equal(rows[1]!.status, 'rescinded')
    t.equal(rows[1]!.supersedes_id, first.id)
    t.match(await cellOf(vol, `l${w.localA.id}`, ana.id), 'Rescinded · Mon 1 Jun 2026')
    const again = await orgA.post(`/slates/${current.id}/endorsements/${first.id}/replace`, {
      status: 'rescinded',
      decided_on: '2026-06-02',
    })
    t.equal(again.statusCode, 422)
    t.match(again.body, 'no longer in force')

    const re = await orgA.post(`/slates/${current.id}/endorsements`, {
      body: `l${w.localA.id}`,
      candidate_id: String(ana.id),
      status: 'active',
      decided_on: '2026-07-01',
    })
    t.equal(re.statusCode, 303)
    t.match(await cellOf(vol, `l${w.localA.id}`, ana.id), 'Endorsed · Wed 1 Jul 2026')
  })

  t.test('the cell detail is a fragment listing the history, or a page without htmx', async (t) => {
    const url = `/slates/${current.id}/matrix/cell?body=l${w.localA.id}&candidate=${ana.id}`
    const frag = await vol.get(url, { htmx: 'div#matrix-cell' })
    t.equal(frag.statusCode, 200)
    t.notMatch(frag.body, '<html')
    t.match(frag.body, 'Rescinded')
    t.match(frag.body, 'Wed 1 Jul 2026')
    t.notMatch(frag.body, 'Rescind or supersede', 'a volunteer sees no action')
    const page = await vol.get(url)
    t.match(page.body, '<html')
    const org = await orgA.get(url, { htmx: 'div#matrix-cell' })
    t.match(org.body, 'Rescind or supersede')
    t.equal((await vol.get(`/slates/${current.id}/matrix/cell?body=x1&candidate=slate`)).statusCode, 400)
    t.equal((await vol.get(`/slates/${current.id}/matrix/cell?body=l99999&candidate=slate`)).statusCode, 404)
  })

  t.test('a slate endorsement counts for every candidate’s goal, a national one never', async (t) => {
    const res = await orgB.post(`/slates/${current.id}/endorsements`, {
      body: `l${w.localB.id}`,
      status: 'active',
      decided_on: '2026-08-01',
    })
    t.equal(res.statusCode, 303)
    const nat = await admin.post(`/slates/${current.id}/endorsements`, {
      body: `n${seiu.id}`,
      candidate_id: String(ben.id),
      status: 'active',
      decided_on: '2026-08-02',
    })
    t.equal(nat.statusCode, 303)
    const page = await vol.get(`/slates/${current.id}`)
    // Ana: localA (candidate) + localB (slate) = 2; Ben: localB (slate) = 1, SEIU beside.
    t.match(page.body, /aria-label="Ana Alpha: 2 won, 0 projected, goal 10"/)
    t.match(page.body, /aria-label="Ben Bravo: 1 won, 0 projected, goal 10"/)
    t.match(page.body, /Service Employees International Union · national–candidate · Endorsed/)
    t.match(page.body, /<strong>2<\/strong> of 100 locals/)
    t.match(page.body, 'role="img"')
    t.match(page.body, '<title id="chart-title">')
    t.match(await cellOf(vol, `n${seiu.id}`, ben.id), 'Endorsed · Sun 2 Aug 2026')
  })

  t.test('withdrawing a candidate keeps their endorsements, shown as such', async (t) => {
    const row = await db.selectFrom('candidates').select('version').where('id', '=', ana.id).executeTakeFirstOrThrow()
    const bad = await orgA.post(`/slates/${current.id}/candidates/${ana.id}/withdraw`, {
      withdraw_on: '',
      version: String(row.version),
    })
    t.equal(bad.statusCode, 422)
    const res = await orgA.post(`/slates/${current.id}/candidates/${ana.id}/withdraw`, {
      withdraw_on: '2026-09-01',
      version: String(row.version),
    })
    t.equal(res.statusCode, 303)
    const after = await db.selectFrom('candidates').selectAll().where('id', '=', ana.id).executeTakeFirstOrThrow()
    t.equal(after.status, 'withdrawn')
    t.equal(after.left_on, '2026-09-01')
    const count = await db
      .selectFrom('endorsements')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('candidate_id', '=', ana.id)
      .executeTakeFirstOrThrow()
    t.equal(count.n, 3)
    const page = await vol.get(`/slates/${current.id}`)
    t.match(page.body, 'Ana Alpha (withdrawn)')
    t.match(await cellOf(vol, `l${w.localA.id}`, ana.id), 'candidate withdrawn')
  })

  t.test('the matrix filters by chapter in the URL and answers a fragment for htmx', async (t) => {
    const res = await vol.get(`/slates/${current.id}/matrix?chapter=${w.b.id}`, { htmx: 'div#matrix-results' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'Bravo Local 2')
    t.notMatch(res.body, 'Alpha Local 1')
    t.equal((await vol.get(`/slates/${current.id}/matrix?level=cosmic`)).statusCode, 400)
  })

  t.test('the CSV export matches the page’s cells, neutralises formulas and is audited', async (t) => {
    await db.updateTable('locals').set({ name: '=HYPERLINK("x")' }).where('id', '=', w.localB.id).execute()
    t.equal((await vol.get(`/slates/${current.id}/matrix?format=csv`)).statusCode, 403)
    const res = await nat.get(`/slates/${current.id}/matrix?format=csv`)
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], 'text/csv')
    t.match(res.body, `'=HYPERLINK(""x"")`)
    const page = await nat.get(`/slates/${current.id}/matrix`)
    // The page prints short labels ("–", no level, dates in the app's style); the CSV the full ones.
    const labels = [...page.body.matchAll(/<td class="[a-z]"><a href="[^"]*">([^<]*)</g)].map((m) =>
      m[1]!.replace(/&#39;/g, "'").replace(/&amp;/g, '&'),
    )
    t.ok(labels.length >= 6)
    const csvCells = new Set(res.body.split(/[\r\n,]+/).map((f) => shortCellLabel(f.replace(/^"|"$/g, ''))))
    for (const label of labels) t.ok(csvCells.has(label), `CSV has "${label}", in full`)
    const a = await db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('entity', '=', 'slate_matrix')
      .executeTakeFirstOrThrow()
    t.equal(a.action, 'export')
    t.equal(a.actor_id, w.national.id)
  })

  t.test('the matrix answers in the same number of queries for a 3×10 and a 30×200 slate', async (t) => {
    const small = await bulkSlate(db, w.a.id, w.union.id, 3, 10, 'S')
    const big = await bulkSlate(db, w.a.id, w.union.id, 30, 200, 'B')
    // Cold: the ordered body list is read (one more query) and kept; warm: reused.
    const cold = await countQueries(handle, () => orgA.get(`/slates/${big.id}/matrix`))
    t.ok(cold <= 12, `${cold} queries with the body list read`)
    await orgA.get(`/slates/${small.id}/matrix`)
    const qs = await countQueries(handle, () => orgA.get(`/slates/${small.id}/matrix`))
    const qb = await countQueries(handle, async () => {
      const res = await orgA.get(`/slates/${big.id}/matrix`)
      t.equal(res.statusCode, 200)
      t.equal(
        (res.body.match(/<td class="[a-z]"><a /g) ?? []).length,
        65 * 31,
        'the first 65 bodies are drawn (about 2,000 cells)',
      )
      t.match(res.body, 'Bodies 1–65 of 200')
    })
    const last = await orgA.get(`/slates/${big.id}/matrix?page=4`)
    t.equal((last.body.match(/<td class="[a-z]"><a /g) ?? []).length, 5 * 31, 'the last page draws the rest')
    t.match(last.body, 'Bodies 196–200 of 200')
    t.notMatch(last.body, '>Next<')
    t.equal(qs, qb)
    t.ok(qb <= 12, `${qb} queries`)
    const ps = await countQueries(handle, () => orgA.get(`/slates/${small.id}`))
    const pb = await countQueries(handle, () => orgA.get(`/slates/${big.id}`))
    t.equal(ps, pb)
    t.ok(pb <= 12, `${pb} queries on the slate page`)
  })

  t.test('another chapter’s drives do not show in a volunteer’s matrix', async (t) => {
    await f.drive(db, current.id, w.localB.id, {
      chapter_id: w.b.id,
      asks: 'candidate',
      candidate_id: ben.id,
      stage: 'build_team',
    })
    const mine = await orgB.get(`/slates/${current.id}/matrix/cell?body=l${w.localB.id}&candidate=${ben.id}`, {
      htmx: 'div#matrix-cell',
    })
    t.match(mine.body, 'Build')
    const theirs = await vol.get(`/slates/${current.id}/matrix/cell?body=l${w.localB.id}&candidate=${ben.id}`, {
      htmx: 'div#matrix-cell',
    })
    t.match(theirs.body, 'No drive for this cell that you can see.')
  })
})
