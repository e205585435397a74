// Chapters, /admin/chapters: add, edit (version-checked), delete and restore (soft).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { viewerZone } from '../shared/format.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import {
  adminFieldForConstraint,
  findChapter,
  insertChapter,
  listChapters,
  setChapterDeleted,
  updateChapter,
} from './queries.ts'
import { chapterForm, chaptersQuery } from './schema.ts'

import { adminOnly } from './guard.ts'
import { asValues } from './present.ts'

export default async function adminChaptersRoutes(app: FastifyInstance) {
  const db = app.db
  adminOnly(app)

  // --- chapters
  app.get('/chapters', { schema: { querystring: chaptersQuery } }, async function listChaptersPage(request, reply) {
    const deleted = (request.query as { deleted?: string }).deleted === '1'
    const rows = await listChapters(db, deleted)
    return reply.page('admin/chapters', {
      title: deleted ? 'Deleted chapters' : 'Chapters',
      deleted,
      rows: rows.map((c) => ({ ...c, place: [c.city, c.state].filter(Boolean).join(', ') })),
    })
  })

  const chapterDefaults = {
    time_zone: 'America/New_York',
    min_supporters: '5',
    min_leaders: '1',
    min_trained_leaders: '3',
  }

  app.get('/chapters/new', async function newChapter(_request, reply) {
    return reply.page('admin/chapter-form', {
      title: 'New chapter',
      action: '/admin/chapters',
      values: chapterDefaults,
      errors: {},
    })
  })

  app.post('/chapters', async function createChapter(request, reply) {
    const rerender = (errors: FieldErrors) =>
      reply.page(
        'admin/chapter-form',
        { title: 'New chapter', action: '/admin/chapters', values: formValues(request.body), errors },
        { status: 422 },
      )
    const form = parseForm(chapterForm, request.body)
    if (!form.ok) return rerender(form.errors)
    try {
      const row = await db.transaction().execute(async (trx) => {
        const r = await insertChapter(trx, form.data)
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'chapter',
          entityId: r.id,
          chapterId: r.id,
          after: r,
        })
        return r
      })
      setFlash(reply, 'ok', `${row.name} was added.`)
      return reply.redirect('/admin/chapters', 303)
    } catch (err) {
      const f = adminFieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  app.get('/chapters/:id', { schema: { params: idParam } }, async function editChapter(request, reply) {
    const { id } = request.params as { id: number }
    const chapter = await findChapter(db, id)
    if (!chapter) throw notFound('That chapter')
    return reply.page('admin/chapter-form', {
      title: `Edit ${chapter.name}`,
      action: `/admin/chapters/${id}`,
      values: asValues(chapter),
      errors: {},
      chapterId: id,
    })
  })

  app.post('/chapters/:id', { schema: { params: idParam } }, async function saveChapter(request, reply) {
    const { id } = request.params as { id: number }
    const before = await findChapter(db, id)
    if (!before) throw notFound('That chapter')
    const values = formValues(request.body)
    const rerender = (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page(
        'admin/chapter-form',
        { title: `Edit ${before.name}`, action: `/admin/chapters/${id}`, values, errors, chapterId: id, ...extra },
        { status },
      )
    const form = parseForm(chapterForm, request.body)
    if (!form.ok) return rerender(form.errors)
    try {
      const after = await versionedTransaction(db, async (trx) => {
        const row = await updateChapter(trx, id, expectedVersion(values.version), form.data)
        if (isConflict(row)) return row
        const d = diffRecords(before, row)
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'chapter',
          entityId: id,
          chapterId: id,
          before: d.before,
          after: d.after,
        })
        return row
      })
      if (isConflict(after)) {
        const current = after.current
        if (!current) throw notFound('That chapter')
        values.version = String(current.version)
        const conflict = conflictView(after, {
          what: 'chapter',
          userId: request.user!.id,
          timeZone: viewerZone(request.user),
          saved: [
            { label: 'Name', value: current.name },
            { label: 'Short name', value: current.slug },
            { label: 'Place', value: [current.city, current.state].filter(Boolean).join(', ') },
            { label: 'Time zone', value: current.time_zone },
            { label: 'Minimum supporters', value: String(current.min_supporters) },
            { label: 'Minimum leaders', value: String(current.min_leaders) },
            { label: 'Minimum trained leaders', value: String(current.min_trained_leaders) },
          ],
        })
        return rerender({ _form: conflict.message }, 409, { conflict })
      }
      setFlash(reply, 'ok', 'Saved.')
      return reply.redirect('/admin/chapters', 303)
    } catch (err) {
      const f = adminFieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  async function toggleChapter(request: FastifyRequest, reply: FastifyReply, deleted: boolean) {
    const { id } = request.params as { id: number }
    const chapter = await findChapter(db, id, { withDeleted: true })
    if (!chapter) throw notFound('That chapter')
    const row = await db.transaction().execute(async (trx) => {
      const r = await setChapterDeleted(trx, id, deleted)
      if (r)
        await audit(trx, request.actor, {
          action: deleted ? 'delete' : 'restore',
          entity: 'chapter',
          entityId: id,
          chapterId: id,
          before: { deleted_at: chapter.deleted_at },
          after: { deleted_at: r.deleted_at },
        })
      return r
    })
    if (!row) setFlash(reply, 'warn', deleted ? 'That chapter was already deleted.' : 'That chapter was not deleted.')
    else
      setFlash(
        reply,
        'ok',
        deleted
          ? `${chapter.name} was moved to the trash. You can restore it from “Deleted chapters”.`
          : `${chapter.name} was restored.`,
      )
    return reply.redirect(deleted ? '/admin/chapters' : `/admin/chapters/${id}`, 303)
  }

  app.post('/chapters/:id/delete', { schema: { params: idParam } }, (req, rep) => toggleChapter(req, rep, true))
  app.post('/chapters/:id/restore', { schema: { params: idParam } }, (req, rep) => toggleChapter(req, rep, false))
}
