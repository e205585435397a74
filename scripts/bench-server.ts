// The server side of npm run bench, in its own process so the load generator
// never shares its event loop: `bare` serves one route from a bare Fastify
// (the framework's ceiling), `tenfold` serves Tenfold on DATABASE_URL. Talks
// to the parent over IPC: { port } when listening; 'tap-on' / 'tap-off'
// record the SQL of the requests in between and send it back; 'cpu' answers
// with this process's CPU time so far.
import Fastify from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createDb } from '../src/db/database.ts'

type Query = { sql: string; params: readonly unknown[] }
const send = (m: unknown) => process.send!(m)
const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

if (process.argv[2] === 'bare') {
  const bare = Fastify({ logger: false })
  bare.get('/', async () => 'ok')
  await bare.listen({ port: 0, host: '127.0.0.1' })
  send({ port: (bare.server.address() as { port: number }).port })
  process.on('message', (m) => {
    if (m === 'cpu') send({ cpu: cpuMs() })
  })
  process.on('disconnect', () => void bare.close())
} else {
  const url = process.env.DATABASE_URL!
  const pool = String(process.env.DB_POOL_SIZE ?? 10)
  const handle = createDb(url, { poolSize: Number(pool) })
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'production', DATABASE_URL: url, LOG_LEVEL: 'silent', DB_POOL_SIZE: pool }),
    db: handle,
    logger: false,
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  send({ port: (app.server.address() as { port: number }).port })
  let captured: Query[] = []
  process.on('message', (m) => {
    if (m === 'tap-on') {
      captured = []
      handle.queries.tap = (sql, params) => captured.push({ sql, params })
      send({ ok: true })
    } else if (m === 'tap-off') {
      handle.queries.tap = undefined
      send({ queries: captured })
    } else if (m === 'cpu') send({ cpu: cpuMs() })
  })
  process.on('disconnect', () => void app.close().then(() => handle.close()))
}
