// The supporter import reads files as people make them: quotes inside fields, binary files renamed .csv,
// header-only files, blank lines and multi-line cells (reported at their physical line), union and number that
// must agree, role words in English and Spanish, export headers from Action Network and Solidarity Tech.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, local, nationalUnion, world } from '../factories.ts'

function multipart(fields: Record<string, string>, file: { name: string; content: string | Buffer }) {
  const boundary = '----tenfoldtest' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
        'Content-Type: text/csv\r\n\r\n',
    ),
  )
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

t.test('reading supporter files', async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  const w = await world(db)
  const ibew = await nationalUnion(db, {
    abbreviation: 'IBEW',
    name: 'International Brotherhood of Electrical Workers',
  })
  const ibt = await nationalUnion(db, { abbreviation: 'IBT', name: 'International Brotherhood of Teamsters' })
  await db
    .updateTable('national_unions')
    .set({ aliases: ['Teamsters'] })
    .where('id', '=', ibt.id)
    .execute()
  const ibew103 = await local(db, { name: 'IBEW Local 103', chapter_id: w.a.id, national_union_id: ibew.id })
  const ibt25 = await local(db, { name: 'IBT Local 25', chapter_id: w.a.id, national_union_id: ibt.id })
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)

  async function upload(content: string | Buffer, name = 'people.csv') {
    await org.get('/people/import')
    const m = multipart({ _csrf: org.csrf, chapter_id: String(w.a.id) }, { name, content })
    return app.inject({
      method: 'POST',
      url: '/people/import',
      payload: m.payload,
      headers: { 'content-type': m.contentType, cookie: [...org.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
  }
  async function check(content: string) {
    const res = await upload(content)
    t.equal(res.statusCode, 303, res.body.slice(0, 300))
    const id = Number(/\/people\/import\/(\d+)/.exec(res.headers.location as string)![1])
    const imp = await db.selectFrom('imports').select('mapping').where('id', '=', id).executeTakeFirstOrThrow()
    const form: Record<string, string> = { duplicates: 'skip' }
    for (const [k, v] of Object.entries(imp.mapping as Record<string, number>)) form[`map_${k}`] = String(v)
    t.equal((await org.post(`/people/import/${id}/mapping`, form)).statusCode, 303)
    const rows = await db
      .selectFrom('import_rows')
      .select(['line', 'cells', 'problem'])
      .where('import_id', '=', id)
      .orderBy('line')
      .execute()
    const after = await db
      .selectFrom('imports')
      .select(['totals', 'mapping'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    return {
      id,
      rows,
      totals: after.totals as Record<string, unknown>,
      mapping: after.mapping as Record<string, number>,
    }
  }

  t.test('a quote inside an unquoted field is part of the name, and the file imports', async (t) => {
    const r = await check('first_name,last_name,email,union,local\nJo "JJ",Smith,jo@example.org,IBEW,103\n')
    t.equal(r.rows[0]!.cells[0], 'Jo "JJ"')
    t.equal(r.rows[0]!.problem, null)
    t.equal(r.totals.valid, 1)
    t.notMatch(logs.join(''), 'JJ', 'no part of the row reaches the log')
  })

  t.test('a binary file renamed .csv comes back as the upload form with a clear message', async (t) => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52])
    const res = await upload(Buffer.concat([png, Buffer.alloc(2000, 7)]), 'photo.csv')
    t.equal(res.statusCode, 422)
    t.match(res.body, 'not a CSV file')
    t.match(res.body, 'name="file"', 'the upload form again')
    const xlsx = await upload(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(500, 1)]), 'list.csv')
    t.equal(xlsx.statusCode, 422)
    t.match(xlsx.body, 'spreadsheet file')
    const count = await db.selectFrom('imports').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    t.equal(Number(count.n), 1, 'nothing is kept of either file')
  })

  t.test('a broken quote is a clear message, without the file’s text in the log', async (t) => {
    const res = await upload('name,email\n"Unterminated Secretname,x@example.org\n')
    t.equal(res.statusCode, 422)
    t.match(res.body, 'not a readable CSV file')
    t.notMatch(logs.join(''), 'Secretname')
  })

  t.test('a file with a header row and nobody under it says so', async (t) => {
    const res = await upload('first_name,last_name,email\n\n')
    t.equal(res.statusCode, 422)
    t.match(res.body, 'header row but no people')
  })

  t.test('problem rows are reported at the physical line where they start', async (t) => {
    const file = [
      'name,email,union,local,notes', // 1
      'Ann One,ann@example.org,IBEW,103,', // 2
      '', // 3
      'Bad Email,not-an-email,IBEW,103,', // 4
      'Multi Line,multi@example.org,IBEW,103,"first', // 5
      'second', // 6
      'third"', // 7
      '', // 8
      '', // 9
      'Bad Again,also-bad,IBEW,103,', // 10
    ].join('\n')
    const r = await check(file)
    t.same(
      r.rows.map((x) => x.line),
      [2, 4, 5, 10],
    )
    t.same(
      r.rows.filter((x) => x.problem).map((x) => x.line),
      [4, 10],
    )
  })

  t.test('union IBT with local 103 is an error naming the problem, never IBEW Local 103', async (t) => {
    const r = await check(
      [
        'name,union,local,email',
        'Tess Driver,IBT,103,tess@example.org',
        'Ed Wire,IBEW,103,ed@example.org',
        'Tom Haul,Teamsters,25,tom@example.org',
        'Nu Mber,,103,nu@example.org',
      ].join('\n'),
    )
    t.match(r.rows[0]!.problem, 'No IBT local 103 in this chapter')
    t.equal(r.rows[1]!.problem, null)
    t.equal(r.rows[2]!.problem, null, 'a union’s common name finds its local')
    t.equal(r.rows[3]!.problem, null, 'a number alone is fine when one local has it')
    await org.post(`/people/import/${r.id}/commit`, {})
    for (let i = 0; i < 100; i++) {
      const s = await db.selectFrom('imports').select('status').where('id', '=', r.id).executeTakeFirstOrThrow()
      if (s.status === 'done' || s.status === 'failed') break
      await new Promise((res) => setTimeout(res, 100))
    }
    const people = await db.selectFrom('supporters').select(['name', 'local_id']).orderBy('name').execute()
    t.same(
      people.map((p) => [p.name, p.local_id]),
      [
        ['Ed Wire', ibew103.id],
        ['Nu Mber', ibew103.id],
        ['Tom Haul', ibt25.id],
      ],
      'Tess was not imported anywhere',
    )
  })

  t.test('a number two locals share, with no union, is an error that names both', async (t) => {
    await local(db, { name: 'IBT Local 103', chapter_id: w.a.id, national_union_id: ibt.id })
    const r = await check('name,local,email\nAmbi Guous,103,ambi@example.org\n')
    t.match(r.rows[0]!.problem, 'matches more than one local in this chapter')
    t.match(r.rows[0]!.problem, 'IBEW Local 103')
    t.match(r.rows[0]!.problem, 'IBT Local 103')
  })

  t.test('role words in English and Spanish are understood', async (t) => {
    const r = await check(
      [
        'name,local,role,email',
        'A Uno,IBT Local 25,Delegado,a1@example.org',
        'B Dos,IBT Local 25,miembro,b2@example.org',
        'C Tres,IBT Local 25,Oficial,c3@example.org',
        'D Cuatro,IBT Local 25,Shop Steward,d4@example.org',
        'E Cinco,IBT Local 25,E-Board,e5@example.org',
        'F Seis,IBT Local 25,Junta Ejecutiva,f6@example.org',
        'G Siete,IBT Local 25,astronaut,g7@example.org',
      ].join('\n'),
    )
    t.same(
      r.rows.map((x) => x.problem),
      [null, null, null, null, null, null, 'Error: Unknown role “astronaut”'],
    )
  })

  t.test('Action Network and Solidarity Tech headers are matched, can2_user_tags to tags', async (t) => {
    const r = await check(
      [
        'first_name,last_name,email,zip_code,can2_phone,can2_user_tags,Union Local',
        'Ana,Net,ana.net@example.org,02118,617-555-0111,"nurses, nights",IBT Local 25',
      ].join('\n'),
    )
    t.equal(r.mapping.tags, 5)
    t.equal(r.mapping.phone, 4)
    t.equal(r.mapping.local, 6)
    const st = await check(
      'First Name,Last Name,Email Address,Phone Number,Tags,Local #\nSol,Tech,s@example.org,,x,25\n',
    )
    t.same(Object.keys(st.mapping).sort(), ['email', 'first_name', 'last_name', 'local', 'phone', 'tags'])
  })

  t.test('duplicates are reported even on rows that have other errors', async (t) => {
    const r = await check(
      [
        'name,local,email,level',
        'First Copy,IBT Local 25,twice@example.org,2',
        'Second Copy,IBT Local 25,twice@example.org,9',
      ].join('\n'),
    )
    t.match(r.rows[1]!.problem, 'Level out of range')
    t.match(r.rows[1]!.problem, 'Duplicate of line 2 in this file')
  })

  t.test('a row with no email and no phone is imported with a warning', async (t) => {
    const r = await check('name,local\nNo Contact,IBT Local 25\n')
    t.equal(r.rows[0]!.problem, 'Warning: No email and no phone')
    t.equal(r.totals.valid, 1)
    t.equal(r.totals.warnings, 1)
    const page = await org.get(`/people/import/${r.id}`)
    t.match(page.body, 'Rows with warnings')
    t.match(page.body, 'No email and no phone')
  })
})
