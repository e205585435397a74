import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'
import { demoDate, demoSlate } from '../../src/demo/dates.ts'
import { formatDate } from '../../src/shared/format.ts'

t.test('the demo slate fills the slate page and the matrix, and they agree with the database', async (t) => {
  const { app, db } = await buildTestApp(t)
  await loadDemo(db)
  t.equal(await loadDemo(db), 'already loaded', 'loading twice adds nothing')
  const slate = await db.selectFrom('slates').selectAll().where('is_current', '=', true).executeTakeFirstOrThrow()
  t.equal(slate.name, demoSlate().name)
  const statuses = await db
    .selectFrom('endorsements')
    .select('status')
    .distinct()
    .where('slate_id', '=', slate.id)
    .execute()
  t.same(statuses.map((s) => s.status).sort(), [
    'active',
    'conditional',
    'conflict_parent',
    'pending_parent',
    'rescinded',
    'superseded',
  ])
  const withdrawn = await db
    .selectFrom('candidates')
    .select('name')
    .where('slate_id', '=', slate.id)
    .where('status', '=', 'withdrawn')
    .execute()
  t.equal(withdrawn.length, 1)

  // Distinct locals (not councils) whose latest row of some cell is in force.
  const expected = await sql<{ n: number }>`
    select count(distinct local_id)::int as n from (
      select distinct on (e.local_id, coalesce(e.candidate_id, 0)) e.local_id, e.status
      from endorsements e join locals l on l.id = e.local_id
      where e.slate_id = ${slate.id} and l.kind in ('local', 'unit')
      order by e.local_id, coalesce(e.candidate_id, 0), e.decided_on desc, e.created_at desc, e.id desc
    ) x where status in ('active', 'conditional', 'pending_parent', 'conflict_parent')`.execute(db)
  const n = expected.rows[0]!.n
  t.ok(n >= 10, `${n} endorsing locals`)

  const agent = new Agent(app)
  await agent.login('volunteer.boston@example.org', DEMO_PASSWORD)
  const page = await agent.get(`/slates/${slate.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, `<strong>${n}</strong> of 100 locals`)
  t.match(page.body, 'Wen Okonkwo-Reyes (withdrawn)')
  const matrix = await agent.get(`/slates/${slate.id}/matrix`)
  t.equal(matrix.statusCode, 200)
  t.match(matrix.body, '>Rescinded · ')
  t.match(matrix.body, `>Endorsed · ${formatDate(demoDate('2026-06-03'))}<`, 'rescinded, then endorsed again')
  t.match(matrix.body, 'Conditional')
  t.match(matrix.body, 'Pending parent approval')
  t.match(matrix.body, 'Conflicts with parent')
  t.match(matrix.body, '>By slate<', 'covered by the slate endorsement')
  // The page leaves the level to the row and the column; the CSV spells it out.
  const admin = new Agent(app)
  await admin.login('admin@example.org', DEMO_PASSWORD)
  const csv = await admin.get(`/slates/${slate.id}/matrix?format=csv`)
  t.equal(csv.statusCode, 200)
  t.match(csv.body, 'Rescinded · local–candidate')
  t.match(csv.body, `Endorsed · local–candidate · ${demoDate('2026-06-03')}`)
  t.match(csv.body, 'Endorsed · national–slate')
  t.match(csv.body, 'Endorsed · council–candidate')
  t.match(csv.body, 'Covered by slate endorsement')
})
