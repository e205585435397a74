// National unions are shown by the names people use: a fresh OLMS import labels them so, and the migration
// that renamed the unions imported before (2026-12-02-360) leaves what a person renamed by hand alone.
import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { importOlms } from '../../src/imports/olms.ts'
import { up } from '../../migrations/2026-12-02-360-union-common-names.ts'

const actor = { actorId: null, requestId: 'test' }

t.test('an OLMS import labels the Teamsters, the Steelworkers and UNITE HERE by their common names', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const res = await importOlms(
    db,
    'aff_abbr,desig_num,f_num\nIBT,727,1\nUSW,8751,2\nUNITHE,26,3\nCJA,13,4\nSEIU,509,5\n',
    actor,
  )
  t.ok(res.ok)
  const unions = await db
    .selectFrom('national_unions')
    .select(['abbreviation', 'name', 'code', 'aliases'])
    .where('code', 'is not', null)
    .orderBy('code')
    .execute()
  t.same(
    unions.map((u) => [u.code, u.abbreviation, u.name]),
    [
      ['CJA', 'Carpenters', 'United Brotherhood of Carpenters and Joiners of America'],
      ['IBT', 'Teamsters', 'International Brotherhood of Teamsters'],
      ['SEIU', 'SEIU', 'Service Employees International Union'],
      ['UNITHE', 'UNITE HERE', 'UNITE HERE'],
      ['USW', 'Steelworkers', 'United Steelworkers'],
    ],
    'the OLMS code is kept as the code, the common name is the label',
  )
  t.ok(unions.find((u) => u.code === 'IBT')!.aliases.includes('IBT'), 'the initials stay searchable')
  const locals = await db
    .selectFrom('locals')
    .select('name')
    .where('olms_file_number', 'is not', null)
    .orderBy('olms_file_number')
    .execute()
  t.same(
    locals.map((l) => l.name),
    ['Teamsters Local 727', 'Steelworkers Local 8751', 'UNITE HERE Local 26', 'Carpenters Local 13', 'SEIU Local 509'],
  )
  // Searching by the initials, the common name or the full name finds the same local.
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  for (const q of ['IBT 727', 'Teamsters 727', 'Teamsters Local 727', 'Brotherhood of Teamsters 727']) {
    const page = await vol.get(`/locals?q=${encodeURIComponent(q)}`)
    t.match(page.body, '>Teamsters Local 727</a>', q)
    t.notMatch(page.body, 'Steelworkers Local 8751', `${q} finds only the Teamsters local`)
  }
  const uw = await vol.get(`/locals?q=${encodeURIComponent('USW 8751')}`)
  t.match(uw.body, '>Steelworkers Local 8751</a>', 'USW 8751')
})

t.test('the migration renames unions and locals as the import left them, and nothing renamed by hand', async (t) => {
  const { db } = await buildTestApp(t)
  const ins = async (abbreviation: string, name: string, code: string | null) =>
    (
      await db
        .insertInto('national_unions')
        .values({ abbreviation, name, code })
        .returning(['id', 'version'])
        .executeTakeFirstOrThrow()
    ).id
  // As the import of the last weeks left them: the code as the label, the full name.
  const ibt = await ins('IBT', 'International Brotherhood of Teamsters', 'IBT')
  // As the first import left them (before codes were kept): code, label and name all the OLMS code.
  const pat = await ins('PAT', 'PAT', null)
  // Renamed by hand: the label is kept, and so is the name.
  const usw = await ins('Steel', 'Our steelworkers', 'USW')
  // Not an OLMS union at all.
  const own = await ins('CTU', 'Chicago Teachers Union', null)
  let f = 100
  const local = async (unionId: number, name: string, olms = true) =>
    (
      await db
        .insertInto('locals')
        .values({ national_union_id: unionId, name, olms_file_number: olms ? f++ : null })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
  const l727 = await local(ibt, 'IBT Local 727')
  const lfile = await local(ibt, 'IBT (OLMS file 555)')
  const lhand = await local(ibt, 'Chicago Truck Drivers (IBT Local 705)')
  const lmade = await local(ibt, 'IBT Local 710', false)
  const l35 = await local(pat, 'PAT Local 35')
  const lsteel = await local(usw, 'Steel Local 1')

  await up(db)

  const unions = await db
    .selectFrom('national_unions')
    .select(['id', 'abbreviation', 'name', 'code', 'aliases', 'version'])
    .orderBy('id')
    .execute()
  const byId = new Map(unions.map((u) => [u.id, u]))
  t.match(byId.get(ibt), { abbreviation: 'Teamsters', name: 'International Brotherhood of Teamsters', code: 'IBT' })
  t.ok(byId.get(ibt)!.aliases.includes('IBT'), 'the old label is an alias')
  t.ok(byId.get(ibt)!.version > 1, 'the version went up (an open form sees the change)')
  t.match(byId.get(pat), {
    abbreviation: 'IUPAT',
    name: 'International Union of Painters and Allied Trades',
    code: 'PAT',
  })
  t.match(byId.get(usw), { abbreviation: 'Steel', name: 'Our steelworkers', code: 'USW' }, 'a hand-made label stays')
  t.match(byId.get(own), { abbreviation: 'CTU', name: 'Chicago Teachers Union', code: null })
  const names = new Map(
    (await db.selectFrom('locals').select(['id', 'name']).execute()).map((l) => [l.id, l.name] as const),
  )
  t.equal(names.get(l727), 'Teamsters Local 727')
  t.equal(names.get(lfile), 'Teamsters (OLMS file 555)')
  t.equal(names.get(lhand), 'Chicago Truck Drivers (IBT Local 705)', 'a name typed by hand stays')
  t.equal(names.get(lmade), 'IBT Local 710', 'a local not from the OLMS file stays')
  t.equal(names.get(l35), 'IUPAT Local 35')
  t.equal(names.get(lsteel), 'Steel Local 1')

  // Run twice, nothing changes the second time but the versions.
  await up(db)
  const again = await db.selectFrom('national_unions').select(['id', 'abbreviation', 'name', 'code']).execute()
  t.same(
    again.map((u) => [u.id, u.abbreviation, u.name, u.code]).sort(),
    unions.map((u) => [u.id, u.abbreviation, u.name, u.code]).sort(),
  )
  t.equal((await sql<{ n: number }>`select count(*)::int as n from locals`.execute(db)).rows[0]!.n, 6)
})

t.test('a label another union already has is not taken twice', async (t) => {
  const { db } = await buildTestApp(t)
  await db.insertInto('national_unions').values({ abbreviation: 'Teamsters', name: 'Teamsters (typed)' }).execute()
  const id = (
    await db
      .insertInto('national_unions')
      .values({ abbreviation: 'IBT', name: 'IBT', code: 'IBT' })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id
  await up(db)
  const row = await db
    .selectFrom('national_unions')
    .select(['abbreviation', 'name'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
  t.same(row, { abbreviation: 'IBT', name: 'International Brotherhood of Teamsters' })
})
