// The real entry point as a user runs it: npm start's command on a fresh data
// folder, a CLI tool beside it on the same folder, Ctrl-C, and a restart.
import t from 'tap'
import { spawn, spawnSync, execSync, execFileSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort } from '../../src/db/embedded.ts'

const root = path.resolve(import.meta.dirname, '../..')

function postgresFor(dir: string): number {
  try {
    return execFileSync('pgrep', ['-f', `postgres.*${dir}`])
      .toString()
      .trim()
      .split('\n')
      .filter(Boolean).length
  } catch {
    return 0
  }
}

async function waitHealthy(port: number, ms = 60_000): Promise<boolean> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`)
      if (r.status === 200) return true
    } catch {}
    await new Promise((r) => setTimeout(r, 200))
  }
  return false
}

function start(dataDir: string, port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: {
      ...process.env,
      TENFOLD_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() can signal the group as a terminal's Ctrl-C does.
    detached: true,
  })
}

/** Everything the server printed, to check what Ctrl-C says. */
function output(child: ChildProcess): () => string {
  let out = ''
  child.stdout?.on('data', (d) => (out += d))
  child.stderr?.on('data', (d) => (out += d))
  return () => out
}

/** Ctrl-C: SIGINT to the whole process group (the server and its embedded PostgreSQL). */
async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)))
  process.kill(-child.pid!, 'SIGINT')
  return exited
}

t.test('start, a CLI beside it, Ctrl-C and restart on the same data folder', { timeout: 180_000 }, async (t) => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'tenfold-start-'))
  fs.chmodSync(base, 0o755)
  const dataDir = path.join(base, 'data')
  t.teardown(() => {
    try {
      execSync(`pkill -KILL -f "postgres.*${dataDir}"`)
    } catch {}
    fs.rmSync(base, { recursive: true, force: true })
  })
  const port = await freePort()
  let child = start(dataDir, port)
  const printed = output(child)
  t.ok(await waitHealthy(port), 'healthz answers 200 after start')
  t.ok(postgresFor(dataDir) > 0, 'PostgreSQL runs on the data folder')

  const cli = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/user-create.ts',
      '--email',
      'first@example.org',
      '--name',
      'First Admin',
      '--role',
      'admin',
    ],
    {
      cwd: root,
      input: 'a long enough password\n',
      env: { ...process.env, TENFOLD_DATA_DIR: dataDir, DATABASE_URL: '' },
      encoding: 'utf8',
    },
  )
  t.equal(cli.status, 0, cli.stderr)
  t.match(cli.stdout, 'Created admin')
  t.notMatch(cli.stdout + cli.stderr, 'a long enough password', 'the password is never printed')
  t.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200, 'the running server was reused, not replaced')

  t.equal(await stop(child), 0, 'Ctrl-C exits cleanly')
  t.match(printed(), 'SIGINT: shutting down')
  t.notMatch(printed(), 'connection lost', 'Ctrl-C prints no database errors')
  await new Promise((r) => setTimeout(r, 500))
  t.equal(postgresFor(dataDir), 0, 'no postgres process is left')

  child = start(dataDir, port)
  t.ok(await waitHealthy(port), 'a restart answers again')
  const login = await fetch(`http://127.0.0.1:${port}/login`)
  t.equal(login.status, 200)
  // The admin created before the restart is still there: the CLI refuses a duplicate.
  const again = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/user-create.ts', '--email', 'first@example.org', '--name', 'Again', '--role', 'admin'],
    {
      cwd: root,
      input: 'a long enough password\n',
      env: { ...process.env, TENFOLD_DATA_DIR: dataDir, DATABASE_URL: '' },
      encoding: 'utf8',
    },
  )
  t.equal(again.status, 1)
  t.match(again.stderr, 'already exists')
  t.equal(await stop(child), 0)
  await new Promise((r) => setTimeout(r, 500))
  t.equal(postgresFor(dataDir), 0, 'no postgres process is left after the second stop')
})
