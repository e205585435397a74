// Fuzzed input: as an admin and as an organizer, every POST route gets form
// bodies and every GET route query strings built from hostile values (long,
// control characters, RTL and emoji, SQL and script payloads, wrong types,
// duplicated and missing fields, huge numbers, impossible dates), with a valid
// CSRF token and real record ids. Never a 5xx; never a payload unescaped in a
// page. A fixed seed and a few runs per route here; `npm run fuzz` runs many
// more (FUZZ_RUNS, FUZZ_SEED).
import t from 'tap'
import fc from 'fast-check'
import { loadDemo, DEMO_PASSWORD } from '../../src/demo/load.ts'
import { Agent, buildTestApp } from '../helper.ts'
import { bodyFor, harvestForms, hostile, QUERY_KEYS, recordIds, XSS } from './support.ts'

const RUNS = Number(process.env.FUZZ_RUNS ?? 6)
const SEED = Number(process.env.FUZZ_SEED ?? 20261123)
// Routes whose success would end the fuzzing session itself.
const SKIP = new Set(['POST /logout', 'POST /login', 'POST /login/2fa'])

type Finding = { role: string; route: string; status: number; problem: string; input: string }

t.setTimeout(Number(process.env.FUZZ_TIMEOUT ?? 280_000))
const { app, db, logs } = await buildTestApp(t)
await loadDemo(db)
const concrete = await recordIds(db)
const findings: Finding[] = []
let requests = 0

function inspect(
  role: string,
  route: string,
  input: unknown,
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
) {
  requests++
  const shown = JSON.stringify(input).slice(0, 400)
  if (res.statusCode >= 500) {
    const err = logs.filter((l) => l.includes('"err"')).at(-1)
    const message = err ? ((JSON.parse(err) as { err?: { message?: string } }).err?.message ?? '') : ''
    findings.push({ role, route, status: res.statusCode, problem: `5xx (${message.slice(0, 160)})`, input: shown })
  }
  const html = String(res.headers['content-type'] ?? '').includes('text/html')
  const leaked = html ? XSS.find((x) => res.body.includes(x)) : undefined
  if (leaked) findings.push({ role, route, status: res.statusCode, problem: `unescaped ${leaked}`, input: shown })
}

for (const [role, email] of [
  ['admin', 'admin@example.org'],
  ['organizer', 'organizer.boston@example.org'],
] as const) {
  const agent = new Agent(app)
  await agent.login(email, DEMO_PASSWORD)
  const routes = app.routeList.filter((r) => !r.url.startsWith('/static') && !SKIP.has(`${r.method} ${r.url}`))
  const gets = routes.filter((r) => r.method === 'GET').map((r) => concrete(r.url))
  const forms = await harvestForms(agent, gets)
  const stayLoggedIn = async () => {
    const res = await agent.get('/')
    if (res.statusCode !== 200) await agent.login(email, DEMO_PASSWORD)
  }

  for (const route of routes) {
    const url = concrete(route.url)
    const name = `${route.method} ${route.url}`
    if (route.method === 'POST') {
      const fields =
        forms.get(`POST ${url}`) ??
        new Map([
          ['name', ''],
          ['version', '1'],
          ['notes', ''],
        ])
      await fc.assert(
        fc.asyncProperty(bodyFor(fields), fc.boolean(), async (body, htmx) => {
          const res = await agent.post(url, body, { htmx })
          inspect(role, name, body, res)
        }),
        { numRuns: RUNS, seed: SEED },
      )
    } else if (route.method === 'GET') {
      const keys = [...new Set([...QUERY_KEYS, ...(forms.get(`GET ${url}`)?.keys() ?? [])])]
      const query = fc.dictionary(
        fc.constantFrom(...keys),
        fc.oneof(hostile, fc.array(hostile, { minLength: 2, maxLength: 3 })),
        { maxKeys: 5 },
      )
      await fc.assert(
        fc.asyncProperty(query, fc.boolean(), async (q, htmx) => {
          const qs = new URLSearchParams()
          for (const [k, v] of Object.entries(q)) for (const x of ([] as string[]).concat(v)) qs.append(k, x)
          const res = await agent.get(`${url}?${qs}`, { htmx })
          inspect(role, name, q, res)
        }),
        { numRuns: RUNS, seed: SEED },
      )
    }
    await stayLoggedIn()
  }
}

t.comment(`fuzz: ${requests} requests (${RUNS} runs per route and role, seed ${SEED}), ${findings.length} finding(s)`)
for (const f of findings) t.comment(`${f.role} ${f.route} → ${f.status} ${f.problem}: ${f.input}`)
t.same(
  findings.map((f) => `${f.role} ${f.route} → ${f.status} ${f.problem}`),
  [],
  'no 5xx and no unescaped payload on any route',
)
