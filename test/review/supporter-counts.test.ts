import t from 'tap'
import { sql } from 'kysely'
import { buildTestApp } from '../helper.ts'
import { world } from '../factories.ts'
import type { Db } from '../../src/db/database.ts'

// The review reads supporter totals from review_supporter_counts (migration
// 085), kept by statement triggers. Whatever happens to supporters, the
// counters must equal a count of the rows themselves.
async function drift(db: Db) {
  const r = await sql<{ chapter_id: number; local_key: number; kept: number; counted: number; kept_12: number; counted_12: number }>`
    with counted as (
      select chapter_id, coalesce(local_id, 0) as local_key, count(*)::int as n, (count(*) filter (where current_level in (1, 2)))::int as n12
      from supporters where deleted_at is null group by 1, 2
    )
    select coalesce(k.chapter_id, c.chapter_id) as chapter_id, coalesce(k.local_key, c.local_key) as local_key,
      coalesce(k.supporters, 0) as kept, coalesce(c.n, 0) as counted, coalesce(k.supporters_12, 0) as kept_12, coalesce(c.n12, 0) as counted_12
    from review_supporter_counts k full join counted c on c.chapter_id = k.chapter_id and c.local_key = k.local_key
    where coalesce(k.supporters, 0) <> coalesce(c.n, 0) or coalesce(k.supporters_12, 0) <> coalesce(c.n12, 0)`.execute(db)
  return r.rows
}

t.test('the review’s supporter counters follow inserts, moves, level changes, soft deletes, restores and purges', async (t) => {
  const { db } = await buildTestApp(t)
  const w = await world(db)
  const rows = Array.from({ length: 60 }, (_, i) => ({ chapter_id: i % 2 ? w.a.id : w.b.id, local_id: i % 3 === 0 ? null : i % 2 ? w.localA.id : w.localB.id, name: `Counted ${i}`, current_level: (1 + (i % 5)) as 1 | 2 | 3 | 4 | 5 }))
  const ids = (await db.insertInto('supporters').values(rows).returning('id').execute()).map((r) => r.id)
  t.same(await drift(db), [], 'after a bulk insert')
  await db.updateTable('supporters').set({ current_level: 1 }).where('id', 'in', ids.slice(0, 20)).execute()
  t.same(await drift(db), [], 'after level changes')
  await db.updateTable('supporters').set({ local_id: w.localA.id, chapter_id: w.a.id }).where('id', 'in', ids.slice(10, 30)).execute()
  t.same(await drift(db), [], 'after moving supporters to another local and chapter')
  await db.updateTable('supporters').set({ deleted_at: sql`now()` }).where('id', 'in', ids.slice(25, 45)).execute()
  t.same(await drift(db), [], 'after soft deletes')
  await db.updateTable('supporters').set({ deleted_at: null }).where('id', 'in', ids.slice(25, 35)).execute()
  t.same(await drift(db), [], 'after restoring some')
  await db.deleteFrom('supporters').where('id', 'in', ids.slice(40, 60)).execute()
  t.same(await drift(db), [], 'after purging')
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('supporters').set({ current_level: 2 }).where('id', 'in', ids.slice(0, 5)).execute()
    await trx.updateTable('supporters').set({ deleted_at: sql`now()` }).where('id', 'in', ids.slice(5, 8)).execute()
  })
  t.same(await drift(db), [], 'after several statements in one transaction')
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('supporters').set({ current_level: 5 }).where('id', 'in', ids.slice(0, 10)).execute()
    await sql`select 1/0`.execute(trx)
  }).catch(() => undefined)
  t.same(await drift(db), [], 'after a transaction rolled back')
})
