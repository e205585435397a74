import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, nationalUnion, world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'
import type { LocalInput } from '../../src/unions/queries.ts'
import { loadDemo } from '../../src/demo/load.ts'
import { buildMatrix } from '../../src/slate/build-matrix.ts'
import { matrixTotals, slateMatrixData } from '../../src/slate/queries.ts'

/** `n` locals, each with a drive for the candidate at `stage`, made as the app makes them. */
async function localsWithDrives(
  db: Db,
  slateId: number,
  candidateId: number,
  n: number,
  localOf: (i: number) => Partial<LocalInput>,
  stage: 'identify' | 'democratize' = 'identify',
) {
  return f.many(n, async (i) => {
    const l = await f.local(db, localOf(i))
    const o = { chapter_id: l.chapter_id, asks: 'candidate' as const, candidate_id: candidateId }
    await f.drive(db, slateId, l.id, stage === 'identify' ? o : { ...o, stage })
    return l
  })
}

const stamps = async (db: Parameters<typeof matrixTotals>[0]) =>
  Object.fromEntries((await db.selectFrom('change_stamps').select(['key', 'n']).execute()).map((r) => [r.key, r.n]))

t.test('the totals counted in SQL equal the totals of the whole matrix built in memory', async (t) => {
  const { db } = await buildTestApp(t)
  await loadDemo(db)
  const slate = await db.selectFrom('slates').select('id').where('is_current', '=', true).executeTakeFirstOrThrow()
  const scope = { chapterIds: null }
  const filterSets = [{}, { level: 'municipal' }, { status: 'running' }, { state: 'MA' }]
  for (const f of filterSets) {
    const data = await slateMatrixData(db, slate.id, scope, f)
    const whole = buildMatrix({
      candidates: data.candidates.map((c) => ({
        id: c.id,
        name: c.name,
        office: c.office,
        status: c.status,
        goal: c.goal,
        electionDate: c.election_date,
      })),
      bodies: data.bodies,
      drives: data.drives,
      endorsements: data.endorsements,
    })
    const totals = await matrixTotals(db, slate.id, f)
    const pick = (candidateId: number | null) => totals.find((r) => r.candidate_id === candidateId)
    const fromSql = whole.columns.map((c) => pick(c.kind === 'slate' ? null : c.id)?.all_bodies ?? 0)
    const localsFromSql = whole.columns.map((c) => pick(c.kind === 'slate' ? null : c.id)?.locals ?? 0)
    t.same(fromSql, whole.columnTotals, `all bodies, filters ${JSON.stringify(f)}`)
    t.same(localsFromSql, whole.localColumnTotals, `locals only, filters ${JSON.stringify(f)}`)
    if (Object.keys(f).length === 0)
      t.ok(whole.columnTotals.reduce((a, b) => a + b, 0) >= 10, 'the demo has cells in force to count')
  }
})

t.test('the matrix is drawn a page at a time, and its body list follows every change', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await f.slate(db, { name: 'Paged slate', cycle: '2030', is_current: true })
  const cand = await f.candidate(db, s.id, { chapter_id: w.a.id, name: 'Paz Page', office: 'Mayor' })
  const locals = await localsWithDrives(db, s.id, cand.id, 120, (i) => ({
    name: `Paged Local ${i + 1}`,
    chapter_id: w.a.id,
    national_union_id: w.union.id,
  }))
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)

  const first = await admin.get(`/slates/${s.id}/matrix`)
  t.equal(first.statusCode, 200)
  t.match(first.body, 'Bodies 1–100 of 120', 'two columns: 100 bodies a page')
  t.match(first.body, '>Paged Local 2<', 'names sort as numbers: 2 before 10')
  t.ok(first.body.indexOf('>Paged Local 2<') < first.body.indexOf('>Paged Local 10<'))
  t.notMatch(first.body, '>Paged Local 101<')
  t.notMatch(first.body, '>Previous<')

  const third = await admin.get(`/slates/${s.id}/matrix?page=2`, { htmx: 'div#matrix-results' })
  t.equal(third.statusCode, 200)
  t.notMatch(third.body, '<html', 'htmx gets the results alone')
  t.match(third.body, 'Bodies 101–120 of 120')
  t.match(third.body, '>Paged Local 120<')
  t.equal((await admin.get(`/slates/${s.id}/matrix?page=99`)).statusCode, 200, 'a page past the end shows the last one')
  t.equal((await admin.get(`/slates/${s.id}/matrix?page=abc`)).statusCode, 400)

  const jump = await admin.get(`/slates/${s.id}/matrix?body=l${locals[109]!.id}`)
  t.match(jump.body, 'Bodies 101–120 of 120', '?body= opens the page that body is on')
  t.match(jump.body, `id="l${locals[109]!.id}"`)

  // A stage move changes a cell but not the list: no stamp moves, the cell is fresh.
  const before = await stamps(db)
  await db.updateTable('drives').set({ stage: 'vote' }).where('local_id', '=', locals[0]!.id).execute()
  t.same(await stamps(db), before, 'a stage move leaves the stamps alone')
  t.match((await admin.get(`/slates/${s.id}/matrix`)).body, 'Drive: Hold the vote', 'the moved cell is drawn fresh')

  // A new drive, a renamed local and a new endorsement each show at once.
  const extra = await f.local(db, { name: 'Paged Local 0', chapter_id: w.a.id, national_union_id: w.union.id })
  await f.drive(db, s.id, extra.id, { chapter_id: w.a.id, asks: 'candidate', candidate_id: cand.id })
  t.ok((await stamps(db)).matrix! > (before.matrix ?? 0), 'a new drive moves the stamp')
  const grown = await admin.get(`/slates/${s.id}/matrix`)
  t.match(grown.body, 'Bodies 1–100 of 121')
  t.ok(grown.body.indexOf('>Paged Local 0<') < grown.body.indexOf('>Paged Local 1<'), 'the new body sorts first')
  await db.updateTable('locals').set({ name: 'Zebra Local' }).where('id', '=', extra.id).execute()
  const renamed = await admin.get(`/slates/${s.id}/matrix?page=2`)
  t.match(renamed.body, '>Zebra Local<', 'a renamed body moves to its new place')
  const seiu = await nationalUnion(db, { abbreviation: 'NPU', name: 'National Paged Union' })
  await db
    .insertInto('endorsements')
    .values({ slate_id: s.id, national_union_id: seiu.id, candidate_id: null, decided_on: '2026-05-01' })
    .execute()
  const withNational = await admin.get(`/slates/${s.id}/matrix`)
  t.match(withNational.body, 'Bodies 1–100 of 122')
  t.match(withNational.body, '>National Paged Union<', 'national unions come first')

  // A status changed in place (a hand fix) moves the stamp: the totals are kept with the list.
  const e = await db
    .insertInto('endorsements')
    .values({ slate_id: s.id, local_id: locals[5]!.id, candidate_id: cand.id, decided_on: '2026-05-02' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const totalsOf = (body: string) => /In force, all bodies<\/th>\s*<td class="num">(\d+)<\/td>/.exec(body)![1]
  t.equal(totalsOf((await admin.get(`/slates/${s.id}/matrix`)).body), '1')
  await db.updateTable('endorsements').set({ status: 'rescinded' }).where('id', '=', e.id).execute()
  t.equal(
    totalsOf((await admin.get(`/slates/${s.id}/matrix`)).body),
    '0',
    'the kept totals follow a status changed in place',
  )

  // One transaction touching many rows moves each stamp once.
  const s0 = (await stamps(db)).matrix!
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('drives')
      .set({ deleted_at: sql`now()` })
      .where('slate_id', '=', s.id)
      .where(
        'local_id',
        'in',
        locals.slice(0, 30).map((l) => l.id),
      )
      .execute()
  })
  t.equal((await stamps(db)).matrix, s0 + 1, 'thirty soft-deleted drives, one bump')
  const fewer = await admin.get(`/slates/${s.id}/matrix`)
  t.equal(
    (fewer.body.match(/<tr id="[ln]\d+"/g) ?? []).length,
    93,
    'the deleted drives left the list (one body stays for its endorsement): 93 bodies on one page',
  )
  t.notMatch(fewer.body, 'Matrix pages')
})

t.test('the CSV export walks every body, a chunk at a time, with one header', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const s = await f.slate(db, { name: 'Export slate', cycle: '2030', is_current: true })
  const cand = await f.candidate(db, s.id, { chapter_id: w.a.id, name: 'Eva Export', office: 'Mayor' })
  const locals = await localsWithDrives(
    db,
    s.id,
    cand.id,
    1100,
    (i) => ({ name: `Export Local ${i + 1}`, chapter_id: w.a.id }),
    'democratize',
  )
  await db
    .insertInto('endorsements')
    .values({ slate_id: s.id, local_id: locals[1049]!.id, candidate_id: cand.id, decided_on: '2026-05-01' })
    .execute()
  const agent = new Agent(app)
  await agent.login(w.admin.email, PASSWORD)
  const res = await agent.get(`/slates/${s.id}/matrix?format=csv`)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], 'text/csv')
  const lines = res.body.split('\r\n').filter(Boolean)
  t.ok(res.body.startsWith('\ufeffBody,Kind,Group,'), 'byte-order mark, then the header')
  t.equal(lines.filter((l) => l.includes('Body,Kind,Group')).length, 1, 'one header')
  t.equal(lines.length, 1 + 1100, 'one row per body')
  for (const n of [1, 500, 501, 1000, 1001, 1100]) t.match(res.body, `Export Local ${n},Local,`, `body ${n} is there`)
  t.match(
    res.body,
    /Export Local 1050,Local,[^\r]*Endorsed · local–candidate · 2026-05-01/,
    'cells of a later chunk are filled',
  )
  const a = await db
    .selectFrom('audit_log')
    .select(['after'])
    .where('entity', '=', 'slate_matrix')
    .where('action', '=', 'export')
    .executeTakeFirstOrThrow()
  t.equal((a.after as { rows: number }).rows, 1100, 'the audit row counts the bodies exported')
})

t.test(
  'two transactions changing a body and a drive in opposite orders both commit (one stamp, taken last)',
  async (t) => {
    const { db, handle } = await buildTestApp(t)
    const w = await world(db)
    const s = await f.slate(db, { name: 'Busy slate', cycle: '2030', is_current: true })
    const d1 = await f.drive(db, s.id, w.localA.id, { chapter_id: w.a.id, asks: 'slate' })
    const d2 = await f.drive(db, s.id, w.localB.id, { chapter_id: w.a.id, asks: 'slate' })
    const before = (await stamps(db)).matrix ?? 0
    const c1 = await handle.pool.connect()
    const c2 = await handle.pool.connect()
    try {
      await c1.query('begin')
      await c2.query('begin')
      await c1.query('update locals set name = name || $2 where id = $1', [w.localA.id, ' (renamed)'])
      await c2.query('update drives set deleted_at = now() where id = $1', [d2!.id])
      await c1.query('update drives set deleted_at = now() where id = $1', [d1!.id])
      await c2.query('update locals set name = name || $2 where id = $1', [w.localB.id, ' (renamed)'])
      const results = await Promise.allSettled([c1.query('commit'), c2.query('commit')])
      t.same(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled'],
        'no deadlock at commit',
      )
    } finally {
      c1.release()
      c2.release()
    }
    const after = await stamps(db)
    t.same(
      Object.keys(after),
      ['matrix'],
      'bodies and drives move the one stamp: no second row to lock in another order',
    )
    t.equal(after.matrix, before + 2, 'each transaction moved it once')
  },
)
