// npm run explain -- PATH [email] [--warm] — runs one page against the scale data set and
// prints EXPLAIN (ANALYZE, BUFFERS) of every SQL query it issued, slowest first.
// A tool for finding missing indexes; it changes nothing.
import { openScaleSession } from './scale-session.ts'

// --warm: request the page once first, so what is kept between requests is not counted.
const warm = process.argv.includes('--warm')
const [page = '/', email = 'scale-organizer@example.org'] = process.argv.slice(2).filter((a) => a !== '--warm')
const { app, handle, cookie, close } = await openScaleSession(email)
if (warm) await app.inject({ url: page, headers: { cookie } })
const captured: { sql: string; params: readonly unknown[] }[] = []
handle.queries.tap = (sql, params) => captured.push({ sql, params })
const started = Date.now()
const out = await app.inject({ url: page, headers: { cookie } })
console.log(
  `${page}: ${out.statusCode}, ${out.body.length} bytes, ${captured.length} queries, ${Date.now() - started} ms`,
)
handle.queries.tap = undefined
const plans = []
for (const q of captured) {
  const r = await handle.pool.query(`explain (analyze, buffers) ${q.sql}`, q.params as unknown[])
  const text = r.rows.map((x: Record<string, string>) => x['QUERY PLAN']).join('\n')
  const ms = Number(/Execution Time: ([\d.]+)/.exec(text)?.[1] ?? 0)
  plans.push({ ms, sql: q.sql, text })
}
for (const p of plans.sort((a, b) => b.ms - a.ms)) console.log(`\n=== ${p.ms} ms\n${p.sql.slice(0, 400)}\n${p.text}`)
await close()
