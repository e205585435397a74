// npm run soak [-- --users 100 --duration 60 --instances 1|2 [--url http://host:port[,http://host2:port] --email E --password P]]
// N simulated users, each with its own session, doing mixed reads (locals
// search, board, a drive, the slate) and writes — a new local, a conversation
// (POST /people/:id/conversations), a stage move (POST /drives/:id/stage) and a
// vote (POST /drives/:id/decisions) — each carrying a unique marker (the
// local's name, the conversation's note, the move's reason, the decision's
// note), for D seconds. Users are spread over the instances (two app instances
// on the same database with --instances 2). Afterwards it counts the markers in
// the database against the writes that got a success response, and prints the
// figures. Without --url it starts the app itself on a throwaway database
// (created on the same server, demo data loaded, dropped at the end unless
// --keep), so the real data is never touched.
import crypto from 'node:crypto'
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { sql } from 'kysely'
import { buildApp } from '../src/app.ts'
import { flags, withNewDatabase } from '../src/cli/run.ts'
import { loadConfig } from '../src/config.ts'
import { createDb, type DbHandle } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { DEMO_PASSWORD, loadDemo } from '../src/demo/load.ts'

export type WriteKind = 'local' | 'conversation' | 'move' | 'vote'
export type Stats = {
  requests: number
  byStatus: Map<number, number>
  latencies: number[]
  acked: string[]
  ackedBy: Record<WriteKind, number>
  failedWrites: number
  conflicts: number
  errors: number
}

export class User {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(
    private base: string,
    private stats: Stats,
  ) {}

  private async request(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: string; location: string | null }> {
    const started = performance.now()
    try {
      const res = await fetch(this.base + path, {
        ...init,
        redirect: 'manual',
        headers: {
          ...(init.headers as Record<string, string> | undefined),
          cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      })
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

  get(path: string) {
    return this.request(path)
  }

  post(path: string, form: Record<string, string>) {
    const body = new URLSearchParams({ ...form, _csrf: this.csrf })
    return this.request(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  }

  async login(email: string, password: string): Promise<boolean> {
    await this.get('/login')
    const res = await this.post('/login', { email, password })
    if (res.status !== 303) return false
    await this.get('/')
    return true
  }
}

export type SoakResult = {
  instances: number
  requests: number
  perSecond: number
  status: Record<string, number>
  fivexx: number
  networkErrors: number
  p50: number
  p95: number
  acknowledged: number
  acknowledgedBy: Record<WriteKind, number>
  conflicts: number
  found: number
  missing: number
  duplicates: number
}

export type SoakOptions = {
  /** One base URL per app instance; users are spread over them round-robin. */
  bases: string[]
  users: number
  seconds: number
  email: string
  password: string
  chapterId: number | null
  driveIds: number[]
  supporterIds: number[]
  countMarkers: (prefix: string) => Promise<Map<string, number>>
}

// Yesterday in UTC: on or before today in every chapter's zone (UTC's today is
// still tomorrow in New York each evening, and a meeting cannot be in the future).
const today = () => new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)

/** Runs the soak against the instances and counts the markers through `countMarkers`. */
export async function soak(opts: SoakOptions): Promise<SoakResult> {
  const stats: Stats = {
    requests: 0,
    byStatus: new Map(),
    latencies: [],
    acked: [],
    ackedBy: { local: 0, conversation: 0, move: 0, vote: 0 },
    failedWrites: 0,
    conflicts: 0,
    errors: 0,
  }
  const run = crypto.randomBytes(4).toString('hex')
  const prefix = `soak-${run}-`
  const end = Date.now() + opts.seconds * 1000
  let seq = 0
  const ack = (kind: WriteKind, marker: string, status: number) => {
    if (status === 303) {
      stats.acked.push(marker)
      stats.ackedBy[kind]++
    } else if (status === 409) stats.conflicts++
    else stats.failedWrites++
  }
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(Math.random() * xs.length)]
  const one = async (n: number) => {
    const u = new User(opts.bases[n % opts.bases.length]!, stats)
    if (!(await u.login(opts.email, opts.password))) throw new Error(`login failed for ${opts.email}`)
    while (Date.now() < end) {
      const r = Math.random()
      const marker = `${prefix}${n}-${++seq}`
      const drive = pick(opts.driveIds)
      const person = pick(opts.supporterIds)
      if (r < 0.1) {
        const res = await u.post('/locals', {
          name: marker,
          ...(opts.chapterId ? { chapter_id: String(opts.chapterId) } : {}),
          city: 'Soak',
          state: 'MA',
        })
        ack('local', marker, res.status)
      } else if (r < 0.2 && person) {
        const res = await u.post(`/people/${person}/conversations`, {
          kind: 'one_on_one',
          held_on: today(),
          outcome: 'Soak',
          note: marker,
        })
        ack('conversation', marker, res.status)
      } else if (r < 0.3 && drive) {
        // Read the drive first, as a person would: its version and status decide the move (pause ↔ resume).
        const page = await u.get(`/drives/${drive}`)
        const version = /name="version" value="(\d+)"/.exec(page.body)?.[1]
        const status = /class="badge s-(\w+)"/.exec(page.body)?.[1]
        if (!version || !status) continue
        const res = await u.post(`/drives/${drive}/stage`, {
          version,
          to: status === 'active' ? 'paused' : 'active',
          reason: marker,
          back: `/drives/${drive}`,
        })
        ack('move', marker, res.status)
      } else if (r < 0.4 && drive) {
        const page = await u.get(`/drives/${drive}`)
        const version = /name="version" value="(\d+)"/.exec(page.body)?.[1]
        if (!version) continue
        const res = await u.post(`/drives/${drive}/decisions`, {
          version,
          body: 'Executive board',
          held_on: today(),
          kind: 'meeting',
          choice: 'postponed',
          note: marker,
          // A decision off the vote stage asks to be confirmed first; the soak confirms it at once.
          confirm: 'yes',
        })
        ack('vote', marker, res.status)
      } else if (r < 0.55) await u.get(`/locals?q=${['Local', 'SEIU', 'Teachers', 'soak'][n % 4]}`)
      else if (r < 0.7) await u.get('/board')
      else if (r < 0.8 && person) await u.get(`/people/${person}`)
      else if (r < 0.92 && drive) await u.get(`/drives/${drive}`)
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
    instances: opts.bases.length,
    requests: stats.requests,
    perSecond: Math.round(stats.requests / elapsed),
    status: Object.fromEntries([...stats.byStatus].sort(([a], [b]) => a - b).map(([s, n]) => [String(s), n])),
    fivexx,
    networkErrors: stats.errors,
    p50: pct(0.5),
    p95: pct(0.95),
    acknowledged: stats.acked.length,
    acknowledgedBy: stats.ackedBy,
    conflicts: stats.conflicts,
    found: stats.acked.filter((m) => found.has(m)).length,
    missing: stats.acked.filter((m) => !found.has(m)).length,
    duplicates: [...found.values()].filter((c) => c > 1).length,
  }
}

/** Every marker in the database (locals, conversations, stage moves, decisions) with how often it is there. */
export async function countIn(db: DbHandle['db'], prefix: string): Promise<Map<string, number>> {
  const like = prefix + '%'
  const rows = await sql<{ marker: string; n: number }>`
    select marker, count(*)::int as n from (
      select name as marker from locals where name like ${like}
      union all select note from conversations where note like ${like}
      union all select reason from stage_changes where reason like ${like}
      union all select note from decisions where note like ${like}
    ) m group by marker`.execute(db)
  return new Map(rows.rows.map((r) => [r.marker, r.n]))
}

/** Drives and supporters of a chapter for the simulated users to work on. */
export async function targets(
  db: DbHandle['db'],
  chapterId: number | null,
): Promise<{ driveIds: number[]; supporterIds: number[] }> {
  let drives = db.selectFrom('drives').select('id').where('deleted_at', 'is', null)
  let people = db.selectFrom('supporters').select('id').where('deleted_at', 'is', null)
  if (chapterId !== null) {
    drives = drives.where('chapter_id', '=', chapterId)
    people = people.where('chapter_id', '=', chapterId)
  }
  return {
    driveIds: (await drives.orderBy('id').limit(30).execute()).map((d) => d.id),
    supporterIds: (await people.orderBy('id').limit(200).execute()).map((p) => p.id),
  }
}

/** Two (or more) app instances on the same database, each with its own pool, on their own ports. */
export async function startInstances(
  url: string,
  count: number,
  poolSize = 20,
): Promise<{ bases: string[]; close: () => Promise<void> }> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    DATABASE_URL: url,
    SESSION_SECURE_COOKIE: 'false',
  } as Record<string, string>)
  const running: { app: Awaited<ReturnType<typeof buildApp>>; handle: DbHandle }[] = []
  for (let i = 0; i < count; i++) {
    const handle = createDb(url, { poolSize })
    const app = await buildApp({ config, db: handle, logger: { level: 'error' } })
    await app.listen({ port: 0, host: '127.0.0.1' })
    running.push({ app, handle })
  }
  return {
    bases: running.map(({ app }) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`),
    close: async () => {
      for (const { app, handle } of running) {
        await app.close()
        await handle.close()
      }
    },
  }
}

export function print(r: SoakResult, users: number, seconds: number) {
  console.log(`Soak: ${users} users for ${seconds} s on ${r.instances} instance${r.instances === 1 ? '' : 's'}`)
  console.log(`  requests: ${r.requests} (${r.perSecond}/s), p50 ${r.p50} ms, p95 ${r.p95} ms`)
  console.log(`  status: ${JSON.stringify(r.status)}; 5xx: ${r.fivexx}; network errors: ${r.networkErrors}`)
  console.log(
    `  acknowledged writes: ${r.acknowledged} (${Object.entries(r.acknowledgedBy)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}); version conflicts (409, nothing written): ${r.conflicts}`,
  )
  console.log(`  found in the database: ${r.found}; missing: ${r.missing}; duplicated: ${r.duplicates}`)
}

if (process.argv[1]?.endsWith('soak.ts')) {
  const f = flags(process.argv.slice(2))
  const users = Number(f.users ?? 100)
  const seconds = Number(f.duration ?? 60)
  const instances = Number(f.instances ?? 1)
  await withNewDatabase(async (main) => {
    if (f.url) {
      // Instances already running on this database (comma-separated URLs): log in with the given account.
      const chapterId = f.chapter ? Number(f.chapter) : null
      const r = await soak({
        bases: f.url.split(',').map((u) => u.replace(/\/$/, '')),
        users,
        seconds,
        email: f.email ?? 'organizer.boston@example.org',
        password: f.password ?? DEMO_PASSWORD,
        chapterId,
        ...(await targets(main.db, chapterId)),
        countMarkers: (p) => countIn(main.db, p),
      })
      print(r, users, seconds)
      return r.fivexx || r.missing || r.duplicates ? 1 : 0
    }
    // A throwaway database on the same server.
    const name = `tenfold_soak_${Date.now()}`
    await sql.raw(`create database ${name}`).execute(main.db)
    const url = new URL((main.pool as unknown as { options: { connectionString: string } }).options.connectionString)
    url.pathname = '/' + name
    const handle = createDb(url.toString(), { poolSize: 5 })
    try {
      await migrateToLatest(handle.db)
      await loadDemo(handle.db)
      const pool = Number(f.pool ?? 20)
      const running = await startInstances(url.toString(), instances, pool)
      const boston = (
        await handle.db.selectFrom('chapters').select('id').where('slug', '=', 'boston').executeTakeFirstOrThrow()
      ).id
      const r = await soak({
        bases: running.bases,
        users,
        seconds,
        email: 'organizer.boston@example.org',
        password: DEMO_PASSWORD,
        chapterId: boston,
        ...(await targets(handle.db, boston)),
        countMarkers: (p) => countIn(handle.db, p),
      })
      await running.close()
      print(r, users, seconds)
      return r.fivexx || r.missing || r.duplicates ? 1 : 0
    } finally {
      await handle.close()
      if (!f.keep)
        await new pg.Client({ connectionString: url.toString().replace(`/${name}`, '/postgres') })
          .connect()
          .then(async (c) => {
            await c.query(`drop database if exists ${name} with (force)`)
            await c.end()
          })
    }
  })
}
