// One-time links (issue 15, item 5): a password reset works for an hour, an
// invite for a week, and each sets one password only, even clicked twice at once.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { createOneTimeLink } from '../../src/auth/queries.ts'
import { tokenHash } from '../../src/auth/session.ts'

const hoursLeft = (d: Date) => (d.getTime() - Date.now()) / 3600_000

t.test('a reset link lives an hour and an invite a week', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const page = await admin.post(`/admin/users/${w.volunteerA.id}/reset-link`)
  t.match(page.body, 'expires in 1 hour')
  const reset = await db
    .selectFrom('one_time_links')
    .select('expires_at')
    .where('purpose', '=', 'reset')
    .executeTakeFirstOrThrow()
  t.ok(Math.abs(hoursLeft(reset.expires_at as Date) - 1) < 0.05, 'reset: one hour')
  const invited = await admin.post('/admin/users', {
    email: 'new.person@example.org',
    name: 'New Person',
    role: 'volunteer',
    chapter_id: String(w.a.id),
  })
  t.equal(invited.statusCode, 200)
  const invite = await db
    .selectFrom('one_time_links')
    .select('expires_at')
    .where('purpose', '=', 'invite')
    .executeTakeFirstOrThrow()
  t.ok(Math.abs(hoursLeft(invite.expires_at as Date) - 168) < 0.05, 'invite: seven days')

  t.test('a reset link past its hour is not valid', async (t) => {
    const token = await createOneTimeLink(db, w.organizerB.id, 'reset')
    await db
      .updateTable('one_time_links')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('token_hash', '=', tokenHash(token))
      .execute()
    t.equal((await new Agent(app).get(`/welcome/${token}`)).statusCode, 404)
  })
})

t.test('a link sets one password, even submitted twice at once', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const token = await createOneTimeLink(db, w.organizerA.id, 'reset')
  const [a, b] = [new Agent(app), new Agent(app)]
  await a.get(`/welcome/${token}`)
  await b.get(`/welcome/${token}`)
  const results = await Promise.all([
    a.post(`/welcome/${token}`, { password: 'first new password', confirm: 'first new password' }),
    b.post(`/welcome/${token}`, { password: 'second new password', confirm: 'second new password' }),
  ])
  t.same(results.map((r) => r.statusCode).sort(), [303, 404])
  const winner = results[0]!.statusCode === 303 ? 'first new password' : 'second new password'
  const loser = winner.startsWith('first') ? 'second new password' : 'first new password'
  const c = new Agent(app)
  await c.get('/login')
  t.equal((await c.post('/login', { email: w.organizerA.email, password: loser })).statusCode, 422)
  t.equal((await c.post('/login', { email: w.organizerA.email, password: winner })).statusCode, 303)
  t.equal((await new Agent(app).get(`/welcome/${token}`)).statusCode, 404, 'and the link is spent')
})
