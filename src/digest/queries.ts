// What a person's digest is made of, read as of a given moment in each of
// their chapters' time zones, in ONE query: overdue next steps of the drives
// they own (organizers: also the chapter's drives nobody owns), their
// assignments due, follow-ups they asked for, votes in the next 14 days and
// notice deadlines of drives whose resolution is not filed yet. Only names of
// supporters are read here, never contact details. Also the choice of
// frequency, and the once-per-period ledger (digest_sends).
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import type { DigestFrequency } from '../db/schema.ts'

export type DigestRows = {
  overdue: { drive_id: number; local: string | null; next_step: string | null; due: string; tz: string }[]
  assignments: { id: number; name: string; ask: string | null; due: string; tz: string; local: string | null }[]
  follow_ups: { supporter_id: number; name: string; due: string; tz: string }[]
  votes: {
    drive_id: number
    local: string | null
    vote_date: string
    tz: string
    stage: string
  }[]
  notices: {
    drive_id: number
    local: string | null
    vote_date: string
    notice_days: number
    deadline: string
    tz: string
  }[]
  open_assignments: number
}

/** Everything due within `horizon` days (0 = today) of `asOf`, in each chapter's own "today". */
export async function loadDigestRows(db: Db, userId: number, asOf: Date, horizon: number): Promise<DigestRows> {
  const at = asOf.toISOString()
  const r = await sql<DigestRows>`
    with ch as (
      select c.id, c.time_zone as tz, m.role, (${at}::timestamptz at time zone c.time_zone)::date as today
      from memberships m join chapters c on c.id = m.chapter_id and c.deleted_at is null
      where m.user_id = ${userId}::int
    )
    select
      (select coalesce(json_agg(x), '[]'::json) from (
        select d.id as drive_id, l.name as local, d.next_step, d.next_step_due::text as due, ch.tz
        from drives d join ch on ch.id = d.chapter_id left join locals l on l.id = d.local_id
        where d.deleted_at is null and d.status = 'active' and d.next_step_due < ch.today
          and (d.owner_id = ${userId}::int or (ch.role = 'organizer' and d.owner_id is null))
        order by d.next_step_due, d.id limit 20) x) as overdue,
      (select coalesce(json_agg(x), '[]'::json) from (
        select a.id, s.name, a.ask, a.due_on::text as due, ch.tz, l.name as local
        from assignments a join ch on ch.id = a.chapter_id join supporters s on s.id = a.supporter_id
        left join locals l on l.id = s.local_id
        where a.assignee_id = ${userId}::int and a.status = 'open' and s.deleted_at is null
          and a.due_on <= ch.today + ${horizon}::int
        order by a.due_on, s.name limit 30) x) as assignments,
      (select count(*)::int from assignments a join ch on ch.id = a.chapter_id
        where a.assignee_id = ${userId}::int and a.status = 'open') as open_assignments,
      (select coalesce(json_agg(x), '[]'::json) from (
        select s.id as supporter_id, s.name, f.follow_up_on::text as due, ch.tz
        from conversations f join supporters s on s.id = f.supporter_id join ch on ch.id = s.chapter_id
        where f.by_user_id = ${userId}::int and f.follow_up_on is not null and f.deleted_at is null
          and s.deleted_at is null and f.follow_up_on <= ch.today + ${horizon}::int
          and not exists (select 1 from conversations y where y.supporter_id = f.supporter_id and y.deleted_at is null
            and (y.held_on, y.id) > (f.held_on, f.id))
        order by f.follow_up_on, s.name limit 30) x) as follow_ups,
      (select coalesce(json_agg(x), '[]'::json) from (
        select d.id as drive_id, l.name as local, d.vote_date::text as vote_date, ch.tz, d.stage
        from drives d join ch on ch.id = d.chapter_id left join locals l on l.id = d.local_id
        where d.deleted_at is null and d.status in ('active', 'paused')
          and d.vote_date between ch.today and ch.today + 14
        order by d.vote_date, d.id limit 20) x) as votes,
      (select coalesce(json_agg(x), '[]'::json) from (
        select d.id as drive_id, l.name as local, d.vote_date::text as vote_date, l.notice_days,
          (d.vote_date - l.notice_days)::text as deadline, ch.tz
        from drives d join ch on ch.id = d.chapter_id join locals l on l.id = d.local_id
        where d.deleted_at is null and d.status = 'active' and d.stage <> 'vote' and l.notice_days is not null
          and d.vote_date >= ch.today and d.vote_date - l.notice_days <= ch.today + 14
          and not exists (select 1 from filings fi where fi.drive_id = d.id and fi.deleted_at is null)
        order by d.vote_date - l.notice_days, d.id limit 20) x) as notices`.execute(db)
  return r.rows[0]!
}

/** The frequency a person gets: their choice, or the default for their role. */
export async function findDigestChoice(db: Db, userId: number) {
  const row = await db
    .selectFrom('users as u')
    .select([
      'u.id',
      'u.name',
      'u.email',
      'u.active',
      'u.digest_frequency',
      sql<boolean>`exists (select 1 from memberships m where m.user_id = u.id and m.role = 'organizer')`.as(
        'organizer',
      ),
      sql<string | null>`(select c.time_zone from memberships m join chapters c on c.id = m.chapter_id
        where m.user_id = u.id and c.deleted_at is null order by c.id limit 1)`.as('time_zone'),
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst()
  return row && { ...row, frequency: effectiveFrequency(row.digest_frequency, row.organizer) }
}

export const effectiveFrequency = (choice: DigestFrequency | null, organizer: boolean): DigestFrequency =>
  choice ?? (organizer ? 'weekly' : 'off')

export function setDigestChoice(db: Db, userId: number, frequency: DigestFrequency) {
  return db
    .updateTable('users')
    .set({ digest_frequency: frequency })
    .where('id', '=', userId)
    .returning(['id', 'digest_frequency'])
    .executeTakeFirst()
}

/**
 * Everyone whose digest is due at `asOf` and not yet recorded for its period,
 * recorded now in the same statement (insert … on conflict do nothing), so two
 * instances ticking at once never both get the same person and period.
 */
export async function claimDuePeriods(db: Db, asOf: Date, hour: number) {
  const at = asOf.toISOString()
  const r = await sql<{ user_id: number; period: string }>`
    with people as (
      select u.id, coalesce(u.digest_frequency,
          case when exists (select 1 from memberships m where m.user_id = u.id and m.role = 'organizer')
            then 'weekly' else 'off' end) as freq,
        (${at}::timestamptz at time zone coalesce(
          (select c.time_zone from memberships m join chapters c on c.id = m.chapter_id
            where m.user_id = u.id and c.deleted_at is null order by c.id limit 1), 'UTC')) as local_now
      from users u
      where u.active and exists (select 1 from memberships m where m.user_id = u.id)
    )
    insert into digest_sends (user_id, period)
    select id, case when freq = 'daily' then 'day ' || to_char(local_now, 'YYYY-MM-DD')
                    else 'week ' || to_char(local_now, 'IYYY-"W"IW') end
    from people
    where freq <> 'off' and extract(hour from local_now) >= ${hour}::int
    on conflict (user_id, period) do nothing
    returning user_id, period`.execute(db)
  return r.rows
}

export function findSend(db: Db, userId: number, period: string) {
  return db
    .selectFrom('digest_sends')
    .selectAll()
    .where('user_id', '=', userId)
    .where('period', '=', period)
    .executeTakeFirst()
}
