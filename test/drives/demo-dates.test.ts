import t from 'tap'
import { DateTime } from 'luxon'
import { buildTestApp } from '../helper.ts'
import { loadDemo } from '../../src/demo/load.ts'
import { demoDate, demoShiftDays } from '../../src/demo/dates.ts'
import { voteAfterElection } from '../../src/drives/vote-dates.ts'

t.test('the demo calendar moves with today by whole weeks, keeping weekdays', async (t) => {
  const ref = DateTime.fromISO('2026-12-01')
  t.equal(demoShiftDays(ref), 0)
  t.equal(demoShiftDays(ref.plus({ days: 6 })), 0)
  t.equal(demoShiftDays(ref.plus({ days: 7 })), 7)
  t.equal(demoShiftDays(ref.plus({ days: 400 })), 399)
  const later = ref.plus({ days: 400 })
  const moved = DateTime.fromISO(demoDate('2027-11-02', later))
  t.equal(moved.weekday, 2, 'an election written on a Tuesday stays on a Tuesday')
  t.ok(moved > later, 'and is still ahead of the day the demo loads')
})

t.test(
  'loaded today, the demo slate and its candidates run ahead and no demo drive votes after its election',
  async (t) => {
    const { db } = await buildTestApp(t)
    await loadDemo(db)
    const today = DateTime.now().toISODate()!
    const slate = await db.selectFrom('slates').selectAll().where('is_current', '=', true).executeTakeFirstOrThrow()
    t.ok(String(slate.election_date) > today, `slate election ${slate.election_date} after ${today}`)
    const running = await db
      .selectFrom('candidates')
      .select(['name', 'election_date'])
      .where('slate_id', '=', slate.id)
      .where('status', '=', 'running')
      .execute()
    t.ok(running.length > 0)
    for (const c of running) t.ok(String(c.election_date) > today, `${c.name} runs ${c.election_date}`)
    const drives = await db
      .selectFrom('drives as d')
      .leftJoin('candidates as c', 'c.id', 'd.candidate_id')
      .select(['d.id', 'd.vote_date', 'c.election_date as candidate_election'])
      .where('d.slate_id', '=', slate.id)
      .where('d.vote_date', 'is not', null)
      .execute()
    t.ok(drives.length > 0)
    for (const d of drives) {
      const election = d.candidate_election ?? slate.election_date
      t.notOk(voteAfterElection(String(d.vote_date), election ? String(election) : null), `drive ${d.id}`)
    }
  },
)
