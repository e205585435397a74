import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('a matrix cell’s detail: a fragment inside the matrix, a whole page on its own', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Cell slate', election_date: '2030-11-05' })
  const cand = await f.candidate(db, slate.id, { chapter_id: w.a.id, name: 'Cora Cell', office: 'Council' })
  await db
    .insertInto('endorsements')
    .values({
      slate_id: slate.id,
      local_id: w.localA.id,
      chapter_id: w.a.id,
      candidate_id: cand.id,
      decided_on: '2026-04-02',
    })
    .execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const url = `/slates/${slate.id}/matrix/cell?body=l${w.localA.id}&candidate=${cand.id}`

  t.test('a cell is a short link relative to the matrix, aimed at the detail box, not boosted', async (t) => {
    const res = await org.get(`/slates/${slate.id}/matrix`)
    const link = res.body.match(/<td class="[a-z]"><a [^>]*>/)?.[0] ?? ''
    const relative = url.replace(`/slates/${slate.id}/`, '')
    t.ok(link.endsWith(`<a href="${relative.replace('&', '&amp;')}">`), 'a bare link, no htmx attributes of its own')
    const resolved = new URL(relative, `http://x/slates/${slate.id}/matrix?chapter=1`)
    t.equal(resolved.pathname + resolved.search, url, 'it resolves to the cell page from the matrix page')
    t.match(res.body, /<tbody class="cells" hx-boost:inherited="false" hx-target:inherited="#matrix-cell"/)
    t.match(res.body, '<div id="matrix-cell"')
  })

  t.test('an htmx request aimed at #matrix-cell gets the detail alone', async (t) => {
    const res = await org.get(url, { htmx: 'div#matrix-cell' })
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html', 'no document')
    t.notMatch(res.body, '<nav', 'no second navigation bar')
    t.notMatch(res.body, 'class="page-head"', 'no second page header')
    t.match(res.body, /^<section class="panel cell-panel"/)
    t.match(res.body, 'Cora Cell')
    t.match(res.body, 'autofocus', 'its heading takes the focus, for keyboard users')
    t.match(String(res.headers.vary), /HX-Request/)
  })

  t.test('opened on its own, boosted or aimed elsewhere, it is a whole page', async (t) => {
    const plain = await org.get(url)
    const boosted = await org.get(url, { htmx: 'body', headers: { 'hx-boosted': 'true' } })
    const elsewhere = await org.get(url, { htmx: 'main#content' })
    for (const res of [plain, boosted, elsewhere]) {
      t.equal(res.statusCode, 200)
      t.match(res.body, '<html')
      t.match(res.body, 'class="page-head"')
      t.match(res.body, `href="/slates/${slate.id}/matrix#l${w.localA.id}"`, 'with a way back to the matrix')
      t.notMatch(res.body, 'autofocus')
    }
  })
})
