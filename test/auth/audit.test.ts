import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { audit, maskRecord } from '../../src/audit/audit.ts'

t.test('audit rows live and die with their change', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const auditCount = async () =>
    (await db.selectFrom('audit_log').select('id').where('entity', '=', 'local').execute()).length

  t.test('a write that fails leaves no audit row', async (t) => {
    const before = await auditCount()
    await org.post('/locals', { name: 'One', olms_file_number: '42', chapter_id: String(w.a.id) })
    const dup = await org.post('/locals', { name: 'Two', olms_file_number: '42', chapter_id: String(w.a.id) })
    t.equal(dup.statusCode, 422)
    t.equal(await auditCount(), before + 1, 'only the successful create is recorded')
  })

  t.test('a rolled-back transaction takes its audit row with it', async (t) => {
    await t.rejects(
      db.transaction().execute(async (trx) => {
        await audit(trx, { actorId: null, requestId: 'x' }, { action: 'update', entity: 'probe', entityId: 1 })
        throw new Error('boom')
      }),
    )
    t.equal((await db.selectFrom('audit_log').select('id').where('entity', '=', 'probe').execute()).length, 0)
  })

  t.test('an audit row names the actor, the request and the change', async (t) => {
    await org.post(`/locals/${w.localA.id}`, {
      name: 'Alpha Local 1',
      chapter_id: String(w.a.id),
      members: '4321',
      version: '1',
    })
    const row = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'local')
      .where('entity_id', '=', String(w.localA.id))
      .where('action', '=', 'update')
      .executeTakeFirstOrThrow()
    t.equal(row.actor_id, w.organizerA.id)
    t.ok(row.request_id)
    t.same((row.after as Record<string, unknown>).members, 4321)
    t.same((row.before as Record<string, unknown>).members, 1000)
  })

  t.test('contact details are masked in audit rows', async (t) => {
    t.same(maskRecord({ name: 'A', email: 'a@example.org', phone: '+15555550100', notes: null }), {
      name: 'A',
      email: '•••',
      phone: '•••',
      notes: null,
    })
  })

  t.test('each record page has its own history', async (t) => {
    const res = await org.get(`/locals/${w.localA.id}`)
    t.match(res.body, 'History')
    t.match(res.body, 'update')
  })
})
