// The CI version of `npm run soak`: 20 users for 8 s over two app instances on
// one database, mixed reads and writes (locals, conversations, stage moves,
// votes) — no 5xx, and every write that got a success response is in the
// database exactly once.
import t from 'tap'
import { createTestDatabase } from '../helper.ts'
import { createDb } from '../../src/db/database.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'
import { countIn, soak, startInstances, targets } from '../../scripts/soak.ts'

t.test('twenty users on two instances lose no acknowledged write and see no 5xx', { timeout: 180_000 }, async (t) => {
  const { url } = await createTestDatabase(t)
  const handle = createDb(url, { poolSize: 5 })
  t.teardown(() => handle.close())
  await loadDemo(handle.db)
  const running = await startInstances(url, 2, 10)
  t.teardown(() => running.close())
  const boston = (
    await handle.db.selectFrom('chapters').select('id').where('slug', '=', 'boston').executeTakeFirstOrThrow()
  ).id
  const work = await targets(handle.db, boston)
  t.ok(
    work.driveIds.length > 0 && work.supporterIds.length > 0,
    'the demo chapter has drives and supporters to work on',
  )
  const r = await soak({
    bases: running.bases,
    users: 20,
    seconds: 8,
    email: 'organizer.boston@example.org',
    password: DEMO_PASSWORD,
    chapterId: boston,
    ...work,
    countMarkers: (p) => countIn(handle.db, p),
  })
  t.comment(JSON.stringify(r))
  t.equal(r.instances, 2)
  t.ok(r.requests > 100, `${r.requests} requests were made`)
  t.equal(r.fivexx, 0, 'no 5xx')
  t.equal(r.networkErrors, 0, 'no network errors')
  t.ok(
    r.acknowledgedBy.local > 0 &&
      r.acknowledgedBy.conversation > 0 &&
      r.acknowledgedBy.move > 0 &&
      r.acknowledgedBy.vote > 0,
    'every kind of write was acknowledged at least once',
  )
  t.equal(r.found, r.acknowledged, 'every acknowledged write is in the database')
  t.equal(r.missing, 0)
  t.equal(r.duplicates, 0, 'no write is there twice')
})
