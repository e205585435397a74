import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

// Dates a user could once type (or a restore could bring back) stored as they
// are, past the validation: the pages that draw them must still answer.
t.test('pages that chart dates still answer when a stored date is absurd', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, {
    name: 'Absurd dates slate',
    is_current: true,
    election_date: '2030-11-05',
    public_slug: 'absurd',
    public_enabled: true,
  })
  const cand = await f.candidate(db, slate.id, { chapter_id: w.a.id, name: 'Ana Absurd', office: 'Council', goal: 10 })
  const drive = await f.drive(db, slate.id, w.localB.id, { chapter_id: w.b.id, asks: 'both', stage: 'vote' })
  // Years 9999, 12000 (PostgreSQL's date goes far past 9999) and 1.
  for (const [localId, chapterId, day, candidateId] of [
    [w.localA.id, w.a.id, '9999-12-31', cand.id],
    [w.localB.id, w.b.id, '12000-06-01', null],
    [w.localA.id, w.a.id, '0001-01-01', null],
  ] as const) {
    await sql`insert into endorsements (slate_id, local_id, chapter_id, candidate_id, decided_on, is_public)
      values (${slate.id}, ${localId}, ${chapterId}, ${candidateId}, ${day}::date, true)`.execute(db)
  }
  await sql`update drives set vote_date = '9999-12-31'::date where id = ${drive.id}`.execute(db)

  const pages = [
    '/',
    '/slates',
    `/slates/${slate.id}`,
    `/slates/${slate.id}/matrix`,
    `/slates/${slate.id}/matrix?format=csv`,
    `/slates/${slate.id}/matrix/cell?body=l${w.localA.id}&candidate=${cand.id}`,
    `/slates/${slate.id}/matrix/cell?body=l${w.localB.id}&candidate=slate`,
    '/review',
    `/review?slate=${slate.id}`,
    '/review?format=csv',
  ]
  for (const [who, u] of [
    ['admin', w.admin],
    ['national reviewer', w.national],
    ['organizer', w.organizerA],
    ['volunteer', w.volunteerA],
  ] as const) {
    const agent = new Agent(app)
    await agent.login(u.email, PASSWORD)
    for (const url of pages) {
      const res = await agent.get(url)
      if (res.statusCode === 403) continue // a role without that page (CSV exports) is refused, not broken
      t.equal(res.statusCode, 200, `${url} answers the ${who}`)
    }
    const page = await agent.get(`/slates/${slate.id}`)
    const weeks = (
      /<caption>Endorsing locals at the end of each week<\/caption>([\s\S]*?)<\/table>/
        .exec(page.body)?.[1]
        ?.match(/<tr>/g) ?? []
    ).length
    t.ok(weeks > 0 && weeks <= 600, `the weekly series is bounded (${weeks} rows), not ten thousand years long`)
  }
  const anon = new Agent(app)
  for (const url of ['/public/slates/absurd', '/public/slates/absurd.json', '/public/slates/absurd/embed']) {
    t.equal((await anon.get(url)).statusCode, 200, `${url} answers anyone`)
  }
})
