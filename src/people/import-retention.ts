// How long uploaded supporter files are kept. An import's rows (every cell of
// every line, rejected ones included) are needed only until the import is done
// or given up: they are deleted 7 days after a finished import, and as soon as
// the retention job runs for a failed import or an upload left unfinished for
// a day. The report of problem rows is built from those rows, so it goes with
// them. What the import saved (supporters) stays. The job runs on
// graphile-worker's cron (import-routes.ts), every few minutes, and also purges
// login attempts older than the throttle's window.
import { sql } from 'kysely'
import type { Db } from '../db/database.ts'
import { purgeOldAttempts } from '../auth/queries.ts'

export const RETENTION = { doneDays: 7, abandonedHours: 24 } as const

/** What the import pages say about it. */
export const RETENTION_NOTE =
  `Tenfold keeps the rows of an uploaded file only while they are needed: ${RETENTION.doneDays} days after ` +
  'the import is done, and no longer than a few minutes once an import fails or a day after an upload is left ' +
  'unfinished. The supporters it saved stay.'

export const RETENTION_TASK = 'tenfold-retention'
/** graphile-worker crontab: every five minutes. */
export const RETENTION_CRONTAB = `*/5 * * * * ${RETENTION_TASK}`

/** Deletes the rows of expired imports; returns the ids of the imports purged. */
export async function purgeImportRows(db: Db): Promise<number[]> {
  const { rows } = await sql<{ id: number }>`
    with expired as (
      select id from imports
      where rows_purged_at is null and (
        (status = 'done' and updated_at < now() - make_interval(days => ${RETENTION.doneDays}))
        or status = 'failed'
        or (status in ('uploaded', 'mapped', 'ready')
            and updated_at < now() - make_interval(hours => ${RETENTION.abandonedHours})))
      for update skip locked
    ), gone as (
      delete from import_rows r using expired e where r.import_id = e.id
    )
    update imports i set rows_purged_at = now() from expired e where i.id = e.id
    returning i.id`.execute(db)
  return rows.map((r) => r.id)
}

/** The scheduled job: import rows past their time, and stale login attempts. */
export async function runRetention(db: Db): Promise<{ imports: number }> {
  const purged = await purgeImportRows(db)
  await purgeOldAttempts(db)
  return { imports: purged.length }
}
