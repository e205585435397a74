// Demo data for the slate: the current national slate (created here
// unless another demo part made it first), six fictional candidates in the demo
// chapters (one withdrawn), and endorsements at every level and status — a
// rescission followed by a re-endorsement, a supersession, a conditional one,
// one pending the parent union's approval, one in conflict with it — so the
// matrix and the 10×10 picture mean something on first start. People are
// invented; union names are real. Dates move with today (dates.ts).
import type { Transaction } from 'kysely'
import type { Database, EndorsementStatusCol } from '../db/schema.ts'
import { demoDate, demoSlate } from './dates.ts'

type Cand = {
  key: string
  chapter: string
  name: string
  office: string
  level: 'federal' | 'state' | 'county' | 'municipal' | 'school_board' | 'judicial'
  district: string | null
  type: string
  date: string
  status?: 'withdrawn'
  left?: string
}

const CANDIDATES: Cand[] = [
  {
    key: 'rosa',
    chapter: 'boston',
    name: 'Rosa Abernathy-Quinn',
    office: 'Boston City Council',
    level: 'municipal',
    district: 'District 7',
    type: 'general',
    date: '2027-11-02',
  },
  {
    key: 'tomas',
    chapter: 'boston',
    name: 'Tomás Whitcombe',
    office: 'Massachusetts House',
    level: 'state',
    district: '15th Suffolk',
    type: 'special',
    date: '2027-05-18',
  },
  {
    key: 'imani',
    chapter: 'chicago',
    name: 'Imani Castellano',
    office: 'Chicago City Council',
    level: 'municipal',
    district: 'Ward 35',
    type: 'municipal general',
    date: '2027-02-23',
  },
  {
    key: 'wen',
    chapter: 'chicago',
    name: 'Wen Okonkwo-Reyes',
    office: 'Board of Education',
    level: 'school_board',
    district: 'District 4',
    type: 'general',
    date: '2027-11-02',
    status: 'withdrawn',
    left: '2026-09-14',
  },
  {
    key: 'delia',
    chapter: 'denver',
    name: 'Delia Marchetti',
    office: 'Denver City Council',
    level: 'municipal',
    district: 'District 9',
    type: 'municipal general',
    date: '2027-04-06',
  },
  {
    key: 'jonah',
    chapter: 'los-angeles',
    name: 'Jonah Ferreira-Lind',
    office: 'Los Angeles City Council',
    level: 'municipal',
    district: 'District 13',
    type: 'primary',
    date: '2027-03-02',
  },
]

// body: a local's name, or 'national:ABBR'; cand: a candidate key or null for the whole slate.
type E = {
  body: string
  cand: string | null
  status: EndorsementStatusCol
  on: string
  conditions?: string
  by?: string
  tally?: [number, number, number]
  replaces?: number
}

const ENDORSEMENTS: E[] = [
  // national–slate and national–candidate
  { body: 'national:NNU', cand: null, status: 'active', on: '2026-06-20', by: 'National council' },
  {
    body: 'national:CWA',
    cand: 'rosa',
    status: 'active',
    on: '2026-08-12',
    by: 'Executive board, after a member process',
  },
  {
    body: 'national:SEIU',
    cand: 'imani',
    status: 'pending_parent',
    on: '2026-09-30',
    by: 'Illinois state council, awaiting the international',
  },
  // local–slate
  {
    body: 'UNITE HERE Local 26',
    cand: null,
    status: 'active',
    on: '2026-04-15',
    by: 'Executive board',
    tally: [14, 1, 0],
  },
  {
    body: 'UNITE HERE Local 11',
    cand: 'jonah',
    status: 'active',
    on: '2026-03-10',
    by: 'Executive board',
    tally: [21, 0, 1],
  },
  {
    body: 'UNITE HERE Local 11',
    cand: 'jonah',
    status: 'superseded',
    on: '2026-07-08',
    by: 'Executive board (replaced by the slate endorsement)',
    replaces: 4,
  },
  {
    body: 'UNITE HERE Local 11',
    cand: null,
    status: 'active',
    on: '2026-07-08',
    by: 'Executive board',
    tally: [22, 0, 0],
  },
  {
    body: 'United Teachers Los Angeles',
    cand: null,
    status: 'active',
    on: '2026-05-21',
    by: 'House of Representatives',
    tally: [212, 64, 9],
  },
  // local–candidate
  {
    body: 'CWA Local 1400',
    cand: 'rosa',
    status: 'active',
    on: '2026-03-17',
    by: 'General membership meeting',
    tally: [88, 12, 4],
  },
  {
    body: 'Boston Teachers Union',
    cand: 'rosa',
    status: 'active',
    on: '2026-05-06',
    by: 'Membership meeting',
    tally: [140, 31, 7],
  },
  {
    body: 'Massachusetts Nurses Association',
    cand: 'tomas',
    status: 'active',
    on: '2026-06-03',
    by: 'Political committee, ratified by the board',
  },
  { body: 'SEIU Local 509', cand: 'tomas', status: 'pending_parent', on: '2026-08-27', by: 'Executive board' },
  {
    body: 'Chicago Teachers Union',
    cand: 'imani',
    status: 'active',
    on: '2026-02-04',
    by: 'House of Delegates',
    tally: [402, 150, 12],
  },
  {
    body: 'Chicago Teachers Union',
    cand: 'imani',
    status: 'rescinded',
    on: '2026-04-01',
    by: 'House of Delegates',
    replaces: 12,
  },
  {
    body: 'Chicago Teachers Union',
    cand: 'imani',
    status: 'active',
    on: '2026-06-03',
    by: 'House of Delegates',
    tally: [455, 120, 9],
  },
  {
    body: 'SEIU Local 73',
    cand: 'imani',
    status: 'conditional',
    on: '2026-07-15',
    by: 'Executive board',
    conditions: 'The candidate publicly backs the city workers’ contract campaign.',
  },
  { body: 'Teamsters Local 705', cand: 'imani', status: 'conflict_parent', on: '2026-08-19', by: 'Executive board' },
  { body: 'UNITE HERE Local 1', cand: 'wen', status: 'active', on: '2026-05-12', by: 'Executive board' },
  {
    body: 'Denver Federation of Paraprofessionals',
    cand: 'delia',
    status: 'active',
    on: '2026-05-19',
    by: 'Membership meeting',
    tally: [61, 4, 2],
  },
  { body: 'UNITE HERE Local 23 (Colorado)', cand: 'delia', status: 'active', on: '2026-06-24', by: 'Executive board' },
  {
    body: 'CWA Local 7777',
    cand: 'delia',
    status: 'active',
    on: '2026-09-08',
    by: 'Membership meeting',
    tally: [73, 20, 5],
  },
  {
    body: 'UAW Local 4811',
    cand: 'jonah',
    status: 'active',
    on: '2026-09-22',
    by: 'Member poll',
    tally: [5210, 1480, 0],
  },
  // a council, never counted as its locals
  { body: 'AFSCME Council 93', cand: 'tomas', status: 'active', on: '2026-10-05', by: 'Political action conference' },
  // rescinded and left so
  { body: 'Teamsters Local 700', cand: 'imani', status: 'active', on: '2026-03-03', by: 'Executive board' },
  {
    body: 'Teamsters Local 700',
    cand: 'imani',
    status: 'rescinded',
    on: '2026-05-28',
    by: 'Executive board, after the candidate’s vote on the budget',
    replaces: 23,
  },
]

export async function loadDemoSlate(trx: Transaction<Database>): Promise<string> {
  const DEMO = demoSlate()
  let slate = await trx
    .selectFrom('slates')
    .select(['id'])
    .where('is_current', '=', true)
    .where('deleted_at', 'is', null)
    .executeTakeFirst()
  if (!slate) {
    slate = await trx
      .selectFrom('slates')
      .select(['id'])
      .where('name', '=', DEMO.name)
      .where('deleted_at', 'is', null)
      .executeTakeFirst()
    if (slate) await trx.updateTable('slates').set({ is_current: true }).where('id', '=', slate.id).execute()
  }
  if (!slate) {
    slate = await trx
      .insertInto('slates')
      .values({ name: DEMO.name, cycle: DEMO.cycle, election_date: DEMO.electionDate, is_current: true, goal: 100 })
      .returning('id')
      .executeTakeFirstOrThrow()
  }
  const slateId = slate.id
  const chapters = new Map(
    (await trx.selectFrom('chapters').select(['id', 'slug']).execute()).map((c) => [c.slug, c.id]),
  )
  const existing = new Map(
    (
      await trx
        .selectFrom('candidates')
        .select(['id', 'name'])
        .where('slate_id', '=', slateId)
        .where('deleted_at', 'is', null)
        .execute()
    ).map((c) => [c.name, c.id]),
  )
  const candidateIds = new Map<string, number>()
  for (const c of CANDIDATES) {
    let id = existing.get(c.name)
    if (id === undefined) {
      const row = await trx
        .insertInto('candidates')
        .values({
          slate_id: slateId,
          chapter_id: chapters.get(c.chapter) ?? null,
          name: c.name,
          office: c.office,
          level: c.level,
          district: c.district,
          election_type: c.type,
          election_date: demoDate(c.date),
          status: c.status ?? 'running',
          goal: 10,
          joined_on: demoDate('2026-01-15'),
          left_on: c.left ? demoDate(c.left) : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      id = row.id
    }
    candidateIds.set(c.key, id)
  }
  const locals = new Map(
    (await trx.selectFrom('locals').select(['id', 'name', 'chapter_id']).where('deleted_at', 'is', null).execute()).map(
      (l) => [l.name, l],
    ),
  )
  const unions = new Map(
    (await trx.selectFrom('national_unions').select(['id', 'abbreviation']).execute()).map((u) => [
      u.abbreviation.toUpperCase(),
      u.id,
    ]),
  )
  const ids: number[] = []
  let added = 0
  for (const e of ENDORSEMENTS) {
    const national = e.body.startsWith('national:') ? unions.get(e.body.slice(9)) : undefined
    const local = national === undefined ? locals.get(e.body) : undefined
    const candidateId = e.cand === null ? null : candidateIds.get(e.cand)
    if ((national === undefined && local === undefined) || candidateId === undefined) {
      ids.push(-1)
      continue
    }
    const row = await trx
      .insertInto('endorsements')
      .values({
        slate_id: slateId,
        local_id: local?.id ?? null,
        national_union_id: national ?? null,
        candidate_id: candidateId,
        chapter_id: local?.chapter_id ?? null,
        status: e.status,
        conditions: e.conditions ?? null,
        decided_on: demoDate(e.on),
        deciding_body: e.by ?? null,
        votes_for: e.tally?.[0] ?? null,
        votes_against: e.tally?.[1] ?? null,
        abstain: e.tally?.[2] ?? null,
        threshold_met: e.tally ? true : null,
        supersedes_id: e.replaces !== undefined && (ids[e.replaces] ?? -1) > 0 ? ids[e.replaces]! : null,
        is_public: true,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.push(row.id)
    added++
  }
  return `the current slate “${DEMO.name}” with ${CANDIDATES.length} candidates and ${added} endorsements`
}
