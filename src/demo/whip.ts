// Demo deciding bodies for the whip count: six drives get a realistic body —
// an 11-seat executive board under two-thirds, a COPE committee, a 15-seat
// delegate council, a 9-seat board at 60 %, a 13-seat board, and a general
// membership meeting counted by turnout — with reads and their history,
// relationships from the local's supporters to the members, and structure
// tests counted over three weeks. People are invented.
import { sql, type Transaction } from 'kysely'
import type { Database, MemberReadCol, VoteThreshold } from '../db/schema.ts'
import { demoDate } from './dates.ts'

const FIRST = ['Alma', 'Bart', 'Celia', 'Dmitri', 'Esme', 'Farid', 'Gloria', 'Hector', 'Ines', 'Jalen', 'Keiko', 'Luis']
const LAST = ['Abara', 'Brandt', 'Castillo', 'Dunmore', 'Eklund', 'Ferris', 'Gauthier', 'Holloway', 'Iqbal', 'Jessup']
const SEATS = [
  'President',
  'Vice president',
  'Secretary-treasurer',
  'Recording secretary',
  'Trustee',
  'Trustee',
  'Trustee',
]

type BodySpec = {
  kind: 'roster' | 'turnout'
  name: string
  threshold: VoteThreshold
  percent?: number
  quorum?: number
  expected?: number
  reads: MemberReadCol[]
}

const R = (spec: string): MemberReadCol[] =>
  spec
    .split('')
    .map(
      (c) =>
        ({ Y: 'yes', y: 'leaning_yes', u: 'undecided', n: 'leaning_no', N: 'no', a: 'absent' })[c] as MemberReadCol,
    )

const BODIES: BodySpec[] = [
  { kind: 'roster', name: 'Executive board', threshold: 'two_thirds', quorum: 6, reads: R('YYYYYyyuuuN') },
  { kind: 'roster', name: 'COPE committee', threshold: 'majority_cast', reads: R('YYYyunN') },
  { kind: 'roster', name: 'Delegate council', threshold: 'majority_present', quorum: 8, reads: R('YYYYYYyyuuunnNa') },
  { kind: 'roster', name: 'Executive board', threshold: 'custom', percent: 60, reads: R('YYYYyyuNN') },
  { kind: 'roster', name: 'Executive board', threshold: 'majority_cast', quorum: 7, reads: R('YYYYYYyyuNNNa') },
  {
    kind: 'turnout',
    name: 'General membership meeting',
    threshold: 'majority_cast',
    quorum: 25,
    expected: 80,
    reads: [],
  },
]

const KINDS = ['coworker', 'same_shift', 'friend', 'family', 'steward_of', 'organizer_contact'] as const
const STRENGTHS = ['close', 'knows', 'met_once'] as const

export async function loadDemoWhip(trx: Transaction<Database>): Promise<string> {
  const drives = await trx
    .selectFrom('drives as d')
    .innerJoin('locals as l', 'l.id', 'd.local_id')
    .select(['d.id', 'd.chapter_id', 'd.local_id', 'l.members'])
    .where('d.deleted_at', 'is', null)
    .where('d.chapter_id', 'is not', null)
    .where('d.status', '=', 'active')
    .where('d.stage', 'in', ['build_team', 'file_resolution', 'vote'])
    .orderBy(sql`case d.stage when 'vote' then 0 when 'file_resolution' then 1 else 2 end`)
    .orderBy('d.id')
    .limit(BODIES.length)
    .execute()
  if (drives.length === 0) return 'no drives near a vote, so no deciding bodies'
  const actor = await trx.selectFrom('users').select('id').where('is_admin', '=', true).orderBy('id').executeTakeFirst()
  let members = 0
  let relationships = 0
  let tests = 0
  for (const [i, d] of drives.entries()) {
    const spec = BODIES[i]!
    const body = await trx
      .insertInto('deciding_bodies')
      .values({
        drive_id: d.id,
        chapter_id: d.chapter_id,
        kind: spec.kind,
        name: spec.name,
        threshold: spec.threshold,
        threshold_percent: spec.percent ?? null,
        quorum: spec.quorum ?? null,
        expected_attendance: spec.expected ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const supporters = await trx
      .selectFrom('supporters')
      .select(['id', 'current_level'])
      .where('local_id', '=', d.local_id)
      .where('chapter_id', '=', d.chapter_id!)
      .where('deleted_at', 'is', null)
      .orderBy('id')
      .execute()
    if (spec.kind === 'turnout') {
      for (const [k, s] of supporters.entries()) {
        await trx
          .insertInto('turnout_pledges')
          .values({
            drive_id: d.id,
            chapter_id: d.chapter_id,
            supporter_id: s.id,
            pledge: (['confirmed', 'pledged', 'pledged', 'maybe'] as const)[k % 4]!,
            actor_id: actor?.id ?? null,
          })
          .execute()
      }
      continue
    }
    const memberIds: number[] = []
    for (const [k, read] of spec.reads.entries()) {
      // The board's first member is a supporter we already know: one person, not two records.
      const linked = k === 1 ? supporters.find((s) => s.current_level !== null && s.current_level <= 2) : undefined
      const m = await trx
        .insertInto('body_members')
        .values({
          body_id: body.id,
          chapter_id: d.chapter_id,
          seat: k < SEATS.length ? SEATS[k]! : spec.name === 'Delegate council' ? `Delegate, unit ${k - 3}` : 'Trustee',
          name: linked ? null : `${FIRST[(k + i * 5) % FIRST.length]} ${LAST[(k * 3 + i) % LAST.length]}`,
          supporter_id: linked?.id ?? null,
          joined_on: demoDate(`2024-0${1 + (k % 9)}-15`),
          read,
          read_at: sql`now() - ${`${k + 1} days`}::interval`,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      memberIds.push(m.id)
      members++
      // A short history: most were undecided before the chapter's last round of one-on-ones.
      if (read !== 'undecided') {
        await trx
          .insertInto('member_reads')
          .values({
            member_id: m.id,
            read: 'undecided',
            note: 'First read from the officers’ list',
            actor_id: actor?.id ?? null,
            at: sql`now() - interval '30 days'`,
          })
          .execute()
      }
      await trx
        .insertInto('member_reads')
        .values({
          member_id: m.id,
          read,
          note:
            read === 'yes'
              ? 'Said yes in a one-on-one'
              : read === 'undecided'
                ? 'Wants to hear from the candidate'
                : null,
          actor_id: actor?.id ?? null,
          at: sql`now() - ${`${k + 1} days`}::interval`,
        })
        .execute()
    }
    // Who knows whom: each supporter of the local knows one or two members.
    for (const [k, s] of supporters.entries()) {
      for (const off of k % 3 === 0 ? [0, 3] : [0]) {
        const target = memberIds[(k * 2 + off) % memberIds.length]!
        await trx
          .insertInto('relationships')
          .values({
            chapter_id: d.chapter_id!,
            a_supporter_id: s.id,
            b_member_id: target,
            kind: KINDS[(k + off) % KINDS.length]!,
            strength: STRENGTHS[(k + i) % STRENGTHS.length]!,
            actor_id: actor?.id ?? null,
          })
          .execute()
        relationships++
      }
    }
    // Structure tests on the first three drives: a petition by shift, a pledge card against membership.
    if (i < 3) {
      const test = await trx
        .insertInto('structure_tests')
        .values({
          drive_id: d.id,
          chapter_id: d.chapter_id,
          kind: i === 1 ? 'pledge_card' : 'petition',
          name: i === 1 ? 'Pledge cards for the slate' : 'Petition for a member vote',
          denominator: i === 1 ? 'membership' : 'units',
          target_percent: 60,
          started_on: demoDate('2026-11-10'),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      tests++
      const units =
        i === 1
          ? [{ name: 'Whole local', headcount: d.members ?? 400 }]
          : [
              { name: 'Day shift', headcount: 120 },
              { name: 'Night shift', headcount: 80 },
              { name: 'Weekend crew', headcount: 40 },
            ]
      for (const [u, unit] of units.entries()) {
        const row = await trx
          .insertInto('structure_test_units')
          .values({ test_id: test.id, name: unit.name, headcount: unit.headcount, position: u })
          .returning('id')
          .executeTakeFirstOrThrow()
        const shares = i === 0 ? [0.3, 0.45, 0.62 - u * 0.08] : [0.2, 0.33, 0.41]
        for (const [w, share] of shares.entries()) {
          await trx
            .insertInto('structure_test_counts')
            .values({
              unit_id: row.id,
              counted_on: demoDate(`2026-11-${String(10 + w * 7).padStart(2, '0')}`),
              total: Math.round(unit.headcount * share),
              actor_id: actor?.id ?? null,
            })
            .execute()
        }
      }
    }
  }
  return (
    `${drives.length} deciding bodies, ${members} body members, ${relationships} relationships, ` +
    `${tests} structure tests`
  )
}
