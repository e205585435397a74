// tap `before`: start the test server and build the migrated template database.
import pg from 'pg'
import { runMigrations } from 'graphile-worker'
import { createDb } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'
import { ensureModelResolutions } from '../../src/resolutions/seed.ts'
import { serverUrl, startTestServer, TEMPLATE } from './pg.ts'

await startTestServer()
const admin = new pg.Client({ connectionString: serverUrl('postgres') })
await admin.connect()
await admin.query(`drop database if exists ${TEMPLATE} with (force)`)
await admin.query(`create database ${TEMPLATE}`)
await admin.end()
const handle = createDb(serverUrl(TEMPLATE), { poolSize: 1 })
await migrateToLatest(handle.db)
await ensureModelResolutions(handle.db)
await handle.close()
// The import queue's own schema, so each test database starts with it.
await runMigrations({ connectionString: serverUrl(TEMPLATE), logger: undefined })
