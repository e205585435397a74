import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'

t.test('resolution search ignores accents and case', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)

  t.test('"MEMBRESIA" finds the title with "membresía"', async (t) => {
    const res = await org.get('/resolutions?q=MEMBRESIA')
    t.match(res.body, 'Respaldos decididos por la membresía')
    t.notMatch(res.body, 'Strike-support pledge')
  })

  t.test('"resolucion" finds the Spanish text whose body says "Resolución", and not the English ones', async (t) => {
    const res = await org.get('/resolutions?q=resolucion')
    t.match(res.body, 'Respaldo a la candidatura local')
    t.notMatch(res.body, 'Strike-support pledge')
  })
})
