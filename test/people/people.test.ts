import t from 'tap'
import { Agent, buildTestApp, countQueries } from '../helper.ts'
import * as f from '../factories.ts'
import { PASSWORD, user, world } from '../factories.ts'
import { supporterFacts } from '../../src/people/queries.ts'

t.test('supporters', async (t) => {
  const { app, db, handle } = await buildTestApp(t)
  const w = await world(db)
  const slate = await f.slate(db, { name: 'Test slate', is_current: true })
  const driveA = await f.drive(db, slate.id, w.localA.id, { chapter_id: w.a.id, last_activity_at: '2020-01-01' })
  const driveB = await f.drive(db, slate.id, w.localB.id, { chapter_id: w.b.id })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)

  let rosaId = 0
  t.test('an organizer adds a supporter: email lowercased, phone to E.164, level recorded', async (t) => {
    const res = await org.post('/people', {
      name: 'Rosa Fictional',
      local_id: String(w.localA.id),
      role_in_local: 'steward',
      email: '  Rosa.F@Example.ORG ',
      phone: '(617) 555-0142',
      tags: 'Nurses, night shift',
      level: '2',
      chapter_member: 'on',
    })
    t.equal(res.statusCode, 303)
    const row = await db
      .selectFrom('supporters')
      .selectAll()
      .where('name', '=', 'Rosa Fictional')
      .executeTakeFirstOrThrow()
    rosaId = row.id
    t.equal(res.headers.location, `/people/${row.id}`)
    t.equal(row.email, 'rosa.f@example.org')
    t.equal(row.email_normalised, 'rosa.f@example.org')
    t.equal(row.phone, '+16175550142')
    t.equal(row.chapter_id, w.a.id)
    t.equal(row.current_level, 2)
    t.same(row.tags, ['nurses', 'night shift'])
    const levels = await db.selectFrom('support_levels').selectAll().where('supporter_id', '=', row.id).execute()
    t.equal(levels.length, 1)
    const a = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('entity', '=', 'supporter')
      .where('entity_id', '=', String(row.id))
      .executeTakeFirstOrThrow()
    t.equal(a.action, 'create')
    t.notMatch(JSON.stringify(a.after), 'rosa.f@example.org', 'the audit row masks the email')
  })

  t.test('a bad form comes back with a message per field and the typed values', async (t) => {
    const res = await org.post('/people', { name: '', local_id: '', email: 'not-an-email', phone: '12', level: '9' })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Name is required.')
    t.match(res.body, 'Email must look like name@example.org.')
    t.match(res.body, 'Phone must be a phone number')
    t.match(res.body, 'Support level must be at most 5.')
    t.match(res.body, 'value="not-an-email"')
  })

  t.test('a duplicate email in the chapter is a field message', async (t) => {
    const res = await org.post('/people', {
      name: 'Rosa Again',
      local_id: String(w.localA.id),
      email: 'ROSA.F@example.org',
    })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'already has this email')
  })

  t.test('an organizer cannot file a supporter under another chapter’s local', async (t) => {
    const res = await org.post('/people', { name: 'Sneaky', local_id: String(w.localB.id) })
    t.equal(res.statusCode, 422)
    t.match(res.body, 'Choose a local in a chapter you organize in.')
  })

  t.test('a save from a form another organizer saved first is a 409 naming them, the input kept', async (t) => {
    const other = new Agent(app)
    const maria = await user(db, 'organizer', w.a.id, { name: 'Maria Second' })
    await other.login(maria.email, PASSWORD)
    const opened = await db
      .selectFrom('supporters')
      .select('version')
      .where('id', '=', rosaId)
      .executeTakeFirstOrThrow()
    const first = await other.post(`/people/${rosaId}`, {
      name: 'Rosa F. Fictional',
      local_id: String(w.localA.id),
      role_in_local: 'steward',
      chapter_member: 'on',
      email: 'rosa.f@example.org',
      phone: '617 555 0142',
      tags: 'nurses, night shift',
      version: String(opened.version),
    })
    t.equal(first.statusCode, 303)
    const second = await org.post(`/people/${rosaId}`, {
      name: 'Stale Rosa',
      local_id: String(w.localA.id),
      version: String(opened.version),
    })
    t.equal(second.statusCode, 409)
    t.match(second.body, 'Maria Second changed this supporter at ', 'the message names who saved first')
    t.match(second.body, 'value="Stale Rosa"', 'what was typed is kept')
    t.match(second.body, '<dd>Rosa F. Fictional</dd>', 'the saved name is shown beside the form')
    t.match(second.body, `name="version" value="${opened.version + 1}"`, 'saving again applies the typed values')
    const row = await db
      .selectFrom('supporters')
      .select(['name', 'version'])
      .where('id', '=', rosaId)
      .executeTakeFirstOrThrow()
    t.equal(row.name, 'Rosa F. Fictional')
    t.equal(row.version, opened.version + 1)
    const again = await org.post(`/people/${rosaId}`, {
      name: 'Rosa F. Fictional',
      local_id: String(w.localA.id),
      role_in_local: 'steward',
      chapter_member: 'on',
      email: 'rosa.f@example.org',
      phone: '617 555 0142',
      tags: 'nurses, night shift',
      version: String(opened.version + 1),
    })
    t.equal(again.statusCode, 303, 'the same organizer saves again from the re-rendered form')
    const own = await org.post(`/people/${rosaId}`, {
      name: 'Rosa from another tab',
      local_id: String(w.localA.id),
      version: String(opened.version + 1),
    })
    t.equal(own.statusCode, 409)
    t.match(own.body, 'You changed this supporter in another tab', 'the earlier save was this organizer’s own')
  })

  t.test('another chapter’s supporter is not found; a national reviewer is refused', async (t) => {
    t.equal((await orgB.get(`/people/${rosaId}`)).statusCode, 404)
    t.equal((await orgB.post(`/people/${rosaId}/level`, { level: '1' })).statusCode, 404)
    t.equal((await nat.get('/people')).statusCode, 403)
    t.equal((await nat.get(`/people/${rosaId}`)).statusCode, 403)
    t.equal((await vol.get(`/people/${rosaId}/edit`)).statusCode, 403)
    t.equal((await org.get('/people/abc')).statusCode, 400)
  })

  t.test('a volunteer logs a level inline: the panel swaps itself and the drive shows activity', async (t) => {
    const res = await vol.post(
      `/people/${rosaId}/level`,
      { level: '1', note: 'Will lead' },
      { htmx: 'section#person-level' },
    )
    t.equal(res.statusCode, 200)
    t.notMatch(res.body, '<html')
    t.match(res.body, 'id="person-level"')
    t.match(res.body, 'Will lead')
    const row = await db
      .selectFrom('supporters')
      .select('current_level')
      .where('id', '=', rosaId)
      .executeTakeFirstOrThrow()
    t.equal(row.current_level, 1)
    const d = await db
      .selectFrom('drives')
      .select('last_activity_at')
      .where('id', '=', driveA.id)
      .executeTakeFirstOrThrow()
    t.ok(new Date(d.last_activity_at as unknown as string).getFullYear() > 2020)
    const bad = await vol.post(`/people/${rosaId}/level`, { level: '7' }, { htmx: 'section#person-level' })
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Support level is out of range.')
  })

  t.test('a conversation is logged with and without JavaScript', async (t) => {
    const plain = await vol.post(`/people/${rosaId}/conversations`, {
      kind: 'one_on_one',
      held_on: '2026-11-01',
      outcome: 'Agreed to host a house meeting',
    })
    t.equal(plain.statusCode, 303)
    t.equal(plain.headers.location, `/people/${rosaId}`)
    const inline = await vol.post(
      `/people/${rosaId}/conversations`,
      { kind: 'call', held_on: '2026-11-10', follow_up_on: '2026-11-20' },
      { htmx: 'section#person-conversations' },
    )
    t.equal(inline.statusCode, 200)
    t.match(inline.body, 'Agreed to host a house meeting')
    const bad = await vol.post(
      `/people/${rosaId}/conversations`,
      { kind: 'carrier pigeon', held_on: '2026-02-30' },
      { htmx: 'section#person-conversations' },
    )
    t.equal(bad.statusCode, 422)
    t.match(bad.body, 'Choose what kind of conversation it was.')
    t.match(bad.body, 'Date is not a real date.')
    const rows = await db.selectFrom('conversations').selectAll().where('supporter_id', '=', rosaId).execute()
    t.equal(rows.length, 2)
    t.equal(rows[0]!.drive_id, driveA.id)
    const s = await db
      .selectFrom('supporters')
      .select('last_contact_on')
      .where('id', '=', rosaId)
      .executeTakeFirstOrThrow()
    t.equal(s.last_contact_on, '2026-11-10')
  })

  t.test('an organizer adds a supporter to the drive’s team; another chapter cannot', async (t) => {
    const res = await org.post(`/drives/${driveA.id}/team`, {
      supporter_id: String(rosaId),
      role: 'lead',
      trained_on: '2026-10-01',
    })
    t.equal(res.statusCode, 303)
    const tm = await db.selectFrom('team_members').selectAll().where('drive_id', '=', driveA.id).execute()
    t.equal(tm.length, 1)
    t.equal(tm[0]!.role, 'lead')
    t.equal((await orgB.post(`/drives/${driveA.id}/team`, { supporter_id: String(rosaId) })).statusCode, 404)
    t.equal((await vol.post(`/drives/${driveA.id}/team`, { supporter_id: String(rosaId) })).statusCode, 403)
    t.equal(
      (await orgB.post(`/drives/${driveB.id}/team`, { supporter_id: String(rosaId) })).statusCode,
      404,
      'a supporter from another chapter is not found',
    )
    const page = await org.get(`/people/${rosaId}`)
    t.match(page.body, 'Lead')
  })

  t.test('supporterFacts rolls up the drive’s local in one query', async (t) => {
    await f.supporter(db, w.a.id, w.localA.id, {
      name: 'Board Person',
      role_in_local: 'executive_board',
      current_level: 2,
    })
    await f.supporter(db, w.a.id, w.localA.id, {
      name: 'Board Skeptic',
      role_in_local: 'executive_board',
      current_level: 4,
      potential_leader: true,
    })
    const n = await countQueries(handle, () => supporterFacts(db, [driveA.id, driveB.id]))
    t.equal(n, 1)
    const facts = await supporterFacts(db, [driveA.id, driveB.id])
    t.same(facts.get(driveA.id), {
      supportersLevel12: 2,
      potentialLeaders: 1,
      leadersTrained: 1,
      byLevel: { 1: 1, 2: 1, 3: 0, 4: 1, 5: 0 },
      boardShare: { atLevel12: 1, total: 2 },
    })
    t.same(facts.get(driveB.id)?.supportersLevel12, 0)
  })

  t.test('bulk actions: tag, set level, add to team, delete — one form, chapter-scoped', async (t) => {
    const ids = (await db.selectFrom('supporters').select('id').where('name', 'like', 'Board%').execute()).map((r) =>
      String(r.id),
    )
    t.equal((await org.post('/people/bulk', { action: 'tag', ids, tag: 'Board' })).statusCode, 303)
    t.equal((await vol.post('/people/bulk', { action: 'level', ids, level: '3' })).statusCode, 303)
    t.equal(
      (await org.post('/people/bulk', { action: 'team', ids, drive_id: String(driveA.id), role: 'member' })).statusCode,
      303,
    )
    const rows = await db
      .selectFrom('supporters')
      .select(['tags', 'current_level'])
      .where('id', 'in', ids.map(Number))
      .execute()
    t.ok(rows.every((r) => r.tags.includes('board') && r.current_level === 3))
    const team = await db.selectFrom('team_members').select('id').where('drive_id', '=', driveA.id).execute()
    t.equal(team.length, 3)
    t.equal((await vol.post('/people/bulk', { action: 'delete', ids })).statusCode, 403)
    t.equal((await orgB.post('/people/bulk', { action: 'delete', ids })).statusCode, 404)
    t.equal((await org.post('/people/bulk', { action: 'delete', ids: [ids[0]!] })).statusCode, 303)
    const del = await db
      .selectFrom('supporters')
      .select('deleted_at')
      .where('id', '=', Number(ids[0]))
      .executeTakeFirstOrThrow()
    t.ok(del.deleted_at)
    t.equal((await org.get(`/people/${ids[0]}`)).statusCode, 404)
    t.match((await org.get('/people?deleted=1')).body, 'Board')
    t.equal((await org.post(`/people/${ids[0]}/restore`)).statusCode, 303)
    t.equal((await org.get(`/people/${ids[0]}`)).statusCode, 200)
  })

  t.test('a bulk action returns to the list with its filters', async (t) => {
    const ids = (await db.selectFrom('supporters').select('id').where('name', 'like', 'Board%').execute()).map((r) =>
      String(r.id),
    )
    const res = await org.post('/people/bulk', { action: 'tag', ids, tag: 'Kept', return_to: 'q=Board&level=3' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, '/people?q=Board&level=3')
    const list = await org.get('/people?q=Board&level=3')
    t.match(list.body, 'name="return_to" value="q=Board&amp;level=3"')
  })

  t.test('a volunteer is offered only the bulk action a volunteer may do', async (t) => {
    const volList = await vol.get('/people')
    t.match(volList.body, '<option value="level">Set the level</option>')
    t.notMatch(volList.body, '<option value="delete">')
    t.notMatch(volList.body, '<option value="tag">')
    const orgList = await org.get('/people')
    t.match(orgList.body, '<option value="delete">Delete</option>')
  })

  t.test('the list filters, searches and loads more; the same number of queries for small and big data', async (t) => {
    const small = await countQueries(handle, () => org.get('/people'))
    await f.many(70, (i) =>
      f.supporter(db, w.a.id, w.localA.id, {
        name: `Bulk Person ${String(i).padStart(2, '0')}`,
        current_level: (i % 5) + 1,
        email: `bulk${i}@example.org`,
      }),
    )
    const big = await countQueries(handle, () => org.get('/people'))
    t.equal(small, big)
    t.ok(big <= 12, `${big} queries`)
    const page = await org.get('/people')
    t.equal((page.body.match(/data-label="Name"/g) ?? []).length, 50)
    t.match(page.body, 'Load more')
    const more = await org.get('/people?offset=50', { htmx: 'tr#people-more' })
    t.notMatch(more.body, '<html')
    t.equal((more.body.match(/data-label="Name"/g) ?? []).length, 23)
    const search = await org.get('/people?q=rosa', { htmx: 'div#people-results' })
    t.match(search.body, 'Rosa F. Fictional')
    t.notMatch(search.body, 'Bulk Person')
    const lvl = await org.get('/people?level=1&role=steward&member=1')
    t.match(lvl.body, 'Rosa F. Fictional')
    t.notMatch(lvl.body, 'Bulk Person')
    const stale = await org.get('/people?stale=5&tag=board')
    t.match(stale.body, 'Board')
    t.notMatch(stale.body, 'Rosa F.')
    t.notMatch((await orgB.get('/people')).body, 'Rosa')
  })

  t.test('merge moves levels, conversations, team roles and tags and leaves no orphan', async (t) => {
    const dup = await f.supporter(db, w.a.id, w.localA.id, {
      name: 'R. Fictional',
      phone: '+16175550199',
      tags: ['cope'],
      current_level: 2,
    })
    await f.conversation(db, dup.id, { kind: 'text', held_on: '2026-11-15' })
    await db.insertInto('team_members').values({ supporter_id: dup.id, drive_id: driveA.id, role: 'coach' }).execute()
    t.equal((await vol.post(`/people/${rosaId}/merge`, { other_id: String(dup.id) })).statusCode, 403)
    const res = await org.post(`/people/${rosaId}/merge`, { other_id: String(dup.id), keep: 'this' })
    t.equal(res.statusCode, 303)
    t.equal(res.headers.location, `/people/${rosaId}`)
    const keep = await db.selectFrom('supporters').selectAll().where('id', '=', rosaId).executeTakeFirstOrThrow()
    t.ok(keep.tags.includes('cope') && keep.tags.includes('nurses'))
    t.equal(keep.phone, '+16175550142', 'the survivor keeps its own phone')
    t.equal(keep.last_contact_on, '2026-11-15')
    for (const table of ['support_levels', 'conversations', 'team_members'] as const) {
      const left = await db.selectFrom(table).select('supporter_id').where('supporter_id', '=', dup.id).execute()
      t.equal(left.length, 0, `no ${table} left on the merged record`)
    }
    const convs = await db.selectFrom('conversations').select('id').where('supporter_id', '=', rosaId).execute()
    t.equal(convs.length, 3)
    const team = await db
      .selectFrom('team_members')
      .selectAll()
      .where('supporter_id', '=', rosaId)
      .where('deleted_at', 'is', null)
      .execute()
    t.equal(team.length, 1, 'one team role per drive')
    const gone = await db
      .selectFrom('supporters')
      .select('deleted_at')
      .where('id', '=', dup.id)
      .executeTakeFirstOrThrow()
    t.ok(gone.deleted_at)
    const a = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity', '=', 'supporter')
      .where('action', '=', 'merge')
      .execute()
    t.equal(a.length, 1)
    t.equal((await org.post(`/people/${rosaId}/merge`, { other_id: String(rosaId) })).statusCode, 303)
  })

  t.test(
    'CSV export neutralises formulas, is audited, and is refused to volunteers and national reviewers',
    async (t) => {
      await f.supporter(db, w.a.id, w.localA.id, { name: '=HYPERLINK("x")', notes: null })
      const res = await org.get('/people?format=csv')
      t.equal(res.statusCode, 200)
      t.match(res.headers['content-type'], 'text/csv')
      t.match(res.body, `"'=HYPERLINK(""x"")"`)
      t.match(res.body, 'rosa.f@example.org')
      const a = await db
        .selectFrom('audit_log')
        .select('action')
        .where('entity', '=', 'supporters')
        .where('action', '=', 'export')
        .executeTakeFirst()
      t.ok(a)
      t.equal((await vol.get('/people?format=csv')).statusCode, 403)
      t.equal((await nat.get('/people?format=csv')).statusCode, 403)
    },
  )
})
