// npm run import:olms -- FILE — load the OLMS directory CSV (aff_abbr,desig_num,f_num).
import fs from 'node:fs'
import { importOlms } from '../imports/olms.ts'
import { withDatabase } from './run.ts'

const file = process.argv.slice(2).find((a) => !a.startsWith('--'))
if (!file) {
  console.error('Usage: npm run import:olms -- FILE.csv')
  process.exit(2)
}
await withDatabase(async ({ db }) => {
  const started = Date.now()
  const res = await importOlms(db, fs.readFileSync(file), { actorId: null, requestId: 'cli' })
  if (!res.ok) {
    console.error(`Nothing was imported: ${res.errors.length} bad row(s).`)
    for (const e of res.errors.slice(0, 20)) console.error(`  line ${e.line}: ${e.message}`)
    if (res.errors.length > 20) console.error(`  … and ${res.errors.length - 20} more`)
    return 1
  }
  const r = res.result
  console.log(
    `${r.rows} rows read (${r.bodies} filing bodies): ` +
      `${r.unionsCreated} national unions and ${r.localsCreated} locals created, ` +
      `${r.localsExisting} already there (${Date.now() - started} ms).`,
  )
})
