// npm run demo: a realistic, clearly fictional demo data set, loaded once per
// part (a settings key marks each part as loaded, so running it again adds
// nothing). Union names are real; people and details are invented.
import { sql, type Transaction } from 'kysely'
import type { Db } from '../db/database.ts'
import type { Database, DecidingBody, Orientation, Sector, VoteThreshold } from '../db/schema.ts'
import { hashPassword } from '../auth/passwords.ts'
import { audit } from '../audit/audit.ts'
import { loadDemoDrives } from './drives.ts'
import { loadDemoSlate } from './slate.ts'
import { loadDemoPeople } from './people.ts'
import { loadDemoReview } from './review.ts'
import { loadDemoFilings } from './filings.ts'
import { loadDemoWhip } from './whip.ts'
import { loadDemoAssignments } from './assignments.ts'

export const DEMO_PASSWORD = 'tenfold-demo-2026'

const CHAPTERS = [
  { slug: 'boston', name: 'Boston', city: 'Boston', state: 'MA', time_zone: 'America/New_York' },
  { slug: 'chicago', name: 'Chicago', city: 'Chicago', state: 'IL', time_zone: 'America/Chicago' },
  { slug: 'denver', name: 'Denver', city: 'Denver', state: 'CO', time_zone: 'America/Denver' },
  { slug: 'los-angeles', name: 'Los Angeles', city: 'Los Angeles', state: 'CA', time_zone: 'America/Los_Angeles' },
]

const UNIONS: [string, string, boolean, string][] = [
  [
    'SEIU',
    'Service Employees International Union',
    false,
    'Locals may endorse in local races; the international’s state council coordinates statewide and federal races.',
  ],
  [
    'CWA',
    'Communications Workers of America',
    true,
    'National endorsements follow a months-long member process ending in an executive board vote; ' +
      'locals endorse locally.',
  ],
  [
    'AFSCME',
    'American Federation of State, County and Municipal Employees',
    true,
    'Councils usually decide endorsements; locals recommend.',
  ],
  [
    'UNITE HERE',
    'UNITE HERE',
    true,
    'Locals endorse through their executive boards; the international decides federal races.',
  ],
  [
    'AFT',
    'American Federation of Teachers',
    true,
    'Locals endorse in local races; state federations handle statewide races.',
  ],
  [
    'NEA',
    'National Education Association',
    false,
    'State affiliates run recommendation processes with member screening committees.',
  ],
  [
    'IBT',
    'International Brotherhood of Teamsters',
    false,
    'Joint councils and the international DRIVE committee decide most endorsements.',
  ],
  ['UAW', 'United Auto Workers', true, 'Regional CAP councils make local and state endorsements.'],
  ['ATU', 'Amalgamated Transit Union', true, 'Locals endorse locally; the international decides federal races.'],
  ['NNU', 'National Nurses United', true, 'Endorsements come from the national council after member input.'],
  ['USW', 'United Steelworkers', true, 'District Rapid Response and political programs coordinate endorsements.'],
  [
    'IBEW',
    'International Brotherhood of Electrical Workers',
    true,
    'Locals endorse through their executive boards, often through the building trades council.',
  ],
]

type L = [
  string,
  string,
  string,
  string | null,
  number,
  Sector,
  Orientation,
  DecidingBody,
  VoteThreshold,
  number | null,
  number,
  string,
]
// chapter, union, name, designation, members, sector, orientation, deciding body, threshold, custom %,
// notice days, meetings
const LOCALS: L[] = [
  [
    'boston',
    'CWA',
    'CWA Local 1400',
    'Local 1400',
    2100,
    'private',
    'left_led',
    'membership_meeting',
    'majority_cast',
    null,
    14,
    'Second Tuesday of the month',
  ],
  [
    'boston',
    'SEIU',
    'SEIU Local 509',
    'Local 509',
    20000,
    'public',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Monthly, first Thursday',
  ],
  [
    'boston',
    'SEIU',
    '1199SEIU Massachusetts',
    '1199',
    60000,
    'private',
    'middling',
    'delegate_body',
    'majority_present',
    null,
    21,
    'Delegate assembly each quarter',
  ],
  [
    'boston',
    'UNITE HERE',
    'UNITE HERE Local 26',
    'Local 26',
    9000,
    'private',
    'left_led',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board every other Wednesday',
  ],
  [
    'boston',
    'AFT',
    'Boston Teachers Union',
    'Local 66',
    10000,
    'public',
    'progressive_opportunist',
    'membership_meeting',
    'majority_present',
    null,
    14,
    'Membership meeting the first Wednesday',
  ],
  [
    'boston',
    'ATU',
    'ATU Local 589',
    'Local 589',
    6000,
    'public',
    'middling',
    'membership_meeting',
    'majority_cast',
    null,
    30,
    'Monthly, third Sunday',
  ],
  [
    'boston',
    'AFSCME',
    'AFSCME Council 93',
    'Council 93',
    45000,
    'public',
    'middling',
    'council_conference',
    'two_thirds',
    null,
    30,
    'Political action conference in spring',
  ],
  [
    'boston',
    'IBEW',
    'IBEW Local 103',
    'Local 103',
    8000,
    'private',
    'hostile',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'boston',
    'NNU',
    'Massachusetts Nurses Association',
    null,
    23000,
    'private',
    'left_led',
    'cope_committee',
    'majority_cast',
    null,
    14,
    'Board of directors monthly',
  ],
  [
    'boston',
    'USW',
    'USW Local 12012',
    'Local 12012',
    1800,
    'private',
    'middling',
    'membership_meeting',
    'majority_cast',
    null,
    10,
    'Third Thursday',
  ],
  [
    'chicago',
    'AFT',
    'Chicago Teachers Union',
    'Local 1',
    25000,
    'public',
    'left_led',
    'delegate_body',
    'two_thirds',
    null,
    14,
    'House of Delegates, first Wednesday',
  ],
  [
    'chicago',
    'SEIU',
    'SEIU Healthcare Illinois Indiana',
    null,
    91000,
    'private',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    10,
    'Executive board monthly',
  ],
  [
    'chicago',
    'SEIU',
    'SEIU Local 73',
    'Local 73',
    28000,
    'public',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'chicago',
    'UNITE HERE',
    'UNITE HERE Local 1',
    'Local 1',
    15000,
    'private',
    'left_led',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Every other Tuesday',
  ],
  [
    'chicago',
    'ATU',
    'ATU Local 308',
    'Local 308',
    3500,
    'public',
    'middling',
    'membership_meeting',
    'majority_present',
    null,
    21,
    'Monthly, second Friday',
  ],
  [
    'chicago',
    'ATU',
    'ATU Local 241',
    'Local 241',
    9000,
    'public',
    'middling',
    'membership_meeting',
    'majority_cast',
    null,
    21,
    'Monthly, second Saturday',
  ],
  [
    'chicago',
    'IBT',
    'Teamsters Local 700',
    'Local 700',
    12000,
    'public',
    'middling',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'chicago',
    'IBT',
    'Teamsters Local 705',
    'Local 705',
    11000,
    'private',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'chicago',
    'AFSCME',
    'AFSCME Council 31',
    'Council 31',
    35000,
    'public',
    'middling',
    'council_conference',
    'two_thirds',
    null,
    45,
    'Endorsement conference before each election',
  ],
  [
    'chicago',
    'NNU',
    'National Nurses Organizing Committee — Illinois',
    null,
    4000,
    'private',
    'left_led',
    'cope_committee',
    'majority_cast',
    null,
    14,
    'Council monthly',
  ],
  [
    'chicago',
    'CWA',
    'CWA Local 4250',
    'Local 4250',
    3000,
    'private',
    'middling',
    'membership_meeting',
    'custom',
    58,
    14,
    'Fourth Tuesday',
  ],
  [
    'denver',
    'CWA',
    'CWA Local 7777',
    'Local 7777',
    4800,
    'private',
    'progressive_opportunist',
    'membership_meeting',
    'majority_cast',
    null,
    14,
    'First Monday',
  ],
  [
    'denver',
    'AFT',
    'Denver Federation of Paraprofessionals',
    'Local 5160',
    1500,
    'public',
    'left_led',
    'membership_meeting',
    'majority_present',
    null,
    7,
    'Monthly, second Tuesday',
  ],
  [
    'denver',
    'NEA',
    'Denver Classroom Teachers Association',
    null,
    5000,
    'public',
    'progressive_opportunist',
    'referendum',
    'majority_cast',
    null,
    30,
    'Representative council monthly',
  ],
  [
    'denver',
    'UNITE HERE',
    'UNITE HERE Local 23 (Colorado)',
    'Local 23',
    2500,
    'private',
    'left_led',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'denver',
    'ATU',
    'ATU Local 1001',
    'Local 1001',
    2500,
    'public',
    'middling',
    'membership_meeting',
    'majority_cast',
    null,
    14,
    'Monthly, third Wednesday',
  ],
  [
    'denver',
    'SEIU',
    'SEIU Local 105',
    'Local 105',
    9000,
    'private',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'denver',
    'UAW',
    'UAW Local 766',
    'Local 766',
    900,
    'private',
    'middling',
    'membership_meeting',
    'majority_cast',
    null,
    10,
    'Second Sunday',
  ],
  [
    'denver',
    'IBT',
    'Teamsters Local 455',
    'Local 455',
    7000,
    'private',
    'hostile',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'los-angeles',
    'UNITE HERE',
    'UNITE HERE Local 11',
    'Local 11',
    32000,
    'private',
    'left_led',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board weekly',
  ],
  [
    'los-angeles',
    'AFT',
    'United Teachers Los Angeles',
    'Local 1021',
    35000,
    'public',
    'left_led',
    'delegate_body',
    'two_thirds',
    null,
    21,
    'House of Representatives monthly',
  ],
  [
    'los-angeles',
    'SEIU',
    'SEIU Local 721',
    'Local 721',
    55000,
    'public',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    10,
    'Executive board monthly',
  ],
  [
    'los-angeles',
    'SEIU',
    'SEIU-USWW',
    null,
    40000,
    'private',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'los-angeles',
    'SEIU',
    'SEIU Local 2015',
    'Local 2015',
    400000,
    'private',
    'middling',
    'executive_board',
    'majority_cast',
    null,
    14,
    'Executive board monthly',
  ],
  [
    'los-angeles',
    'CWA',
    'CWA Local 9400',
    'Local 9400',
    4000,
    'private',
    'middling',
    'membership_meeting',
    'majority_cast',
    null,
    14,
    'Third Thursday',
  ],
  [
    'los-angeles',
    'ATU',
    'SMART-TD Local 1564',
    'Local 1564',
    5000,
    'public',
    'middling',
    'membership_meeting',
    'majority_present',
    null,
    21,
    'Monthly',
  ],
  [
    'los-angeles',
    'IBT',
    'Teamsters Local 396',
    'Local 396',
    10000,
    'private',
    'progressive_opportunist',
    'executive_board',
    'majority_cast',
    null,
    7,
    'Executive board monthly',
  ],
  [
    'los-angeles',
    'NNU',
    'California Nurses Association — Los Angeles',
    null,
    20000,
    'private',
    'left_led',
    'cope_committee',
    'majority_cast',
    null,
    14,
    'Regional council monthly',
  ],
  [
    'los-angeles',
    'AFSCME',
    'AFSCME District Council 36',
    'DC 36',
    15000,
    'public',
    'middling',
    'council_conference',
    'two_thirds',
    null,
    30,
    'Delegates meet quarterly',
  ],
  [
    'los-angeles',
    'UAW',
    'UAW Local 4811',
    'Local 4811',
    48000,
    'public',
    'left_led',
    'referendum',
    'majority_cast',
    null,
    21,
    'Joint council monthly',
  ],
]

export const DEMO_USERS = [
  { email: 'admin@example.org', name: 'Ada Admin', role: 'admin' as const, chapter: null },
  { email: 'nlc@example.org', name: 'Nia National', role: 'national' as const, chapter: null },
  { email: 'organizer.boston@example.org', name: 'Omar Organizer', role: 'organizer' as const, chapter: 'boston' },
  { email: 'organizer.chicago@example.org', name: 'Olga Organizer', role: 'organizer' as const, chapter: 'chicago' },
  { email: 'volunteer.boston@example.org', name: 'Vic Volunteer', role: 'volunteer' as const, chapter: 'boston' },
]

async function once(trx: Transaction<Database>, key: string, fn: () => Promise<string>): Promise<string | null> {
  const inserted = await trx
    .insertInto('settings')
    .values({ key, value: JSON.stringify(new Date().toISOString()) })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('key')
    .executeTakeFirst()
  if (!inserted) return null
  return fn()
}

export async function loadDemo(db: Db): Promise<string> {
  const hash = await hashPassword(DEMO_PASSWORD)
  return db.transaction().execute(async (trx) => {
    // One demo load at a time, even from two processes.
    await sql`select pg_advisory_xact_lock(4242001)`.execute(trx)
    const done: string[] = []
    const directory = await once(trx, 'demo:directory:v1', async () => {
      for (const c of CHAPTERS)
        await trx
          .insertInto('chapters')
          .values(c)
          .onConflict((oc) => oc.column('slug').doNothing())
          .execute()
      for (const [abbreviation, name, afl_cio, rules_notes] of UNIONS) {
        await sql`insert into national_unions (abbreviation, name, afl_cio, rules_notes)
          values (${abbreviation}, ${name}, ${afl_cio}, ${rules_notes})
          on conflict (upper(abbreviation)) do update set name = excluded.name, afl_cio = excluded.afl_cio,
            rules_notes = coalesce(national_unions.rules_notes, excluded.rules_notes)`.execute(trx)
      }
      const chapters = new Map(
        (await trx.selectFrom('chapters').select(['id', 'slug']).execute()).map((c) => [c.slug, c.id]),
      )
      const unions = new Map(
        (await trx.selectFrom('national_unions').select(['id', 'abbreviation']).execute()).map((u) => [
          u.abbreviation.toUpperCase(),
          u.id,
        ]),
      )
      for (const [
        ch,
        un,
        name,
        designation,
        members,
        sector,
        orientation,
        deciding_body,
        threshold,
        pct,
        notice_days,
        meeting_schedule,
      ] of LOCALS) {
        await trx
          .insertInto('locals')
          .values({
            chapter_id: chapters.get(ch)!,
            national_union_id: unions.get(un.toUpperCase()) ?? null,
            name,
            designation,
            members,
            sector,
            orientation,
            deciding_body,
            threshold,
            threshold_percent: pct,
            notice_days,
            meeting_schedule,
            city: CHAPTERS.find((c) => c.slug === ch)!.city,
            state: CHAPTERS.find((c) => c.slug === ch)!.state,
            quorum: deciding_body === 'membership_meeting' ? '25 members' : 'A majority of the board',
            rules_verified: members % 2 === 0,
            kind: name.includes('Council') || name.includes('DC 36') ? 'council' : 'local',
            parent_approval_offices: un === 'SEIU' || un === 'UNITE HERE' ? 'Federal races' : null,
          })
          .execute()
      }
      for (const u of DEMO_USERS) {
        const row = await trx
          .insertInto('users')
          .values({
            email: u.email,
            name: u.name,
            password_hash: hash,
            is_admin: u.role === 'admin',
            is_national: u.role === 'national',
          })
          .onConflict((oc) => oc.expression(sql`lower(email)`).doNothing())
          .returning('id')
          .executeTakeFirst()
        if (row && u.chapter && (u.role === 'organizer' || u.role === 'volunteer')) {
          await trx
            .insertInto('memberships')
            .values({ user_id: row.id, chapter_id: chapters.get(u.chapter)!, role: u.role })
            .execute()
        }
      }
      await audit(
        trx,
        { actorId: null, requestId: 'demo' },
        {
          action: 'import',
          entity: 'demo',
          after: { chapters: CHAPTERS.length, unions: UNIONS.length, locals: LOCALS.length },
        },
      )
      const emails = DEMO_USERS.map((u) => u.email).join(', ')
      const users = `${DEMO_USERS.length} users (password “${DEMO_PASSWORD}”: ${emails})`
      return `${CHAPTERS.length} chapters, ${UNIONS.length} national unions, ${LOCALS.length} locals, ${users}`
    })
    if (directory) done.push(directory)
    const drives = await once(trx, 'demo:drives:v1', () => loadDemoDrives(trx))
    if (drives) done.push(drives)
    const slate = await once(trx, 'demo:slate:v1', () => loadDemoSlate(trx))
    if (slate) done.push(slate)
    const people = await once(trx, 'demo:people:v1', () => loadDemoPeople(trx))
    if (people) done.push(people)
    const review = await once(trx, 'demo:review:v1', () => loadDemoReview(trx))
    if (review) done.push(review)
    const filings = await once(trx, 'demo:filings:v1', () => loadDemoFilings(trx))
    if (filings) done.push(filings)
    const whip = await once(trx, 'demo:whip:v1', () => loadDemoWhip(trx))
    if (whip) done.push(whip)
    const assignments = await once(trx, 'demo:assignments:v1', () => loadDemoAssignments(trx))
    if (assignments) done.push(assignments)
    return done.length ? done.join('; ') : 'already loaded'
  })
}
