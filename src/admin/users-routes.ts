// Users, /admin/users: invite, edit (roles, memberships; version-checked),
// deactivate and reactivate, and a password reset link shown once (one-time
// links are never stored or logged in the clear).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { createOneTimeLink, insertUser, LINK_LIFETIME_HOURS } from '../auth/queries.ts'
import { notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { viewerZone } from '../shared/format.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import {
  adminFieldForConstraint,
  countSessions,
  deleteSessions,
  findChapter,
  findUserWithMemberships,
  listAllChapterOptions,
  listUsers,
  replaceMemberships,
  setUserActive,
  updateUser,
} from './queries.ts'
import { CHAPTER_ROLES, ROLES, inviteForm, parseMemberships, userForm, usersQuery } from './schema.ts'

import { adminOnly } from './guard.ts'
import { asValues, membershipLabel, roleSummary } from './present.ts'

export default async function adminUsersRoutes(app: FastifyInstance) {
  const db = app.db
  adminOnly(app)
  const linkUrl = (token: string) => `${app.config.publicUrl}/welcome/${token}`

  // --- users
  app.get('/users', { schema: { querystring: usersQuery } }, async function listUsersPage(request, reply) {
    const query = request.query as { q?: string; inactive?: string }
    const inactive = query.inactive === '1'
    const q = query.q?.trim() ?? ''
    const rows = await listUsers(db, { q: q || undefined, inactive })
    return reply.page(
      'admin/users',
      {
        title: inactive ? 'Deactivated users' : 'Users',
        q,
        inactive,
        rows: rows.map((u) => ({
          id: u.id,
          name: u.name,
          email: u.email,
          roles: roleSummary(u),
          chapters: u.chapters.map((c) => `${c.name} (${c.role})`).join(', ') || '—',
          active: u.active,
          invited: u.invited,
          twoFactor: u.totp_enabled,
        })),
      },
      { fragment: { target: 'users-results', view: 'admin/_users' } },
    )
  })

  async function inviteOptions() {
    const chapters = await listAllChapterOptions(db)
    return { roleOptions: ROLES, chapterOptions: chapters.map((c) => ({ value: c.id, label: c.name })) }
  }

  app.get('/users/new', async function newUser(_request, reply) {
    return reply.page('admin/user-new', {
      title: 'Invite someone',
      values: { role: 'volunteer' },
      errors: {},
      ...(await inviteOptions()),
    })
  })

  app.post('/users', async function inviteUser(request, reply) {
    const rerender = async (errors: FieldErrors) =>
      reply.page(
        'admin/user-new',
        { title: 'Invite someone', values: formValues(request.body), errors, ...(await inviteOptions()) },
        { status: 422 },
      )
    const form = parseForm(inviteForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const d = form.data
    const chapterId = d.role === 'organizer' || d.role === 'volunteer' ? d.chapter_id : null
    if (chapterId !== null && !(await findChapter(db, chapterId)))
      return rerender({ chapter_id: 'That chapter does not exist.' })
    try {
      const { user, token } = await db.transaction().execute(async (trx) => {
        const user = await insertUser(trx, { email: d.email, name: d.name, role: d.role, chapterId })
        const token = await createOneTimeLink(trx, user.id, 'invite')
        await audit(trx, request.actor, {
          action: 'invite',
          entity: 'user',
          entityId: user.id,
          chapterId,
          after: { name: user.name, email: user.email, role: d.role, chapter_id: chapterId },
        })
        return { user, token }
      })
      reply.header('Cache-Control', 'no-store')
      return reply.page('admin/link', {
        title: 'Invitation ready',
        heading: `${user.name} is invited`,
        intro:
          `Send this link to ${user.name} yourself (Tenfold does not send email). ` +
          'It lets them choose a password, works once, and expires in 7 days.',
        link: linkUrl(token),
        userId: user.id,
      })
    } catch (err) {
      const f = adminFieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  async function userFormModel(
    id: number,
    values: Record<string, string>,
    errors: FieldErrors,
    extra: Record<string, unknown> = {},
  ) {
    const chapters = await listAllChapterOptions(db)
    return {
      values,
      errors,
      action: `/admin/users/${id}`,
      memberships: chapters.map((c) => ({
        field: `role_${c.id}`,
        name: c.name,
        value: values[`role_${c.id}`] ?? '',
        error: errors[`role_${c.id}`],
      })),
      chapterRoleOptions: CHAPTER_ROLES,
      ...extra,
    }
  }

  app.get('/users/:id', { schema: { params: idParam } }, async function editUser(request, reply) {
    const { id } = request.params as { id: number }
    const user = await findUserWithMemberships(db, id)
    if (!user) throw notFound('That user')
    const values: Record<string, string> = asValues({
      name: user.name,
      is_admin: user.is_admin,
      is_national: user.is_national,
      active: user.active,
      version: user.version,
    })
    for (const m of user.memberships) values[`role_${m.chapterId}`] = m.role
    return reply.page('admin/user-edit', {
      title: `Edit ${user.name}`,
      user: {
        id: user.id,
        name: user.name,
        email: user.email,
        active: user.active,
        invited: user.invited,
        twoFactor: user.totp_enabled,
        self: user.id === request.user!.id,
      },
      ...(await userFormModel(id, values, {})),
    })
  })

  app.post('/users/:id', { schema: { params: idParam } }, async function saveUser(request, reply) {
    const { id } = request.params as { id: number }
    const before = await findUserWithMemberships(db, id)
    if (!before) throw notFound('That user')
    const values = formValues(request.body)
    const self = before.id === request.user!.id
    const userView = {
      id: before.id,
      name: before.name,
      email: before.email,
      active: before.active,
      invited: before.invited,
      twoFactor: before.totp_enabled,
      self,
    }
    const rerender = async (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page(
        'admin/user-edit',
        { title: `Edit ${before.name}`, user: userView, ...(await userFormModel(id, values, errors, extra)) },
        { status },
      )
    const chapters = await listAllChapterOptions(db)
    const chapterIds = chapters.map((c) => c.id)
    const form = parseForm(userForm, request.body)
    const ms = parseMemberships(request.body, chapterIds)
    const errors: FieldErrors = { ...(form.ok ? {} : form.errors), ...ms.errors }
    if (form.ok && self && !form.data.is_admin)
      errors.is_admin = 'You cannot remove your own admin access. Ask another admin.'
    if (form.ok && self && !form.data.active) errors.active = 'You cannot deactivate your own account.'
    if (!form.ok || Object.keys(errors).length) return rerender(errors)
    const names = new Map(chapters.map((c) => [c.id, c.name]))
    const after = await versionedTransaction(db, async (trx) => {
      const row = await updateUser(trx, id, expectedVersion(values.version), form.data)
      if (isConflict(row)) return row
      await replaceMemberships(trx, id, chapterIds, ms.memberships)
      const ended = before.active && !row.active ? await deleteSessions(trx, id) : 0
      const b = {
        name: before.name,
        is_admin: before.is_admin,
        is_national: before.is_national,
        active: before.active,
        chapters: membershipLabel(
          before.memberships.filter((m) => names.has(m.chapterId)),
          names,
        ),
      }
      const a = {
        name: row.name,
        is_admin: row.is_admin,
        is_national: row.is_national,
        active: row.active,
        chapters: membershipLabel(ms.memberships, names),
      }
      const diff = diffRecords(b, a)
      await audit(trx, request.actor, {
        action: 'update',
        entity: 'user',
        entityId: id,
        before: diff.before,
        after: ended ? { ...diff.after, sessions_ended: ended } : diff.after,
      })
      return row
    })
    if (isConflict(after)) {
      const current = after.current
      if (!current) throw notFound('That user')
      values.version = String(current.version)
      const conflict = conflictView(after, {
        what: 'account',
        userId: request.user!.id,
        timeZone: viewerZone(request.user),
        saved: [
          { label: 'Name', value: current.name },
          { label: 'Admin', value: current.is_admin ? 'yes' : 'no' },
          { label: 'National reviewer', value: current.is_national ? 'yes' : 'no' },
          { label: 'Active', value: current.active ? 'yes' : 'no' },
          { label: 'Chapters', value: membershipLabel(current.memberships, names).join(', ') || 'none' },
        ],
      })
      return rerender({ _form: conflict.message }, 409, { conflict })
    }
    setFlash(reply, 'ok', 'Saved.')
    return reply.redirect('/admin/users', 303)
  })

  async function changeActive(request: FastifyRequest, reply: FastifyReply, active: boolean) {
    const { id } = request.params as { id: number }
    const user = await findUserWithMemberships(db, id)
    if (!user) throw notFound('That user')
    if (!active && user.id === request.user!.id) {
      setFlash(reply, 'error', 'You cannot deactivate your own account.')
      return reply.redirect(`/admin/users/${id}`, 303)
    }
    const row = await db.transaction().execute(async (trx) => {
      const ended = active ? 0 : await countSessions(trx, id)
      const r = await setUserActive(trx, id, active)
      if (r)
        await audit(trx, request.actor, {
          action: active ? 'reactivate' : 'deactivate',
          entity: 'user',
          entityId: id,
          before: { active: !active },
          after: active ? { active } : { active, sessions_ended: ended },
        })
      return r
    })
    if (!row)
      setFlash(reply, 'warn', active ? `${user.name} was already active.` : `${user.name} was already deactivated.`)
    else
      setFlash(
        reply,
        'ok',
        active ? `${user.name} can log in again.` : `${user.name} is deactivated and logged out everywhere.`,
      )
    return reply.redirect(`/admin/users/${id}`, 303)
  }

  app.post('/users/:id/deactivate', { schema: { params: idParam } }, (req, rep) => changeActive(req, rep, false))
  app.post('/users/:id/reactivate', { schema: { params: idParam } }, (req, rep) => changeActive(req, rep, true))

  app.post('/users/:id/reset-link', { schema: { params: idParam } }, async function createResetLink(request, reply) {
    const { id } = request.params as { id: number }
    const user = await findUserWithMemberships(db, id)
    if (!user) throw notFound('That user')
    if (!user.active) {
      setFlash(reply, 'warn', `${user.name} is deactivated. Reactivate the account first.`)
      return reply.redirect(`/admin/users/${id}`, 303)
    }
    const token = await db.transaction().execute(async (trx) => {
      const t = await createOneTimeLink(trx, id, 'reset')
      await audit(trx, request.actor, { action: 'reset_link', entity: 'user', entityId: id })
      return t
    })
    reply.header('Cache-Control', 'no-store')
    return reply.page('admin/link', {
      title: 'Password reset link',
      heading: `A new password link for ${user.name}`,
      intro:
        `Send this link to ${user.name} yourself (Tenfold does not send email). It lets them choose a new password, ` +
        `works once, and expires in ${LINK_LIFETIME_HOURS.reset} hour. Any earlier link stops working.`,
      link: linkUrl(token),
      userId: id,
    })
  })
}
