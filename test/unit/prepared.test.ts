import t from 'tap'
import { sql } from 'kysely'
import { createTestDatabase } from '../helper.ts'
import { createDb, PREPARE } from '../../src/db/database.ts'

t.test(
  'marked statements are prepared once per connection, others never; a stale plan runs again unprepared',
  async (t) => {
    const { url } = await createTestDatabase(t)
    const handle = createDb(url, { poolSize: 1 })
    t.teardown(() => handle.close())
    const db = handle.db
    const preparedNames = async () =>
      (await sql<{ name: string }>`select name from pg_prepared_statements order by name`.execute(db)).rows.map(
        (r) => r.name,
      )

    await sql`create table prepared_probe (id int primary key, label text)`.execute(db)
    await sql`insert into prepared_probe values (1, 'one'), (2, 'two')`.execute(db)
    t.same(await preparedNames(), [], 'nothing prepared by unmarked statements')

    const byId = (id: number) =>
      sql<{ id: number; label: string }>`select * from prepared_probe where id = ${id} ${PREPARE}`.execute(db)
    t.same((await byId(1)).rows, [{ id: 1, label: 'one' }])
    t.same((await byId(2)).rows, [{ id: 2, label: 'two' }], 'the same statement, other values')
    const names = await preparedNames()
    t.equal(names.length, 1, 'one prepared statement for the marked text')
    t.match(names[0], /^tf_[0-9a-f]{24}$/)

    // A column added under the prepared `select *`: PostgreSQL refuses the old
    // plan ("cached plan must not change result type"); the statement runs again.
    await sql`alter table prepared_probe add column extra int default 7`.execute(db)
    t.same(
      (await byId(1)).rows,
      [{ id: 1, label: 'one', extra: 7 }],
      'answers with the new column after a schema change',
    )

    await t.rejects(
      sql`select * from prepared_probe where id = ${'not a number'} ${PREPARE}`.execute(db),
      /invalid input syntax/,
      'errors still reach the caller',
    )
  },
)
