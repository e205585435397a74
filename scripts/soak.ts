// npm run soak [-- --users 100 --duration 60 [--url http://host:port --email E --password P]]
// N simulated users, each with its own session, doing mixed reads (locals
// search, board, a drive, the slate) and writes (a new local whose name carries
// a unique marker) against one instance for D seconds. Afterwards it counts the
// markers in the database against the writes that got a success response, and
// prints the figures. Without --url it starts the app itself on a throwaway
// database (created on the same server, demo data loaded, dropped at the end
// unless --keep), so the real data is never touched.
import crypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { sql } from 'kysely'
import { buildApp } from '../src/app.ts'
import { flags, withDatabase } from '../src/cli/run.ts'
import { loadConfig } from '../src/config.ts'
import { createDb, type DbHandle } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { DEMO_PASSWORD, loadDemo } from '../src/demo/load.ts'

type Stats = { requests: number; byStatus: Map<number, number>; latencies: number[]; acked: string[]; failedWrites: number; errors: number }

class User {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(private base: string, private stats: Stats) {}

  private async request(path: string, init: RequestInit = {}): Promise<{ status: number; body: string; location: string | null }> {
    const started = performance.now()
    try {
      const res = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string> | undefined), cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';')
        const i = pair!.indexOf('=')
        this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1))
      }
      const body = await res.text()
      const m = /name="_csrf" value="([^"]+)"/.exec(body)
      if (m) this.csrf = m[1]!
      this.stats.requests++
      this.stats.byStatus.set(res.status, (this.stats.byStatus.get(res.status) ?? 0) + 1)
      this.stats.latencies.push(performance.now() - started)
      return { status: res.status, body, location: res.headers.get('location') }
    } catch {
      this.stats.errors++
      return { status: 0, body: '', location: null }
    }
  }

  get(path: string) { return this.request(path) }

  post(path: string, form: Record<string, string>) {
    const body = new URLSearchParams({ ...form, _csrf: this.csrf })
    return this.request(path, { method: 'POST', body: body.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  }

  async login(email: string, password: string): Promise<boolean> {
    await this.get('/login')
    const res = await this.post('/login', { email, password })
    if (res.status !== 303) return false
    await this.get('/')
    return true
  }
}

export type SoakResult = { requests: number; perSecond: number; status: Record<string, number>; fivexx: number; networkErrors: number; p50: number; p95: number; acknowledged: number; found: number; missing: number; duplicates: number }

/** Runs the soak against `base` and counts the markers through `countMarkers`. */
export async function soak(opts: { base: string; users: number; seconds: number; email: string; password: string; chapterId: number | null; driveIds: number[]; countMarkers: (prefix: string) => Promise<Map<string, number>> }): Promise<SoakResult> {
  const stats: Stats = { requests: 0, byStatus: new Map(), latencies: [], acked: [], failedWrites: 0, errors: 0 }
  const run = crypto.randomBytes(4).toString('hex')
  const prefix = `soak-${run}-`
  const end = Date.now() + opts.seconds * 1000
  let seq = 0
  const one = async (n: number) => {
    const u = new User(opts.base, stats)
    if (!(await u.login(opts.email, opts.password))) throw new Error(`login failed for ${opts.email}`)
    while (Date.now() < end) {
      const r = Math.random()
      if (r < 0.25) {
        const marker = `${prefix}${n}-${++seq}`
        const res = await u.post('/locals', { name: marker, ...(opts.chapterId ? { chapter_id: String(opts.chapterId) } : {}), city: 'Soak', state: 'MA' })
        if (res.status === 303) stats.acked.push(marker)
        else stats.failedWrites++
      } else if (r < 0.5) await u.get(`/locals?q=${['Local', 'SEIU', 'Teachers', 'soak'][n % 4]}`)
      else if (r < 0.7) await u.get('/board')
      else if (r < 0.9 && opts.driveIds.length) await u.get(`/drives/${opts.driveIds[n % opts.driveIds.length]}`)
      else await u.get('/slates/current')
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: opts.users }, (_, i) => one(i)))
  const elapsed = (performance.now() - started) / 1000
  const found = await opts.countMarkers(prefix)
  const sorted = stats.latencies.sort((a, b) => a - b)
  const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0)
  const fivexx = [...stats.byStatus].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0)
  return {
    requests: stats.requests, perSecond: Math.round(stats.requests / elapsed), status: Object.fromEntries([...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n])),
    fivexx, networkErrors: stats.errors, p50: pct(0.5), p95: pct(0.95), acknowledged: stats.acked.length,
    found: stats.acked.filter((m) => found.has(m)).length, missing: stats.acked.filter((m) => !found.has(m)).length,
    duplicates: [...found.values()].filter((c) => c > 1).length,
  }
}

async function countIn(db: DbHandle['db'], prefix: string): Promise<Map<string, number>> {
  const rows = await sql<{ name: string; n: number }>`select name, count(*)::int as n from locals where name like ${prefix + '%'} group by name`.execute(db)
  return new Map(rows.rows.map((r) => [r.name, r.n]))
}

function print(r: SoakResult, users: number, seconds: number) {
  console.log(`Soak: ${users} users for ${seconds} s`)
  console.log(`  requests: ${r.requests} (${r.perSecond}/s), p50 ${r.p50} ms, p95 ${r.p95} ms`)
  console.log(`  status: ${JSON.stringify(r.status)}; 5xx: ${r.fivexx}; network errors: ${r.networkErrors}`)
  console.log(`  acknowledged writes: ${r.acknowledged}; found in the database: ${r.found}; missing: ${r.missing}; duplicated: ${r.duplicates}`)
}

if (process.argv[1]?.endsWith('soak.ts')) {
  const f = flags(process.argv.slice(2))
  const users = Number(f.users ?? 100)
  const seconds = Number(f.duration ?? 60)
  await withDatabase(async (main) => {
    if (f.url) {
      // An instance already running on this database: log in with the given account.
      const driveIds = (await main.db.selectFrom('drives').select('id').limit(20).execute()).map((d) => d.id)
      const r = await soak({ base: f.url.replace(/\/$/, ''), users, seconds, email: f.email ?? 'organizer.boston@example.org', password: f.password ?? DEMO_PASSWORD, chapterId: f.chapter ? Number(f.chapter) : null, driveIds, countMarkers: (p) => countIn(main.db, p) })
      print(r, users, seconds)
      return r.fivexx || r.missing || r.duplicates ? 1 : 0
    }
    // A throwaway database on the same server.
    const name = `tenfold_soak_${Date.now()}`
    await sql.raw(`create database ${name}`).execute(main.db)
    const url = new URL(((main.pool as unknown as { options: { connectionString: string } }).options).connectionString)
    url.pathname = '/' + name
    const handle = createDb(url.toString(), { poolSize: Number(f.pool ?? 20) })
    try {
      await migrateToLatest(handle.db)
      await loadDemo(handle.db)
      const config = loadConfig({ ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'error', DATABASE_URL: url.toString(), SESSION_SECURE_COOKIE: 'false' } as Record<string, string>)
      const app = await buildApp({ config, db: handle, logger: { level: 'error' } })
      await app.listen({ port: 0, host: '127.0.0.1' })
      const addr = app.server.address() as { port: number }
      const boston = (await handle.db.selectFrom('chapters').select('id').where('slug', '=', 'boston').executeTakeFirstOrThrow()).id
      const driveIds = (await handle.db.selectFrom('drives').select('id').where('chapter_id', '=', boston).execute()).map((d) => d.id)
      const r = await soak({ base: `http://127.0.0.1:${addr.port}`, users, seconds, email: 'organizer.boston@example.org', password: DEMO_PASSWORD, chapterId: boston, driveIds, countMarkers: (p) => countIn(handle.db, p) })
      await app.close()
      print(r, users, seconds)
      return r.fivexx || r.missing || r.duplicates ? 1 : 0
    } finally {
      await handle.close()
      if (!f.keep) await new pg.Client({ connectionString: url.toString().replace(`/${name}`, '/postgres') }).connect().then(async (c) => { await c.query(`drop database if exists ${name} with (force)`); await c.end() })
    }
  })
}
