// Filings on the drive page: POST /drives/:id/filings records the date, the body and the text filed
// through recordFiling (filings.ts), the same as the resolution page's filing form.
import type { FastifyInstance } from 'fastify'
import { expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm } from '../shared/validation.ts'
import { filingWarning } from '../whip/panels.ts'
import { drivePage, freshCsrfForForms } from './drive-page.ts'
import { filingMessage, recordFiling } from './filings.ts'
import { filingForm } from './schema.ts'

export default async function driveFilingRoutes(app: FastifyInstance) {
  const db = app.db
  const page = drivePage(db)
  freshCsrfForForms(app)

  app.post('/drives/:id/filings', { schema: { params: idParam } }, async function createFiling(request, reply) {
    const d = await page.loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const form = parseForm(filingForm, request.body)
    if (!form.ok)
      return page.renderDrive(request, reply, d, { forms: { filing: { values, errors: form.errors } }, status: 422 })
    const saved = await versionedTransaction(db, (trx) =>
      recordFiling(trx, request.actor, {
        driveId: d.id,
        expectedVersion: values.version === undefined ? null : expectedVersion(values.version),
        filedOn: form.data.filed_on,
        body: form.data.body,
        textFiled: form.data.text_filed,
        resolutionVersionId: null,
        candidateId: d.candidate_id,
        actorId: request.user!.id,
      }),
    )
    if (isConflict(saved))
      return page.renderDrive(request, reply, await page.loadDrive(request), {
        forms: { filing: page.conflictForm(request, values, saved, d) },
        status: 409,
      })
    const message = filingMessage(saved, filingWarning(d.whipFacts).replace(' — file anyway?', '.'))
    setFlash(reply, message.kind, message.text)
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })
}
