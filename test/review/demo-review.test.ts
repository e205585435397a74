import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'
import { groupFigures, stalledDrives, weeklyCounts } from '../../src/review/queries.ts'
import { STAGE_KEYS } from '../../src/drives/stages.ts'

t.test('the demo data gives every section of the review something true to show', async (t) => {
  const { app, db } = await buildTestApp(t)
  await loadDemo(db)
  const slate = await db.selectFrom('slates').select('id').where('is_current', '=', true).executeTakeFirstOrThrow()
  const all = { chapterIds: null }
  const f = { slate: slate.id }
  const unions = await groupFigures(db, all, f, 'union')
  const total = unions.find((r) => r.k === -1)!
  t.ok(unions.filter((r) => r.k > 0 && r.drives > 0).length >= 5, 'drives in at least five national unions')
  for (const s of STAGE_KEYS) t.ok(total[`med_${s}`] !== null || s === 'vote', `a median for ${s}`)
  t.ok(total.won > 0 && total.lost > 0 && total.dropped > 0, 'won, lost and dropped drives')
  t.ok(total.by_membership > 0 && total.by_leadership > 0, 'wins by the membership and by leadership')
  t.ok(total.national_slate + total.national_candidate > 0, 'a national-level endorsement')
  const chapters = await groupFigures(db, all, f, 'chapter')
  t.ok(chapters.filter((r) => r.k > 0).length >= 3, 'three chapters or more')
  const stalled = await stalledDrives(db, all, f, 30)
  t.ok(stalled.length >= 2, `a call list of stalled drives (${stalled.length})`)
  const weeks = await weeklyCounts(db, all, f)
  t.ok(weeks.filter((w) => w.endorsements > 0).length >= 2, 'endorsements in two weeks or more')
  for (const s of STAGE_KEYS)
    t.ok(
      weeks.some((w) => w[s] > 0),
      `drives entering ${s}`,
    )
  const nlc = new Agent(app)
  await nlc.login('nlc@example.org', DEMO_PASSWORD)
  const res = await nlc.get('/review')
  t.equal(res.statusCode, 200)
  t.match(res.body, 'Stalled drives')
  t.match(res.body, `Every stalled drive (${stalled.length})`)
  const seiu = await nlc.get('/review/unions/seiu')
  t.equal(seiu.statusCode, 200, 'SEIU has its own view')
  const seiuRow = unions.find((r) => r.label === 'SEIU')!
  t.ok(seiuRow.drives > 0, 'the demo has SEIU drives')
  t.match(seiu.body, `<span class="num">${seiuRow.active + seiuRow.paused}</span><span class="stat-label">open drives`)
  t.match(seiu.body, 'How endorsements were won')
})
