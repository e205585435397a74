// Rows whose local is not in the chapter yet: the check step lists those locals with their row counts, and the
// organizer claims a directory local, adds a new one, or imports the rows without a local — nothing is guessed.
import t from 'tap'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { importOlms } from '../../src/imports/olms.ts'

function multipart(fields: Record<string, string>, file: { name: string; content: string }) {
  const boundary = '----tenfoldtest' + Math.random().toString(16).slice(2)
  const parts: string[] = []
  for (const [k, v] of Object.entries(fields))
    parts.push(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`)
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
      `Content-Type: text/csv\r\n\r\n${file.content}\r\n--${boundary}--\r\n`,
  )
  return { payload: Buffer.from(parts.join('')), contentType: `multipart/form-data; boundary=${boundary}` }
}

t.test('importing people whose local is not in the chapter yet', async (t) => {
  const { app, db } = await buildTestApp(t)
  const w = await world(db)
  t.ok(
    (
      await importOlms(db, 'aff_abbr,desig_num,f_num\nATU,589,700001\nIBT,25,700002\n', {
        actorId: null,
        requestId: 't',
      })
    ).ok,
  )
  const atu589 = await db
    .selectFrom('locals')
    .select('id')
    .where('olms_file_number', '=', 700001)
    .executeTakeFirstOrThrow()
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  await org.get('/people/import')
  const file = [
    'name,email,union,local',
    'Ada One,ada@example.org,ATU,589',
    'Bo Two,bo@example.org,ATU,589',
    'Cy Three,cy@example.org,ATU,589',
    'Di Four,di@example.org,IBT,103',
    'Ed Five,ed@example.org,IBT,103',
    'Flo Six,flo@example.org,UAW,2865',
    'Gus Seven,gus@example.org,UAW,600',
  ].join('\n')
  const m = multipart({ _csrf: org.csrf, chapter_id: String(w.a.id) }, { name: 'an-export.csv', content: file })
  const up = await app.inject({
    method: 'POST',
    url: '/people/import',
    payload: m.payload,
    headers: { 'content-type': m.contentType, cookie: [...org.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  })
  t.equal(up.statusCode, 303)
  const id = Number(/(\d+)$/.exec(up.headers.location as string)![1])
  const imp = await db.selectFrom('imports').select('mapping').where('id', '=', id).executeTakeFirstOrThrow()
  const form: Record<string, string> = { duplicates: 'skip' }
  for (const [k, v] of Object.entries(imp.mapping as Record<string, number>)) form[`map_${k}`] = String(v)
  await org.post(`/people/import/${id}/mapping`, form)

  t.test('the check step lists each missing local with its rows, and what may be done', async (t) => {
    const page = await org.get(`/people/import/${id}`)
    t.match(page.body, 'Locals not in Alpha yet')
    t.match(page.body, '“ATU local 589” — 3 rows')
    t.match(page.body, '“IBT local 103” — 2 rows')
    t.match(page.body, '“UAW local 2865” — 1 row')
    t.match(page.body, `value="claim:${atu589.id}"`, 'the directory’s ATU Local 589 can be claimed')
    t.match(page.body, 'Add “IBT Local 103” to the directory, in Alpha')
    t.match(page.body, 'Import these rows without a local')
    const locals = await db
      .selectFrom('locals')
      .select('chapter_id')
      .where('id', '=', atu589.id)
      .executeTakeFirstOrThrow()
    t.equal(locals.chapter_id, null, 'nothing is claimed by looking')
  })

  t.test('the organizer’s choices are applied, the rows checked again, and the import uses them', async (t) => {
    const page = await org.get(`/people/import/${id}`)
    const keys = [...page.body.matchAll(/name="key_(\d+)" value="([^"]*)"/g)].map((x) => [x[1]!, x[2]!] as const)
    const body: Record<string, string> = {}
    for (const [i, k] of keys) {
      body[`key_${i}`] = k
      body[`decide_${i}`] =
        k === 'atu|589' ? `claim:${atu589.id}` : k === 'ibt|103' ? 'create' : k === 'uaw|2865' ? 'without' : ''
    }
    const res = await org.post(`/people/import/${id}/missing`, body)
    t.equal(res.statusCode, 303)
    const after = await db
      .selectFrom('imports')
      .select(['totals', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()
    t.equal(after.status, 'ready')
    t.match(after.totals, { valid: 6, errors: 1 })
    const claimed = await db
      .selectFrom('locals')
      .select('chapter_id')
      .where('id', '=', atu589.id)
      .executeTakeFirstOrThrow()
    t.equal(claimed.chapter_id, w.a.id)
    const created = await db
      .selectFrom('locals as l')
      .leftJoin('national_unions as n', 'n.id', 'l.national_union_id')
      .select(['l.id', 'l.chapter_id', 'n.abbreviation'])
      .where('l.name', '=', 'IBT Local 103')
      .executeTakeFirstOrThrow()
    t.same([created.chapter_id, created.abbreviation], [w.a.id, 'Teamsters'], 'under the union the directory knows')
    const audits = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('entity', '=', 'local')
      .execute()
    t.ok(audits.some((a) => a.action === 'claim' && a.entity_id === String(atu589.id)))
    t.ok(audits.some((a) => a.action === 'create' && a.entity_id === String(created.id)))

    await org.post(`/people/import/${id}/commit`, {})
    for (let i = 0; i < 100; i++) {
      const s = await db.selectFrom('imports').select('status').where('id', '=', id).executeTakeFirstOrThrow()
      if (s.status === 'done' || s.status === 'failed') break
      await new Promise((r) => setTimeout(r, 100))
    }
    const people = await db.selectFrom('supporters').select(['name', 'local_id']).orderBy('name').execute()
    t.same(
      people.map((p) => [p.name, p.local_id]),
      [
        ['Ada One', atu589.id],
        ['Bo Two', atu589.id],
        ['Cy Three', atu589.id],
        ['Di Four', created.id],
        ['Ed Five', created.id],
        ['Flo Six', null],
      ],
      'Gus (UAW 600, left undecided) was not imported',
    )
  })
})
