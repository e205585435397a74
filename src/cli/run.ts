// Shared set-up for command-line tools: config, the database (the running
// embedded server if there is one, else started briefly), migrations, and a
// clean stop afterwards. Every tool says which database it works on (never a
// password), and refuses a data folder or database that holds no Tenfold
// database unless --init is given, so a mistyped TENFOLD_DATA_DIR or
// DATABASE_URL cannot quietly make a second, empty instance.
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { ConfigError, loadConfig, type Config } from '../config.ts'
import { connect } from '../db/connect.ts'
import { createDb, type DbHandle } from '../db/database.ts'
import { pgDir, runningPort } from '../db/embedded.ts'
import { migrateToLatest } from '../db/migrate.ts'

export class RefusedError extends Error {}

/** Where a tool's writes go, in words, without the password. */
export function describeDatabase(config: Config): string {
  if (!config.databaseUrl) return `the embedded PostgreSQL database “tenfold” in ${pgDir(config.dataDir)}`
  try {
    const u = new URL(config.databaseUrl)
    const user = u.username ? `${decodeURIComponent(u.username)}@` : ''
    return `the PostgreSQL database ${u.protocol}//${user}${u.host}${u.pathname} (DATABASE_URL)`
  } catch {
    return 'the PostgreSQL database named by DATABASE_URL'
  }
}

const refusal = (where: string) =>
  `There is no Tenfold database in ${where}. Nothing was changed. Check TENFOLD_DATA_DIR or DATABASE_URL; ` +
  'to create a new, empty Tenfold database there, run the command again with --init.'

export async function withDatabase(
  fn: (db: DbHandle) => Promise<number | undefined>,
  opts: { migrate?: boolean; argv?: string[]; allowNew?: boolean } = {},
): Promise<void> {
  let code = 0
  let stop = async () => {}
  let handle: DbHandle | undefined
  // allowNew: tools whose job is a new database (seed:scale, restore, benchmarks) create one without --init.
  const init = opts.allowNew === true || (opts.argv ?? process.argv.slice(2)).includes('--init')
  try {
    const config = loadConfig()
    const where = describeDatabase(config)
    console.log(`Database: ${where}`)
    // An embedded folder that was never initialised: refuse before anything creates it.
    if (
      !config.databaseUrl &&
      !init &&
      !runningPort(config.dataDir) &&
      !fs.existsSync(path.join(pgDir(config.dataDir), 'PG_VERSION'))
    )
      throw new RefusedError(refusal(where))
    const conn = await connect(config)
    stop = conn.stop
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(sig)
    handle = createDb(conn.url, { poolSize: 4 })
    const migrated = await sql<{ ok: boolean }>`select to_regclass('kysely_migration') is not null as ok`.execute(
      handle.db,
    )
    if (!migrated.rows[0]?.ok && !init) throw new RefusedError(refusal(where))
    if (opts.migrate !== false) await migrateToLatest(handle.db)
    code = (await fn(handle)) ?? 0
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? `Invalid configuration: ${err.message}`
        : err instanceof RefusedError
          ? err.message
          : `Error: ${err instanceof Error ? err.message : String(err)}`,
    )
    code = 1
  } finally {
    await handle?.close()
    await stop()
  }
  process.exit(code)
}

/** --name value pairs from argv. */
export function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2) as [string, string | undefined]
      if (v !== undefined) out[k] = v
      else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) out[k] = argv[++i]!
      else out[k] = 'true'
    }
  }
  return out
}

/** For tools whose job is a new database (seed:scale, restore, benchmarks): no --init needed. */
export function withNewDatabase(
  fn: (db: DbHandle) => Promise<number | undefined>,
  opts: { migrate?: boolean } = {},
): Promise<void> {
  return withDatabase(fn, { ...opts, allowNew: true })
}
