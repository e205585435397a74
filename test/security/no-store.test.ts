// Cache-Control: no-store on every response to a logged-in request (issue 15,
// item 10): pages, CSV exports, the .docx, import reports; checked over the
// whole route list, so a new route cannot forget it.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('every response to a logged-in request says Cache-Control: no-store', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const gets = app.routeList.filter((r) => r.method === 'GET' && !r.url.startsWith('/static'))
  let checked = 0
  for (const r of gets) {
    const url = r.url.replace(/:([a-zA-Z_]+)/g, (_m, p: string) =>
      p === 'token' || p === 'slug' ? 'x'.repeat(30) : '1',
    )
    for (const suffix of ['', r.url.includes('.') ? '' : '?format=csv']) {
      const res = await admin.get(url + suffix)
      t.equal(res.headers['cache-control'], 'no-store', `GET ${url}${suffix} → ${res.statusCode}`)
      checked++
    }
  }
  const posted = await admin.post('/saved-views', { name: 'View', url: '/locals' })
  t.equal(posted.headers['cache-control'], 'no-store', 'a redirect after a POST too')
  t.comment(`${checked} responses checked`)

  t.test('anonymous public pages keep their own caching', async (t) => {
    const res = await new Agent(app).get('/login')
    t.not(res.headers['cache-control'], 'no-store')
  })
})
