// The OLMS directory upload, /admin/import: one CSV file, checked whole, imported
// in one transaction or not at all.
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { importOlms } from '../imports/olms.ts'
import { uploadTooLarge } from '../plugins/errors.ts'

import { adminOnly } from './guard.ts'

export const UPLOAD_LIMIT_MB = 20

export default async function adminImportRoutes(app: FastifyInstance) {
  const db = app.db
  adminOnly(app)
  app.setErrorHandler(uploadTooLarge(UPLOAD_LIMIT_MB))
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: UPLOAD_LIMIT_MB * 1024 * 1024, files: 1, fields: 5, parts: 6 },
  })

  // --- OLMS directory upload
  app.get('/import', async function showImport(_request, reply) {
    return reply.page('admin/import', { title: 'Import the OLMS directory', limitMb: UPLOAD_LIMIT_MB, errors: {} })
  })

  app.post(
    '/import',
    {
      // The form is multipart: its CSRF field is parsed by the multipart plugin in
      // preValidation, after the app-wide check would run, so it is checked here.
      config: { csrf: false },
      preHandler: (request, reply, done) => app.csrfProtection(request, reply, done),
    },
    async function importDirectory(request, reply) {
      const body = (request.body ?? {}) as Record<string, unknown>
      const file = body.file
      const view = { title: 'Import the OLMS directory', limitMb: UPLOAD_LIMIT_MB }
      if (!Buffer.isBuffer(file) || file.length === 0) {
        return reply.page(
          'admin/import',
          { ...view, errors: { file: 'Choose the OLMS CSV file to upload.' } },
          { status: 422 },
        )
      }
      let outcome: Awaited<ReturnType<typeof importOlms>>
      try {
        outcome = await importOlms(db, file, request.actor)
      } catch (err) {
        // csv-parse's codes are CSV_* and INVALID_* (a quote inside an unquoted field, an unclosed quote).
        const e = err as { code?: string; name?: string }
        if (e.name === 'CsvError' || /^(CSV_|INVALID_)/.test(e.code ?? '')) {
          return reply.page(
            'admin/import',
            { ...view, errors: { file: 'That file is not a readable CSV file. Nothing was imported.' } },
            { status: 422 },
          )
        }
        throw err
      }
      if (!outcome.ok) {
        const shown = outcome.errors.slice(0, 100)
        return reply.page(
          'admin/import',
          {
            ...view,
            errors: {
              file:
                `The file has ${outcome.errors.length} bad row${outcome.errors.length === 1 ? '' : 's'}. ` +
                'Nothing was imported.',
            },
            badRows: shown,
            moreBadRows: outcome.errors.length - shown.length,
          },
          { status: 422 },
        )
      }
      const r = outcome.result
      return reply.page('admin/import', {
        ...view,
        errors: {},
        result: [
          { label: 'Rows read', value: r.rows.toLocaleString('en-US') },
          { label: 'National unions added', value: r.unionsCreated.toLocaleString('en-US') },
          { label: 'Locals added', value: r.localsCreated.toLocaleString('en-US') },
          { label: 'Locals already in the directory', value: r.localsExisting.toLocaleString('en-US') },
        ],
      })
    },
  )
}
