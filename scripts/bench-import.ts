// npm run bench:import — times a generated 100,000-row supporter CSV through the
// real import code (streamed upload → validation → one-transaction commit)
// against a fresh embedded database in .tenfold-bench, and prints the time of
// each phase and the peak memory (maxRSS) of the process.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import { withNewDatabase } from '../src/cli/run.ts'
import { commitImport, storeUpload, validateImport } from '../src/people/import-run.ts'

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000)
const dataDir = path.resolve('.tenfold-bench')
if (!process.env.DATABASE_URL) {
  fs.rmSync(dataDir, { recursive: true, force: true })
  process.env.TENFOLD_DATA_DIR = dataDir
}

function writeCsv(file: string): number {
  const out = fs.openSync(file, 'w')
  const locals = ['1400', 'Local 1401', '1402', 'CWA Local 1403', '9999']
  let buf = '\ufeffFirst Name;last_name;Email;can2_phone;Union;Local;Role;Level;Tags;Chapter member;Notes\r\n'
  for (let i = 1; i <= ROWS; i++) {
    const bad = i % 97 === 0 // ~1% bad rows (unknown local or bad email)
    const dup = i % 101 === 0 // ~1% duplicates of an earlier row
    const n = dup ? i - 50 : i
    const email = bad && i % 2 ? `bench${n}@@example.org` : `Bench.Person${n}@Example.org`
    const phone = `+1 (617) ${String(200 + Math.floor(n / 10000)).padStart(3, '0')}-${String(n % 10000).padStart(4, '0')}`
    const local = bad && !(i % 2) ? '9999' : locals[n % 4]!
    buf += `Bench${n};Person;${email};${phone};CWA;${local};${['steward', 'rank and file', 'officer', 'delegate'][n % 4]};${(n % 5) + 1};"bench; night";${n % 3 ? 'no' : 'yes'};"Notes for ${n}, with a comma"\r\n`
    if (buf.length > 1 << 20) {
      fs.writeSync(out, buf)
      buf = ''
    }
  }
  fs.writeSync(out, buf)
  fs.closeSync(out)
  return fs.statSync(file).size
}

await withNewDatabase(async ({ db }) => {
  const chapter = await db
    .insertInto('chapters')
    .values({ name: 'Bench', slug: `bench-${Date.now()}` })
    .returning('id')
    .executeTakeFirstOrThrow()
  const union =
    (await db
      .insertInto('national_unions')
      .values({ name: 'Bench Union', abbreviation: `CWA` })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst()) ??
    (await db
      .selectFrom('national_unions')
      .select('id')
      .where(sql`upper(abbreviation)`, '=', 'CWA')
      .executeTakeFirstOrThrow())
  for (const n of [1400, 1401, 1402, 1403]) {
    await db
      .insertInto('locals')
      .values({
        name: `CWA Local ${n}`,
        designation: `Local ${n}`,
        chapter_id: chapter.id,
        national_union_id: union.id,
      })
      .execute()
  }
  const user = await db
    .insertInto('users')
    .values({ email: `bench-${Date.now()}@example.org`, name: 'Bench' })
    .returning('id')
    .executeTakeFirstOrThrow()
  const file = path.join(os.tmpdir(), `tenfold-bench-${process.pid}.csv`)
  const bytes = writeCsv(file)
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MB`
  console.log(`Generated ${ROWS.toLocaleString('en-US')} rows (${mb(bytes)}) in ${file}`)
  const t0 = performance.now()
  const stored = await storeUpload(db, fs.createReadStream(file), {
    chapterId: chapter.id,
    userId: user.id,
    filename: 'bench.csv',
  })
  const t1 = performance.now()
  const imp = await db.selectFrom('imports').select('mapping').where('id', '=', stored.id).executeTakeFirstOrThrow()
  const checked = await validateImport(db, stored.id, imp.mapping as never, { duplicates: 'skip' })
  const t2 = performance.now()
  const totals = await commitImport(db, stored.id, { actorId: user.id, requestId: 'bench' })
  const t3 = performance.now()
  fs.rmSync(file, { force: true })
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`
  console.log(`upload (stream parse + store): ${s(t1 - t0)}`)
  console.log(
    `validation report:             ${s(t2 - t1)}  (${checked.valid} valid, ${checked.errors} errors, ${checked.duplicatesInFile} duplicates in the file)`,
  )
  console.log(
    `commit (one transaction):      ${s(t3 - t2)}  (${totals.created} created, ${totals.skipped} skipped, ${totals.errors} errors)`,
  )
  console.log(`total:                         ${s(t3 - t0)}`)
  console.log(`peak memory (maxRSS):          ${mb(process.resourceUsage().maxRSS * 1024)}`)
})
