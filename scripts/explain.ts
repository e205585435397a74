// npm run explain -- PATH [email] — runs one page against the scale data set and
// prints EXPLAIN (ANALYZE, BUFFERS) of every SQL query it issued, slowest first.
// A tool for finding missing indexes; it changes nothing.
import path from 'node:path'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { startEmbedded } from '../src/db/embedded.ts'
import { createDb } from '../src/db/database.ts'

const [page = '/', email = 'scale-organizer@example.org'] = process.argv.slice(2)
const server = await startEmbedded({ dataDir: path.resolve(process.env.TENFOLD_DATA_DIR ?? '.tenfold-scale') })
const handle = createDb(server.url('tenfold'))
const app = await buildApp({ config: loadConfig({ NODE_ENV: 'production', DATABASE_URL: server.url('tenfold'), LOG_LEVEL: 'silent' }), db: handle, logger: false })
const login = await app.inject('/login')
const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!
const cookies = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
const res = await app.inject({ method: 'POST', url: '/login', headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ email, password: 'scale-bench-password', _csrf: csrf }).toString() })
const session = res.cookies.find((c) => c.name === 'tf_session')!
const captured: { sql: string; params: readonly unknown[] }[] = []
handle.queries.tap = (sql, params) => captured.push({ sql, params })
const started = Date.now()
const out = await app.inject({ url: page, headers: { cookie: `${cookies}; tf_session=${session.value}` } })
console.log(`${page}: ${out.statusCode}, ${out.body.length} bytes, ${captured.length} queries, ${Date.now() - started} ms`)
handle.queries.tap = undefined
const plans = []
for (const q of captured) {
  const r = await handle.pool.query(`explain (analyze, buffers) ${q.sql}`, q.params as unknown[])
  const text = r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')
  const ms = Number(/Execution Time: ([\d.]+)/.exec(text)?.[1] ?? 0)
  plans.push({ ms, sql: q.sql, text })
}
for (const p of plans.sort((a, b) => b.ms - a.ms)) console.log(`\n=== ${p.ms} ms\n${p.sql.slice(0, 400)}\n${p.text}`)
await app.close()
await handle.close()
await server.stop()
