import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { importOlms } from '../../src/imports/olms.ts'

const actor = { actorId: null, requestId: 'test' }
const names = (body: string) => [...body.matchAll(/<a href="\/locals\/\d+">([^<]+)<\/a>/g)].map((m) => m[1])

t.test('searching the imported directory', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const res = await importOlms(
    db,
    [
      'aff_abbr,desig_num,f_num',
      'SEIU,509,900001',
      'SEIU,1509,900002',
      'IBEW,509,900003',
      'IBT,727,900004',
      'IBEW,103,900005',
      'IBT,103,900006',
      'UNITHE,26,900007',
      'CWA,1400,900008',
      'USW,8751,900009',
    ].join('\n'),
    actor,
  )
  t.ok(res.ok)
  const boston = await db
    .updateTable('locals')
    .set({ city: 'Boston', state: 'MA' })
    .where('olms_file_number', '=', 900007)
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.updateTable('locals').set({ city: 'San José', state: 'CA' }).where('olms_file_number', '=', 900008).execute()
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const search = async (q: string) => names((await vol.get(`/locals?q=${encodeURIComponent(q)}`)).body)

  t.test('"SEIU 509", "SEIU Local 509" and "seiu local #509" find SEIU Local 509 and not 1509', async (t) => {
    for (const q of ['SEIU 509', 'SEIU Local 509', 'seiu local #509']) t.same(await search(q), ['SEIU Local 509'], q)
  })

  t.test('"local 509" and "509" find every local numbered 509', async (t) => {
    t.same(await search('local 509'), ['IBEW Local 509', 'SEIU Local 509'])
    t.same(await search('509'), ['IBEW Local 509', 'SEIU Local 509'])
  })

  t.test('a national union is found by its full name and its common names', async (t) => {
    t.same(await search('Service Employees 509'), ['SEIU Local 509'])
    t.same(await search('Teamsters 727'), ['Teamsters Local 727'])
    t.same(await search('steelworkers'), ['Steelworkers Local 8751'])
    t.same(await search('unite here'), ['UNITE HERE Local 26'])
  })

  t.test('a union and a number that belong to two unions find only the one asked for', async (t) => {
    t.same(await search('IBT 103'), ['Teamsters Local 103'])
    t.same(await search('IBEW Local 103'), ['IBEW Local 103'])
  })

  t.test('places are found without accents or case', async (t) => {
    t.same(await search('boston'), ['UNITE HERE Local 26'])
    t.same(await search('san jose'), ['CWA Local 1400'])
    t.same(await search('SAN JOSÉ'), ['CWA Local 1400'])
  })

  t.test('a search with regular-expression characters finds nothing and does not fail', async (t) => {
    for (const q of ['(', '[a', 'SEIU.*', '\\', '%', '_'])
      t.equal((await vol.get(`/locals?q=${encodeURIComponent(q)}`)).statusCode, 200, q)
    t.same(await search('SEIU.*'), [])
  })

  t.test('the list answers in a bounded number of queries whatever it finds', async (t) => {
    const a = await countQueries(handle, () => vol.get('/locals?q=509'))
    const b = await countQueries(handle, () => vol.get('/locals?q=Local'))
    t.ok(a <= 8, `${a} queries`)
    t.equal(a, b)
  })

  t.test('the found local links to its page', async (t) => {
    const page = await vol.get('/locals?q=boston')
    t.match(page.body, `/locals/${boston.id}`)
  })
})
