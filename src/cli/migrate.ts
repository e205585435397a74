// npm run db:migrate — apply pending migrations (or `-- --down` to undo the last).
import { migrateToLatest, migrator } from '../db/migrate.ts'
import { flags, withDatabase } from './run.ts'

const f = flags(process.argv.slice(2))
await withDatabase(
  async ({ db }) => {
    if (f.down) {
      const { error, results } = await migrator(db).migrateDown()
      if (error) throw error
      console.log(results?.map((r) => `undone: ${r.migrationName}`).join('\n') || 'nothing to undo')
      return
    }
    const applied = await migrateToLatest(db)
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the database is up to date')
  },
  { migrate: false },
)
