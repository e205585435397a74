import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp } from '../helper.ts'
import { importOlms, parseOlms } from '../../src/imports/olms.ts'

const actor = { actorId: null, requestId: 'test' }
const count = async (db: Awaited<ReturnType<typeof buildTestApp>>['db'], table: 'locals' | 'national_unions') =>
  Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0]!.n)

t.test('parsing checks every row and names its line', async (t) => {
  const cases = [
    {
      name: 'a clean file with a BOM',
      input: '\ufeffaff_abbr,desig_num,f_num\nCWA,1400,100\nSEIU,0,101\n',
      rows: 2,
      errors: [],
    },
    { name: 'a missing header column', input: 'abbr,num\nCWA,1\n', rows: 0, errors: [1] },
    {
      name: 'a local number that is not a number',
      input: 'aff_abbr,desig_num,f_num\nCWA,abc,5\n',
      rows: 0,
      errors: [2],
    },
    { name: 'a zero file number', input: 'aff_abbr,desig_num,f_num\nCWA,1,0\n', rows: 0, errors: [2] },
    {
      name: 'a file number under two local numbers is one body',
      input: 'aff_abbr,desig_num,f_num\nCWA,1,7\nCWA,2,7\n',
      rows: 1,
      errors: [],
    },
    { name: 'an empty abbreviation', input: 'aff_abbr,desig_num,f_num\n,1,8\n', rows: 0, errors: [2] },
  ]
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const r = parseOlms(c.input)
      t.equal(r.rows.length, c.rows)
      t.same(
        r.errors.map((e) => e.line),
        c.errors,
      )
    })
  }
})

t.test('importing the directory', async (t) => {
  const { db } = await buildTestApp(t)
  const file = 'aff_abbr,desig_num,f_num\nCWA,1400,100\nCWA,1400,101\nSEIU,0,102\nNEWU,7,103\n'

  t.test('creates national unions by abbreviation and locals by file number', async (t) => {
    const res = await importOlms(db, file, actor)
    t.ok(res.ok)
    if (res.ok) t.same(res.result, { rows: 4, bodies: 4, unionsCreated: 3, localsCreated: 4, localsExisting: 0 })
    t.equal(await count(db, 'locals'), 4)
    const cwa = await db
      .selectFrom('national_unions')
      .selectAll()
      .where('abbreviation', '=', 'CWA')
      .executeTakeFirstOrThrow()
    t.equal(cwa.name, 'Communications Workers of America')
    const l = await db.selectFrom('locals').selectAll().where('olms_file_number', '=', 100).executeTakeFirstOrThrow()
    t.equal(l.name, 'CWA Local 1400')
    t.equal(l.national_union_id, cwa.id)
    t.equal(l.chapter_id, null, 'an imported local belongs to no chapter')
  })

  t.test('running it twice changes nothing', async (t) => {
    const res = await importOlms(db, file, actor)
    t.ok(res.ok)
    if (res.ok) t.same(res.result, { rows: 4, bodies: 4, unionsCreated: 0, localsCreated: 0, localsExisting: 4 })
    t.equal(await count(db, 'locals'), 4)
    t.equal(await count(db, 'national_unions'), 3)
  })

  t.test('a bad row anywhere imports nothing', async (t) => {
    const res = await importOlms(db, 'aff_abbr,desig_num,f_num\nUAW,600,200\nUAW,601,201\nUAW,six,202\n', actor)
    t.notOk(res.ok)
    if (!res.ok)
      t.same(
        res.errors.map((e) => e.line),
        [4],
      )
    t.equal(await count(db, 'locals'), 4)
    t.equal(await count(db, 'national_unions'), 3)
  })

  t.test('each import is audited', async (t) => {
    const rows = await db.selectFrom('audit_log').select('action').where('entity', '=', 'olms_directory').execute()
    t.equal(rows.length, 2)
  })
})

t.test('the real OLMS directory loads whole', async (t) => {
  const fs = await import('node:fs')
  const { db } = await buildTestApp(t)
  const res = await importOlms(db, fs.readFileSync(new URL('../fixtures/olms-locals.csv', import.meta.url)), actor)
  t.ok(res.ok)
  if (!res.ok) return
  t.equal(res.result.rows, 33543, 'every row read')
  t.equal(res.result.unionsCreated, 181, 'every national union (UNITE, UNITHE and HERE are one)')
  t.equal(res.result.localsCreated, res.result.bodies, 'one local per filing body')
  t.equal(await count(db, 'locals'), res.result.bodies)
  const seiu1199 = await db.selectFrom('locals').select('id').where('name', '=', 'SEIU Local 1199').execute()
  t.ok(seiu1199.length > 1, 'one local number can be several filing bodies')
  const uh = await db
    .selectFrom('national_unions')
    .selectAll()
    .where('abbreviation', '=', 'UNITE HERE')
    .executeTakeFirstOrThrow()
  const codes = [uh.code, ...uh.aliases.filter((a) => ['UNITE', 'UNITHE', 'HERE'].includes(a))].sort()
  t.same(codes, ['HERE', 'UNITE', 'UNITHE'], 'its three OLMS codes are kept, one as the code, two as aliases')
  t.equal(
    await db.selectFrom('national_unions').select('id').where('abbreviation', '=', 'UNITHE').executeTakeFirst(),
    undefined,
  )
  const started = Date.now()
  const found = await db
    .selectFrom('locals as l')
    .select('l.name')
    .where((await import('../../src/unions/queries.ts')).localSearch('Service Employees 509'))
    .where('l.deleted_at', 'is', null)
    .execute()
  t.ok(
    found.some((f) => f.name === 'SEIU Local 509'),
    'found by the union’s name and number',
  )
  t.ok(Date.now() - started < 500, `searching 33,000 locals took ${Date.now() - started} ms`)
})

t.test('OLMS codes become the names people use', async (t) => {
  const { db } = await buildTestApp(t)
  await db.insertInto('national_unions').values({ abbreviation: 'IBT', name: 'Teamsters (typed by hand)' }).execute()
  const res = await importOlms(db, 'aff_abbr,desig_num,f_num\nIBT,727,1\nUNITHE,26,2\nHERE,11,3\nPAT,35,4\n', actor)
  t.ok(res.ok)
  const unions = await db.selectFrom('national_unions').selectAll().orderBy('abbreviation').execute()
  t.same(
    unions.map((u) => [u.abbreviation, u.code]),
    [
      ['IBT', 'IBT'],
      ['IUPAT', 'PAT'],
      ['UNITE HERE', 'UNITHE'],
    ],
  )
  const ibt = unions.find((u) => u.abbreviation === 'IBT')!
  t.equal(ibt.name, 'Teamsters (typed by hand)', 'a union that was already there keeps its name')
  t.ok(ibt.aliases.includes('Teamsters'), 'and learns its common name')
  const locals = await db.selectFrom('locals').select('name').orderBy('olms_file_number').execute()
  t.same(
    locals.map((l) => l.name),
    ['IBT Local 727', 'UNITE HERE Local 26', 'UNITE HERE Local 11', 'IUPAT Local 35'],
  )
})
