// Demo drives for `npm run demo`: a current slate (if none exists) and about
// twenty drives over the demo locals, spread over every stage and end, with
// stage histories over past months, process pushes, filings, decisions (one
// postponed, one adopted with its endorsement, one failed), next steps (some
// overdue) and upcoming votes. Runs inside the demo loader's transaction.
import { DateTime } from 'luxon'
import { demoSlate } from './dates.ts'
import type { Transaction } from 'kysely'
import type { Database, DriveStatusCol, StageKeyCol } from '../db/schema.ts'
import { STAGE_KEYS } from '../drives/stages.ts'
import { earliestVoteDate } from '../drives/vote-dates.ts'

type Plan = {
  stage: StageKeyCol
  status: DriveStatusCol
  startedMonthsAgo: number
  next?: [string, number]
  vote?: number
  decision?: 'postponed' | 'adopted' | 'failed'
  endReason?: string
}

// next: [step, due in days from today (negative = overdue)]; vote: days from today.
const PLANS: Plan[] = [
  { stage: 'identify', status: 'active', startedMonthsAgo: 1, next: ['1-on-1s with three stewards', 5] },
  { stage: 'identify', status: 'active', startedMonthsAgo: 2, next: ['Map the shop floor by shift', -4] },
  { stage: 'identify', status: 'active', startedMonthsAgo: 0, next: ['First conversation with the section', 9] },
  { stage: 'identify', status: 'paused', startedMonthsAgo: 3, next: ['Wait for the contract fight to end', 40] },
  { stage: 'democratize', status: 'active', startedMonthsAgo: 3, next: ['Ask the board for a candidate forum', -2] },
  { stage: 'democratize', status: 'active', startedMonthsAgo: 4, next: ['Circulate the member survey', 12] },
  { stage: 'democratize', status: 'active', startedMonthsAgo: 2, next: ['Petition for a binding member poll', 3] },
  { stage: 'build_team', status: 'active', startedMonthsAgo: 5, next: ['Leaders’ training, second session', 6] },
  { stage: 'build_team', status: 'active', startedMonthsAgo: 4, next: ['Recruit two more leaders on nights', -7] },
  {
    stage: 'file_resolution',
    status: 'active',
    startedMonthsAgo: 6,
    next: ['File the resolution with the secretary', 2],
  },
  { stage: 'file_resolution', status: 'active', startedMonthsAgo: 5, next: ['Fill in the model resolution', -1] },
  { stage: 'vote', status: 'active', startedMonthsAgo: 7, vote: 4, next: ['Turnout calls before the meeting', 2] },
  {
    stage: 'vote',
    status: 'active',
    startedMonthsAgo: 6,
    vote: 18,
    next: ['Prepare speakers for the floor', 10],
    decision: 'postponed',
  },
  { stage: 'vote', status: 'active', startedMonthsAgo: 7, vote: 26, next: ['Confirm the poll dates', -3] },
  { stage: 'vote', status: 'won', startedMonthsAgo: 8, decision: 'adopted' },
  { stage: 'vote', status: 'lost', startedMonthsAgo: 8, decision: 'failed' },
  {
    stage: 'democratize',
    status: 'dropped',
    startedMonthsAgo: 6,
    endReason: 'Leadership changed the bylaws to bar endorsements this cycle.',
  },
  { stage: 'identify', status: 'active', startedMonthsAgo: 1, next: ['Find members in common with the chapter', 14] },
  { stage: 'build_team', status: 'active', startedMonthsAgo: 3, next: ['Plan the team kickoff', 8] },
  { stage: 'file_resolution', status: 'paused', startedMonthsAgo: 4, next: ['Resume after the strike', 30] },
]

// schema.ts types these timestamp columns as Generated<ColumnType>, which accepts no
// value on insert; the database takes a Date fine.
const stamp = (d: DateTime) => d.toJSDate() as never

export async function loadDemoDrives(trx: Transaction<Database>): Promise<string> {
  let slate = await trx
    .selectFrom('slates')
    .select(['id', 'election_date'])
    .where('deleted_at', 'is', null)
    .orderBy('is_current', 'desc')
    .orderBy('id')
    .executeTakeFirst()
  if (!slate) {
    const demo = demoSlate()
    slate = await trx
      .insertInto('slates')
      .values({ name: demo.name, cycle: demo.cycle, election_date: demo.electionDate, is_current: true, goal: 100 })
      .returning(['id', 'election_date'])
      .executeTakeFirstOrThrow()
  }
  const all = await trx
    .selectFrom('locals as l')
    .innerJoin('chapters as c', 'c.id', 'l.chapter_id')
    .select(['l.id', 'l.chapter_id', 'l.notice_days', 'l.deciding_body', 'l.threshold', 'c.time_zone', 'c.slug'])
    .where('l.deleted_at', 'is', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('drives as d')
            .select('d.id')
            .whereRef('d.local_id', '=', 'l.id')
            .where('d.slate_id', '=', slate.id),
        ),
      ),
    )
    .orderBy('l.id')
    .limit(500)
    .execute()
  // Round-robin over chapters so every chapter gets drives at every stage.
  const byChapter = new Map<number | null, typeof all>()
  for (const l of all) byChapter.set(l.chapter_id, [...(byChapter.get(l.chapter_id) ?? []), l])
  const locals: typeof all = []
  for (let i = 0; locals.length < Math.min(PLANS.length, all.length); i++)
    for (const list of byChapter.values()) if (list[i] && locals.length < PLANS.length) locals.push(list[i]!)
  const organizers = await trx
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'm.chapter_id'])
    .where('m.role', '=', 'organizer')
    .execute()
  const ownerFor = (chapterId: number | null) => organizers.find((o) => o.chapter_id === chapterId)?.id ?? null
  let made = 0
  for (const [i, plan] of PLANS.entries()) {
    const l = locals[i]
    if (!l) break
    const tz = l.time_zone
    const today = DateTime.now().setZone(tz).startOf('day')
    const iso = (d: DateTime) => d.toISODate()!
    const owner = ownerFor(l.chapter_id)
    const body =
      l.deciding_body === 'executive_board'
        ? 'Executive board'
        : l.deciding_body === 'delegate_body'
          ? 'Delegate council'
          : 'General membership meeting'
    // Stage history: one move per stage up to the plan's stage, spread from the start to a few days ago.
    const last = STAGE_KEYS.indexOf(plan.stage)
    const start = today.minus({ months: plan.startedMonthsAgo, days: 3 + i })
    const span = Math.max(1, today.diff(start, 'days').days - 5)
    const at = (k: number) => start.plus({ days: Math.round((span * k) / (last + 1)) }).set({ hour: 18 })
    const ended = plan.status === 'won' || plan.status === 'lost' || plan.status === 'dropped'
    const enteredAt = ended ? today.minus({ days: 6 + i }).set({ hour: 21 }) : at(last)
    const drive = await trx
      .insertInto('drives')
      .values({
        slate_id: slate.id,
        local_id: l.id,
        chapter_id: l.chapter_id,
        asks: 'slate',
        stage: plan.stage,
        status: plan.status,
        owner_id: owner,
        next_step: ended ? null : (plan.next?.[0] ?? null),
        next_step_due: ended || !plan.next ? null : iso(today.plus({ days: plan.next[1] })),
        vote_date: plan.vote !== undefined ? iso(today.plus({ days: plan.vote })) : null,
        end_reason: plan.endReason ?? null,
        stage_entered_at: stamp(enteredAt),
        last_activity_at: stamp(enteredAt),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('stage_changes')
      .values({
        drive_id: drive.id,
        from_stage: null,
        to_stage: 'identify',
        from_status: null,
        to_status: 'active',
        actor_id: owner,
        at: stamp(at(0)),
      })
      .execute()
    for (let k = 1; k <= last; k++) {
      const reason = k === 1 ? 'Supporters known from the chapter’s section; counts not entered yet' : null
      await trx
        .insertInto('stage_changes')
        .values({
          drive_id: drive.id,
          from_stage: STAGE_KEYS[k - 1]!,
          to_stage: STAGE_KEYS[k]!,
          from_status: 'active',
          to_status: 'active',
          reason,
          actor_id: owner,
          at: stamp(at(k)),
        })
        .execute()
    }
    if (last >= 2 || (plan.stage === 'democratize' && i % 2 === 0)) {
      await trx
        .insertInto('process_pushes')
        .values({
          drive_id: drive.id,
          mechanisms: ['candidate_forum', i % 3 === 0 ? 'binding_poll' : 'member_survey'],
          body,
          decided_on: iso(at(1).plus({ days: 10 })),
          outcome: last >= 2 ? 'adopted' : 'pending',
          actor_id: owner,
        })
        .execute()
    }
    let filingId: number | null = null
    if (last >= 4 || (plan.stage === 'file_resolution' && plan.status === 'paused')) {
      const filedOn = iso(ended ? today.minus({ days: 30 + i }) : today.minus({ days: 20 }))
      const earliest = earliestVoteDate({ filedOn, noticeDays: l.notice_days ?? 14, timeZone: tz })
      const f = await trx
        .insertInto('filings')
        .values({
          drive_id: drive.id,
          filed_on: filedOn,
          body,
          text_filed:
            'Whereas our members deserve a voice in who we endorse; Resolved, that this local endorse the 2026 slate.',
          earliest_vote_on: earliest,
          actor_id: owner,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      filingId = f.id
    }
    if (plan.stage !== 'identify' && plan.status === 'paused') {
      await trx
        .insertInto('stage_changes')
        .values({
          drive_id: drive.id,
          from_stage: plan.stage,
          to_stage: plan.stage,
          from_status: 'active',
          to_status: 'paused',
          reason: 'On hold during a contract fight',
          actor_id: owner,
          at: stamp(today.minus({ days: 2 })),
        })
        .execute()
    }
    if (plan.decision) {
      const held = plan.decision === 'postponed' ? today.minus({ days: 12 }) : enteredAt.startOf('day')
      const counted = plan.decision !== 'postponed'
      const x = await trx
        .insertInto('decisions')
        .values({
          drive_id: drive.id,
          filing_id: filingId,
          body,
          held_on: iso(held),
          kind: 'meeting',
          quorum_met: true,
          votes_for: counted ? (plan.decision === 'adopted' ? 61 : 22) : null,
          votes_against: counted ? (plan.decision === 'adopted' ? 18 : 35) : null,
          abstain: counted ? 4 : null,
          threshold: counted ? 'majority_cast' : null,
          binding: true,
          outcome: plan.decision,
          next_date: plan.decision === 'postponed' ? iso(today.plus({ days: plan.vote ?? 14 })) : null,
          note: plan.decision === 'postponed' ? 'Ran out of time; moved to the next meeting.' : null,
          actor_id: owner,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      if (plan.decision === 'adopted') {
        await trx
          .insertInto('endorsements')
          .values({
            slate_id: slate.id,
            local_id: l.id,
            candidate_id: null,
            chapter_id: l.chapter_id,
            status: 'active',
            decided_on: iso(held),
            deciding_body: body,
            votes_for: 61,
            votes_against: 18,
            abstain: 4,
            threshold_met: true,
            decision_id: x.id,
            actor_id: owner,
          })
          .execute()
      }
    }
    if (ended) {
      await trx
        .insertInto('stage_changes')
        .values({
          drive_id: drive.id,
          from_stage: plan.stage,
          to_stage: plan.stage,
          from_status: 'active',
          to_status: plan.status,
          reason:
            plan.endReason ??
            (plan.decision === 'adopted' ? 'Decision recorded: Adopted' : 'Decision recorded: Failed'),
          actor_id: owner,
          at: stamp(enteredAt),
        })
        .execute()
    }
    made++
  }
  return `${made} demo drives`
}
