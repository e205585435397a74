import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { DEMO_PASSWORD, loadDemo } from '../../src/demo/load.ts'
import { DEMO_AMENDMENT } from '../../src/demo/filings.ts'

t.test('demo drives have filings linked to the library, one with an amended adopted text', async (t) => {
  const { app, db } = await buildTestApp(t)
  await loadDemo(db)
  const snapshot = async () => db.selectFrom('filings').selectAll().orderBy('id').execute()
  const before = await snapshot()
  t.equal(await loadDemo(db), 'already loaded', 'loading twice adds nothing')
  t.same(await snapshot(), before, 'loading twice changes no filing')

  const linked = await db
    .selectFrom('filings as f')
    .innerJoin('resolution_versions as v', 'v.id', 'f.resolution_version_id')
    .innerJoin('resolutions as r', 'r.id', 'v.resolution_id')
    .innerJoin('drives as d', 'd.id', 'f.drive_id')
    .select(['f.id', 'f.text_filed', 'f.adopted_text', 'r.slug', 'd.stage'])
    .execute()
  t.equal(linked.length, 3, 'three filings linked to a library version')
  for (const f of linked) {
    t.ok(['endorse-whole-slate', 'endorse-local-candidate'].includes(f.slug ?? ''), f.slug ?? 'no slug')
    t.ok(['file_resolution', 'vote'].includes(f.stage), f.stage)
    t.notMatch(f.text_filed, '{{', 'the filed text is filled in')
    t.match(f.text_filed, /RESOLVED, that .+ endorses the candidates of the/)
  }
  const amended = linked.filter((f) => f.adopted_text !== null)
  t.equal(amended.length, 1, 'one filing has an adopted text')
  const a = amended[0]!
  t.not(a.adopted_text, a.text_filed)
  t.match(a.adopted_text!, DEMO_AMENDMENT.to)

  const admin = new Agent(app)
  await admin.login('admin@example.org', DEMO_PASSWORD)
  const page = await admin.get(`/resolutions/filings/${a.id}`)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'member-education evenings', 'the filing page shows the amended words')
  t.match(page.body, /<ins><span class="diff-mark">\[added:<\/span>[^<]*evenings/, 'as an insertion in the diff')
})
