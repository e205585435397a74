// npm run profile -- PATH [email] [requests] — serves one page repeatedly against
// the scale data set (in process, through inject) and prints where the time
// went: wall time per request, SQL time, and the hottest JavaScript functions
// by self time from the V8 sampling profiler. A tool; it changes nothing.
import { Session } from 'node:inspector/promises'
import pg from 'pg'
import { openScaleSession } from './scale-session.ts'

const [page = '/', email = 'scale-organizer@example.org', n = '30'] = process.argv.slice(2)
const { app, handle, cookie, close } = await openScaleSession(email)
const warm = await app.inject({ url: page, headers: { cookie } })
console.log(`${page}: ${warm.statusCode}, ${warm.body.length} bytes`)

let sqlMs = 0
const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown }
const original = proto.query
proto.query = function (this: unknown, ...a: unknown[]) {
  const t = performance.now()
  const out = original.apply(this, a)
  if (out && typeof (out as Promise<unknown>).finally === 'function')
    (out as Promise<unknown>)
      .finally(() => {
        sqlMs += performance.now() - t
      })
      .catch(() => {})
  return out
}

const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 200 })
await session.post('Profiler.start')
const t0 = performance.now()
const q0 = handle.queries.count
for (let i = 0; i < Number(n); i++) await app.inject({ url: page, headers: { cookie } })
const wall = performance.now() - t0
console.log(`${((handle.queries.count - q0) / Number(n)).toFixed(1)} SQL queries per request once warm`)
const { profile } = await session.post('Profiler.stop')
console.log(
  `${n} requests: ${(wall / Number(n)).toFixed(1)} ms each, of which SQL (wall, awaited) ${(sqlMs / Number(n)).toFixed(1)} ms`,
)

const self = new Map<string, number>()
const dt = profile.timeDeltas ?? []
const byId = new Map(profile.nodes.map((nd) => [nd.id, nd]))
;(profile.samples ?? []).forEach((id, i) => {
  const nd = byId.get(id)!
  const f = nd.callFrame
  const key = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules\/)?/, '')}:${f.lineNumber + 1}`
  self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000)
})
const total = [...self.values()].reduce((a, b) => a + b, 0)
for (const [k, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(
    `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${(ms / Number(n)).toFixed(2).padStart(7)} ms/req  ${k}`,
  )
await close()
