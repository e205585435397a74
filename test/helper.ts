// Builds the real app on a fresh database per test file (a copy of the migrated
// template), with a captured log, a query counter and a logged-in agent that
// carries cookies and the CSRF token like a browser.
import { Writable } from 'node:stream'
import pg from 'pg'
import type { Test } from 'tap'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp, serializeError, serializeRequest } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { createDb, type DbHandle } from '../src/db/database.ts'
import { serverUrl, TEMPLATE } from './setup/pg.ts'

let counter = 0

export type TestApp = {
  app: FastifyInstance
  db: DbHandle['db']
  handle: DbHandle
  logs: string[]
  dbName: string
}

export async function createTestDatabase(t: Test): Promise<{ name: string; url: string }> {
  const name = `t_${process.pid}_${++counter}_${Date.now() % 100000}`
  const admin = new pg.Client({ connectionString: serverUrl('postgres') })
  await admin.connect()
  await admin.query(`create database ${name} template ${TEMPLATE}`)
  await admin.end()
  t.teardown(async () => {
    const c = new pg.Client({ connectionString: serverUrl('postgres') })
    await c.connect()
    await c.query(`drop database if exists ${name} with (force)`)
    await c.end()
  })
  return { name, url: serverUrl(name) }
}

export async function buildTestApp(t: Test, env: Record<string, string> = {}): Promise<TestApp> {
  const { name, url } = await createTestDatabase(t)
  const handle = createDb(url, { poolSize: 5 })
  const logs: string[] = []
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk))
      cb()
    },
  })
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: url, ...env })
  const app = await buildApp({
    config,
    db: handle,
    logger: {
      level: 'info',
      stream,
      redact: ['req.headers.cookie', 'req.headers["x-csrf-token"]'],
      serializers: { req: serializeRequest, err: serializeError },
    },
  })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await handle.close()
  })
  return { app, db: handle.db, handle, logs, dbName: name }
}

type InjectOpts = {
  headers?: Record<string, string>
  htmx?: boolean | string
  csrf?: boolean
  /** The client's address (default 127.0.0.1). */
  remoteAddress?: string
}

/** A browser-like client: keeps cookies, sends the CSRF token, can log in. */
export class Agent {
  cookies = new Map<string, string>()
  csrf = ''
  constructor(public app: FastifyInstance) {}

  private cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private keep(res: LightMyRequestResponse) {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()))
        this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body)
    if (m) this.csrf = m[1]!
  }

  private headers(o: InjectOpts = {}) {
    const h: Record<string, string> = { cookie: this.cookieHeader(), ...(o.headers ?? {}) }
    if (o.htmx) {
      h['hx-request'] = 'true'
      if (typeof o.htmx === 'string') h['hx-target'] = o.htmx
    }
    return h
  }

  async get(url: string, o: InjectOpts = {}) {
    const res = await this.app.inject({ method: 'GET', url, headers: this.headers(o), remoteAddress: o.remoteAddress })
    this.keep(res)
    return res
  }

  async post(url: string, form: Record<string, string | string[]> = {}, o: InjectOpts = {}) {
    if (!this.csrf && o.csrf !== false) await this.get('/login')
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(form)) for (const x of ([] as string[]).concat(v)) body.append(k, x)
    if (o.csrf !== false && !('_csrf' in form)) body.append('_csrf', this.csrf)
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { ...this.headers(o), 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: o.remoteAddress,
    })
    this.keep(res)
    return res
  }

  async login(email: string, password: string) {
    await this.get('/login')
    const res = await this.post('/login', { email, password })
    if (res.statusCode !== 303) throw new Error(`login failed for ${email}: ${res.statusCode}`)
    // Form tokens are bound to the session: pick up the new session's token from the page logged in to.
    await this.get(String(res.headers.location))
    return res
  }
}

/** Counts the SQL queries a request runs. */
export async function countQueries(handle: DbHandle, fn: () => Promise<unknown>): Promise<number> {
  const before = handle.queries.count
  await fn()
  return handle.queries.count - before
}
