// npm run seed:scale — a national-scale data set for the benchmark, in its own
// data folder (.tenfold-scale unless TENFOLD_DATA_DIR or DATABASE_URL say
// otherwise). Refuses a database that already holds drives unless --force.
// Generated inside PostgreSQL (INSERT … SELECT generate_series) — no rows cross
// the wire except the OLMS directory.
import fs from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import { hashPassword } from '../src/auth/passwords.ts'
import { importOlms } from '../src/imports/olms.ts'
import { ensureModelResolutions } from '../src/resolutions/seed.ts'
import { withNewDatabase } from '../src/cli/run.ts'

process.env.TENFOLD_DATA_DIR ??= '.tenfold-scale'
const force = process.argv.includes('--force')
// The real OLMS directory ships with the project (test/fixtures/README.md); OLMS_CSV reads another file.
const OLMS = path.resolve(process.env.OLMS_CSV || path.join(import.meta.dirname, '../test/fixtures/olms-locals.csv'))
export const SCALE_PASSWORD = 'scale-bench-password'

const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Phoenix',
  'America/Anchorage',
  'Pacific/Honolulu',
  'America/Detroit',
]

await withNewDatabase(async ({ db }) => {
  const started = Date.now()
  const lap = (label: string, t0: number) =>
    console.log(`${label.padEnd(44)} ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const existing = await sql<{ n: number }>`select count(*)::int as n from drives`.execute(db)
  if (existing.rows[0]!.n > 0 && !force) {
    console.error(
      'This database already has drives. Use a fresh TENFOLD_DATA_DIR, or pass --force to add the scale data anyway.',
    )
    return 1
  }
  let t = Date.now()
  const res = await importOlms(db, fs.readFileSync(OLMS), { actorId: null, requestId: 'seed-scale' })
  if (!res.ok) throw new Error(`OLMS import failed on line ${res.errors[0]?.line}`)
  await ensureModelResolutions(db)
  lap(`directory: ${res.result.rows} bodies`, t)

  t = Date.now()
  const hash = await hashPassword(SCALE_PASSWORD)
  await db.transaction().execute(async (trx) => {
    await sql`insert into chapters (name, slug, time_zone)
      select 'Chapter ' || g, 'scale-' || g, (${ZONES}::text[])[1 + g % ${ZONES.length}] from generate_series(1, 100) g
      on conflict (slug) do nothing`.execute(trx)
    // A quarter of the directory sits in some chapter's area.
    await sql`update locals set chapter_id = (select id from chapters where slug = 'scale-' || (1 + locals.id % 100)),
      orientation = (array['left_led','progressive_opportunist','middling','middling','middling','hostile'])[1 + id % 6]::orientation,
      members = 50 + (id * 7919) % 20000, sector = (array['private','public','federal'])[1 + id % 3]::sector,
      notice_days = 7 + id % 4 * 7, threshold = 'majority_cast', deciding_body = (array['executive_board','membership_meeting','delegate_body'])[1 + id % 3]::deciding_body
      where id % 4 = 0 and chapter_id is null`.execute(trx)
    await sql`insert into users (email, name, password_hash, is_admin) values ('scale-admin@example.org', 'Scale Admin', ${hash}, true),
      ('scale-national@example.org', 'Scale National', ${hash}, false) on conflict do nothing`.execute(trx)
    await sql`update users set is_national = true where email = 'scale-national@example.org'`.execute(trx)
    await sql`insert into users (email, name, password_hash) values ('scale-organizer@example.org', 'Scale Organizer', ${hash}) on conflict do nothing`.execute(
      trx,
    )
    await sql`insert into memberships (user_id, chapter_id, role) select u.id, c.id, 'organizer' from users u, chapters c
      where u.email = 'scale-organizer@example.org' and c.slug = 'scale-1' on conflict do nothing`.execute(trx)
    await sql`insert into slates (name, cycle, election_date, is_current, goal) values ('Scale slate', '2026', '2026-11-03', true, 1000)`.execute(
      trx,
    )
    await sql`insert into candidates (slate_id, chapter_id, name, office, level, election_date, status, goal, joined_on)
      select (select id from slates where name = 'Scale slate'), c.id, 'Candidate ' || c.id, 'City Council', 'municipal', date '2026-11-03' - (c.id % 30),
        case when c.id % 37 = 0 then 'withdrawn' else 'running' end, 10, date '2026-01-05'
      from chapters c where c.slug like 'scale-%'`.execute(trx)
  })
  lap('100 chapters, 100 candidates, users', t)

  t = Date.now()
  await db.transaction().execute(async (trx) => {
    await sql`
      with picked as (
        select l.id as local_id, l.chapter_id, row_number() over (order by l.id) as n
        from locals l where l.chapter_id is not null and l.kind = 'local' order by l.id limit 5000
      )
      insert into drives (slate_id, local_id, chapter_id, asks, candidate_id, stage, status, next_step, next_step_due, vote_date, stage_entered_at, last_activity_at, created_at)
      select s.id, p.local_id, p.chapter_id, (array['candidate','candidate','slate','both'])[1 + p.n % 4],
        (select c.id from candidates c where c.chapter_id = p.chapter_id limit 1),
        (array['identify','identify','identify','democratize','democratize','build_team','build_team','file_resolution','vote','vote'])[1 + p.n % 10],
        case when p.n % 13 = 0 then 'won' when p.n % 17 = 0 then 'lost' when p.n % 19 = 0 then 'dropped' when p.n % 23 = 0 then 'paused' else 'active' end,
        'Follow up with the steward council', current_date + ((p.n % 60) - 20)::int,
        case when p.n % 10 in (7, 8, 9) then current_date + (p.n % 45)::int end,
        now() - make_interval(days => (p.n % 90)::int), now() - make_interval(days => (p.n % 70)::int), now() - make_interval(days => 120 + (p.n % 200)::int)
      from picked p, slates s where s.name = 'Scale slate'`.execute(trx)
    // A history of every move up to the current stage, dated backwards.
    await sql`
      insert into stage_changes (drive_id, from_stage, to_stage, from_status, to_status, reason, at)
      select d.id, case when k.i = 1 then null else (array['identify','democratize','build_team','file_resolution','vote'])[k.i - 1] end,
        (array['identify','democratize','build_team','file_resolution','vote'])[k.i], 'active', 'active', null,
        d.created_at + make_interval(days => (k.i - 1) * 21)
      from drives d
      cross join lateral generate_series(1, array_position(array['identify','democratize','build_team','file_resolution','vote'], d.stage)) as k(i)`.execute(
      trx,
    )
    await sql`insert into filings (drive_id, filed_on, body, text_filed, earliest_vote_on)
      select id, current_date - 20, 'Executive board', 'Resolved, that this local endorses the slate.', current_date - 6 from drives where stage in ('file_resolution', 'vote')`.execute(
      trx,
    )
    await sql`insert into decisions (drive_id, body, held_on, votes_for, votes_against, abstain, threshold, outcome)
      select id, 'General membership meeting', current_date - 3, 40, case when status = 'lost' then 60 else 12 end, 3, 'majority_cast',
        case when status = 'won' then 'adopted' when status = 'lost' then 'failed' else 'postponed' end
      from drives where stage = 'vote' or status in ('won', 'lost')`.execute(trx)
    await sql`insert into endorsements (slate_id, local_id, candidate_id, chapter_id, status, decided_on, deciding_body, votes_for, votes_against, abstain, threshold_met)
      select d.slate_id, d.local_id, case when d.asks = 'slate' then null else d.candidate_id end, d.chapter_id,
        case when d.id % 11 = 0 then 'conditional' when d.id % 29 = 0 then 'rescinded' else 'active' end,
        current_date - (d.id % 150)::int, 'General membership meeting', 40, 12, 3, true
      from drives d where d.status = 'won'`.execute(trx)
    await sql`insert into endorsements (slate_id, national_union_id, candidate_id, status, decided_on, deciding_body)
      select s.id, n.id, case when n.id % 2 = 0 then (select min(id) from candidates) end, 'active', current_date - 30, 'Executive board'
      from (select id from national_unions order by id limit 6) n, slates s where s.name = 'Scale slate'`.execute(trx)
    await sql`insert into resolution_versions (resolution_id, number, body)
      select r.id, 1 + g, v.body || E'\n\nRevision ' || g from resolutions r
      join resolution_versions v on v.resolution_id = r.id and v.number = 1
      cross join generate_series(1, 30) g`.execute(trx)
  })
  lap('5,000 drives with histories, filings, votes, endorsements', t)

  const hasSupporters = await sql<{ t: string | null }>`select to_regclass('public.supporters')::text as t`.execute(db)
  if (hasSupporters.rows[0]!.t) {
    t = Date.now()
    await db.transaction().execute(async (trx) => {
      await sql`
        insert into supporters (chapter_id, local_id, name, role_in_local, chapter_member, email, email_normalised, phone, current_level, potential_leader)
        select d.chapter_id, d.local_id, 'Member ' || g || '-' || d.id, (array['rank_and_file','rank_and_file','rank_and_file','steward','officer','executive_board','delegate'])[1 + g % 7],
          g % 5 = 0, 'member' || d.id || '-' || g || '@example.org', 'member' || d.id || '-' || g || '@example.org',
          '+1555' || lpad(((d.id * 50 + g) % 10000000)::text, 7, '0'), 1 + (d.id + g) % 5, g % 17 = 0
        from drives d cross join generate_series(1, 50) g`.execute(trx)
      await sql`insert into support_levels (supporter_id, level, note, at)
        select s.id, 1 + (s.id + k) % 5, null, now() - make_interval(days => (k * 20 + s.id % 20)::int) from supporters s cross join generate_series(1, 2) k`.execute(
        trx,
      )
      await sql`insert into conversations (supporter_id, drive_id, kind, held_on, outcome, note)
        select s.id, d.id, (array['one_on_one','call','text','meeting','event'])[1 + (s.id + k) % 5], current_date - ((s.id + k * 13) % 200)::int, 'Talked about the slate', null
        from supporters s join drives d on d.local_id = s.local_id and d.deleted_at is null cross join generate_series(1, 2) k`.execute(
        trx,
      )
      await sql`insert into team_members (drive_id, supporter_id, role, trained_on)
        select d.id, s.id, case when s.id % 3 = 0 then 'lead' else 'member' end, case when s.id % 2 = 0 then current_date - 30 end
        from supporters s join drives d on d.local_id = s.local_id where s.potential_leader on conflict do nothing`.execute(
        trx,
      )
    })
    lap('250,000 supporters, levels, conversations, teams', t)
  } else {
    console.log('supporters: table not present yet (migration 050), skipped')
  }

  // The whip count (issue 17): every drive a deciding body of 7–40 members with reads
  // (a few linked to the local's supporters), 100,000 relationships, and a structure test on a fifth of the drives.
  const hasWhip = await sql<{ t: string | null }>`select to_regclass('public.deciding_bodies')::text as t`.execute(db)
  if (hasWhip.rows[0]!.t && hasSupporters.rows[0]!.t) {
    t = Date.now()
    // Each local's supporters numbered once (0, 1, 2… by id), to pick "the local's
    // n-th supporter" by a join: a lateral "order by id offset n limit 1" per body
    // member walked the supporters' primary key and ran for over half an hour.
    await sql`analyze supporters, drives`.execute(db)
    await db.transaction().execute(async (trx) => {
      await sql`create temporary table ranked_supporters on commit drop as
        select id, local_id, (row_number() over (partition by local_id order by id) - 1)::int as rn
        from supporters where local_id is not null`.execute(trx)
      await sql`create index on ranked_supporters (local_id, rn)`.execute(trx)
      await sql`insert into deciding_bodies (drive_id, chapter_id, kind, name, threshold, quorum)
        select d.id, d.chapter_id, 'roster', case when d.id % 3 = 0 then 'COPE committee' else 'Executive board' end,
          (array['majority_cast','majority_present','two_thirds'])[1 + d.id % 3], case when d.id % 2 = 0 then 4 end
        from drives d where d.deleted_at is null`.execute(trx)
      await sql`insert into body_members (body_id, chapter_id, seat, name, supporter_id, read, read_at)
        select b.id, b.chapter_id, case when g = 1 then 'President' when g = 2 then 'Secretary-treasurer' else 'Trustee ' || g end,
          case when g = 2 and known.id is not null then null else 'Board member ' || g || '-' || b.drive_id end,
          case when g = 2 then known.id end,
          (array['yes','yes','leaning_yes','undecided','undecided','leaning_no','no','absent'])[1 + (b.id * 7 + g) % 8], now()
        from deciding_bodies b
        join drives d on d.id = b.drive_id
        left join ranked_supporters known on known.local_id = d.local_id and known.rn = 0
        cross join lateral generate_series(1, 7 + b.drive_id % 34) g`.execute(trx)
      await sql`insert into member_reads (member_id, read, note, at) select id, read, 'Seeded read', now() from body_members where read is not null`.execute(
        trx,
      )
      await sql`insert into relationships (chapter_id, a_supporter_id, b_member_id, kind, strength)
        select m.chapter_id, s.id, m.id,
          (array['coworker','same_shift','friend','family','steward_of','organizer_contact'])[1 + (s.id + m.id) % 6],
          (array['close','knows','met_once'])[1 + (s.id * 3 + m.id) % 3]
        from body_members m
        join deciding_bodies b on b.id = m.body_id
        join drives d on d.id = b.drive_id
        join ranked_supporters s on s.local_id = d.local_id and s.rn = m.id % 40
        where m.supporter_id is distinct from s.id
        order by m.id limit 100000`.execute(trx)
      await sql`insert into structure_tests (drive_id, chapter_id, kind, name, denominator, target_percent)
        select d.id, d.chapter_id, 'petition', 'Petition for a member vote', 'units', 60 from drives d where d.id % 5 = 0`.execute(
        trx,
      )
      await sql`insert into structure_test_units (test_id, name, headcount, position)
        select t.id, (array['Day shift','Night shift','Weekend'])[g], 40 + (t.id + g) % 80, g from structure_tests t cross join generate_series(1, 3) g`.execute(
        trx,
      )
      await sql`insert into structure_test_counts (unit_id, counted_on, total)
        select u.id, current_date - (7 * (4 - w))::int, (u.headcount * (0.15 * w + (u.id % 10) / 100.0))::int
        from structure_test_units u cross join generate_series(1, 4) w`.execute(trx)
    })
    lap('deciding bodies, members, reads, 100,000 relationships, structure tests', t)
  }

  t = Date.now()
  await sql`insert into audit_log (action, entity, entity_id, chapter_id, after)
    select 'update', 'drive', (g % 5000)::text, 1 + g % 100, jsonb_build_object('next_step', 'step ' || g) from generate_series(1, 200000) g`.execute(
    db,
  )
  lap('200,000 audit rows', t)
  await sql`analyze`.execute(db)
  const counts = await sql<{ t: string; n: number }>`
    select 'locals' as t, count(*)::int as n from locals union all select 'national unions', count(*)::int from national_unions
    union all select 'drives', count(*)::int from drives union all select 'stage changes', count(*)::int from stage_changes
    union all select 'endorsements', count(*)::int from endorsements union all select 'audit rows', count(*)::int from audit_log
    union all select 'resolution versions', count(*)::int from resolution_versions
    union all select 'supporters', count(*)::int from supporters union all select 'support levels', count(*)::int from support_levels
    union all select 'conversations', count(*)::int from conversations union all select 'team members', count(*)::int from team_members
    union all select 'body members', count(*)::int from body_members union all select 'relationships', count(*)::int from relationships`.execute(
    db,
  )
  for (const r of counts.rows) console.log(`  ${r.t.padEnd(22)} ${r.n.toLocaleString('en-US')}`)
  const history = counts.rows
    .filter((r) => ['stage changes', 'audit rows', 'support levels', 'conversations'].includes(r.t))
    .reduce((a, r) => a + r.n, 0)
  console.log(
    `  ${'history rows'.padEnd(22)} ${history.toLocaleString('en-US')} (stage changes, audit, support levels, conversations)`,
  )
  console.log(
    `seed:scale done in ${((Date.now() - started) / 1000).toFixed(1)} s. Log in as scale-admin@example.org / ${SCALE_PASSWORD}`,
  )
})
