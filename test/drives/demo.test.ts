import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'

t.test('the demo drives fill every column of the board, the dashboard and the drive pages', async (t) => {
  const { app, db } = await buildTestApp(t)
  await loadDemo(db)
  t.equal(await loadDemo(db), 'already loaded', 'loading twice adds nothing')
  const drives = await db.selectFrom('drives').selectAll().execute()
  t.ok(drives.length >= 18, `${drives.length} drives`)
  for (const s of ['identify', 'democratize', 'build_team', 'file_resolution', 'vote'])
    t.ok(
      drives.some((d) => d.stage === s && d.status === 'active'),
      s,
    )
  for (const s of ['won', 'lost', 'dropped', 'paused'])
    t.ok(
      drives.some((d) => d.status === s),
      s,
    )
  const outcomes = (await db.selectFrom('decisions').select('outcome').execute()).map((x) => x.outcome).sort()
  t.same(outcomes, ['adopted', 'failed', 'postponed'])
  const won = drives.find((d) => d.status === 'won')!
  t.equal(
    (await db.selectFrom('endorsements').selectAll().where('local_id', '=', won.local_id).execute()).length >= 1,
    true,
  )

  const admin = new Agent(app)
  await admin.login('admin@example.org', DEMO_PASSWORD)
  const board = await admin.get('/board')
  t.equal(board.statusCode, 200)
  t.notMatch(board.body, /data-count="(identify|democratize|build_team|file_resolution|vote|won|lost|dropped)">0</)
  const home = await admin.get('/')
  t.equal(home.statusCode, 200)
  t.match(home.body, 'days late')
  t.notMatch(home.body, 'No votes scheduled.')
  for (const d of drives) t.equal((await admin.get(`/drives/${d.id}`)).statusCode, 200, `drive ${d.id}`)
})
