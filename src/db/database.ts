// Kysely over a pg Pool. One place creates the pool, so every query shares its
// error handling, its DATE parsing and the query counter tests read.
import pg from 'pg'
import { Kysely, PostgresDialect } from 'kysely'
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

export function createDb(url: string, opts: { poolSize?: number; onError?: (err: Error) => void } = {}): DbHandle {
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000, options: SESSION_OPTIONS })
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
