// The union directory: /locals (list, search, filters, load more, CSV),
// /locals/new, /locals/:id (show), /locals/:id/edit, delete and restore.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Selectable } from 'kysely'
import type { LocalsTable } from '../db/schema.ts'
import { audit } from '../audit/audit.ts'
import { can, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { toCsv, csvFilename } from '../shared/csv.ts'
import { setFlash } from '../shared/flash.ts'
import { formatMoment, viewerZone } from '../shared/format.ts'
import { formValues, idFilter, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { BODY_KINDS, DECIDING_BODIES, LOCAL_THRESHOLDS, ORIENTATIONS, SECTORS, labelOf } from './labels.ts'
import {
  fieldForConstraint,
  findLocal,
  insertLocal,
  listChapterOptions,
  listLocals,
  listNationalUnionOptions,
  PAGE_SIZE,
  setLocalDeleted,
  type LocalFilters,
} from './queries.ts'
import { listQuery, localForm } from './schema.ts'
import { localDrivesPanel } from '../drives/panels.ts'
import { localMappingPanel } from '../mapping/panels.ts'
import { claimChapters, mayEditLocal } from './rules.ts'
import { loadEditableLocal, saveLocal } from './save-local.ts'
import { loadLogPanelRows, logPanelView } from '../people/inline-log.ts'

type Query = {
  q?: string
  chapter?: string
  union?: string
  orientation?: string
  sector?: string
  sort?: LocalFilters['sort']
  offset?: number
  deleted?: string
  format?: string
}

/** What the edit form's "values saved now" panel lists after a conflict. */
function localSavedValues(l: Selectable<LocalsTable>) {
  return [
    { label: 'Name', value: l.name },
    { label: 'Designation', value: l.designation ?? '' },
    { label: 'City', value: l.city ?? '' },
    { label: 'State', value: l.state ?? '' },
    { label: 'Members', value: l.members === null ? '' : l.members.toLocaleString('en-US') },
    { label: 'Orientation', value: labelOf(ORIENTATIONS, l.orientation) },
    { label: 'Who decides', value: labelOf(DECIDING_BODIES, l.deciding_body) },
    {
      label: 'Threshold',
      value: l.threshold === 'custom' ? `${l.threshold_percent}%` : labelOf(LOCAL_THRESHOLDS, l.threshold),
    },
    { label: 'Notice (days)', value: l.notice_days === null ? '' : String(l.notice_days) },
    { label: 'Notes', value: l.notes ?? '' },
  ]
}

function chapterChoices(user: CurrentUser, all: { id: number; name: string }[]) {
  const allowed = user.isAdmin ? all : all.filter((c) => can.edit(user, c.id))
  return allowed.map((c) => ({ value: c.id, label: c.name }))
}

export default async function unionsRoutes(app: FastifyInstance) {
  const db = app.db

  async function formOptions(user: CurrentUser) {
    const [unions, chapters] = await Promise.all([listNationalUnionOptions(db), listChapterOptions(db)])
    return {
      unionOptions: unions.map((u) => ({ value: u.id, label: `${u.abbreviation} — ${u.name}` })),
      chapterOptions: chapterChoices(user, chapters),
      kindOptions: BODY_KINDS,
      sectorOptions: SECTORS,
      orientationOptions: ORIENTATIONS,
      decidingOptions: DECIDING_BODIES,
      thresholdOptions: LOCAL_THRESHOLDS,
    }
  }

  app.get('/locals', { schema: { querystring: listQuery } }, async function listLocalsPage(request, reply) {
    const query = request.query as Query
    const filters: LocalFilters = {
      q: query.q?.trim() || undefined,
      chapter: idFilter(query.chapter),
      union: idFilter(query.union),
      orientation: query.orientation || undefined,
      sector: query.sector || undefined,
      sort: query.sort ?? 'name',
      deleted: query.deleted === '1',
    }
    const user = request.user!
    if (query.format === 'csv') return exportLocals(request, reply, filters)
    const offset = query.offset ?? 0
    const [{ rows, hasMore }, unions, chapters] = await Promise.all([
      listLocals(db, filters, offset),
      listNationalUnionOptions(db),
      listChapterOptions(db),
    ])
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries({
      q: filters.q,
      chapter: filters.chapter,
      union: filters.union,
      orientation: filters.orientation,
      sector: filters.sector,
      sort: filters.sort === 'name' ? undefined : filters.sort,
      deleted: filters.deleted ? '1' : undefined,
    })) {
      if (v !== undefined && v !== '') params.set(k, String(v))
    }
    const base = params.toString()
    const nextParams = new URLSearchParams(base)
    nextParams.set('offset', String(offset + PAGE_SIZE))
    const view = {
      title: filters.deleted ? 'Deleted locals' : 'Locals',
      filters: { ...filters, q: filters.q ?? '' },
      rows: rows.map((r) => ({
        ...r,
        orientationLabel: labelOf(ORIENTATIONS, r.orientation),
        sectorLabel: labelOf(SECTORS, r.sector),
        kindLabel: r.kind === 'local' ? '' : labelOf(BODY_KINDS, r.kind),
        members: r.members === null ? '' : r.members.toLocaleString('en-US'),
        place: [r.city, r.state].filter(Boolean).join(', '),
        canRestore: filters.deleted && mayEditLocal(user, r.chapter_id),
      })),
      moreUrl: hasMore ? `/locals?${nextParams.toString()}` : null,
      csvUrl: `/locals?${base ? base + '&' : ''}format=csv`,
      unionOptions: unions.map((u) => ({ value: u.id, label: u.abbreviation })),
      chapterOptions: chapters.map((c) => ({ value: c.id, label: c.name })),
      orientationOptions: ORIENTATIONS,
      sectorOptions: SECTORS,
      canCreate: can.editDirectory(user),
      // Ticking unclaimed locals and claiming them for a chapter (organizers for their own, admins for any).
      claimChapters: filters.deleted ? [] : claimChapters(user, chapters).map((c) => ({ value: c.id, label: c.name })),
      offset,
      empty: rows.length === 0 && offset === 0,
      anyFilter: Boolean(base),
    }
    // "Load more" asks for the next rows only; active search asks for the results block.
    if (request.htmx.partial && request.htmx.target === 'locals-more') return reply.fragment('locals/_rows', view)
    return reply.page('locals/index', view, { fragment: { target: 'locals-results', view: 'locals/_results' } })
  })

  async function exportLocals(request: FastifyRequest, reply: FastifyReply, filters: LocalFilters) {
    const rows: unknown[][] = []
    for (let offset = 0; offset < 100_000; offset += PAGE_SIZE) {
      const page = await listLocals(db, filters, offset)
      for (const r of page.rows)
        rows.push([
          r.id,
          r.name,
          r.union_abbreviation,
          r.designation,
          r.chapter_name,
          r.city,
          r.state,
          r.members,
          r.sector,
          r.orientation,
        ])
      if (!page.hasMore) break
    }
    await audit(db, request.actor, { action: 'export', entity: 'locals', after: { rows: rows.length, filters } })
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${csvFilename('locals')}"`)
      .send(
        toCsv(
          ['id', 'name', 'union', 'designation', 'chapter', 'city', 'state', 'members', 'sector', 'orientation'],
          rows,
        ),
      )
  }

  app.get('/locals/new', async function newLocal(request, reply) {
    if (!can.editDirectory(request.user!)) throw forbidden()
    const options = await formOptions(request.user!)
    const defaults = { kind: 'local', chapter_id: request.user!.chapters.find((c) => c.role === 'organizer')?.id ?? '' }
    return reply.page('locals/form', {
      title: 'New local',
      action: '/locals',
      values: defaults,
      errors: {},
      ...options,
    })
  })

  app.post('/locals', async function createLocal(request, reply) {
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden()
    const form = parseForm(localForm, request.body)
    const rerender = async (errors: FieldErrors) =>
      reply.page(
        'locals/form',
        {
          title: 'New local',
          action: '/locals',
          values: formValues(request.body),
          errors,
          ...(await formOptions(user)),
        },
        { status: 422 },
      )
    if (!form.ok) return rerender(form.errors)
    if (form.data.chapter_id !== null && !user.isAdmin && !can.edit(user, form.data.chapter_id))
      return rerender({ chapter_id: 'You can only add locals to chapters you organize in.' })
    try {
      const local = await db.transaction().execute(async (trx) => {
        const row = await insertLocal(trx, form.data)
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'local',
          entityId: row.id,
          chapterId: row.chapter_id,
          after: row,
        })
        return row
      })
      setFlash(reply, 'ok', `${local.name} was added.`)
      return reply.redirect(`/locals/${local.id}`, 303)
    } catch (err) {
      const f = fieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  app.get('/locals/:id', { schema: { params: idParam } }, async function showLocal(request, reply) {
    const { id } = request.params as { id: number }
    const local = await findLocal(db, id)
    if (!local) throw notFound('That local')
    const user = request.user!
    const history = await db
      .selectFrom('audit_log as a')
      .leftJoin('users as u', 'u.id', 'a.actor_id')
      .select(['a.id', 'a.at', 'a.action', 'u.name as actor'])
      .where('a.entity', '=', 'local')
      .where('a.entity_id', '=', String(id))
      .orderBy('a.id', 'desc')
      .limit(20)
      .execute()
    return reply.page('locals/show', {
      title: local.name,
      local: {
        ...local,
        orientationLabel: labelOf(ORIENTATIONS, local.orientation),
        sectorLabel: labelOf(SECTORS, local.sector),
        kindLabel: labelOf(BODY_KINDS, local.kind),
        decidingLabel: labelOf(DECIDING_BODIES, local.deciding_body),
        thresholdLabel:
          local.threshold === 'custom' ? `${local.threshold_percent}%` : labelOf(LOCAL_THRESHOLDS, local.threshold),
        members: local.members === null ? '' : local.members.toLocaleString('en-US'),
        place: [local.city, local.state].filter(Boolean).join(', '),
      },
      history: history.map((h) => ({ ...h, at: formatMoment(h.at, viewerZone(user)) })),
      drivesPanel: await localDrivesPanel(db, user, local),
      mapping: await localMappingPanel(db, user, local),
      logPanel:
        local.chapter_id !== null && can.log(user, local.chapter_id) && can.seeNames(user, local.chapter_id)
          ? logPanelView(user, local.chapter_id, `/locals/${id}`, await loadLogPanelRows(db, local.chapter_id, id))
          : null,
      canEdit: mayEditLocal(user, local.chapter_id),
      canDelete: user.isAdmin || (local.chapter_id !== null && can.delete(user, local.chapter_id)),
    })
  })

  app.get('/locals/:id/edit', { schema: { params: idParam } }, async function editLocal(request, reply) {
    const { id } = request.params as { id: number }
    const local = await loadEditableLocal(db, request.user!, id)
    const values = Object.fromEntries(
      Object.entries(local).map(([k, v]) => [
        k,
        v === null ? '' : typeof v === 'boolean' ? (v ? 'on' : '') : String(v),
      ]),
    )
    return reply.page('locals/form', {
      title: `Edit ${local.name}`,
      action: `/locals/${id}`,
      values,
      errors: {},
      ...(await formOptions(request.user!)),
    })
  })

  app.post('/locals/:id', { schema: { params: idParam } }, async function saveLocalEdit(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const before = await loadEditableLocal(db, user, id)
    const values = formValues(request.body)
    const rerender = async (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page(
        'locals/form',
        {
          title: `Edit ${before.name}`,
          action: `/locals/${id}`,
          values,
          errors,
          ...extra,
          ...(await formOptions(user)),
        },
        { status },
      )
    const form = parseForm(localForm, request.body)
    if (!form.ok) return rerender(form.errors)
    if (
      form.data.chapter_id !== before.chapter_id &&
      form.data.chapter_id !== null &&
      !user.isAdmin &&
      !can.edit(user, form.data.chapter_id)
    ) {
      return rerender({ chapter_id: 'You can only move a local into a chapter you organize in.' })
    }
    try {
      const saved = await saveLocal(db, request.actor, {
        before,
        version: values.version,
        patch: form.data,
        userId: user.id,
        saved: localSavedValues,
      })
      if (!saved.ok) {
        values.version = saved.version
        return rerender({ _form: saved.conflict.message }, 409, { conflict: saved.conflict })
      }
      setFlash(reply, 'ok', 'Saved.')
      return reply.redirect(`/locals/${id}`, 303)
    } catch (err) {
      const f = fieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  async function toggleDeleted(request: FastifyRequest, reply: FastifyReply, deleted: boolean) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const local = await findLocal(db, id, { withDeleted: true })
    if (!local) throw notFound('That local')
    if (!(user.isAdmin || (local.chapter_id !== null && can.delete(user, local.chapter_id)))) throw forbidden()
    const row = await db.transaction().execute(async (trx) => {
      const r = await setLocalDeleted(trx, id, deleted)
      if (r)
        await audit(trx, request.actor, {
          action: deleted ? 'delete' : 'restore',
          entity: 'local',
          entityId: id,
          chapterId: r.chapter_id,
          before: { deleted_at: local.deleted_at },
          after: { deleted_at: r.deleted_at },
        })
      return r
    })
    if (!row) setFlash(reply, 'warn', deleted ? 'That local was already deleted.' : 'That local was not deleted.')
    else
      setFlash(
        reply,
        'ok',
        deleted
          ? `${local.name} was moved to the trash. You can restore it from “Deleted locals”.`
          : `${local.name} was restored.`,
      )
    return reply.redirect(deleted ? '/locals' : `/locals/${id}`, 303)
  }

  app.post('/locals/:id/delete', { schema: { params: idParam } }, (req, rep) => toggleDeleted(req, rep, true))
  app.post('/locals/:id/restore', { schema: { params: idParam } }, (req, rep) => toggleDeleted(req, rep, false))
}
