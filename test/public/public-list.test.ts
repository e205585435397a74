// The public endorsement list: only public, won, in-force endorsements, on the
// page, the candidate page, the snippet and the JSON feed; off means 404.
import t, { type Test } from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { local, PASSWORD, user, world } from '../factories.ts'

async function setup(t: Test) {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, {
    name: 'People’s Slate 2026',
    is_current: true,
    public_slug: 'peoples-slate',
    public_enabled: true,
  })
  const casey = await f.candidate(db, slate.id, { chapter_id: w.a.id, name: 'Casey Candidate', office: 'City Council' })
  const other = await f.candidate(db, slate.id, { chapter_id: w.a.id, name: 'Robin Runner', office: 'Mayor' })
  const mk = (name: string) => local(db, { name, chapter_id: w.a.id, national_union_id: w.union.id })
  const [pub, priv, resc, sup, drive, slateWide] = await Promise.all([
    mk('Public Local 10'),
    mk('Private Local 20'),
    mk('Rescinded Local 30'),
    mk('Superseded Local 40'),
    mk('Drive Local 50'),
    mk('Slate Local 60'),
  ])
  const e = (local_id: number, o: Record<string, unknown> = {}) =>
    db
      .insertInto('endorsements')
      .values({
        slate_id: slate.id,
        local_id,
        candidate_id: casey.id,
        chapter_id: w.a.id,
        decided_on: '2026-05-01',
        is_public: true,
        votes_for: 4321,
        ...o,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  await e(pub.id)
  await e(priv.id, { is_public: false })
  const r = await e(resc.id)
  await e(resc.id, { status: 'rescinded', supersedes_id: r.id, decided_on: '2026-06-01' })
  const s = await e(sup.id)
  await e(sup.id, { status: 'superseded', supersedes_id: s.id, decided_on: '2026-06-02' })
  await e(slateWide.id, { candidate_id: null, decided_on: '2026-04-01' })
  await f.drive(db, slate.id, drive.id, { chapter_id: w.a.id, asks: 'slate', next_step: 'Secret next step' })
  return { app, db, handle, w, slate, casey, other }
}

const NEVER = [
  'Private Local 20',
  'Rescinded Local 30',
  'Superseded Local 40',
  'Drive Local 50',
  'Secret next step',
  '4321',
]

t.test('the public page, candidate page, snippet and feed list only public won endorsements in force', async (t) => {
  const { app, casey } = await setup(t)
  const anon = new Agent(app)
  const urls = [
    '/public/slates/peoples-slate',
    `/public/slates/peoples-slate/candidates/${casey.id}`,
    '/public/slates/peoples-slate/embed',
    '/public/slates/peoples-slate.json',
  ]
  for (const url of urls) {
    const res = await anon.get(url)
    t.equal(res.statusCode, 200, `${url} answers without a login`)
    t.match(res.body, 'Public Local 10', `${url} shows the public endorsement`)
    t.match(res.body, 'Slate Local 60', `${url} shows the whole-slate endorsement`)
    for (const s of NEVER) t.notMatch(res.body, s, `${url} never shows ${s}`)
    t.equal(res.headers['cache-control'], 'public, max-age=300')
    t.ok(res.headers.etag, 'has an ETag')
    t.notOk(res.headers['set-cookie'], 'sets no cookie')
  }
  const feed = JSON.parse((await anon.get('/public/slates/peoples-slate.json')).body)
  t.same(feed.endorsements.map((e: { body: string }) => e.body).sort(), ['Public Local 10', 'Slate Local 60'])
  t.same(Object.keys(feed.endorsements[0]).sort(), ['body', 'candidate', 'decided_on', 'level'])
  const snippet = (await anon.get('/public/slates/peoples-slate/embed')).body
  t.notMatch(snippet, /<script/i, 'the snippet has no script')
  t.notMatch(snippet, /style=/i, 'the snippet has no inline style')
})

t.test('an unchanged list answers 304 to its ETag, in one query', async (t) => {
  const { app, handle } = await setup(t)
  const anon = new Agent(app)
  const first = await anon.get('/public/slates/peoples-slate')
  const again = await anon.get('/public/slates/peoples-slate', {
    headers: { 'if-none-match': String(first.headers.etag) },
  })
  t.equal(again.statusCode, 304)
  const n = await countQueries(handle, () => anon.get('/public/slates/peoples-slate'))
  t.equal(n, 1, 'one query')
})

t.test('a disabled or unknown public list is 404, and so is a candidate of another slate', async (t) => {
  const { app, db, slate } = await setup(t)
  const anon = new Agent(app)
  t.equal((await anon.get('/public/slates/nope')).statusCode, 404)
  t.equal((await anon.get('/public/slates/peoples-slate/candidates/999999')).statusCode, 404)
  await db.updateTable('slates').set({ public_enabled: false }).where('id', '=', slate.id).execute()
  for (const url of [
    '/public/slates/peoples-slate',
    '/public/slates/peoples-slate.json',
    '/public/slates/peoples-slate/embed',
  ]) {
    const res = await anon.get(url)
    t.equal(res.statusCode, 404, `${url} is 404 when off`)
    t.notMatch(res.body, 'Public Local 10')
  }
})

t.test('an organizer marks an endorsement public and switches the list on', async (t) => {
  const { app, db, w, slate } = await setup(t)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const priv = await db
    .selectFrom('endorsements as e')
    .innerJoin('locals as l', 'l.id', 'e.local_id')
    .select('e.id')
    .where('l.name', '=', 'Private Local 20')
    .executeTakeFirstOrThrow()
  const res = await org.post(`/endorsements/${priv.id}/public`, { public: '1' })
  t.equal(res.statusCode, 303)
  t.equal(
    (await db.selectFrom('endorsements').select('is_public').where('id', '=', priv.id).executeTakeFirstOrThrow())
      .is_public,
    true,
  )
  t.match((await new Agent(app).get('/public/slates/peoples-slate.json')).body, 'Private Local 20')
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  t.equal(
    (await orgB.post(`/endorsements/${priv.id}/public`, { public: '0' })).statusCode,
    403,
    'another chapter’s organizer cannot',
  )

  // The list's address and switch belong to whoever runs the slate: here chapter Alpha.
  await db.updateTable('slates').set({ chapter_id: w.a.id }).where('id', '=', slate.id).execute()
  const page = await org.get(`/slates/${slate.id}/public`)
  t.equal(page.statusCode, 200)
  const bad = await org.post(`/slates/${slate.id}/public`, {
    public_slug: 'Not A Slug!',
    public_enabled: 'on',
    version: '1',
  })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, 'lowercase letters')
  const ok = await org.post(`/slates/${slate.id}/public`, { public_slug: 'our-slate', version: '1' })
  t.equal(ok.statusCode, 303)
  const row = await db
    .selectFrom('slates')
    .select(['public_slug', 'public_enabled'])
    .where('id', '=', slate.id)
    .executeTakeFirstOrThrow()
  t.same(row, { public_slug: 'our-slate', public_enabled: false })
  // A second organizer of Alpha had the form open at the same version.
  const other = new Agent(app)
  await other.login((await user(db, 'organizer', w.a.id, { name: 'Maria Second' })).email, PASSWORD)
  const stale = await other.post(`/slates/${slate.id}/public`, {
    public_slug: 'their-slate',
    public_enabled: 'on',
    version: '1',
  })
  t.equal(stale.statusCode, 409, 'a stale version is refused')
  t.match(stale.body, `${w.organizerA.name} changed this slate at `, 'the message names who saved first')
  t.match(stale.body, 'value="their-slate"', 'what was typed is kept')
  t.match(stale.body, '<dd>our-slate</dd>', 'the saved address is shown beside the form')
  t.match(stale.body, 'name="version" value="2"', 'saving again applies the typed values')
  t.same(
    await db
      .selectFrom('slates')
      .select(['public_slug', 'public_enabled'])
      .where('id', '=', slate.id)
      .executeTakeFirstOrThrow(),
    { public_slug: 'our-slate', public_enabled: false },
    'the first save stands',
  )
})
