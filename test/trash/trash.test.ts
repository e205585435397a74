// The trash: per chapter, organizers and admins see what was deleted, by whom
// and when, and restore it (audited); admins purge, only when nothing points at
// the record; another chapter's records are not found.
import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, local, world } from '../factories.ts'

t.test('the trash', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Trash slate', is_current: true, election_date: '2026-11-03' })
  const drive = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, asks: 'slate' })
  const person = await f.supporter(db, w.a.id, w.localA.id, { name: 'Dana Deleted' })
  const conv = await f.conversation(db, person.id, {
    drive_id: drive.id,
    by_user_id: w.organizerA.id,
    kind: 'call',
    held_on: '2026-10-01',
  })
  const filing = await db
    .insertInto('filings')
    .values({
      drive_id: drive.id,
      filed_on: '2026-10-02',
      body: 'Executive board',
      text_filed: 'Resolved…',
      earliest_vote_on: '2026-10-16',
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const lone = await local(db, { name: 'Alpha Lonely Local', chapter_id: w.a.id })

  const orgA = new Agent(app)
  await orgA.login(w.organizerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)

  t.test('an empty trash says so, and the nav shows Trash to organizers', async (t) => {
    const res = await orgA.get('/trash')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'The trash is empty.')
    t.match(res.body, 'href="/trash"')
    t.notMatch((await vol.get('/')).body, 'href="/trash"', 'volunteers have no Trash in the nav')
    t.equal((await vol.get('/trash')).statusCode, 403)
    t.equal((await nat.get('/trash')).statusCode, 403)
  })

  t.test('deleted records appear with who deleted them and when', async (t) => {
    t.equal((await orgA.post(`/locals/${lone.id}/delete`)).statusCode, 303)
    t.equal((await orgA.post(`/people/${person.id}/delete`)).statusCode, 303)
    await db.updateTable('filings').set({ deleted_at: new Date() }).where('id', '=', filing.id).execute()
    await db.updateTable('conversations').set({ deleted_at: new Date() }).where('id', '=', conv.id).execute()
    const res = await orgA.get('/trash')
    t.equal(res.statusCode, 200)
    t.match(res.body, 'Alpha Lonely Local')
    t.match(res.body, 'Dana Deleted')
    t.match(
      res.body,
      'Alpha Local 1: filed with Executive board on 2026-10-02',
      'a filing is named by its drive, body and date',
    )
    t.match(res.body, `trash-conversation-${conv.id}`)
    t.match(res.body, w.organizerA.name, 'who deleted it, from the audit log')
    t.match(res.body, 'Restore its supporter first.', 'a conversation of a deleted supporter waits for the supporter')
    t.notMatch(res.body, '/purge', 'organizers have no purge button')
    t.match((await admin.get('/trash')).body, '/purge', 'admins do')
    const b = await orgB.get('/trash')
    t.notMatch(b.body, 'Dana Deleted', 'another chapter sees none of it')
    t.match(b.body, 'The trash is empty.')
    const onlyLocals = await orgA.get('/trash?type=local')
    t.match(onlyLocals.body, 'Alpha Lonely Local')
    t.notMatch(onlyLocals.body, 'Dana Deleted', 'the kind filter works')
  })

  t.test('listing costs the same number of queries with more rows', async (t) => {
    const small = await countQueries(handle, () => orgA.get('/trash'))
    for (let i = 0; i < 5; i++) {
      const l = await local(db, { name: `Bulk deleted ${i}`, chapter_id: w.a.id })
      await orgA.post(`/locals/${l.id}/delete`)
    }
    const big = await countQueries(handle, () => orgA.get('/trash'))
    t.equal(big, small)
    t.ok(big <= 12, `${big} queries`)
  })

  t.test('restore: another chapter gets 404, a volunteer 403, the organizer restores with an audit row', async (t) => {
    t.equal((await orgB.post(`/trash/local/${lone.id}/restore`)).statusCode, 404)
    t.equal((await vol.post(`/trash/local/${lone.id}/restore`)).statusCode, 403)
    t.equal((await orgA.post(`/trash/nothing/${lone.id}/restore`)).statusCode, 404, 'an unknown kind is not found')
    const blocked = await orgA.post(`/trash/conversation/${conv.id}/restore`)
    t.equal(blocked.statusCode, 303)
    t.ok(
      (await db.selectFrom('conversations').select('deleted_at').where('id', '=', conv.id).executeTakeFirstOrThrow())
        .deleted_at,
      'the conversation stays deleted while its supporter is',
    )
    const res = await orgA.post(`/trash/supporter/${person.id}/restore`)
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/trash')
    t.equal(
      (await db.selectFrom('supporters').select('deleted_at').where('id', '=', person.id).executeTakeFirstOrThrow())
        .deleted_at,
      null,
      'restored',
    )
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'supporter')
      .where('entity_id', '=', String(person.id))
      .where('action', '=', 'restore')
      .executeTakeFirst()
    t.ok(a, 'audited')
    t.equal(a?.actor_id, w.organizerA.id)
    t.equal((await orgA.post(`/trash/conversation/${conv.id}/restore`)).statusCode, 303)
    t.equal(
      (await db.selectFrom('conversations').select('deleted_at').where('id', '=', conv.id).executeTakeFirstOrThrow())
        .deleted_at,
      null,
      'now the conversation can be restored',
    )
    t.equal(
      (await orgA.post(`/trash/supporter/${person.id}/restore`)).statusCode,
      404,
      'a record not in the trash is not found',
    )
  })

  t.test('restoring a drive whose local has a new drive says why it cannot', async (t) => {
    await db.updateTable('drives').set({ deleted_at: new Date() }).where('id', '=', drive.id).execute()
    const fresh = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, asks: 'slate' })
    const res = await orgA.post(`/trash/drive/${drive.id}/restore`)
    t.equal(res.statusCode, 303)
    t.match((await orgA.get('/trash')).body, 'cannot be restored', 'a clear message, not a 500')
    t.ok(
      (await db.selectFrom('drives').select('deleted_at').where('id', '=', drive.id).executeTakeFirstOrThrow())
        .deleted_at,
      'still deleted',
    )
    await db.deleteFrom('drives').where('id', '=', fresh.id).execute()
  })

  t.test('purge: admins only, refused while anything points at the record, audited', async (t) => {
    t.equal((await orgA.post(`/trash/local/${lone.id}/purge`)).statusCode, 403, 'organizers cannot purge')
    // The deleted drive still has a filing and a conversation pointing at it.
    const refused = await admin.post(`/trash/drive/${drive.id}/purge`)
    t.equal(refused.statusCode, 303)
    const page = await admin.get('/trash')
    t.match(page.body, 'was not deleted for good: other records still point to it')
    t.match(page.body, 'filings')
    t.ok(
      await db.selectFrom('drives').select('id').where('id', '=', drive.id).executeTakeFirst(),
      'the drive is still there',
    )
    const ok = await admin.post(`/trash/local/${lone.id}/purge`)
    t.equal(ok.statusCode, 303)
    t.notOk(
      await db.selectFrom('locals').select('id').where('id', '=', lone.id).executeTakeFirst(),
      'the lone local is gone for good',
    )
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'local')
      .where('entity_id', '=', String(lone.id))
      .where('action', '=', 'purge')
      .executeTakeFirst()
    t.ok(a, 'the purge is audited')
    t.equal(a?.actor_id, w.admin.id)
    t.equal((await admin.post(`/trash/local/${lone.id}/purge`)).statusCode, 404, 'purging it again: not found')
    t.equal((await admin.post(`/trash/local/${w.localA.id}/purge`)).statusCode, 404, 'a live record cannot be purged')
  })
})
