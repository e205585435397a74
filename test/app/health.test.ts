import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { createDb } from '../../src/db/database.ts'
import { buildTestApp } from '../helper.ts'

t.test('health is ok when the database answers', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject('/healthz')
  t.equal(res.statusCode, 200)
  t.same(res.json(), { status: 'ok' })
})

t.test('health is 503 when the database is down, and pages say so plainly', async (t) => {
  const { app, handle } = await buildTestApp(t)
  // Point a second app at a port where nothing listens, reusing the first app's secret row.
  const dead = createDb('postgres://postgres:x@127.0.0.1:1/none', { poolSize: 1 })
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'postgres://postgres:x@127.0.0.1:1/none',
    SESSION_SECRET: 'x'.repeat(40),
  })
  const down = await buildApp({ config, db: dead, logger: false })
  t.teardown(async () => {
    await down.close()
    await dead.close()
  })
  const res = await down.inject('/healthz')
  t.equal(res.statusCode, 503)
  t.equal(res.json().status, 'unavailable')
  const page = await down.inject({ url: '/locals', headers: { cookie: 'tf_session=abc' } })
  t.equal(page.statusCode, 503)
  t.match(page.body, 'The database is not answering')
  t.notMatch(page.body, /ECONNREFUSED|at .*\.ts:\d+/)
  t.ok(app && handle)
})

t.test('a bad configuration value is one clear line', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /Invalid PORT/)
  t.throws(() => loadConfig({ DATABASE_URL: 'mysql://x' }), /Invalid DATABASE_URL/)
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /Invalid LOG_LEVEL/)
})

t.test('the vendored htmx is the installed package version', async (t) => {
  const fs = await import('node:fs')
  const installed = JSON.parse(fs.readFileSync('node_modules/htmx.org/package.json', 'utf8')).version
  t.equal(fs.readFileSync('static/vendor/htmx.version', 'utf8').trim(), installed)
  t.equal(
    fs.readFileSync('static/vendor/htmx.min.js', 'utf8'),
    fs.readFileSync('node_modules/htmx.org/dist/htmx.min.js', 'utf8'),
  )
})

t.test('every way the database can drop out is a 503, not a 500', async (t) => {
  const { isDbDown } = await import('../../src/plugins/errors.ts')
  const down = [
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '57P03', message: 'the database system is shutting down' },
    { code: '08006', message: 'connection failure' },
    { message: 'Client has encountered a connection error and is not queryable' },
    { message: 'Connection terminated unexpectedly' },
    { code: 'EPIPE', message: 'write EPIPE' },
  ]
  for (const e of down) t.ok(isDbDown(e), e.message)
  t.notOk(
    isDbDown({ code: '23505', message: 'duplicate key value violates unique constraint' }),
    'a real error stays a 500',
  )
})
