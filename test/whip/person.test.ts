// Who knows whom from a person's page and while logging a conversation: the panel, its form (page and
// htmx), the relationship it stores and the path it opens on the whip count, removal through the
// conflict pattern, access, and a bounded number of queries. Real PostgreSQL, the database checked.
import t, { type Test } from 'tap'
import type { Db } from '../../src/db/database.ts'
import { PASSWORD, world } from '../factories.ts'
import { Agent, buildTestApp, countQueries } from '../helper.ts'

async function setup(t: Test) {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await db
    .insertInto('slates')
    .values({ name: 'Knows slate', is_current: true, election_date: '2026-11-03' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const drive = await db
    .insertInto('drives')
    .values({ slate_id: slate.id, local_id: w.localA.id, chapter_id: w.a.id, asks: 'slate', stage: 'vote' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const url = `/drives/${drive.id}/whip`
  await org.post(`${url}/body`, { kind: 'roster', name: 'Exec board', threshold: 'majority_cast' })
  await org.post(`${url}/members`, { seat: 'Trustee', name: 'Gil Undecided' })
  const gil = await db.selectFrom('body_members').selectAll().executeTakeFirstOrThrow()
  const [pat, quinn] = await people(db, w.a.id, w.localA.id, ['Pat Steward', 'Quinn Coworker'])
  const [bravo] = await people(db, w.b.id, w.localB.id, ['Bravo Stranger'])
  return { app, db, handle, w, drive, org, url, gil, pat: pat!, quinn: quinn!, bravo: bravo! }
}

async function people(db: Db, chapterId: number, localId: number, names: string[]) {
  return db
    .insertInto('supporters')
    .values(names.map((name) => ({ chapter_id: chapterId, local_id: localId, name })))
    .returning(['id', 'name'])
    .execute()
}

const links = (db: Db) =>
  db
    .selectFrom('relationships')
    .select(['id', 'a_supporter_id', 'b_supporter_id', 'b_member_id', 'kind', 'strength', 'deleted_at', 'version'])
    .orderBy('id')
    .execute()

t.test('From a person’s page an organizer notes whom they know, and the path shows on the whip count.', async (t) => {
  const { db, w, org, url, gil, pat, quinn, bravo } = await setup(t)
  const page = await org.get(`/people/${pat.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Who they know')
  t.match(page.body, `<option value="m${gil.id}">Gil Undecided (Trustee, Exec board)</option>`, 'body members')
  t.match(page.body, `<option value="s${quinn.id}">Quinn Coworker</option>`, 'and the local’s supporters')
  t.notMatch(page.body, `value="s${pat.id}"`, 'not themself')
  t.notMatch(page.body, 'Bravo Stranger', 'nobody of another chapter')
  const ids = [...page.body.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!)
  t.same(
    ids.filter((id, i) => ids.indexOf(id) !== i),
    [],
    'no id repeats on the person page',
  )

  const empty = await org.post(`/people/${pat.id}/relationships`, { kind: 'friend', strength: 'close' })
  t.equal(empty.statusCode, 422, 'no person picked: the form comes back')
  t.match(empty.body, 'Choose whom they know.')
  t.match(empty.body, '<option value="friend" selected>', 'what was chosen is kept')
  t.match(empty.body, 'Who Pat Steward knows', 'on a page of its own without JavaScript')
  const stranger = await org.post(`/people/${pat.id}/relationships`, {
    other: `s${bravo.id}`,
    kind: 'friend',
    strength: 'close',
  })
  t.equal(stranger.statusCode, 422)
  t.match(stranger.body, 'Choose someone of this chapter.')
  const self = await org.post(`/people/${pat.id}/relationships`, {
    other: `s${pat.id}`,
    kind: 'friend',
    strength: 'close',
  })
  t.equal(self.statusCode, 422)
  t.match(self.body, 'Choose someone else.')
  t.equal((await links(db)).length, 0, 'nothing stored')

  const ok = await org.post(`/people/${pat.id}/relationships`, {
    other: `m${gil.id}`,
    kind: 'steward_of',
    strength: 'close',
  })
  t.equal(ok.statusCode, 303)
  t.equal(ok.headers.location, `/people/${pat.id}#person-relationships`)
  const [row] = await links(db)
  t.same([row!.a_supporter_id, row!.b_member_id, row!.kind, row!.strength], [pat.id, gil.id, 'steward_of', 'close'])
  const audit = await db
    .selectFrom('audit_log')
    .select(['action', 'actor_id'])
    .where('entity', '=', 'relationship')
    .executeTakeFirstOrThrow()
  t.same([audit.action, audit.actor_id], ['create', w.organizerA.id])

  const shown = await org.get(`/people/${pat.id}`)
  t.match(shown.body, /<strong>Gil Undecided<\/strong>\s*<span class="small muted">Steward of · Close<\/span>/)
  const seat = 'Trustee, Exec board · <span class="badge read-none">No read yet</span>'
  t.match(shown.body, seat, 'the seat and the read')
  t.match(shown.body, `href="${url}#paths">whip count</a>`)
  const whip = await org.get(url)
  t.match(whip.body, /Pat Steward<\/strong><\/a> talks to\s+<strong>Gil Undecided/, 'the path to the undecided')

  // With htmx the panel answers alone.
  const frag = await org.post(
    `/people/${pat.id}/relationships`,
    { other: `s${quinn.id}`, kind: 'coworker', strength: 'knows' },
    { headers: { 'hx-request': 'true', 'hx-target': 'section#person-relationships' } },
  )
  t.equal(frag.statusCode, 200)
  t.notMatch(frag.body, '<html')
  t.match(frag.body, 'Relationship added.')
  t.match(frag.body, 'Quinn Coworker')
  t.equal((await links(db)).length, 2)
})

t.test('Logging a conversation can note whom they know, in the same save.', async (t) => {
  const { db, org, url, gil, pat } = await setup(t)
  const page = await org.get(`/people/${pat.id}`)
  t.match(page.body, 'They mentioned someone they know')
  t.match(page.body, 'id="conversation-knows"')

  const bad = await org.post(`/people/${pat.id}/conversations`, {
    kind: 'one_on_one',
    held_on: '2026-05-04',
    outcome: 'warming up',
    knows: 'm999999',
  })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, 'Choose someone else of this chapter, or leave it empty.')
  t.match(bad.body, 'value="warming up"', 'the conversation typed is kept')
  t.equal((await db.selectFrom('conversations').selectAll().execute()).length, 0, 'nothing saved by halves')

  const res = await org.post(`/people/${pat.id}/conversations`, {
    kind: 'one_on_one',
    held_on: '2026-05-04',
    outcome: 'says Gil listens to her',
    knows: `m${gil.id}`,
    knows_kind: 'friend',
    knows_strength: 'close',
  })
  t.equal(res.statusCode, 303)
  t.equal((await db.selectFrom('conversations').selectAll().execute()).length, 1)
  const [row] = await links(db)
  t.same([row!.a_supporter_id, row!.b_member_id, row!.kind, row!.strength], [pat.id, gil.id, 'friend', 'close'])
  t.match((await org.get(url)).body, /Pat Steward<\/strong><\/a> talks to\s+<strong>Gil Undecided/)

  const plain = await org.post(`/people/${pat.id}/conversations`, { kind: 'call', held_on: '2026-05-05' })
  t.equal(plain.statusCode, 303, 'without anyone named, just the conversation')
  t.equal((await links(db)).length, 1)

  const inline = await org.post(
    `/people/${pat.id}/conversations`,
    { kind: 'call', held_on: '2026-05-06', knows: `m${gil.id}`, knows_kind: 'family', knows_strength: 'knows' },
    { headers: { 'hx-request': 'true', 'hx-target': 'section#person-conversations' } },
  )
  t.equal(inline.statusCode, 200)
  t.match(inline.body, 'Conversation logged, and whom they know noted.')
  t.equal((await links(db)).length, 2)
})

t.test('Removing a relationship from the person page: organizers only, version-checked, restorable.', async (t) => {
  const { app, db, handle, w, org, gil, pat, quinn } = await setup(t)
  await org.post(`/people/${pat.id}/relationships`, { other: `m${gil.id}`, kind: 'coworker', strength: 'knows' })
  const [row] = await links(db)

  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  t.equal((await vol.get(`/people/${pat.id}`)).statusCode, 200)
  t.equal(
    (await vol.post(`/people/${pat.id}/relationships`, { other: `s${quinn.id}`, kind: 'friend', strength: 'knows' }))
      .statusCode,
    303,
    'volunteers may note whom someone knows',
  )
  t.equal(
    (await vol.post(`/people/${pat.id}/relationships/${row!.id}/delete`, { version: String(row!.version) })).statusCode,
    403,
    'but not remove it',
  )
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)
  t.equal((await nat.post(`/people/${pat.id}/relationships`, { other: `m${gil.id}` })).statusCode, 403)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  t.equal((await orgB.post(`/people/${pat.id}/relationships`, { other: `m${gil.id}` })).statusCode, 404)
  t.equal((await links(db)).length, 2)

  const stale = await org.post(`/people/${pat.id}/relationships/${row!.id}/delete`, { version: '99' })
  t.equal(stale.statusCode, 409)
  t.match(stale.body, 'You changed this relationship in another tab')
  t.equal((await links(db))[0]!.deleted_at, null, 'still there')
  const gone = await org.post(`/people/${pat.id}/relationships/${row!.id}/delete`, { version: String(row!.version) })
  t.equal(gone.statusCode, 303)
  t.ok((await links(db))[0]!.deleted_at, 'soft-deleted')
  t.equal((await org.post(`/trash/relationship/${row!.id}/restore`, {})).statusCode, 303)
  t.equal((await links(db))[0]!.deleted_at, null, 'back from the trash')
  t.equal((await org.post(`/people/${quinn.id}/relationships/${row!.id}/delete`, { version: '1' })).statusCode, 404)

  // The person page's queries do not grow with the relationships.
  const before = await countQueries(handle, () => org.get(`/people/${pat.id}`))
  const many = await people(
    db,
    w.a.id,
    w.localA.id,
    Array.from({ length: 25 }, (_, i) => `Friend ${i}`),
  )
  await db
    .insertInto('relationships')
    .values(
      many.map((m) => ({
        chapter_id: w.a.id,
        a_supporter_id: pat.id,
        b_supporter_id: m.id,
        kind: 'coworker' as const,
        strength: 'knows' as const,
      })),
    )
    .execute()
  const after = await countQueries(handle, () => org.get(`/people/${pat.id}`))
  t.equal(after, before, `the person page runs ${before} queries whatever the number of relationships`)
})
