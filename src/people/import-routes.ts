// /people/import: upload a CSV (multipart, streamed, 50 MB), map its columns
// with a preview, check every row (report downloadable as CSV), then commit in
// the background (graphile-worker, one transaction) while the page polls
// /people/import/:id/progress. Organizers and admins of the import's chapter only.
// Registered by people/routes.ts; also starts and stops the job runner.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { run, Logger, type Runner } from 'graphile-worker'
import { RETENTION_CRONTAB, RETENTION_NOTE, RETENTION_TASK, runRetention } from './import-retention.ts'
import { can, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound, sendError, uploadTooLarge } from '../plugins/errors.ts'
import { csvFilename, toCsv } from '../shared/csv.ts'
import { setFlash } from '../shared/flash.ts'
import { formatMoment, formatNumber, viewerZone } from '../shared/format.ts'
import { idParam } from '../shared/validation.ts'
import { IMPORT_FIELDS, mapCells, type ImportField, type Mapping } from './import-map.ts'
import { applyMissingChoices, missingLocalsPanel } from './import-missing.ts'
import {
  ImportFileError,
  MAX_ROWS,
  commitImport,
  failStaleImports,
  findImport,
  listImports,
  markFailed,
  previewRows,
  problemRows,
  storeUpload,
  validateImport,
  type ImportOptions,
  type ImportRow,
  type ImportTotals,
} from './import-run.ts'

export const UPLOAD_LIMIT_MB = 50
const TASK = 'people-import'

function editChapters(user: CurrentUser): number[] | null {
  if (user.isAdmin) return null
  return user.chapters.filter((c) => can.edit(user, c.id)).map((c) => c.id)
}

const STATUS_LABELS: Record<string, string> = {
  uploaded: 'Uploaded — map the columns',
  mapped: 'Columns mapped',
  validating: 'Checking rows',
  ready: 'Checked — ready to import',
  committing: 'Importing',
  done: 'Imported',
  failed: 'Failed — nothing was saved',
}

export default async function importRoutes(app: FastifyInstance) {
  const db = app.db

  // ---- the background runner ------------------------------------------------------
  let runner: Runner | undefined
  const logger = new Logger(() => (level, message) => {
    // graphile-worker's own messages; the job payload is only an import id.
    if (level === 'error') app.log.error({ worker: true }, message)
    else if (level === 'warning') app.log.warn({ worker: true }, message)
  })
  app.addHook('onReady', async () => {
    // graphile-worker wants every pooled client to have an error handler; a dropped client is replaced by the pool.
    app.dbHandle.pool.on('connect', (client) => {
      if (client.listenerCount('error') === 0)
        client.on('error', (err) =>
          app.log.warn({ code: (err as { code?: string }).code }, 'database connection error'),
        )
    })
    await startRunner()
  })
  // The app must start (and answer 503 plainly) even while the database is
  // down, so the runner retries in the background until it can connect.
  let retry: NodeJS.Timeout | undefined
  let closing = false
  async function startRunner(): Promise<void> {
    try {
      await failStaleImports(db)
      runner = await startWorker()
      if (closing) await runner.stop()
    } catch (err) {
      app.log.warn({ code: (err as { code?: string }).code }, 'import runner not started yet; retrying in 5 s')
      if (!closing) retry = setTimeout(() => void startRunner(), 5000).unref()
    }
  }
  function startWorker() {
    return run({
      pgPool: app.dbHandle.pool,
      concurrency: 1,
      noHandleSignals: true,
      pollInterval: 1000,
      logger,
      crontab: RETENTION_CRONTAB,
      taskList: {
        [RETENTION_TASK]: async () => {
          const { imports } = await runRetention(db)
          if (imports) app.log.info({ imports }, 'retention: import rows deleted')
        },
        [TASK]: async (payload) => {
          const { importId, actorId, requestId } = payload as {
            importId: number
            actorId: number | null
            requestId: string | null
          }
          try {
            await commitImport(db, importId, { actorId, requestId })
          } catch (err) {
            // The transaction rolled back: nothing of this import was saved. No row data in the message or the log.
            const code = (err as { code?: string }).code
            app.log.error({ importId, code }, 'supporter import failed')
            await markFailed(
              db,
              importId,
              `The import stopped${code ? ` (database code ${code})` : ''} and nothing from it was saved. ` +
                'Fix the file or try again.',
            )
          }
        },
      },
    })
  }
  app.addHook('onClose', async () => {
    closing = true
    clearTimeout(retry)
    await runner?.stop()
  })

  // ---- upload ---------------------------------------------------------------------
  app.setErrorHandler(uploadTooLarge(UPLOAD_LIMIT_MB))
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT_MB * 1024 * 1024, files: 1, fields: 5, parts: 6 } })

  function mayImport(user: CurrentUser) {
    const chapters = editChapters(user)
    if (chapters !== null && chapters.length === 0) throw forbidden('Only organizers can import supporters.')
    return chapters
  }

  function chapterChoices(user: CurrentUser) {
    return user.isAdmin
      ? null
      : user.chapters.filter((c) => can.edit(user, c.id)).map((c) => ({ value: c.id, label: c.name }))
  }

  async function uploadPage(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: Record<string, string> = {},
    status = 200,
  ) {
    const user = request.user!
    const chapters = mayImport(user)
    const [recent, all] = await Promise.all([
      listImports(db, chapters),
      user.isAdmin
        ? db.selectFrom('chapters').select(['id', 'name']).where('deleted_at', 'is', null).orderBy('name').execute()
        : Promise.resolve([]),
    ])
    return reply.page(
      'people/import',
      {
        title: 'Import supporters',
        errors,
        limitMb: UPLOAD_LIMIT_MB,
        maxRows: MAX_ROWS.toLocaleString('en-US'),
        retention: RETENTION_NOTE,
        chapterOptions: chapterChoices(user) ?? all.map((c) => ({ value: c.id, label: c.name })),
        recent: recent.map((r) => ({
          id: r.id,
          filename: r.filename,
          chapter: r.chapter_name,
          status: STATUS_LABELS[r.status] ?? r.status,
          rows: ((r.totals as ImportTotals | null)?.rows ?? 0).toLocaleString('en-US'),
          at: formatMoment(r.created_at, viewerZone(user)),
        })),
      },
      { status },
    )
  }

  app.get('/people/import', async function showImportUpload(request, reply) {
    return uploadPage(request, reply)
  })

  app.post(
    '/people/import',
    {
      // Multipart: the CSRF field arrives as the first part, so it is checked in the handler, before the file is read.
      config: { csrf: false },
      // Anything that is not a multipart upload is checked like every other form.
      preHandler: (request, reply, done) => (request.isMultipart() ? done() : app.csrfProtection(request, reply, done)),
    },
    async function uploadImport(request, reply) {
      const user = request.user!
      const chapters = mayImport(user)
      if (!request.isMultipart()) return uploadPage(request, reply, { file: 'Choose a CSV file to upload.' }, 422)
      const fields: Record<string, string> = {}
      for await (const part of request.parts()) {
        if (part.type === 'field') {
          fields[part.fieldname] = String(part.value)
          continue
        }
        // CSRF: check the token sent before the file.
        request.body = fields
        const ok = await new Promise<boolean>((resolve) => {
          const probe = Object.create(reply, {
            send: {
              value: () => {
                resolve(false)
                return reply
              },
            },
          }) as FastifyReply
          app.csrfProtection(request, probe, () => resolve(true))
        })
        if (!ok) {
          part.file.resume()
          return sendError(
            request,
            reply,
            403,
            'This form has expired or did not come from Tenfold. Reload the page and try again.',
          )
        }
        const choices = chapterChoices(user)
        const chapterId = Number(fields.chapter_id ?? (choices?.length === 1 ? choices[0]!.value : NaN))
        if (!Number.isInteger(chapterId) || (chapters !== null && !chapters.includes(chapterId))) {
          part.file.resume()
          return uploadPage(request, reply, { chapter_id: 'Choose a chapter you organize in.' }, 422)
        }
        try {
          const stored = await storeUpload(db, part.file, { chapterId, userId: user.id, filename: part.filename })
          if (part.file.truncated) {
            // Over the limit: nothing of it is kept.
            await db.deleteFrom('imports').where('id', '=', stored.id).execute()
            throw Object.assign(new Error('too large'), { statusCode: 413 })
          }
          setFlash(reply, 'ok', `Read ${stored.rows.toLocaleString('en-US')} rows. Check how the columns were matched.`)
          return reply.redirect(`/people/import/${stored.id}`, 303)
        } catch (err) {
          if (err instanceof ImportFileError)
            return uploadPage(request, reply, { file: `${err.message} Nothing was imported.` }, 422)
          throw err
        }
      }
      return uploadPage(request, reply, { file: 'Choose a CSV file to upload.' }, 422)
    },
  )

  // ---- one import -----------------------------------------------------------------
  async function loadImport(request: FastifyRequest): Promise<ImportRow> {
    const chapters = mayImport(request.user!)
    const { id } = request.params as { id: number }
    const imp = await findImport(db, chapters, id)
    if (!imp) throw notFound('That import')
    return imp
  }

  function progressView(imp: ImportRow) {
    const t = (imp.totals ?? { rows: 0 }) as ImportTotals
    const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US')
    return {
      id: imp.id,
      status: imp.status,
      statusLabel: STATUS_LABELS[imp.status] ?? imp.status,
      progress: imp.progress,
      error: imp.error,
      running: imp.status === 'committing',
      summary:
        imp.status === 'done'
          ? [
              { label: 'Rows in the file', value: n(t.rows) },
              { label: 'Created', value: n(t.created) },
              { label: 'Updated', value: n(t.updated) },
              { label: 'Skipped (duplicates)', value: n(t.skipped) },
              { label: 'Rows with errors (not imported)', value: n(t.errors) },
            ]
          : null,
    }
  }

  app.get('/people/import/:id', { schema: { params: idParam } }, async function showImport(request, reply) {
    const imp = await loadImport(request)
    const mapping = (imp.mapping ?? {}) as Mapping
    const options = (imp.options ?? { duplicates: 'skip' }) as ImportOptions
    const totals = (imp.totals ?? { rows: 0 }) as ImportTotals
    const [preview, problems, missing] = await Promise.all([
      previewRows(db, imp.id, 5),
      imp.status === 'ready' ? problemRows(db, imp.id, 50) : Promise.resolve([]),
      imp.status === 'ready' && totals.missingLocals?.length
        ? missingLocalsPanel(db, imp.chapter_id, totals.missingLocals)
        : Promise.resolve(null),
    ])
    const headerOptions = imp.headers.map((h, i) => ({ value: i, label: h || `Column ${i + 1}` }))
    const n = (x: number | undefined) => (x ?? 0).toLocaleString('en-US')
    return reply.page('people/import-show', {
      title: `Import: ${imp.filename}`,
      imp: { id: imp.id, filename: imp.filename, chapter: imp.chapter_name, status: imp.status, rows: n(totals.rows) },
      canMap: !imp.rows_purged_at && ['uploaded', 'mapped', 'ready', 'failed'].includes(imp.status),
      canCommit:
        !imp.rows_purged_at && (imp.status === 'ready' || (imp.status === 'failed' && totals.valid !== undefined)),
      retention: imp.rows_purged_at
        ? 'The uploaded rows of this file were deleted, as every upload is once it is finished or given up. ' +
          'The supporters it saved stay.'
        : RETENTION_NOTE,
      fields: IMPORT_FIELDS.map((f) => ({ key: f.key, label: f.label, selected: mapping[f.key] ?? '' })),
      headerOptions,
      duplicates: options.duplicates,
      preview: preview.map((r) => {
        const m = mapCells(r.cells, mapping)
        return { line: r.line, cells: IMPORT_FIELDS.map((f) => m[f.key as ImportField] ?? '') }
      }),
      report:
        imp.status === 'ready'
          ? {
              valid: n(totals.valid),
              errors: n(totals.errors),
              inFile: n(totals.duplicatesInFile),
              inDb: n(totals.duplicatesInDb),
              warnings: n(totals.warnings),
              problems: problems.map((p) => ({ line: p.line, problem: p.problem })),
              more:
                (totals.errors ?? 0) +
                  (totals.duplicatesInFile ?? 0) +
                  (totals.duplicatesInDb ?? 0) +
                  (totals.warnings ?? 0) >
                problems.length,
            }
          : null,
      progress: progressView(imp),
      missing,
    })
  })

  app.post('/people/import/:id/missing', { schema: { params: idParam } }, async function decideMissing(request, reply) {
    const imp = await loadImport(request)
    if (imp.status !== 'ready') {
      setFlash(reply, 'warn', 'Check the rows first; then choose what to do with the locals not in the chapter.')
      return reply.redirect(`/people/import/${imp.id}`, 303)
    }
    const body = (request.body ?? {}) as Record<string, unknown>
    const { options, done } = await applyMissingChoices(db, request.actor, imp, body)
    const totals = await validateImport(db, imp.id, (imp.mapping ?? {}) as Mapping, options)
    const n = (x: number) => x.toLocaleString('en-US')
    const did = [
      done.claimed ? `${n(done.claimed)} claimed` : '',
      done.created ? `${n(done.created)} added` : '',
      done.without ? `${n(done.without)} imported without a local` : '',
    ].filter(Boolean)
    setFlash(
      reply,
      did.length ? 'ok' : 'warn',
      did.length
        ? `Locals: ${did.join(', ')}. ` +
            `Checked the rows again: ${n(totals.valid ?? 0)} ready, ${n(totals.errors ?? 0)} with errors.`
        : 'Nothing was chosen; the rows are as they were.',
    )
    return reply.redirect(`/people/import/${imp.id}`, 303)
  })

  app.post('/people/import/:id/mapping', { schema: { params: idParam } }, async function saveMapping(request, reply) {
    const imp = await loadImport(request)
    if (!['uploaded', 'mapped', 'ready', 'failed'].includes(imp.status)) {
      setFlash(reply, 'warn', 'This import is running or finished; its columns can no longer change.')
      return reply.redirect(`/people/import/${imp.id}`, 303)
    }
    const body = (request.body ?? {}) as Record<string, unknown>
    const mapping: Mapping = {}
    for (const f of IMPORT_FIELDS) {
      const v = body[`map_${f.key}`]
      if (typeof v === 'string' && /^\d{1,4}$/.test(v) && Number(v) < imp.headers.length) mapping[f.key] = Number(v)
    }
    const before = (imp.options ?? {}) as Partial<ImportOptions>
    const options: ImportOptions = {
      duplicates: body.duplicates === 'update' ? 'update' : 'skip',
      withoutLocal: before.withoutLocal ?? [],
    }
    if (mapping.name === undefined && mapping.first_name === undefined && mapping.last_name === undefined) {
      setFlash(reply, 'error', 'Choose the column with the name (or first and last name).')
      await db
        .updateTable('imports')
        .set({ mapping: JSON.stringify(mapping), options: JSON.stringify(options) })
        .where('id', '=', imp.id)
        .execute()
      return reply.redirect(`/people/import/${imp.id}`, 303)
    }
    const totals = await validateImport(db, imp.id, mapping, options)
    setFlash(
      reply,
      totals.errors ? 'warn' : 'ok',
      `Checked ${formatNumber(totals.rows)} rows: ${formatNumber(totals.errors ?? 0)} with errors.`,
    )
    return reply.redirect(`/people/import/${imp.id}`, 303)
  })

  app.get(
    '/people/import/:id/report.csv',
    { schema: { params: idParam } },
    async function downloadReport(request, reply) {
      const imp = await loadImport(request)
      if (imp.rows_purged_at)
        return sendError(
          request,
          reply,
          410,
          'The rows of this import were deleted, as every upload is once it is finished or given up, ' +
            'so its report is gone too.',
        )
      const rows: unknown[][] = []
      let after = 0
      for (;;) {
        const page = await problemRows(db, imp.id, 5000, after)
        for (const p of page) rows.push([p.line, p.problem, ...p.cells])
        if (page.length < 5000) break
        after = page[page.length - 1]!.line
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${csvFilename(`import-${imp.id}-report`)}"`)
        .header('Cache-Control', 'no-store')
        .send(toCsv(['line', 'problem', ...imp.headers], rows))
    },
  )

  app.post(
    '/people/import/:id/commit',
    { schema: { params: idParam } },
    async function commitImportRoute(request, reply) {
      const imp = await loadImport(request)
      const totals = (imp.totals ?? {}) as ImportTotals
      if (!(imp.status === 'ready' || (imp.status === 'failed' && totals.valid !== undefined))) {
        setFlash(
          reply,
          'warn',
          imp.status === 'committing' ? 'This import is already running.' : 'Check the rows before importing.',
        )
        return reply.redirect(`/people/import/${imp.id}`, 303)
      }
      const claimed = await db
        .updateTable('imports')
        .set({ status: 'committing', progress: 0, error: null })
        .where('id', '=', imp.id)
        .where('status', 'in', ['ready', 'failed'])
        .returning('id')
        .executeTakeFirst()
      if (claimed) {
        if (!runner) throw new Error('the import runner is not running')
        await runner.addJob(
          TASK,
          { importId: imp.id, actorId: request.actor.actorId, requestId: request.actor.requestId },
          { maxAttempts: 1, jobKey: `${TASK}:${imp.id}` },
        )
      }
      return reply.redirect(`/people/import/${imp.id}`, 303)
    },
  )

  app.get('/people/import/:id/progress', { schema: { params: idParam } }, async function showProgress(request, reply) {
    const imp = await loadImport(request)
    return reply.fragment('people/_import-progress', { progress: progressView(imp) })
  })
}
