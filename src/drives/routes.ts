// The drive pipeline: POST /drives (start a drive from a local's page) and
// /drives/:id (the drive page). The page's forms post to their own files:
// stage-routes.ts (next step, moves), process-routes.ts (process pushes),
// filing-routes.ts (filings), decision-routes.ts (decisions). The board is in
// board-routes.ts; the page itself is drawn by drive-page.ts.
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { can } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idFilter, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { findSlate, listRunningCandidates } from '../slate/queries.ts'
import { findLocal } from '../unions/queries.ts'
import { drivePage, freshCsrfForForms } from './drive-page.ts'
import { startView } from './panels.ts'
import {
  findLocalDriveForSlate,
  findSlateCandidate,
  insertDrive,
  insertStageChange,
  listSlateOptions,
} from './queries.ts'
import { startDriveForm } from './schema.ts'

export default async function drivesRoutes(app: FastifyInstance) {
  const db = app.db
  const page = drivePage(db)
  freshCsrfForForms(app)

  // ---- Start a drive ----------------------------------------------------------

  app.post('/drives', async function startDrive(request, reply) {
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden('Only organizers can start a drive.')
    const values = formValues(request.body)
    const rerender = async (errors: FieldErrors, status = 422) => {
      const localId = idFilter(values.local_id)
      const local = localId ? await findLocal(db, localId) : undefined
      const [slates, candidates] = await Promise.all([listSlateOptions(db), listRunningCandidates(db)])
      return reply.page(
        'drives/new',
        {
          title: 'Start a drive',
          localName: local?.name ?? '',
          start: startView(slates, candidates, values, errors, true),
        },
        { status },
      )
    }
    const form = parseForm(startDriveForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const local = await findLocal(db, form.data.local_id)
    if (!local) throw notFound('That local')
    if (local.chapter_id === null)
      return rerender({ local_id: 'This local has no chapter yet. Set its chapter on the local’s page first.' })
    if (!can.edit(user, local.chapter_id)) throw forbidden('Only the chapter’s organizers can start a drive.')
    const slate = await findSlate(db, form.data.slate_id)
    if (!slate) return rerender({ slate_id: 'Choose a slate from the list.' })
    if (form.data.candidate_id !== null && !(await findSlateCandidate(db, slate.id, form.data.candidate_id))) {
      return rerender({ candidate_id: 'That candidate is not on the chosen slate.' })
    }
    try {
      const drive = await db.transaction().execute(async (trx) => {
        const row = await insertDrive(trx, {
          slate_id: slate.id,
          local_id: local.id,
          chapter_id: local.chapter_id,
          asks: form.data.asks,
          candidate_id: form.data.candidate_id,
          owner_id: user.id,
        })
        await insertStageChange(trx, {
          drive_id: row.id,
          from_stage: null,
          to_stage: row.stage,
          from_status: null,
          to_status: row.status,
          reason: null,
          warnings: [],
          actor_id: user.id,
        })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'drive',
          entityId: row.id,
          chapterId: row.chapter_id,
          after: row,
        })
        return row
      })
      setFlash(reply, 'ok', `The drive at ${local.name} has started.`)
      return reply.redirect(`/drives/${drive.id}`, 303)
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        const existing = await findLocalDriveForSlate(db, local.id, slate.id)
        return rerender({
          slate_id: 'This local already has a drive for that slate.',
          _form: 'This local already has a drive for that slate.',
          ...(existing ? { _exists: `/drives/${existing.id}`, _existsLabel: 'Open that drive' } : {}),
        })
      }
      throw err
    }
  })

  // ---- The drive page ---------------------------------------------------------

  app.get('/drives/:id', { schema: { params: idParam } }, async function showDrive(request, reply) {
    return page.renderDrive(request, reply, await page.loadDrive(request))
  })
}
