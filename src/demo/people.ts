// Demo supporters for `npm run demo`: about eighty clearly fictional people
// (example.org emails, 555-01xx phones) in the locals that have demo drives,
// with level histories, conversations and drive teams. Runs inside the demo
// loader's transaction.
import { sql, type Transaction } from 'kysely'
import type { ConversationKind, Database, RoleInLocal, TeamRole } from '../db/schema.ts'

const FIRST = [
  'Avery',
  'Bea',
  'Cato',
  'Dara',
  'Emil',
  'Fen',
  'Gus',
  'Hana',
  'Ines',
  'Jules',
  'Kit',
  'Lior',
  'Mave',
  'Nico',
  'Oona',
  'Pax',
  'Quin',
  'Rue',
  'Sol',
  'Tam',
]
const LAST = [
  'Fablewood',
  'Pennyhollow',
  'Quillfeather',
  'Brightwater',
  'Marrowby',
  'Thistledown',
  'Larkspur',
  'Oakenshaw',
]
const ROLES: RoleInLocal[] = [
  'rank_and_file',
  'rank_and_file',
  'rank_and_file',
  'steward',
  'rank_and_file',
  'executive_board',
  'delegate',
  'rank_and_file',
  'officer',
  'steward',
]
const KINDS: ConversationKind[] = ['one_on_one', 'call', 'text', 'meeting', 'event']
const OUTCOMES = [
  'Agreed to talk to two co-workers',
  'Wants to see the candidate’s record on staffing',
  'Will come to the forum',
  'Signed the petition for a member poll',
  'Not ready yet; follow up after the contract vote',
  'Offered to speak at the meeting',
]
const TAGS = [['nights'], ['days', 'bilingual'], ['section'], [], ['newsletter'], []]

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000)
const isoDay = (d: Date) => d.toISOString().slice(0, 10)

export async function loadDemoPeople(trx: Transaction<Database>): Promise<string> {
  const drives = await trx
    .selectFrom('drives as d')
    .innerJoin('locals as l', 'l.id', 'd.local_id')
    .select(['d.id', 'd.local_id', 'd.chapter_id', 'd.stage'])
    .where('d.deleted_at', 'is', null)
    .where('d.chapter_id', 'is not', null)
    .orderBy('d.id')
    .execute()
  const organizers = await trx
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'm.chapter_id'])
    .execute()
  if (!drives.length) return 'no demo drives, so no supporters'
  let people = 0
  let conversations = 0
  let teams = 0
  const perDrive = Math.max(2, Math.ceil(80 / drives.length))
  for (const [di, d] of drives.entries()) {
    const actor = organizers.find((o) => o.chapter_id === d.chapter_id)?.id ?? null
    const deep = ['build_team', 'file_resolution', 'vote'].includes(d.stage)
    for (let k = 0; k < perDrive && people < 80; k++) {
      const n = people
      const first = FIRST[n % FIRST.length]!
      const last = LAST[(n * 3 + di) % LAST.length]!
      const level = deep ? [1, 1, 2, 2, 3][k % 5]! : [2, 3, 3, 4, 5][k % 5]!
      const row = await trx
        .insertInto('supporters')
        .values({
          chapter_id: d.chapter_id!,
          local_id: d.local_id,
          name: `${first} ${last}`,
          role_in_local: ROLES[n % ROLES.length]!,
          chapter_member: n % 4 === 0,
          email: `${first}.${last}.${n}@example.org`.toLowerCase(),
          email_normalised: `${first}.${last}.${n}@example.org`.toLowerCase(),
          phone: `+1${['617', '312', '303', '213'][n % 4]}55501${String(n % 100).padStart(2, '0')}`,
          preferred_language: n % 5 === 0 ? 'es' : 'en',
          tags: TAGS[n % TAGS.length]!,
          potential_leader: level === 1 || n % 7 === 0,
          do_not_contact: n % 23 === 0,
          keep_off_shared_lists: n % 11 === 0,
          current_level: level,
          notes: n % 6 === 0 ? 'Fictional demo person. Works the night shift; best reached after 8 pm.' : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      people++
      // History: started one or two steps less warm, moved to where they are now.
      const start = Math.min(5, level + 1 + (n % 2))
      for (let lv = start, step = 0; lv >= level; lv--, step++) {
        await trx
          .insertInto('support_levels')
          .values({
            supporter_id: row.id,
            level: lv,
            note: lv === level ? 'After the last 1-on-1' : null,
            actor_id: actor,
            at: sql`now() - make_interval(days => ${60 - step * 20})` as never,
          })
          .execute()
      }
      const talks = 1 + (n % 3)
      let lastContact = ''
      for (let c = 0; c < talks; c++) {
        const held = isoDay(daysAgo(5 + c * 17 + (n % 9)))
        if (held > lastContact) lastContact = held
        await trx
          .insertInto('conversations')
          .values({
            supporter_id: row.id,
            drive_id: d.id,
            kind: KINDS[(n + c) % KINDS.length]!,
            held_on: held,
            by_user_id: actor,
            outcome: OUTCOMES[(n + c) % OUTCOMES.length]!,
            follow_up_on: c === 0 && n % 3 === 0 ? isoDay(daysAgo(-7)) : null,
          })
          .execute()
        conversations++
      }
      await trx
        .updateTable('supporters')
        .set({ last_contact_on: lastContact || null })
        .where('id', '=', row.id)
        .execute()
      if (level <= 2 && (deep || k === 0)) {
        const role: TeamRole = k === 0 ? 'lead' : k === 1 ? 'coach' : 'member'
        await trx
          .insertInto('team_members')
          .values({ drive_id: d.id, supporter_id: row.id, role, trained_on: deep ? isoDay(daysAgo(20 + k * 3)) : null })
          .execute()
        teams++
      }
    }
  }
  return `${people} supporters, ${conversations} conversations, ${teams} team members`
}
