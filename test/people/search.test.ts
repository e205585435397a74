import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import { PASSWORD, local, supporter, world } from '../factories.ts'

t.test('people search ignores accents and case', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const sjLocal = await local(db, { name: 'Local de Peñuelas 3', chapter_id: w.a.id, national_union_id: w.union.id })
  await supporter(db, w.a.id, w.localA.id, { name: 'José Ramírez' })
  await supporter(db, w.a.id, sjLocal.id, { name: 'Ana Núñez' })
  await supporter(db, w.a.id, w.localA.id, { name: 'Joseph Park' })
  await supporter(db, w.a.id, w.localA.id, { name: 'Mary Lee' })
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const found = async (q: string) => {
    const body = (await vol.get(`/people?q=${encodeURIComponent(q)}`)).body
    return ['José Ramírez', 'Ana Núñez', 'Joseph Park', 'Mary Lee'].filter((n) => body.includes(n))
  }

  t.test('"jose" finds José and Joseph, "JOSÉ" the same', async (t) => {
    t.same(await found('jose'), ['José Ramírez', 'Joseph Park'])
    t.same(await found('JOSÉ'), ['José Ramírez', 'Joseph Park'])
  })

  t.test('"ramirez" and "nunez" find the accented surnames', async (t) => {
    t.same(await found('ramirez'), ['José Ramírez'])
    t.same(await found('nunez'), ['Ana Núñez'])
  })

  t.test('the local’s name is searched the same way', async (t) => {
    t.same(await found('penuelas'), ['Ana Núñez'])
  })

  t.test('a search costs the same number of queries as no search', async (t) => {
    const a = await countQueries(handle, () => vol.get('/people'))
    const b = await countQueries(handle, () => vol.get('/people?q=jose'))
    t.equal(a, b)
  })
})
