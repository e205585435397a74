import zlib from 'node:zlib'
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, world } from '../factories.ts'
import { THRESHOLD } from '../../src/plugins/compression.ts'

t.test('a page is sent with brotli when the browser accepts it, and with gzip when only gzip', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  await agent.login(w.organizerA.email, PASSWORD)
  const plain = await agent.get('/board')
  t.equal(plain.statusCode, 200)
  t.notOk(plain.headers['content-encoding'], 'no accept-encoding: sent as it is')
  t.ok(plain.body.length > THRESHOLD, 'the board is over the threshold')

  const br = await agent.get('/board', { headers: { 'accept-encoding': 'gzip, deflate, br' } })
  t.equal(br.headers['content-encoding'], 'br')
  t.match(String(br.headers.vary), /accept-encoding/i)
  const unbr = zlib.brotliDecompressSync(br.rawPayload).toString('utf8')
  t.match(unbr, '<h1>Board</h1>')
  t.ok(br.rawPayload.length < unbr.length / 2, 'at least halves the page')

  const gz = await agent.get('/board', { headers: { 'accept-encoding': 'gzip' } })
  t.equal(gz.headers['content-encoding'], 'gzip')
  t.match(zlib.gunzipSync(gz.rawPayload).toString('utf8'), '<h1>Board</h1>')
})

t.test('an htmx fragment is compressed like a page and still carries its markup', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const agent = new Agent(app)
  await db
    .insertInto('locals')
    .values(Array.from({ length: 40 }, (_, i) => ({ name: `Fragment Local ${i + 1}`, chapter_id: w.a.id })))
    .execute()
  await agent.login(w.admin.email, PASSWORD)
  const res = await agent.get('/locals?q=Fragment', {
    htmx: 'div#locals-results',
    headers: { 'accept-encoding': 'br' },
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-encoding'], 'br')
  const body = zlib.brotliDecompressSync(res.rawPayload).toString()
  t.match(body, 'Fragment Local 12')
  t.notMatch(body, '<html', 'a fragment, not the whole page')
})

t.test('a response under the threshold is not compressed', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/healthz', headers: { 'accept-encoding': 'br, gzip' } })
  t.equal(res.statusCode, 200)
  t.ok(res.rawPayload.length < THRESHOLD)
  t.notOk(res.headers['content-encoding'])
  t.same(res.json(), { status: 'ok' })
})

t.test('the matrix CSV export streams compressed and decompresses to every row', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await f.slate(db, { name: 'Export slate', cycle: '2030', is_current: true })
  const cand = await f.candidate(db, s.id, { chapter_id: w.a.id, name: 'Eva Export', office: 'Mayor' })
  await f.many(1200, async (i) => {
    const l = await f.local(db, { name: `Zip Local ${i + 1}`, chapter_id: w.a.id })
    return f.drive(db, s.id, l.id, {
      chapter_id: w.a.id,
      asks: 'candidate',
      candidate_id: cand.id,
      stage: 'democratize',
    })
  })
  const agent = new Agent(app)
  await agent.login(w.admin.email, PASSWORD)
  const plain = await agent.get(`/slates/${s.id}/matrix?format=csv`)
  const res = await agent.get(`/slates/${s.id}/matrix?format=csv`, { headers: { 'accept-encoding': 'gzip' } })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/csv')
  t.equal(res.headers['content-encoding'], 'gzip')
  t.notOk(res.headers['content-length'], 'streamed (chunked), not buffered to learn its length')
  const csv = zlib.gunzipSync(res.rawPayload).toString('utf8')
  t.equal(csv, plain.body, 'the same file as uncompressed')
  const lines = csv.split('\r\n').filter(Boolean)
  t.ok(lines.length > 1200, 'a row per body')
  for (const n of [1, 600, 1200]) t.match(csv, `Zip Local ${n},`)
})

t.test('a static file has a content-hashed URL cached a year, and its plain URL still works', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const login = await app.inject('/login')
  const css = /<link rel="stylesheet" href="(\/static\/app\.[0-9a-f]{12}\.css)">/.exec(login.body)
  t.ok(css, 'the page links the hashed stylesheet')
  const js = /src="(\/static\/vendor\/htmx\.min\.[0-9a-f]{12}\.js)"/.exec(login.body)
  t.ok(js, 'and the hashed htmx')
  const hashed = await app.inject({ url: css![1]!, headers: { 'accept-encoding': 'br' } })
  t.equal(hashed.statusCode, 200)
  t.match(hashed.headers['content-type'], 'text/css')
  t.match(String(hashed.headers['cache-control']), /max-age=31536000/)
  t.match(String(hashed.headers['cache-control']), /immutable/)
  t.equal(hashed.headers['content-encoding'], 'br', 'static files are compressed too')
  const plain = await app.inject('/static/app.css')
  t.equal(plain.statusCode, 200)
  t.notMatch(String(plain.headers['cache-control']), /immutable/)
  t.equal(zlib.brotliDecompressSync(hashed.rawPayload).toString(), plain.body, 'the same file')
  t.equal((await app.inject('/static/app.000000000000.css')).statusCode, 404, 'a made-up hash is not found')
  const agent = new Agent(app)
  await agent.login(w.organizerA.email, PASSWORD)
  const board = await agent.get('/board')
  t.match(board.body, /data-sortable-src="\/static\/vendor\/sortable\.min\.[0-9a-f]{12}\.js"/)
})
