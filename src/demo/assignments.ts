// Demo assignments: the Boston volunteer and organizer each get a short "my
// list" — one overdue, one due today, the rest over the coming week — drawn
// from the supporters of Boston's active drives, the least decided first and
// the drive with the next meeting first; the organizer has one already done
// (its conversation logged), so the progress tables show movement. Due dates
// are counted from today in the chapter's time zone. Runs inside the demo
// loader's transaction, after the drives and people.
import { DateTime } from 'luxon'
import { sql, type Transaction } from 'kysely'
import type { Database } from '../db/schema.ts'

const ASKS = [
  'Sign the petition for a member vote',
  'Invite to the candidate forum',
  'Speak for the resolution at the meeting?',
  'Find out how the night shift is leaning',
  'Bring two co-workers to the meeting',
  'Can they get the evening off for the vote?',
  'Join the team',
  null,
] as const

/** Due in days from today: the volunteer’s five, then the organizer’s four, the last done (null: no date). */
const VOLUNTEER_DUE = [-2, 0, 1, 3, 6]
const ORGANIZER_DUE = [-1, 2, 5, null]

export async function loadDemoAssignments(trx: Transaction<Database>): Promise<string> {
  const chapter = await trx
    .selectFrom('chapters')
    .select(['id', 'time_zone'])
    .where('slug', '=', 'boston')
    .executeTakeFirst()
  const users = await trx
    .selectFrom('users')
    .select(['id', 'email'])
    .where('email', 'in', ['volunteer.boston@example.org', 'organizer.boston@example.org'])
    .execute()
  const volunteer = users.find((u) => u.email.startsWith('volunteer'))
  const organizer = users.find((u) => u.email.startsWith('organizer'))
  if (!chapter || !volunteer || !organizer) return 'no Boston volunteer or organizer, so no assignments'
  const people = await trx
    .selectFrom('supporters as s')
    .innerJoin('drives as d', (j) =>
      j.onRef('d.local_id', '=', 's.local_id').onRef('d.chapter_id', '=', 's.chapter_id'),
    )
    .select(['s.id', 'd.id as drive_id', sql<string | null>`d.vote_date::text`.as('vote_date')])
    .where('s.chapter_id', '=', chapter.id)
    .where('s.deleted_at', 'is', null)
    .where('s.do_not_contact', '=', false)
    .where('d.deleted_at', 'is', null)
    .where('d.status', '=', 'active')
    .orderBy(sql`d.vote_date asc nulls last`)
    .orderBy(sql`abs(coalesce(s.current_level, 3) - 3)`)
    .orderBy('s.id')
    .execute()
  // One assignment per supporter: the first nine people, volunteer's first.
  const seen = new Set<number>()
  const picked = people
    .filter((p) => !seen.has(p.id) && seen.add(p.id))
    .slice(0, VOLUNTEER_DUE.length + ORGANIZER_DUE.length)
  const today = DateTime.now().setZone(chapter.time_zone).startOf('day')
  const due = (n: number | null) => (n === null ? null : today.plus({ days: n }).toISODate()!)
  const rows = picked.map((p, i) => {
    const mine = i < VOLUNTEER_DUE.length
    const n = mine ? VOLUNTEER_DUE[i]! : (ORGANIZER_DUE[i - VOLUNTEER_DUE.length] ?? null)
    return {
      chapter_id: chapter.id,
      supporter_id: p.id,
      assignee_id: mine ? volunteer.id : organizer.id,
      drive_id: p.drive_id,
      ask: ASKS[i % ASKS.length] ?? null,
      due_on: due(n),
      created_by: organizer.id,
    }
  })
  if (!rows.length) return 'no Boston supporters, so no assignments'
  const made = await trx.insertInto('assignments').values(rows).returning(['id', 'supporter_id', 'drive_id']).execute()
  // The organizer's last one is done: a conversation logged from "my list" two days ago.
  const last = made.at(-1)!
  const conversation = await trx
    .insertInto('conversations')
    .values({
      supporter_id: last.supporter_id,
      drive_id: last.drive_id,
      by_user_id: organizer.id,
      kind: 'one_on_one',
      held_on: due(-2)!,
      outcome: 'Will bring two co-workers to the meeting',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await trx
    .updateTable('assignments')
    .set({
      status: 'done',
      conversation_id: conversation.id,
      done_at: today.minus({ days: 2 }).set({ hour: 19 }).toJSDate(),
    })
    .where('id', '=', last.id)
    .execute()
  const meeting = picked.find((p) => p.vote_date !== null)
  const volunteerCount = rows.filter((r) => r.assignee_id === volunteer.id).length
  const who = `${volunteerCount} for the Boston volunteer, ${made.length - volunteerCount} for the organizer, one done`
  const next = meeting ? `; the next Boston meeting is drive ${meeting.drive_id}'s, on ${meeting.vote_date}` : ''
  return `${made.length} assignments (${who})${next}`
}
