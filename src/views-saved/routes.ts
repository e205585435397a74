// Saved views: GET /saved-views (the list; also the nav menu, loaded lazily by
// htmx), POST /saved-views (save the current list URL under a name, for oneself
// or a chapter), GET /saved-views/:id (redirects to the saved URL) and
// POST /saved-views/:id/delete.
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { can, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { deleteSavedView, findSavedView, insertSavedView, listSavedViews, type SavedViewRow } from './queries.ts'
import { parseSavableUrl, savedViewForm, savedViewUrl } from './schema.ts'

const memberOf = (user: CurrentUser) => user.chapters.map((c) => c.id)

function mayDelete(user: CurrentUser, v: SavedViewRow) {
  return v.user_id === user.id || user.isAdmin || (v.chapter_id !== null && can.edit(user, v.chapter_id))
}

export default async function savedViewsRoutes(app: FastifyInstance) {
  const db = app.db

  app.get('/saved-views', async function listSavedViewsPage(request, reply) {
    const user = request.user!
    const rows = await listSavedViews(db, user.id, memberOf(user))
    const views = rows.map((v) => ({
      id: v.id,
      name: v.name,
      href: `/saved-views/${v.id}`,
      url: savedViewUrl(v),
      sharedWith: v.chapter_name ?? '',
      canDelete: mayDelete(user, v),
    }))
    if (request.htmx.partial && request.htmx.target === 'saved-views-nav')
      return reply.fragment('saved-views/_menu', { views })
    return reply.page('saved-views/index', { title: 'Saved views', views })
  })

  app.post('/saved-views', async function saveView(request, reply) {
    const user = request.user!
    const values = formValues(request.body)
    // With htmx the browser's current URL is the freshest (active search pushes it); without, the form's field.
    const current = request.headers['hx-current-url']
    if (typeof current === 'string') {
      try {
        const u = new URL(current)
        if (u.host === request.host && parseSavableUrl(u.pathname + u.search)) values.url = u.pathname + u.search
      } catch {}
    }
    const organizerOf = user.chapters.filter((c) => c.role === 'organizer').map((c) => ({ value: c.id, label: c.name }))
    const rerender = (errors: FieldErrors) =>
      reply.page(
        'saved-views/new',
        { title: 'Save this view', values, errors, shareOptions: organizerOf },
        { status: 422 },
      )
    const form = parseForm(savedViewForm, values)
    if (!form.ok) return rerender(form.errors)
    if (form.data.chapter_id !== null && !can.edit(user, form.data.chapter_id))
      return rerender({ chapter_id: 'You can only share views with a chapter you organize in.' })
    const target = parseSavableUrl(form.data.url)!
    await db.transaction().execute(async (trx) => {
      const row = await insertSavedView(trx, {
        user_id: user.id,
        chapter_id: form.data.chapter_id,
        name: form.data.name,
        ...target,
      })
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'saved_view',
        entityId: row.id,
        chapterId: row.chapter_id,
        after: row,
      })
    })
    setFlash(reply, 'ok', `Saved “${form.data.name}”.`)
    return reply.redirect(savedViewUrl(target), 303)
  })

  app.get('/saved-views/:id', { schema: { params: idParam } }, async function openSavedView(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const v = await findSavedView(db, id, user.id, memberOf(user))
    if (!v) throw notFound('That saved view')
    return reply.redirect(savedViewUrl(v), 303)
  })

  app.post('/saved-views/:id/delete', { schema: { params: idParam } }, async function removeSavedView(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const v = await findSavedView(db, id, user.id, memberOf(user))
    if (!v) throw notFound('That saved view')
    if (!mayDelete(user, v)) throw forbidden()
    await db.transaction().execute(async (trx) => {
      const row = await deleteSavedView(trx, id)
      if (row)
        await audit(trx, request.actor, {
          action: 'delete',
          entity: 'saved_view',
          entityId: id,
          chapterId: row.chapter_id,
          before: row,
        })
    })
    setFlash(reply, 'ok', `Removed “${v.name}”.`)
    return reply.redirect('/saved-views', 303)
  })
}
