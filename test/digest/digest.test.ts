// Digests through a real SMTP server running in this process (smtp-server),
// sent by two app instances on one database, as behind a load balancer.
import t from 'tap'
import type { Test } from 'tap'
import type { AddressInfo } from 'node:net'
import { DateTime } from 'luxon'
import { sql } from 'kysely'
import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'
import { Agent, buildTestApp, createTestDatabase } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, user, world } from '../factories.ts'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { createDb, type Db } from '../../src/db/database.ts'

type Mail = { to: string; subject: string; text: string; html: string; headerLines: string }

async function smtp(t: Test, o: { failFirstFor?: string } = {}) {
  const received: Mail[] = []
  const failed = new Set<string>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const rcpt = session.envelope.rcptTo.map((r) => r.address).join(',')
      simpleParser(stream).then((m: ParsedMail) => {
        if (o.failFirstFor && rcpt === o.failFirstFor && !failed.has(rcpt)) {
          failed.add(rcpt)
          const err = Object.assign(new Error('Try again later'), { responseCode: 451 })
          return cb(err)
        }
        received.push({
          to: rcpt,
          subject: m.subject ?? '',
          text: m.text ?? '',
          html: String(m.html || ''),
          headerLines: m.headerLines.map((h) => h.line).join('\n'),
        })
        cb()
      }, cb)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const port = (server.server.address() as AddressInfo).port
  return { received, url: `smtp://127.0.0.1:${port}` }
}

async function instance(t: Test, url: string, env: Record<string, string>) {
  const handle = createDb(url, { poolSize: 6 })
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATABASE_URL: url, ...env }),
    db: handle,
    logger: false,
  })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await handle.close()
  })
  return { app, db: handle.db }
}

async function settled(db: Db, ms = 25_000) {
  const until = Date.now() + ms
  for (;;) {
    const pending = await db
      .selectFrom('digest_sends')
      .select('user_id')
      .where('status', 'in', ['pending', 'sending'])
      .execute()
    if (!pending.length) return
    if (Date.now() > until) throw new Error(`digests still pending: ${pending.map((p) => p.user_id).join(', ')}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Chapter A's week: an overdue step, a vote in 5 days, a notice deadline, an assignment and a follow-up. */
async function chapterWeek(db: Db, w: Awaited<ReturnType<typeof world>>, today: DateTime) {
  const d = (n: number) => today.plus({ days: n }).toISODate()!
  const slate = await f.slate(db, { name: 'S', is_current: true })
  await db.updateTable('locals').set({ notice_days: 14 }).where('id', '=', w.localA.id).execute()
  const other = await f.local(db, {
    name: 'Alpha Local 9',
    chapter_id: w.a.id,
    national_union_id: w.union.id,
    notice_days: 14,
  })
  const voteDrive = await f.drive(db, slate.id, w.localA.id, {
    chapter_id: w.a.id,
    next_step: 'Call the recording secretary',
    next_step_due: d(-2),
    vote_date: d(5),
    stage: 'vote',
  })
  await f.drive(db, slate.id, other.id, { chapter_id: w.a.id, vote_date: d(20), stage: 'file_resolution' })
  await f.drive(db, slate.id, w.localB.id, {
    chapter_id: w.b.id,
    next_step: 'Bravo private step',
    next_step_due: d(-1),
  })
  // The vote in 5 days has a deciding body: five yes, two no.
  const body = await db
    .insertInto('deciding_bodies')
    .values({ drive_id: voteDrive.id, chapter_id: w.a.id, kind: 'roster', name: 'Executive board' })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('body_members')
    .values(
      (['yes', 'yes', 'yes', 'yes', 'yes', 'no', 'no'] as const).map((read, k) => ({
        body_id: body.id,
        chapter_id: w.a.id,
        seat: `Seat ${k + 1}`,
        name: `Board Member ${k + 1}`,
        read,
      })),
    )
    .execute()
  const ana = await f.supporter(db, w.a.id, w.localA.id, {
    name: 'Ana Digest',
    email: 'ana.private@example.org',
    phone: '+16175550123',
  })
  const ben = await f.supporter(db, w.a.id, w.localA.id, { name: 'Ben Followup', email: 'ben.private@example.org' })
  await db
    .insertInto('assignments')
    .values([
      {
        chapter_id: w.a.id,
        supporter_id: ana.id,
        assignee_id: w.organizerA.id,
        ask: 'Ask her to sign the petition',
        due_on: d(2),
      },
      {
        chapter_id: w.a.id,
        supporter_id: ben.id,
        assignee_id: w.volunteerA.id,
        ask: 'Invite to the forum',
        due_on: d(0),
      },
    ])
    .execute()
  await f.conversation(db, ben.id, { kind: 'call', held_on: d(-10), by_user_id: w.organizerA.id, follow_up_on: d(1) })
  return { d }
}

t.test('digests by email from two instances: right people, right content, once per period', async (t) => {
  const mail = await smtp(t)
  const { url } = await createTestDatabase(t)
  const env = {
    SMTP_URL: mail.url,
    MAIL_FROM: 'Tenfold <digest@example.org>',
    PUBLIC_URL: 'https://tenfold.example.org',
  }
  const one = await instance(t, url, env)
  const two = await instance(t, url, env)
  const db = one.db
  const w = await world(db)
  const asOf = DateTime.now().setZone('America/New_York').set({ hour: 9, minute: 0 })
  const { d } = await chapterWeek(db, w, asOf.startOf('day'))

  const vol = new Agent(one.app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const choose = await vol.post('/account/digest', { frequency: 'daily' })
  t.equal(choose.statusCode, 303, 'a volunteer turns on a daily digest on their account page')
  const bad = await vol.post('/account/digest', { frequency: 'hourly' })
  t.equal(bad.statusCode, 422)
  t.match(bad.body, 'Choose daily, weekly or off.')

  const claimed = await Promise.all([one.app.digests.tick(asOf.toJSDate()), two.app.digests.tick(asOf.toJSDate())])
  t.equal(claimed[0] + claimed[1], 3, 'both instances tick; three people are claimed once between them')
  await settled(db)
  const byTo = (email: string) => mail.received.filter((m) => m.to === email)
  t.equal(byTo(w.organizerA.email).length, 1, 'the organizer of A gets one (weekly by default)')
  t.equal(byTo(w.volunteerA.email).length, 1, 'the volunteer who chose daily gets one')
  t.equal(byTo(w.organizerB.email).length, 1, 'the organizer of B gets one')
  t.equal(mail.received.length, 3, 'nobody else: not the admin, the national reviewer, or anyone twice')

  const a = byTo(w.organizerA.email)[0]!
  t.match(a.subject, /to do this week/)
  t.match(a.text, 'Call the recording secretary')
  t.match(a.text, /Alpha Local 1 votes .* \(in 5 days\)/)
  t.match(a.text, /Alpha Local 1 votes .* · whip count, likely case: 5 for, 2 against: wins by \d+ to spare/)
  t.notMatch(a.text, 'Board Member', 'the whip count comes as counts, no names')
  t.match(a.text, 'Ana Digest (Alpha Local 1): Ask her to sign the petition — due in 2 days')
  t.match(a.text, 'Follow up with Ben Followup — due tomorrow')
  t.match(a.text, `file by ${DateTime.fromISO(d(6)).toFormat('ccc d LLL yyyy')} (in 6 days) to make the 14-day notice`)
  t.match(a.text, 'https://tenfold.example.org/drives/')
  t.match(a.html, 'Ana Digest')
  t.notMatch(a.text, 'Bravo private step', 'nothing from another chapter')
  t.notMatch(a.text, 'Invite to the forum', 'nothing assigned to someone else')
  t.match(a.headerLines, /List-Unsubscribe:\s*<https:\/\/tenfold\.example\.org\/digest\/unsubscribe\//)
  t.match(a.headerLines, 'List-Unsubscribe-Post: List-Unsubscribe=One-Click')
  const v = byTo(w.volunteerA.email)[0]!
  t.match(v.subject, /to do today/)
  t.match(v.text, 'Ben Followup (Alpha Local 1): Invite to the forum — due today')
  t.notMatch(v.text, 'Ana Digest')
  const b = byTo(w.organizerB.email)[0]!
  t.match(b.text, 'Bravo private step')
  t.notMatch(b.text, 'Alpha Local')
  for (const m of mail.received) {
    for (const secret of ['ana.private@example.org', 'ben.private@example.org', '6175550123', '555-0123'])
      t.notMatch(m.text + m.html, secret, `no supporter contact details in ${m.to}'s digest`)
  }
  t.comment(`The organizer's digest as received:\nSubject: ${a.subject}\n\n${a.text}`)

  const again = await Promise.all([
    one.app.digests.tick(asOf.toJSDate()),
    two.app.digests.tick(asOf.plus({ hours: 3 }).toJSDate()),
  ])
  t.same(again, [0, 0], 'a later tick in the same period claims nobody')
  await new Promise((r) => setTimeout(r, 1500))
  t.equal(mail.received.length, 3, 'and nothing is sent twice')
  const rows = await db.selectFrom('digest_sends').selectAll().orderBy('user_id').execute()
  t.same(
    rows.map((r) => r.status),
    ['sent', 'sent', 'sent'],
  )

  // The unsubscribe link works without logging in.
  const link = /https:\/\/tenfold\.example\.org(\/digest\/unsubscribe\/[^\s>]+)/.exec(a.text)![1]!
  const anon = new Agent(one.app)
  const page = await anon.get(link)
  t.equal(page.statusCode, 200)
  t.match(page.body, 'Stop my digest emails')
  const off = await anon.post(link, {}, { csrf: false })
  t.equal(off.statusCode, 200)
  t.match(off.body, 'Digest emails stopped')
  const u = await db
    .selectFrom('users')
    .select('digest_frequency')
    .where('id', '=', w.organizerA.id)
    .executeTakeFirstOrThrow()
  t.equal(u.digest_frequency, 'off')
  t.equal(
    (await anon.get(link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).statusCode,
    404,
    'a forged token is refused',
  )
  t.equal((await anon.get(`/digest/unsubscribe/${w.organizerB.id}.${'x'.repeat(32)}`)).statusCode, 404)
  const next = await one.app.digests.tick(asOf.plus({ days: 7 }).toJSDate())
  t.equal(next, 2, 'next week: organizer B and the volunteer, not the one who unsubscribed')
})

t.test('a failed send is retried and still sent once', async (t) => {
  const { url } = await createTestDatabase(t)
  const target = 'retry-organizer@example.org'
  const mail = await smtp(t, { failFirstFor: target })
  const one = await instance(t, url, { SMTP_URL: mail.url })
  const db = one.db
  const w = await world(db)
  const org = await user(db, 'organizer', w.a.id, { email: target })
  const asOf = DateTime.now().setZone('America/New_York').set({ hour: 9 })
  await chapterWeek(db, w, asOf.startOf('day'))
  await db
    .insertInto('assignments')
    .values({
      chapter_id: w.a.id,
      supporter_id: (await db.selectFrom('supporters').select('id').executeTakeFirstOrThrow()).id,
      assignee_id: org.id,
      due_on: asOf.toISODate()!,
    })
    .execute()
  await one.app.digests.tick(asOf.toJSDate())
  await settled(db, 30_000)
  const row = await db.selectFrom('digest_sends').selectAll().where('user_id', '=', org.id).executeTakeFirstOrThrow()
  t.equal(row.status, 'sent')
  t.equal(row.attempts, 2, 'the first attempt failed, the retry went through')
  t.equal(mail.received.filter((m) => m.to === target).length, 1)
})

t.test('a failure after the SMTP server accepted a digest never sends it twice', async (t) => {
  const { url } = await createTestDatabase(t)
  const mail = await smtp(t)
  const one = await instance(t, url, { SMTP_URL: mail.url, PUBLIC_URL: 'https://tenfold.example.org' })
  const db = one.db
  const w = await world(db)
  const asOf = DateTime.now().setZone('America/New_York').set({ hour: 9 })
  await chapterWeek(db, w, asOf.startOf('day'))
  // The first "mark it sent" after the message went out fails, as a lost connection or a failed commit would.
  await sql`create sequence fail_once`.execute(db)
  await sql`create function fail_first_sent() returns trigger language plpgsql as $$
    begin
      if new.status = 'sent' and nextval('fail_once') = 1 then raise exception 'commit lost'; end if;
      return new;
    end $$`.execute(db)
  await sql`create trigger fail_first_sent before update on digest_sends
    for each row execute function fail_first_sent()`.execute(db)
  const claimed = await one.app.digests.tick(asOf.toJSDate())
  t.equal(claimed, 2, 'both organizers are due')
  await settled(db, 30_000)
  // The retry comes after graphile-worker's backoff; wait for the failed job to be tried again and finish.
  const until = Date.now() + 30_000
  for (;;) {
    const jobs = await sql<{ n: number }>`select count(*)::int as n from graphile_worker.jobs`.execute(db)
    if (jobs.rows[0]!.n === 0 || Date.now() > until) break
    await new Promise((r) => setTimeout(r, 250))
  }
  const rows = await db.selectFrom('digest_sends').selectAll().orderBy('user_id').execute()
  const statuses = rows.map((r) => r.status).sort()
  t.same(statuses, ['sent', 'unconfirmed'], 'one was recorded as sent; the other could not be, and is not resent')
  const unconfirmed = rows.find((r) => r.status === 'unconfirmed')!
  t.equal(unconfirmed.attempts, 1, 'the retry did not try SMTP again')
  t.ok(unconfirmed.sending_at, 'when the attempt started is kept')
  for (const email of [w.organizerA.email, w.organizerB.email])
    t.equal(mail.received.filter((m) => m.to === email).length, 1, `${email} got exactly one digest`)
  t.equal(mail.received.length, 2)
  const ids = mail.received.map((m) => /^Message-ID:\s*(\S+)/im.exec(m.headerLines)?.[1])
  t.match(ids[0], /^<digest\.\d+\.week\d{4}-W\d{2}@tenfold\.example\.org>$/, 'a Message-ID per person and period')
  t.not(ids[0], ids[1])
  const again = await one.app.digests.tick(asOf.plus({ hours: 2 }).toJSDate())
  t.equal(again, 0, 'the period stays claimed')
})

t.test(
  'with no SMTP server the digest is built and shown in the app, and the admin page says email is off',
  async (t) => {
    const { app, db } = await buildTestApp(t)
    const w = await world(db)
    const asOf = DateTime.now().setZone('America/New_York')
    await chapterWeek(db, w, asOf.startOf('day'))
    const org = new Agent(app)
    await org.login(w.organizerA.email, PASSWORD)
    const page = await org.get('/digest')
    t.equal(page.statusCode, 200)
    t.match(page.body, 'Email is off on this Tenfold')
    t.match(page.body, 'Call the recording secretary')
    t.match(page.body, 'Ana Digest')
    t.match(page.body, 'whip count, likely case: 5 for, 2 against: wins')
    t.notMatch(page.body, 'ana.private@example.org')
    t.notMatch(page.body, 'Bravo private step')
    const admin = new Agent(app)
    await admin.login(w.admin.email, PASSWORD)
    t.match((await admin.get('/admin')).body, 'Digest email is <span class="badge warn">off</span>')
    const n = await app.digests.tick(asOf.set({ hour: 9 }).toJSDate())
    t.equal(n, 2, 'the two organizers are due (volunteers are off by default)')
    await settled(db)
    const rows = await db.selectFrom('digest_sends').select('status').execute()
    t.same(rows.map((r) => r.status).sort(), ['built', 'built'], 'built, not sent, and nothing failed')
    const choice = await org.get('/account/digest')
    t.match(choice.body, 'value="weekly" checked')
  },
)
