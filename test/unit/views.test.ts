// The shared view partials, seen through the pages that use them: unique field
// ids (a label must point at its own field), the filter selects with "All",
// empty states and "Load more".
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, candidate, drive, slate, supporter, world } from '../factories.ts'

/** Every id on the page, with how often it appears. */
function duplicateIds(html: string): string[] {
  const seen = new Map<string, number>()
  for (const m of html.matchAll(/\sid="([^"]+)"/g)) seen.set(m[1]!, (seen.get(m[1]!) ?? 0) + 1)
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id)
}

/** Labels whose `for` names no element of the page. */
function danglingLabels(html: string): string[] {
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!))
  return [...html.matchAll(/<label[^>]*\sfor="([^"]+)"/g)].map((m) => m[1]!).filter((id) => !ids.has(id))
}

t.test('shared view partials', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await slate(db, { name: 'Fall slate', is_current: true })
  const c = await candidate(db, s.id, { name: 'Ana Ruiz', chapter_id: w.a.id })
  const d = await drive(db, s.id, w.localA.id, { chapter_id: w.a.id, candidate_id: c.id })
  const p = await supporter(db, w.a.id, w.localA.id, { name: 'Lee Park' })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)

  t.test('no page repeats an id, and every label points at a field that exists', async (t) => {
    const pages = [
      `/drives/${d.id}`,
      `/people/${p.id}`,
      `/people`,
      `/locals`,
      `/resolutions`,
      `/board`,
      `/slates/${s.id}`,
      `/slates/${s.id}/matrix`,
      `/mapping?chapter=${w.a.id}`,
    ]
    for (const url of pages) {
      const res = await org.get(url)
      t.equal(res.statusCode, 200, `${url} answers`)
      t.same(duplicateIds(res.body), [], `${url}: every id once`)
      t.same(danglingLabels(res.body), [], `${url}: every label has its field`)
    }
  })

  t.test('the drive page’s three "Filed with"/"Body" fields each have their own id, named by form', async (t) => {
    const res = await org.get(`/drives/${d.id}`)
    t.notMatch(res.body, 'id="f-body"')
    t.match(res.body, /<label for="process-body">/)
    t.match(res.body, /<label for="filing-body">/)
    t.match(res.body, /<label for="decision-body">/)
  })

  t.test('a filter select offers "All" first and keeps the chosen value selected', async (t) => {
    const res = await org.get(`/people?local=${w.localA.id}`)
    t.match(res.body, /<select id="local" name="local"><option value="">All<\/option>/)
    t.match(res.body, new RegExp(`<option value="${w.localA.id}" selected>Alpha Local 1</option>`))
    const level = await org.get('/people?level=none')
    t.match(level.body, /<option value="none" selected>Not assessed<\/option>/, 'an extra choice after the list')
  })

  t.test('an empty list says so and offers the way forward', async (t) => {
    const none = await org.get('/people?q=nobody-by-this-name')
    t.match(none.body, /<div class="empty-state">\s*<p>No supporters match these filters.<\/p>/)
    t.match(none.body, '<a href="/people">Clear the filters</a>')
    const trash = await org.get('/trash')
    t.match(trash.body, /<div class="empty-state">\s*<p>The trash is empty.<\/p>/)
  })
})
