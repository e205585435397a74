// Kysely over a pg Pool. One place creates the pool, so every query shares its
// error handling, its DATE parsing and the query counter tests read.
import { createHash } from 'node:crypto'
import pg from 'pg'
import { Kysely, PostgresDialect, sql } from 'kysely'
import type { Database } from './schema.ts'

// DATE columns stay 'YYYY-MM-DD' strings: luxon reads them in the chapter's zone.
pg.types.setTypeParser(1082, (v) => v)
// COUNT(*) and other bigints fit in a JS number for our sizes.
pg.types.setTypeParser(20, (v) => Number(v))
pg.types.setTypeParser(1700, (v) => Number(v))

export type Db = Kysely<Database>

export type QueryTap = (sql: string, parameters: readonly unknown[]) => void

export type DbHandle = {
  db: Db
  pool: pg.Pool
  /** count: queries run so far; tap: set by the benchmark to record each query's SQL. */
  queries: { count: number; tap?: QueryTap }
  close: () => Promise<void>
}

// Settings for each of Tenfold's connections. The planner's default costs
// assume spinning disks: at national scale they chose a sequential scan of the
// 33,000-body directory over 200 index lookups for the board. Tenfold's
// working set lives in memory (or on SSD), so random reads cost about as much
// as sequential ones. JIT compilation only adds latency to short queries.
export const SESSION_OPTIONS = '-c random_page_cost=1.1 -c jit=off'

// Prepared statements, opt-in. PostgreSQL can spend longer planning a query
// than running it (the drive page's one-drive query: 2.6 ms to plan, 0.4 ms
// to run). A statement whose text carries PREPARE (`.modifyEnd(PREPARE)`) is
// prepared once per connection, under a hash of its text, and its plan
// reused. Opt-in because after five runs PostgreSQL may switch to one generic
// plan for every value, and for lists (a LIMIT, a chapter's size, a search
// pattern, a batch of import rows) that plan was far worse at national scale
// (a chapter's locals: 18 ms instead of 1; the 100k import: 15 s to 229 s).
// Mark only lookups by key whose plan cannot depend on the values. At most
// MAX_PREPARED per connection; a plan a schema change made stale runs once
// more unprepared.
export const PREPARE = sql.raw('/* prepare */')
const MAX_PREPARED = 300
const MARKED = /\/\* prepare \*\/\s*$/
type QueryFn = (...args: unknown[]) => unknown

export function prepareStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as unknown as QueryFn
    let prepared = 0
    const names = new Map<string, string>()
    ;(client as unknown as { query: QueryFn }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      if (typeof text !== 'string' || !Array.isArray(values) || typeof callback === 'function' || !MARKED.test(text)) {
        return query(text, values, callback)
      }
      let name = names.get(text)
      if (name === undefined) {
        if (prepared >= MAX_PREPARED) return query(text, values)
        name = 'tf_' + createHash('sha1').update(text).digest('hex').slice(0, 24)
        names.set(text, name)
        prepared++
      }
      return (query({ name, text, values }) as Promise<unknown>).catch((err: { code?: string }) => {
        // "cached plan must not change result type": a migration changed a table under the plan.
        if (err?.code === '0A000') return query(text, values)
        throw err
      })
    }
  })
}

export function createDb(url: string, opts: { poolSize?: number; onError?: (err: Error) => void } = {}): DbHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    options: SESSION_OPTIONS,
  })
  prepareStatements(pool)
  // A dropped connection (server restart) must not crash the process.
  pool.on('error', (err) => opts.onError?.(err))
  // A client that is checked out (a request between queries, the import runner's
  // LISTEN connection) has no pool listener: without one of its own, PostgreSQL
  // stopping (57P01) would be an uncaught exception and end the process. The
  // broken client is not reused (pg drops clients that are no longer queryable).
  pool.on('connect', (client) => client.on('error', (err) => opts.onError?.(err)))
  const queries: DbHandle['queries'] = { count: 0 }
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query' || event.level === 'error') queries.count++
      if (event.level === 'query') queries.tap?.(event.query.sql, event.query.parameters)
    },
  })
  let closed = false
  return {
    db,
    pool,
    queries,
    close: async () => {
      if (closed) return
      closed = true
      await db.destroy()
    },
  }
}
