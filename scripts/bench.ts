// npm run bench — Tenfold at national scale (run `npm run seed:scale` first).
// In one run: the framework's ceiling (a bare Fastify route), each main page
// (req/s, p50/p97.5/p99 at a fixed concurrency, bytes, SQL queries), the page's
// own SQL replayed alone through pg at the same concurrency (the data floor),
// a 100k-row supporter import, and restart to first 200. Prints one table and
// writes bench-results.json. No timing assertions anywhere: figures to compare.
// Pages are loaded as a browser asks for them (accept-encoding: br, gzip):
// "bytes" is the page as drawn, "wire" what crossed the network per response
// (compressed, headers included), "br ms" the CPU one brotli compression of
// that page costs (the app's own settings, median of 10, measured here).
// The servers run in child processes (scripts/bench-server.ts); autocannon
// drives them from here.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import autocannon from 'autocannon'
import pg from 'pg'
import { sql } from 'kysely'
import { startEmbedded, freePort } from '../src/db/embedded.ts'
import { createDb, prepareStatements, SESSION_OPTIONS } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { BROTLI_QUALITY } from '../src/plugins/compression.ts'

const DATA_DIR = path.resolve(process.env.TENFOLD_DATA_DIR ?? '.tenfold-scale')
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 10)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3))
const PASSWORD = 'scale-bench-password'
// BENCH_PAGES=board,matrix measures only those pages (and skips the import and
// the restart, and writes no JSON): for trying a change quickly.
const ONLY = process.env.BENCH_PAGES ? new Set(process.env.BENCH_PAGES.split(',').map((s) => s.trim())) : null

type Row = {
  page: string
  url: string
  nodeCpuMs?: number
  pgCpuMs?: number
  rps: number
  p50: number
  p97_5: number
  p99: number
  bytes: number
  wire: number
  compressMs: number | null
  queries: number
  floorRps: number | null
  ofFloor: number | null
  ofCeiling: number | null
  errors: number
}

// autocannon reports p97.5, not p95: the table shows p97.5, which is the
// stricter of the two (a p97.5 within a limit means p95 is too).
async function loadOnce(url: string, headers: Record<string, string>) {
  const r = await autocannon({ url, connections: CONCURRENCY, duration: SECONDS, headers })
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p97_5: r.latency.p97_5,
    p99: r.latency.p99,
    bytes: r.throughput.total / Math.max(1, r.requests.total),
    errors: r.errors + r.non2xx,
  }
}

/** ROUNDS loads one after another; each figure is the median of the rounds (this machine is shared and noisy). */
async function load(url: string, headers: Record<string, string> = {}) {
  const rounds: Awaited<ReturnType<typeof loadOnce>>[] = []
  for (let i = 0; i < ROUNDS; i++) rounds.push(await loadOnce(url, headers))
  const median = (pick: (r: (typeof rounds)[number]) => number) =>
    rounds.map(pick).sort((a, b) => a - b)[Math.floor(rounds.length / 2)]!
  return {
    rps: median((r) => r.rps),
    p50: median((r) => r.p50),
    p97_5: median((r) => r.p97_5),
    p99: median((r) => r.p99),
    bytes: median((r) => r.bytes),
    errors: rounds.reduce((a, r) => a + r.errors, 0),
  }
}

// CPU seconds used so far by every PostgreSQL process on this machine (the
// server's backends live as long as the pools, so deltas over a page's load
// are that page's database work). Linux only; zero elsewhere.
function postgresCpuMs(): number {
  let ticks = 0
  try {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
        const close = stat.lastIndexOf(')')
        if (!stat.slice(stat.indexOf('(') + 1, close).startsWith('postgres')) continue
        const f = stat.slice(close + 2).split(' ')
        // Its own time and that of its exited children (the postmaster reaps
        // backends that close), so a connection closing mid-measure is counted.
        ticks += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])
      } catch {}
    }
  } catch {
    return 0
  }
  return ticks * 10
}

/** Replays a page's SQL (captured from one real request) on a plain pg Pool, CONCURRENCY loops at once. */
async function floor(pool: pg.Pool, queries: { sql: string; params: readonly unknown[] }[]): Promise<number> {
  let done = 0
  const until = Date.now() + SECONDS * 1000
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        for (const q of queries) await pool.query(q.sql, q.params as unknown[])
        done++
      }
    }),
  )
  return done / SECONDS
}

const server = await startEmbedded({ dataDir: DATA_DIR })
const url = server.url('tenfold')
const handle = createDb(url, { poolSize: CONCURRENCY })
await migrateToLatest(handle.db)
const drives = await sql<{ n: number }>`select count(*)::int as n from drives`.execute(handle.db)
if (drives.rows[0]!.n < 1000) {
  console.error('The scale data set is not there. Run `npm run seed:scale` first.')
  await handle.close()
  await server.stop()
  process.exit(1)
}

// The servers run in a child process each (scripts/bench-server.ts), so the
// load generator here never shares their event loop.
type Child = { proc: ChildProcess; base: string; ask: <T>(m: string) => Promise<T> }
async function startChild(mode: 'bare' | 'tenfold'): Promise<Child> {
  const proc = fork('scripts/bench-server.ts', [mode], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: url, DB_POOL_SIZE: String(CONCURRENCY) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('message', (m) => resolve((m as { port: number }).port))
    proc.once('exit', (code) => reject(new Error(`bench server (${mode}) exited with ${code}`)))
  })
  const ask = <T>(m: string) =>
    new Promise<T>((resolve) => {
      proc.once('message', (r) => resolve(r as T))
      proc.send(m)
    })
  return { proc, base: `http://127.0.0.1:${port}`, ask }
}
const stopChild = (c: Child) =>
  new Promise<void>((resolve) => {
    c.proc.once('exit', () => resolve())
    c.proc.disconnect()
    setTimeout(() => c.proc.kill(), 5000).unref()
  })

// 1. the ceiling: a bare Fastify route, same setup, same machine
const bareServer = await startChild('bare')
const ceiling = await load(`${bareServer.base}/`)
await stopChild(bareServer)

// 2. Tenfold itself
const tenfold = await startChild('tenfold')
const base = tenfold.base
const loginPage = await fetch(`${base}/login`)
const setCookies = loginPage.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ')
const csrf = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1]!
async function cookieFor(email: string) {
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: setCookies },
    body: new URLSearchParams({ email, password: PASSWORD, _csrf: csrf }),
  })
  const session = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c!.startsWith('tf_session='))
  if (!session) throw new Error(`could not log in as ${email}`)
  return `${setCookies}; ${session}`
}
const adminCookie = await cookieFor('scale-admin@example.org')
const organizerCookie = await cookieFor('scale-organizer@example.org')

// The whip count (issue 17): the scale-1 drive whose deciding body has the most sitting members (40 in the
// seed), preferring one with a structure test; and scale-1's own board, where every card carries a badge.
const ids = (
  await sql<{ drive: number; slate: number; resolution: number; whipDrive: number | null; chapter: number }>`
  select (select d.id from drives d join chapters c on c.id = d.chapter_id where c.slug = 'scale-1' order by (d.stage = 'vote') desc, d.id limit 1) as drive,
         (select b.drive_id from deciding_bodies b join chapters c on c.id = b.chapter_id
            where c.slug = 'scale-1' and b.deleted_at is null
            order by (select count(*) from body_members m where m.body_id = b.id and m.deleted_at is null) desc,
              exists (select 1 from structure_tests t where t.drive_id = b.drive_id) desc, b.drive_id
            limit 1) as "whipDrive",
         (select id from chapters where slug = 'scale-1') as chapter,
         (select id from slates where is_current) as slate,
         (select id from resolutions where slug = 'endorse-local-candidate') as resolution`.execute(handle.db)
).rows[0]!

// "My list" at national scale: the organizer gets 500 open assignments from their chapters' supporters,
// due over three weeks around today (added on the first run, kept after: the set is the same each run).
await sql`insert into assignments (chapter_id, supporter_id, assignee_id, due_on, ask, created_by)
  select s.chapter_id, s.id, u.id, current_date + (s.id % 21)::int - 7, 'Ask about the vote', u.id
  from users u
  join memberships m on m.user_id = u.id and m.role = 'organizer'
  join supporters s on s.chapter_id = m.chapter_id and s.deleted_at is null
  where u.email = 'scale-organizer@example.org'
    and not exists (select 1 from assignments a where a.assignee_id = u.id)
  order by s.id
  limit 500
  on conflict do nothing`.execute(handle.db)

const pages: { page: string; path: string; cookie: string }[] = [
  { page: 'dashboard', path: '/', cookie: organizerCookie },
  { page: 'board', path: '/board', cookie: organizerCookie },
  { page: 'drive page', path: `/drives/${ids.drive}`, cookie: organizerCookie },
  ...(ids.whipDrive === null
    ? []
    : [
        { page: 'drive page with whip count', path: `/drives/${ids.whipDrive}`, cookie: organizerCookie },
        { page: 'whip count page', path: `/drives/${ids.whipDrive}/whip`, cookie: organizerCookie },
      ]),
  { page: 'board with whip badges', path: `/board?chapter=${ids.chapter}`, cookie: organizerCookie },
  { page: 'locals search', path: '/locals?q=local%2012', cookie: organizerCookie },
  { page: 'people search', path: '/people?q=Member%201', cookie: organizerCookie },
  { page: 'my list (500 assigned)', path: '/my-list', cookie: organizerCookie },
  { page: 'resolution filled', path: `/resolutions/${ids.resolution}?drive=${ids.drive}`, cookie: organizerCookie },
  { page: 'matrix', path: `/slates/${ids.slate}/matrix`, cookie: adminCookie },
  { page: 'review', path: '/review', cookie: adminCookie },
  { page: 'matrix CSV export', path: `/slates/${ids.slate}/matrix?format=csv`, cookie: adminCookie },
]

/** One brotli compression of `body` with the app's settings (src/plugins/compression.ts), median of `n` runs, ms. */
function brotliMs(body: Buffer, n: number): number {
  const params = {
    [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
    [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
  }
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint()
    zlib.brotliCompressSync(body, { params })
    times.push(Number(process.hrtime.bigint() - t0) / 1e6)
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!
}
const BROWSER = { 'accept-encoding': 'br, gzip' }

const serverCpuMs = async () => (await tenfold.ask<{ cpu: number }>('cpu')).cpu
const floorPool = new pg.Pool({ connectionString: url, max: CONCURRENCY, options: SESSION_OPTIONS })
prepareStatements(floorPool) // the same driver settings as the app's pool
const ceilingRps = ceiling.rps
const rows: Row[] = [
  {
    page: 'bare Fastify route',
    url: '/',
    rps: ceiling.rps,
    p50: ceiling.p50,
    p97_5: ceiling.p97_5,
    p99: ceiling.p99,
    bytes: ceiling.bytes,
    wire: ceiling.bytes,
    compressMs: null,
    queries: 0,
    floorRps: null,
    ofFloor: null,
    ofCeiling: 1,
    errors: ceiling.errors,
  },
]
for (const p of pages) {
  if (ONLY && !ONLY.has(p.page) && !ONLY.has(p.page.split(' ')[0]!)) continue
  // One request to warm what a page keeps between requests (the matrix's body
  // list, the review's figures), then one with the query tap on: the SQL the
  // page issues under load, and its count.
  await (await fetch(base + p.path, { headers: { cookie: p.cookie } })).arrayBuffer()
  await tenfold.ask('tap-on')
  const probe = await fetch(base + p.path, { headers: { cookie: p.cookie, 'accept-encoding': 'identity' } })
  const body = Buffer.from(await probe.arrayBuffer())
  const captured = (await tenfold.ask<{ queries: { sql: string; params: readonly unknown[] }[] }>('tap-off')).queries
  if (probe.status !== 200) {
    rows.push({
      page: p.page,
      url: p.path,
      rps: 0,
      p50: 0,
      p97_5: 0,
      p99: 0,
      bytes: 0,
      wire: 0,
      compressMs: null,
      queries: captured.length,
      floorRps: null,
      ofFloor: null,
      ofCeiling: null,
      errors: probe.status,
    })
    continue
  }
  // The whip rows say what they drew: the badges on the board, the members on the whip page.
  if (/whip/.test(p.page)) {
    const html = body.toString('utf8')
    const badges = (html.match(/votes: /g) ?? []).length
    const members = (html.match(/<li id="member-/g) ?? []).length
    console.error(`${p.page}: ${badges} whip badges, ${members} body members on the page`)
  }
  const cpu0 = [await serverCpuMs(), postgresCpuMs()]
  const r = await load(base + p.path, { cookie: p.cookie, ...BROWSER })
  const served = Math.max(1, r.rps * SECONDS * ROUNDS)
  const cpu = { nodeCpuMs: ((await serverCpuMs()) - cpu0[0]!) / served, pgCpuMs: (postgresCpuMs() - cpu0[1]!) / served }
  let f = 0
  try {
    f = await floor(floorPool, captured)
  } catch (err) {
    console.error(`floor replay failed for ${p.page}: ${(err as Error).message}`)
  }
  rows.push({
    page: p.page,
    url: p.path,
    ...cpu,
    rps: r.rps,
    p50: r.p50,
    p97_5: r.p97_5,
    p99: r.p99,
    bytes: body.length,
    wire: r.bytes,
    compressMs: brotliMs(body, body.length > 1_000_000 ? 3 : 10),
    queries: captured.length,
    floorRps: f,
    ofFloor: r.rps / f,
    ofCeiling: r.rps / ceilingRps,
    errors: r.errors,
  })
}
await floorPool.end()
await stopChild(tenfold)
await handle.close()
await server.stop()

// 4. the 100k-row supporter import (its own script and data folder), and restart to first 200
let importLine = 'not measured (scripts/bench-import.ts missing)'
if (ONLY) importLine = 'not measured (BENCH_PAGES set)'
else if (fs.existsSync('scripts/bench-import.ts')) {
  const out = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-import.ts'], {
    encoding: 'utf8',
    env: { ...process.env, TENFOLD_DATA_DIR: '.tenfold-bench', DATABASE_URL: '' },
  })
  importLine =
    (out.stdout + out.stderr)
      .trim()
      .split('\n')
      .filter((l) => /^(total|peak memory)/.test(l))
      .map((l) => l.replace(/\s+/g, ' '))
      .join(' | ') || `exit ${out.status}`
}
let restartMs = -1
if (!ONLY) {
  const port = await freePort()
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, TENFOLD_DATA_DIR: DATA_DIR, PORT: String(port), LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: 'ignore',
  })
  for (let i = 0; i < 300; i++) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/login`)
      if (r.status === 200) {
        restartMs = Date.now() - started
        break
      }
    } catch {}
    await new Promise((r) => setTimeout(r, 50))
  }
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGINT')
  })
}

// 5. the table and the JSON
const fmt = (n: number | null, d = 0) =>
  n === null ? '—' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
console.log(
  `\nTenfold at national scale — concurrency ${CONCURRENCY}, ${ROUNDS} × ${SECONDS} s per page (medians), Node ${process.version}\n`,
)
console.log(
  [
    'page'.padEnd(20),
    'req/s'.padStart(8),
    'p50 ms'.padStart(7),
    'p97.5ms'.padStart(7),
    'p99 ms'.padStart(7),
    'bytes'.padStart(10),
    'wire'.padStart(9),
    'br ms'.padStart(6),
    'SQL'.padStart(4),
    'floor/s'.padStart(8),
    '%floor'.padStart(7),
    '%ceil'.padStart(6),
    'errors'.padStart(6),
    'CPU ms/req node+pg'.padStart(19),
  ].join(' '),
)
for (const r of rows) {
  console.log(
    [
      r.page.padEnd(20),
      fmt(r.rps).padStart(8),
      fmt(r.p50).padStart(7),
      fmt(r.p97_5).padStart(7),
      fmt(r.p99).padStart(7),
      fmt(r.bytes).padStart(10),
      fmt(r.wire).padStart(9),
      (r.compressMs === null ? '—' : fmt(r.compressMs, 1)).padStart(6),
      String(r.queries).padStart(4),
      fmt(r.floorRps).padStart(8),
      (r.ofFloor === null ? '—' : Math.round(r.ofFloor * 100) + '%').padStart(7),
      (r.ofCeiling === null ? '—' : (r.ofCeiling * 100).toFixed(1) + '%').padStart(6),
      String(r.errors).padStart(6),
      (r.nodeCpuMs === undefined ? '—' : `${fmt(r.nodeCpuMs, 1)} + ${fmt(r.pgCpuMs ?? 0, 1)}`).padStart(19),
    ].join(' '),
  )
}
console.log(`\n100k supporter import: ${importLine}`)
console.log(`restart to first 200: ${restartMs < 0 ? 'no answer in 15 s' : restartMs + ' ms'}`)
if (!ONLY)
  fs.writeFileSync(
    'bench-results.json',
    JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        rounds: ROUNDS,
        rows,
        import: importLine,
        restartMs,
      },
      null,
      2,
    ),
  )
if (!ONLY) console.log('written: bench-results.json')
