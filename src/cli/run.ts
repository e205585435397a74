// Shared set-up for command-line tools: config, the database (the running
// embedded server if there is one, else started briefly), migrations, and a
// clean stop afterwards.
import { ConfigError, loadConfig } from '../config.ts'
import { connect } from '../db/connect.ts'
import { createDb, type DbHandle } from '../db/database.ts'
import { migrateToLatest } from '../db/migrate.ts'

export async function withDatabase(
  fn: (db: DbHandle) => Promise<number | undefined>,
  opts: { migrate?: boolean } = {},
): Promise<void> {
  let code = 0
  let stop = async () => {}
  let handle: DbHandle | undefined
  try {
    const config = loadConfig()
    const conn = await connect(config)
    stop = conn.stop
    for (const sig of ['SIGINT', 'SIGTERM'] as const) process.removeAllListeners(sig)
    handle = createDb(conn.url, { poolSize: 4 })
    if (opts.migrate !== false) await migrateToLatest(handle.db)
    code = (await fn(handle)) ?? 0
  } catch (err) {
    console.error(
      err instanceof ConfigError
        ? `Invalid configuration: ${err.message}`
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
