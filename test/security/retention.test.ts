// Uploaded supporter rows are kept only while needed (issue 15, item 9): the
// scheduled retention job deletes them 7 days after a finished import, and at
// its next run for a failed import or an upload left unfinished for a day.
import t from 'tap'
import { sql } from 'kysely'
import { parseCrontab } from 'graphile-worker'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { RETENTION_CRONTAB, RETENTION_TASK, runRetention } from '../../src/people/import-retention.ts'

t.test('the retention job deletes the rows of finished, failed and abandoned imports', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const make = async (status: 'done' | 'failed' | 'mapped' | 'ready', hoursAgo: number) => {
    const imp = await db
      .insertInto('imports')
      .values({
        chapter_id: w.a.id,
        user_id: w.organizerA.id,
        filename: `${status}-${hoursAgo}.csv`,
        headers: ['name', 'email'],
        status,
        updated_at: sql`now() - make_interval(hours => ${hoursAgo})`,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('import_rows')
      .values([
        { import_id: imp.id, line: 2, cells: ['Jo Secret', 'jo@mail.test'], problem: null },
        { import_id: imp.id, line: 3, cells: ['Bad Row', 'not-an-email'], problem: 'Email is not valid.' },
      ])
      .execute()
    return imp.id
  }
  const doneOld = await make('done', 8 * 24)
  const doneRecent = await make('done', 2 * 24)
  const failed = await make('failed', 0)
  const abandoned = await make('mapped', 25)
  const inProgress = await make('ready', 2)
  const rowsOf = async (id: number) =>
    (await db.selectFrom('import_rows').select('line').where('import_id', '=', id).execute()).length

  const { imports } = await runRetention(db)
  t.equal(imports, 3)
  t.equal(await rowsOf(doneOld), 0, 'a finished import older than 7 days: rows deleted')
  t.equal(await rowsOf(failed), 0, 'a failed import: rows deleted at once')
  t.equal(await rowsOf(abandoned), 0, 'an upload left unfinished for a day: rows deleted')
  t.equal(await rowsOf(doneRecent), 2, 'a finished import of 2 days ago keeps its rows')
  t.equal(await rowsOf(inProgress), 2, 'an import being worked on keeps its rows')
  const marked = await db.selectFrom('imports').select('id').where('rows_purged_at', 'is not', null).execute()
  t.same(marked.map((r) => r.id).sort(), [doneOld, failed, abandoned].sort())
  t.equal((await runRetention(db)).imports, 0, 'a second run has nothing to do')

  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const report = await org.get(`/people/import/${doneOld}/report.csv`)
  t.equal(report.statusCode, 410, 'the report went with the rows')
  t.notMatch(report.body, 'Bad Row')
  const page = await org.get(`/people/import/${doneOld}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'were deleted')
  t.notMatch(page.body, 'Jo Secret')
  const upload = await org.get('/people/import')
  t.match(upload.body, 'keeps the rows of an uploaded file only while they are needed: 7 days after the import is done')
  t.equal((await org.get(`/people/import/${doneRecent}/report.csv`)).statusCode, 200)
})

t.test('the job is on the worker schedule and also drops old login attempts', async (t) => {
  const [item] = parseCrontab(RETENTION_CRONTAB)
  t.equal(item?.task, RETENTION_TASK)
  const { db } = await buildTestApp(t)
  await db
    .insertInto('login_attempts')
    .values([{ key: 'acct:old@example.org', at: sql`now() - interval '2 hours'` }, { key: 'acct:new@example.org' }])
    .execute()
  await runRetention(db)
  const keys = (await db.selectFrom('login_attempts').select('key').execute()).map((r) => r.key)
  t.same(keys, ['acct:new@example.org'])
})
