// Uploads never reach the log (issue 15, item 13): a file that fails to parse
// leaves its code and line in the log, never a field or record of it.
import t from 'tap'
import { parse } from 'csv-parse/sync'
import { Agent, buildTestApp } from '../helper.ts'
import { PASSWORD, world } from '../factories.ts'
import { serializeError } from '../../src/app.ts'
import { upload } from './support.ts'

t.test("a csv-parse error is logged with its code and line, not the file's text", async (t) => {
  let err: unknown
  try {
    parse('name,email\nJo "Zebulon" Quux,zq@mail.test\n"unclosed,Marguerite\n')
  } catch (e) {
    err = e
  }
  t.ok(err, 'the file does not parse')
  const logged = JSON.stringify(serializeError(err))
  t.match(logged, /CsvError/)
  for (const value of ['Zebulon', 'Quux', 'zq@mail.test', 'Marguerite']) t.notMatch(logged, value)
})

t.test('PostgreSQL errors are logged without the values they quote', async (t) => {
  const logged = JSON.stringify(
    serializeError(
      Object.assign(new Error('invalid input syntax for type integer: "Zebulon"'), {
        code: '22P02',
        detail: 'Key (email)=(zq@mail.test) already exists.',
      }),
    ),
  )
  t.notMatch(logged, 'Zebulon')
  t.notMatch(logged, 'zq@mail.test')
  t.match(logged, '22P02')
})

t.test("a failed import's log lines hold none of the file's values", async (t) => {
  const { app, db, logs } = await buildTestApp(t)
  const w = await world(db)
  const org = new Agent(app)
  await org.login(w.organizerA.email, PASSWORD)
  const admin = new Agent(app)
  await admin.login(w.admin.email, PASSWORD)
  const files: (string | Buffer)[] = [
    'name,email,local\nJo "Zebulon" Quux,zq@mail.test,Local 1\n"Marguerite, unclosed\n',
    Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from('Zebulon Quux zq@mail.test'), Buffer.alloc(64, 0)]),
    'name,email\n"Zebulon"x,zq@mail.test\n',
    'name\u0000email\nZebulon\u0000zq@mail.test\n',
  ]
  const before = logs.length
  for (const file of files) {
    const res = await upload(app, org, '/people/import', file, { chapter_id: String(w.a.id) })
    t.ok(res.statusCode < 500, `supporter import → ${res.statusCode}`)
    const olms = await upload(app, admin, '/admin/import', file)
    t.ok(olms.statusCode < 500, `OLMS import → ${olms.statusCode}`)
  }
  const text = logs.slice(before).join('\n')
  t.ok(text.length > 0, 'the requests were logged')
  for (const value of ['Zebulon', 'Quux', 'zq@mail.test', 'Marguerite'])
    t.notMatch(text, value, `no "${value}" in the log`)
})
