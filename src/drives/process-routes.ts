// Process pushes on the drive page: POST /drives/:id/process records a push
// for a democratic endorsement process (forums, surveys, a member vote…).
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm } from '../shared/validation.ts'
import { drivePage, freshCsrfForForms } from './drive-page.ts'
import { insertProcessPush, touchDrive } from './queries.ts'
import { processForm } from './schema.ts'

export default async function driveProcessRoutes(app: FastifyInstance) {
  const db = app.db
  const page = drivePage(db)
  freshCsrfForForms(app)

  app.post('/drives/:id/process', { schema: { params: idParam } }, async function recordProcess(request, reply) {
    const d = await page.loadDrive(request, { edit: true })
    const values = formValues(request.body)
    const raw = (request.body as Record<string, unknown> | undefined)?.mechanisms
    const checked = raw === undefined ? [] : ([] as unknown[]).concat(raw).map(String)
    const form = parseForm(processForm, request.body)
    if (!form.ok)
      return page.renderDrive(request, reply, d, {
        forms: { process: { values, errors: form.errors, checked } },
        status: 422,
      })
    await db.transaction().execute(async (trx) => {
      const row = await insertProcessPush(trx, { drive_id: d.id, ...form.data, actor_id: request.user!.id })
      await touchDrive(trx, d.id)
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'process_push',
        entityId: row.id,
        chapterId: d.chapter_id,
        after: row,
      })
    })
    setFlash(reply, 'ok', 'Process push recorded.')
    return reply.redirect(`/drives/${d.id}#timeline`, 303)
  })
}
