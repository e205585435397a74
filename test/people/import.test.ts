import t from 'tap'
import { sql } from 'kysely'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, local, supporter, world } from '../factories.ts'
import { failStaleImports } from '../../src/people/import-run.ts'

function multipart(fields: Record<string, string>, file: { name: string; content: string | Buffer }) {
  const boundary = '----tenfoldtest' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
  )
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

t.test('the supporter CSV import', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  const nurses = await local(db, { name: 'Alpha Nurses Local 1400', chapter_id: w.a.id, national_union_id: w.union.id })
  await db.updateTable('locals').set({ designation: 'Local 1400' }).where('id', '=', nurses.id).execute()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const vol = new Agent(app)
  await vol.login(w.volunteerA.email, PASSWORD)
  const nat = new Agent(app)
  await nat.login(w.national.email, PASSWORD)
  const orgB = new Agent(app)
  await orgB.login(w.organizerB.email, PASSWORD)
  // Already in the database: matched by email.
  const existing = await supporter(db, w.a.id, w.localA.id, { name: 'Existing Person', email: 'existing@example.org' })

  async function upload(agent: Agent, content: string | Buffer, fields: Record<string, string> = {}) {
    await agent.get('/people/import')
    const m = multipart({ _csrf: agent.csrf, chapter_id: String(w.a.id), ...fields }, { name: 'people.csv', content })
    return app.inject({
      method: 'POST',
      url: '/people/import',
      payload: m.payload,
      headers: { 'content-type': m.contentType, cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
  }
  async function waitDone(agent: Agent, id: number) {
    for (let i = 0; i < 200; i++) {
      const res = await agent.get(`/people/import/${id}/progress`, { htmx: 'div#import-progress' })
      if (!res.body.includes('hx-trigger="every 1s"')) return res
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('import did not finish')
  }

  const messy =
    '\ufeff' +
    [
      'Nombre;last_name;Email;can2_phone;Union;Local;Role;Level;Tags;Chapter member;Notes',
      'Ana;Ficticia;ANA@Example.org;617-555-0101;CWA;1400;steward;1;nurses, nights;yes;"Met at the picket; very keen"',
      '',
      'Ben;Placeholder;ben@example.org;(617) 555-0102;CWA;Local 1400;Rank and file;2;;no;"Two lines\nof notes"',
      ';;noname@example.org;;CWA;1400;;;;;',
      'Bad;Email;not-an-email;;CWA;1400;;;;;',
      'Bad;Phone;;12;CWA;1400;;;;;',
      'Unknown;Local;;;CWA;9999;;;;;',
      'No;Local;;;;;;;;;',
      'Level;Word;;;CWA;1400;;high;;;',
      'Level;Big;;;CWA;1400;;7;;;',
      'Role;Odd;;;CWA;1400;astronaut;;;;',
      'Member;Maybe;;;CWA;1400;;;;perhaps;',
      `${'X'.repeat(201)};Long;;;CWA;1400;;;;;`,
      'Ana;Again;ana@example.org;;CWA;1400;;;;;',
      'Existing;Person;EXISTING@example.org;617-555-0103;CWA;1400;;3;;;',
      '',
    ].join('\r\n')

  let importId = 0
  t.test(
    'a messy file (BOM, semicolons, quoted separators and newlines, empty lines) is read and its headers matched',
    async (t) => {
      const res = await upload(org, messy)
      t.equal(res.statusCode, 303, res.body)
      const imp = await db.selectFrom('imports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow()
      importId = imp.id
      t.equal(res.headers.location, `/people/import/${imp.id}`)
      t.equal((imp.totals as { rows: number }).rows, 14)
      t.equal(imp.headers[0], 'Nombre')
      t.same(imp.mapping, {
        first_name: 0,
        last_name: 1,
        email: 2,
        phone: 3,
        union: 4,
        local: 5,
        role: 6,
        level: 7,
        tags: 8,
        chapter_member: 9,
        notes: 10,
      })
      const rows = await db
        .selectFrom('import_rows')
        .select(['line', 'cells'])
        .where('import_id', '=', imp.id)
        .orderBy('line')
        .execute()
      t.equal(rows[0]!.cells[10], 'Met at the picket; very keen')
      t.equal(rows[1]!.cells[10], 'Two lines\nof notes')
      const page = await org.get(`/people/import/${imp.id}`)
      t.equal(page.statusCode, 200)
      t.match(page.body, 'The first rows, as matched')
      t.match(page.body, 'ANA@Example.org')
    },
  )

  t.test('the check reports ten kinds of bad rows and both kinds of duplicates, downloadable as CSV', async (t) => {
    const form: Record<string, string> = { duplicates: 'skip' }
    const imp = await db.selectFrom('imports').select('mapping').where('id', '=', importId).executeTakeFirstOrThrow()
    for (const [k, v] of Object.entries(imp.mapping as Record<string, number>)) form[`map_${k}`] = String(v)
    const res = await org.post(`/people/import/${importId}/mapping`, form)
    t.equal(res.statusCode, 303)
    const after = await db
      .selectFrom('imports')
      .select(['status', 'totals'])
      .where('id', '=', importId)
      .executeTakeFirstOrThrow()
    t.equal(after.status, 'ready')
    t.same(after.totals, {
      rows: 14,
      valid: 2,
      errors: 10,
      duplicatesInFile: 1,
      duplicatesInDb: 1,
      warnings: 0,
      missingLocals: [{ key: 'cwa|9999', union: 'CWA', local: '9999', rows: 1 }],
    })
    const problems = (
      await db
        .selectFrom('import_rows')
        .select('problem')
        .where('import_id', '=', importId)
        .where('problem', 'is not', null)
        .orderBy('line')
        .execute()
    ).map((p) => p.problem)
    for (const kind of [
      'No name',
      'Bad email',
      'Bad phone number',
      'No CWA local 9999 in this chapter',
      'No local',
      'Level is not a number',
      'Level out of range',
      'Unknown role',
      'Chapter member must be yes or no',
      'Name longer than 200 characters',
      'Duplicate of line 2',
      'Already in Tenfold',
    ]) {
      t.ok(
        problems.some((p) => p?.includes(kind)),
        kind,
      )
    }
    const page = await org.get(`/people/import/${importId}`)
    t.match(page.body, 'What the check found')
    const report = await org.get(`/people/import/${importId}/report.csv`)
    t.equal(report.statusCode, 200)
    t.match(report.headers['content-type'], 'text/csv')
    t.match(report.body, 'Level out of range')
  })

  t.test('others may not see or run an import', async (t) => {
    t.equal((await vol.get(`/people/import/${importId}`)).statusCode, 403)
    t.equal((await nat.get('/people/import')).statusCode, 403)
    t.equal((await orgB.get(`/people/import/${importId}`)).statusCode, 404)
    t.equal((await orgB.get(`/people/import/${importId}/progress`)).statusCode, 404)
    t.equal((await upload(vol, messy)).statusCode, 403)
  })

  t.test('the commit runs in the background, shows progress, and records a summary in the audit trail', async (t) => {
    const res = await org.post(`/people/import/${importId}/commit`)
    t.equal(res.statusCode, 303)
    const done = await waitDone(org, importId)
    t.match(done.body, 'The import is done.')
    const imp = await db
      .selectFrom('imports')
      .select(['status', 'totals', 'progress'])
      .where('id', '=', importId)
      .executeTakeFirstOrThrow()
    t.equal(imp.status, 'done')
    t.equal(imp.progress, 100)
    t.same(imp.totals, { rows: 14, created: 2, updated: 0, skipped: 2, errors: 10 })
    const ana = await db
      .selectFrom('supporters')
      .selectAll()
      .where('email', '=', 'ana@example.org')
      .executeTakeFirstOrThrow()
    t.equal(ana.name, 'Ana Ficticia')
    t.equal(ana.phone, '+16175550101')
    t.equal(ana.local_id, nurses.id)
    t.equal(ana.role_in_local, 'steward')
    t.equal(ana.current_level, 1)
    t.ok(ana.chapter_member)
    t.same(ana.tags, ['nurses', 'nights'])
    const levels = await db.selectFrom('support_levels').select('level').where('supporter_id', '=', ana.id).execute()
    t.equal(levels.length, 1)
    const ex = await db
      .selectFrom('supporters')
      .select(['phone'])
      .where('id', '=', existing.id)
      .executeTakeFirstOrThrow()
    t.equal(ex.phone, null, 'skip leaves the existing record alone')
    const a = await db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity', '=', 'supporters')
      .where('action', '=', 'import')
      .executeTakeFirstOrThrow()
    t.match(a.after, { created: 2, skipped: 2, errors: 10 })
    t.notMatch(JSON.stringify(a.after), 'ana@example.org')
  })

  t.test('update-empty-fields fills in what an existing supporter lacks, and nothing else', async (t) => {
    const res = await upload(
      org,
      'name,email,phone,local,union,level,notes\nExisting Renamed,existing@example.org,617-555-0103,1400,CWA,2,From the sign-up sheet\n',
    )
    t.equal(res.statusCode, 303)
    const id = Number(res.headers.location!.split('/').pop())
    await org.post(`/people/import/${id}/mapping`, {
      map_name: '0',
      map_email: '1',
      map_phone: '2',
      map_local: '3',
      map_union: '4',
      map_level: '5',
      map_notes: '6',
      duplicates: 'update',
    })
    await org.post(`/people/import/${id}/commit`)
    await waitDone(org, id)
    const ex = await db.selectFrom('supporters').selectAll().where('id', '=', existing.id).executeTakeFirstOrThrow()
    t.equal(ex.name, 'Existing Person', 'the name is not overwritten')
    t.equal(ex.phone, '+16175550103')
    t.equal(ex.notes, 'From the sign-up sheet')
    t.equal(ex.local_id, w.localA.id, 'the local is kept')
    t.equal(ex.current_level, 2)
    const imp = await db.selectFrom('imports').select('totals').where('id', '=', id).executeTakeFirstOrThrow()
    t.match(imp.totals, { created: 0, updated: 1 })
  })

  t.test('a failure mid-file saves nothing; the import can be run again', async (t) => {
    const lines = ['name,email,local,union']
    for (let i = 1; i <= 2600; i++)
      lines.push(`${i === 2300 ? 'Boom Failure' : `Bulk Person ${i}`},bulk${i}@example.org,1400,CWA`)
    const res = await upload(org, lines.join('\n'))
    t.equal(res.statusCode, 303)
    const id = Number(res.headers.location!.split('/').pop())
    await org.post(`/people/import/${id}/mapping`, {
      map_name: '0',
      map_email: '1',
      map_local: '2',
      map_union: '3',
      duplicates: 'skip',
    })
    await sql`create function boom() returns trigger language plpgsql as $$ begin if new.name = 'Boom Failure' then raise exception 'boom'; end if; return new; end $$`.execute(
      db,
    )
    await sql`create trigger boom before insert on supporters for each row execute function boom()`.execute(db)
    await org.post(`/people/import/${id}/commit`)
    const res2 = await waitDone(org, id)
    t.match(res2.body, 'nothing from it was saved')
    const imp = await db
      .selectFrom('imports')
      .select(['status', 'progress'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.equal(imp.status, 'failed')
    t.ok(imp.progress > 0 && imp.progress < 100, `progress was reported before the failure (${imp.progress}%)`)
    const n = await db
      .selectFrom('supporters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', 'like', 'Bulk Person%')
      .executeTakeFirstOrThrow()
    t.equal(n.n, 0, 'no row of the failed import was saved')
    await sql`drop trigger boom on supporters`.execute(db)
    const page = await org.get(`/people/import/${id}`)
    t.match(page.body, 'Run the import again')
    await org.post(`/people/import/${id}/commit`)
    await waitDone(org, id)
    const n2 = await db
      .selectFrom('supporters')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('name', 'like', 'Bulk Person%')
      .executeTakeFirstOrThrow()
    t.equal(n2.n, 2599)
  })

  t.test('an import left running by a killed server is marked failed on start and can be run again', async (t) => {
    const res = await upload(org, 'name,local,union\nKilled Import Person,1400,CWA\n')
    const id = Number(res.headers.location!.split('/').pop())
    await org.post(`/people/import/${id}/mapping`, { map_name: '0', map_local: '1', map_union: '2' })
    await db.updateTable('imports').set({ status: 'committing', progress: 40 }).where('id', '=', id).execute()
    t.equal(await failStaleImports(db), 1)
    const imp = await db
      .selectFrom('imports')
      .select(['status', 'error'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.equal(imp.status, 'failed')
    t.match(imp.error, 'Nothing from it was saved')
    await org.post(`/people/import/${id}/commit`)
    await waitDone(org, id)
    t.ok(await db.selectFrom('supporters').select('id').where('name', '=', 'Killed Import Person').executeTakeFirst())
  })

  t.test('an empty or unreadable file is a clear message, not a 500', async (t) => {
    const empty = await upload(org, '')
    t.equal(empty.statusCode, 422)
    t.match(empty.body, 'The file is empty.')
    const broken = await upload(org, 'name,email\n"unterminated,quote\n')
    t.equal(broken.statusCode, 422)
    t.match(broken.body, 'not a readable CSV file')
    const noCsrf = await upload(org, 'name\nX\n', { _csrf: 'nope' })
    t.equal(noCsrf.statusCode, 403)
    const before = await db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const huge = await upload(
      org,
      Buffer.concat([Buffer.from('name,notes\n'), Buffer.alloc(51 * 1024 * 1024, `Someone,${'n'.repeat(590)}\n`)]),
    )
    t.equal(huge.statusCode, 413)
    t.match(huge.body, 'larger than 50 MB')
    const after = await db
      .selectFrom('imports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    t.equal(after.n, before.n, 'nothing is kept of a file over the limit')
  })
})
