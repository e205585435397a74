// Property-based fuzzing of the input classes that broke Tenfold (issue 15):
// NUL and other control characters, years 0000 and 10000, integers past 2^63,
// quotes inside unquoted CSV fields, and binary uploads — in every form field
// and query string (as an admin and as an organizer, with real record ids and
// a valid CSRF token) and in both CSV uploads. Asserts: never a 5xx; a refused
// request writes nothing (the audit log, which every write goes through, does
// not move); and once the accepted values are stored, the pages that show them
// (slate, matrix, review, drive, person, public list) answer every role.
// Fixed seed; FUZZ_RUNS and FUZZ_SEED change the amount and the draw.
import t from 'tap'
import fc from 'fast-check'
import { sql } from 'kysely'
import { loadDemo, DEMO_PASSWORD } from '../../src/demo/load.ts'
import { Agent, buildTestApp } from '../helper.ts'
import { harvestForms, recordIds } from './support.ts'
import { upload } from '../security/support.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 1)
const SEED = Number(process.env.FUZZ_SEED ?? 20261201)
const SKIP = new Set(['POST /logout', 'POST /login', 'POST /login/2fa', 'POST /people/import', 'POST /admin/import'])

const CONTROL = fc.oneof(
  fc.constantFrom('\u0000', 'a\u0000b', 'Jo\u0001', '\u0007\u0008', '\u001b[31m', 'x\u007f', '\u000b\u000c'),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 6 }),
)
const YEARS = fc.constantFrom('0000-01-01', '0000-00-00', '0000-12-31', '10000-01-01', '9999-12-31', '+010000-01-01')
const BIG = fc.oneof(
  fc.constantFrom(String(2n ** 63n), String(2n ** 63n + 1n), String(-(2n ** 63n) - 1n), '99999999999999999999'),
  fc.bigInt({ min: 2n ** 63n, max: 2n ** 80n }).map(String),
)
/** One value of the five classes (CSV quotes appear as a value too: forms take pasted CSV lines). */
const value = fc.oneof(CONTROL, YEARS, BIG, fc.constantFrom('Jo "JJ" Smith', 'a,"b', '"'))

const csvFile = fc.oneof(
  fc
    .array(fc.tuple(fc.constantFrom('Jo "JJ"', 'Ann "Nan" Lee', 'x"y', '"', 'ok'), fc.constantFrom('a@b.test', '')), {
      minLength: 1,
      maxLength: 5,
    })
    .map((rows) => 'name,email\n' + rows.map(([n, e]) => `${n},${e}`).join('\n') + '\n'),
  fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc
    .uint8Array({ minLength: 1, maxLength: 200 })
    .map((b) => Buffer.concat([Buffer.from('name,email\n'), Buffer.from(b)])),
)

t.setTimeout(Number(process.env.FUZZ_TIMEOUT ?? 280_000))
const started = Date.now()
const { app, db, logs } = await buildTestApp(t)
await loadDemo(db)
const concrete = await recordIds(db)
let cases = 0
const problems: string[] = []
const lastAudit = async () =>
  Number((await sql<{ id: number | null }>`select max(id) as id from audit_log`.execute(db)).rows[0]?.id ?? 0)

async function check(route: string, input: unknown, send: () => Promise<{ statusCode: number }>) {
  const before = await lastAudit()
  const res = await send()
  cases++
  const shown = JSON.stringify(input).slice(0, 200)
  if (res.statusCode >= 500) {
    const err = logs.filter((l) => l.includes('"err"')).at(-1) ?? ''
    problems.push(`${route} → ${res.statusCode} ${err.slice(0, 200)}: ${shown}`)
  } else if (res.statusCode >= 400 && (await lastAudit()) !== before) {
    problems.push(`${route} → ${res.statusCode} but wrote: ${shown}`)
  }
}

// The admin reaches every route; more accounts (FUZZ_ROLES=all) add the organizer's view of the same forms.
const accounts = (
  process.env.FUZZ_ROLES === 'all'
    ? [
        ['admin', 'admin@example.org'],
        ['organizer', 'organizer.boston@example.org'],
      ]
    : [['admin', 'admin@example.org']]
) as [string, string][]
for (const [, email] of accounts) {
  const agent = new Agent(app)
  await agent.login(email, DEMO_PASSWORD)
  const routes = app.routeList.filter((r) => !r.url.startsWith('/static') && !SKIP.has(`${r.method} ${r.url}`))
  const forms = await harvestForms(
    agent,
    routes.filter((r) => r.method === 'GET').map((r) => concrete(r.url)),
  )
  for (const route of routes) {
    const url = concrete(route.url)
    const name = `${route.method} ${route.url}`
    if (route.method === 'POST') {
      const fields = [
        ...(
          forms.get(`POST ${url}`) ??
          new Map([
            ['name', ''],
            ['version', '1'],
          ])
        ).entries(),
      ].filter(([k]) => k !== '_csrf')
      if (fields.length === 0) continue
      // One field at a time gets a hostile value; the others keep the form's own values, so validation is reached.
      await fc.assert(
        fc.asyncProperty(fc.nat(fields.length - 1), value, async (i, v) => {
          const body = Object.fromEntries(fields.map(([k, d], j) => [k, j === i ? v : d]))
          await check(name, body, () => agent.post(url, body))
        }),
        { numRuns: RUNS * 2, seed: SEED },
      )
    } else if (route.method === 'GET') {
      const keys = [
        ...new Set(['q', 'page', 'offset', 'version', 'after', 'local', ...(forms.get(`GET ${url}`)?.keys() ?? [])]),
      ]
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...keys), value, async (k, v) => {
          const qs = new URLSearchParams({ [k]: v })
          await check(name, { [k]: v }, () => agent.get(`${url}?${qs}`))
        }),
        { numRuns: RUNS, seed: SEED },
      )
    }
    if ((await agent.get('/')).statusCode !== 200) await agent.login(email, DEMO_PASSWORD)
  }
}

// Both uploads: quotes inside unquoted fields and binary files.
const org = new Agent(app)
await org.login('organizer.boston@example.org', DEMO_PASSWORD)
const admin = new Agent(app)
await admin.login('admin@example.org', DEMO_PASSWORD)
const boston = await db.selectFrom('chapters').select('id').where('slug', '=', 'boston').executeTakeFirstOrThrow()
await fc.assert(
  fc.asyncProperty(csvFile, async (file) => {
    const res = await upload(app, org, '/people/import', file, { chapter_id: String(boston.id) })
    cases++
    if (res.statusCode >= 500) problems.push(`POST /people/import → ${res.statusCode}`)
    const olms = await upload(app, admin, '/admin/import', file)
    cases++
    if (olms.statusCode >= 500) problems.push(`POST /admin/import → ${olms.statusCode}`)
  }),
  { numRuns: RUNS * 5, seed: SEED },
)

// Every page that shows what was stored still answers, for every role.
const ids = {
  slate: (
    await db.selectFrom('slates').select('id').orderBy('is_current', 'desc').orderBy('id').executeTakeFirstOrThrow()
  ).id,
  drive: (await db.selectFrom('drives').select('id').where('chapter_id', '=', boston.id).executeTakeFirstOrThrow()).id,
  person: (await db.selectFrom('supporters').select('id').where('chapter_id', '=', boston.id).executeTakeFirstOrThrow())
    .id,
  publicSlug: (
    await db
      .selectFrom('slates')
      .select('public_slug')
      .where('public_slug', 'is not', null)
      .where('public_enabled', '=', true)
      .executeTakeFirst()
  )?.public_slug,
}
const pages = [
  `/slates/${ids.slate}`,
  `/slates/${ids.slate}/matrix`,
  '/review',
  `/drives/${ids.drive}`,
  `/people/${ids.person}`,
  ...(ids.publicSlug ? [`/public/slates/${ids.publicSlug}`] : []),
]
const viewers: [string, string | null][] = [
  ['admin', 'admin@example.org'],
  ['organizer', 'organizer.boston@example.org'],
  ['volunteer', 'volunteer.boston@example.org'],
  ['national', 'nlc@example.org'],
  ['anonymous', null],
]
for (const [role, email] of viewers) {
  const viewer = new Agent(app)
  if (email) await viewer.login(email, DEMO_PASSWORD)
  for (const page of pages) {
    const res = await viewer.get(page)
    cases++
    if (res.statusCode >= 500) problems.push(`${role} GET ${page} → ${res.statusCode}`)
  }
}

const fivexx = problems.filter((p) => / → 5\d\d/.test(p)).length
t.comment(
  `fuzz classes: ${cases} cases tried, ${fivexx} 5xx, ${problems.length - fivexx} writes on rejection (seed ${SEED}, ${RUNS} runs, ${Math.round((Date.now() - started) / 1000)} s)`,
)
for (const p of problems.slice(0, 40)) t.comment(p)
t.same(problems, [], 'no 5xx, no write on a refused request, every page answers every role')
