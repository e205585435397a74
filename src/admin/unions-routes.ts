// National unions, /admin/unions: add and edit (version-checked).
import type { FastifyInstance } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { viewerZone } from '../shared/format.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { listNationalUnions } from '../unions/queries.ts'
import { adminFieldForConstraint, findUnion, insertUnion, updateUnion } from './queries.ts'
import { unionForm } from './schema.ts'

import { adminOnly } from './guard.ts'
import { asValues } from './present.ts'

export default async function adminUnionsRoutes(app: FastifyInstance) {
  const db = app.db
  adminOnly(app)

  // --- national unions
  app.get('/unions', async function listUnionsPage(_request, reply) {
    const rows = await listNationalUnions(db)
    return reply.page('admin/unions', {
      title: 'National unions',
      rows: rows.map((u) => ({
        id: u.id,
        name: u.name,
        abbreviation: u.abbreviation,
        aflCio: u.afl_cio,
        locals: Number(u.locals).toLocaleString('en-US'),
        hasNotes: Boolean(u.rules_notes),
      })),
    })
  })

  app.get('/unions/new', async function newUnion(_request, reply) {
    return reply.page('admin/union-form', {
      title: 'New national union',
      action: '/admin/unions',
      values: {},
      errors: {},
    })
  })

  app.post('/unions', async function createUnion(request, reply) {
    const rerender = (errors: FieldErrors) =>
      reply.page(
        'admin/union-form',
        { title: 'New national union', action: '/admin/unions', values: formValues(request.body), errors },
        { status: 422 },
      )
    const form = parseForm(unionForm, request.body)
    if (!form.ok) return rerender(form.errors)
    try {
      const row = await db.transaction().execute(async (trx) => {
        const r = await insertUnion(trx, form.data)
        await audit(trx, request.actor, { action: 'create', entity: 'national_union', entityId: r.id, after: r })
        return r
      })
      setFlash(reply, 'ok', `${row.abbreviation} was added.`)
      return reply.redirect('/admin/unions', 303)
    } catch (err) {
      const f = adminFieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  app.get('/unions/:id', { schema: { params: idParam } }, async function editUnion(request, reply) {
    const { id } = request.params as { id: number }
    const union = await findUnion(db, id)
    if (!union) throw notFound('That national union')
    return reply.page('admin/union-form', {
      title: `Edit ${union.abbreviation}`,
      action: `/admin/unions/${id}`,
      values: asValues(union),
      errors: {},
    })
  })

  app.post('/unions/:id', { schema: { params: idParam } }, async function saveUnion(request, reply) {
    const { id } = request.params as { id: number }
    const before = await findUnion(db, id)
    if (!before) throw notFound('That national union')
    const values = formValues(request.body)
    const rerender = (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page(
        'admin/union-form',
        { title: `Edit ${before.abbreviation}`, action: `/admin/unions/${id}`, values, errors, ...extra },
        { status },
      )
    const form = parseForm(unionForm, request.body)
    if (!form.ok) return rerender(form.errors)
    try {
      const after = await versionedTransaction(db, async (trx) => {
        const row = await updateUnion(trx, id, expectedVersion(values.version), form.data)
        if (isConflict(row)) return row
        const d = diffRecords(before, row)
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'national_union',
          entityId: id,
          before: d.before,
          after: d.after,
        })
        return row
      })
      if (isConflict(after)) {
        const current = after.current
        if (!current) throw notFound('That national union')
        values.version = String(current.version)
        const conflict = conflictView(after, {
          what: 'national union',
          userId: request.user!.id,
          timeZone: viewerZone(request.user),
          saved: [
            { label: 'Name', value: current.name },
            { label: 'Abbreviation', value: current.abbreviation },
            { label: 'AFL-CIO', value: current.afl_cio ? 'yes' : 'no' },
            { label: 'Notes', value: current.rules_notes ?? '' },
          ],
        })
        return rerender({ _form: conflict.message }, 409, { conflict })
      }
      setFlash(reply, 'ok', 'Saved.')
      return reply.redirect('/admin/unions', 303)
    } catch (err) {
      const f = adminFieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })
}
