// The admin area, /admin (admins only: a hook refuses everyone else with 403):
// users (invite, edit, memberships, deactivate, reset link), chapters, national
// unions, instance settings and the OLMS directory upload. Every write is
// audited in its own transaction; one-time links are shown once and never stored
// or logged in the clear.
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { createOneTimeLink, insertUser, LINK_LIFETIME_HOURS } from '../auth/queries.ts'
import { importOlms } from '../imports/olms.ts'
import { forbidden, notFound, sendError } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { DEFAULT_ZONE, formatMoment } from '../shared/format.ts'
import { formValues, idParam, parseForm, type FieldErrors, formVersion } from '../shared/validation.ts'
import { listNationalUnions } from '../unions/queries.ts'
import {
  adminCounts,
  adminFieldForConstraint,
  deleteSessions,
  findChapter,
  findUnion,
  findUserWithMemberships,
  insertChapter,
  insertUnion,
  lastChange,
  listAllChapterOptions,
  listChapters,
  listUsers,
  readSettings,
  replaceMemberships,
  setChapterDeleted,
  setUserActive,
  updateChapter,
  updateUnion,
  updateUser,
  writeSetting,
  type Membership,
} from './queries.ts'
import {
  CHAPTER_ROLES,
  ROLES,
  chapterForm,
  chaptersQuery,
  inviteForm,
  parseMemberships,
  settingsForm,
  unionForm,
  userForm,
  usersQuery,
} from './schema.ts'

export const UPLOAD_LIMIT_MB = 20

// Admins usually have no chapter: their times are in the default zone.
const stamp = (d: Date) => formatMoment(d, DEFAULT_ZONE)

function conflictMessage(what: string, last: { name: string | null; at: Date } | undefined) {
  return `Someone else changed this ${what}${last?.name ? ` (${last.name}, ${stamp(last.at)})` : ''} after you opened it. Your changes are kept below; the saved values are listed under the form. Save again to overwrite them.`
}

function roleSummary(u: { is_admin: boolean; is_national: boolean; chapters: { role: string }[] }) {
  const parts: string[] = []
  if (u.is_admin) parts.push('Admin')
  if (u.is_national) parts.push('National reviewer')
  if (u.chapters.some((c) => c.role === 'organizer')) parts.push('Organizer')
  if (u.chapters.some((c) => c.role === 'volunteer')) parts.push('Volunteer')
  return parts.join(', ') || 'No role yet'
}

const membershipLabel = (ms: Membership[], names: Map<number, string>) =>
  ms.map((m) => `${names.get(m.chapterId) ?? `#${m.chapterId}`}: ${m.role}`).sort()

const asValues = (rec: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(rec).map(([k, v]) => [
      k,
      v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'on' : '') : String(v),
    ]),
  )

export default async function adminRoutes(app: FastifyInstance) {
  const db = app.db

  // Admins only. Anonymous visitors fall through to the guard, which sends them to /login.
  app.addHook('onRequest', async (request) => {
    if (request.user && !request.user.isAdmin) throw forbidden()
  })
  app.addHook('preHandler', async (request) => {
    if (!request.user?.isAdmin) throw forbidden()
  })
  app.setErrorHandler(async (err: { code?: string }, request, reply) => {
    if (err.code === 'FST_REQ_FILE_TOO_LARGE' || err.code === 'FST_FILES_LIMIT' || err.code === 'FST_PARTS_LIMIT') {
      return sendError(
        request,
        reply,
        413,
        `That file is larger than ${UPLOAD_LIMIT_MB} MB, the most Tenfold accepts. Nothing was imported. Split the file and upload the parts one at a time.`,
      )
    }
    throw err
  })
  await app.register(multipart, {
    attachFieldsToBody: 'keyValues',
    limits: { fileSize: UPLOAD_LIMIT_MB * 1024 * 1024, files: 1, fields: 5, parts: 6 },
  })

  const linkUrl = (request: FastifyRequest, token: string) => `${request.protocol}://${request.host}/welcome/${token}`

  // --- index
  app.get('/', async function showAdmin(_request, reply) {
    const c = await adminCounts(db)
    return reply.page('admin/index', {
      title: 'Admin',
      sections: [
        {
          href: '/admin/users',
          label: 'Users',
          count: c.users,
          note: c.inactiveUsers ? `${c.inactiveUsers} deactivated` : 'active accounts',
        },
        { href: '/admin/chapters', label: 'Chapters', count: c.chapters, note: 'chapters' },
        { href: '/admin/unions', label: 'National unions', count: c.unions, note: 'national unions' },
        { href: '/admin/import', label: 'Import OLMS', count: c.locals, note: 'locals in the directory' },
      ],
      require2fa: c.require2fa === true,
    })
  })

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
        intro: `Send this link to ${user.name} yourself (Tenfold does not send email). It lets them choose a password, works once, and expires in 7 days.`,
        link: linkUrl(request, token),
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
    const version = formVersion(values)
    const names = new Map(chapters.map((c) => [c.id, c.name]))
    const after = await db.transaction().execute(async (trx) => {
      const row = await updateUser(trx, id, Number.isInteger(version) ? version : -1, form.data)
      if (!row) return undefined
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
    if (!after) {
      const current = await findUserWithMemberships(db, id)
      if (!current) throw notFound('That user')
      values.version = String(current.version)
      const conflict = [
        { label: 'Name', value: current.name },
        { label: 'Admin', value: current.is_admin ? 'yes' : 'no' },
        { label: 'National reviewer', value: current.is_national ? 'yes' : 'no' },
        { label: 'Active', value: current.active ? 'yes' : 'no' },
        { label: 'Chapters', value: membershipLabel(current.memberships, names).join(', ') || 'none' },
      ]
      return rerender({ _form: conflictMessage('account', await lastChange(db, 'user', id)) }, 409, { conflict })
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
      const ended = active
        ? 0
        : Number(
            (
              await trx
                .selectFrom('sessions')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .where('user_id', '=', id)
                .executeTakeFirstOrThrow()
            ).n,
          )
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
      intro: `Send this link to ${user.name} yourself (Tenfold does not send email). It lets them choose a new password, works once, and expires in ${LINK_LIFETIME_HOURS.reset} hour. Any earlier link stops working.`,
      link: linkUrl(request, token),
      userId: id,
    })
  })

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
    const version = formVersion(values)
    try {
      const after = await db.transaction().execute(async (trx) => {
        const row = await updateChapter(trx, id, Number.isInteger(version) ? version : -1, form.data)
        if (!row) return undefined
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
      if (!after) {
        const current = await findChapter(db, id)
        if (!current) throw notFound('That chapter')
        values.version = String(current.version)
        const conflict = (
          [
            'name',
            'slug',
            'city',
            'state',
            'time_zone',
            'min_supporters',
            'min_leaders',
            'min_trained_leaders',
          ] as const
        ).map((k) => ({ label: k.replaceAll('_', ' '), value: current[k] ?? '—' }))
        return rerender({ _form: conflictMessage('chapter', await lastChange(db, 'chapter', id)) }, 409, { conflict })
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
    const version = formVersion(values)
    try {
      const after = await db.transaction().execute(async (trx) => {
        const row = await updateUnion(trx, id, Number.isInteger(version) ? version : -1, form.data)
        if (!row) return undefined
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
      if (!after) {
        const current = await findUnion(db, id)
        if (!current) throw notFound('That national union')
        values.version = String(current.version)
        const conflict = [
          { label: 'Name', value: current.name },
          { label: 'Abbreviation', value: current.abbreviation },
          { label: 'AFL-CIO', value: current.afl_cio ? 'yes' : 'no' },
          { label: 'Notes', value: current.rules_notes ?? '—' },
        ]
        return rerender({ _form: conflictMessage('national union', await lastChange(db, 'national_union', id)) }, 409, {
          conflict,
        })
      }
      setFlash(reply, 'ok', 'Saved.')
      return reply.redirect('/admin/unions', 303)
    } catch (err) {
      const f = adminFieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  // --- instance settings
  app.get('/settings', async function showSettings(_request, reply) {
    const s = await readSettings(db)
    return reply.page('admin/settings', { title: 'Settings', values: asValues(s), errors: {} })
  })

  app.post('/settings', async function saveSettings(request, reply) {
    const form = parseForm(settingsForm, request.body)
    if (!form.ok)
      return reply.page(
        'admin/settings',
        { title: 'Settings', values: formValues(request.body), errors: form.errors },
        { status: 422 },
      )
    const before = await readSettings(db)
    await db.transaction().execute(async (trx) => {
      await writeSetting(trx, 'require_2fa', form.data.require_2fa)
      if (before.require_2fa !== form.data.require_2fa) {
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'setting',
          entityId: 'require_2fa',
          before: { value: before.require_2fa },
          after: { value: form.data.require_2fa },
        })
      }
    })
    setFlash(reply, 'ok', 'Settings saved.')
    return reply.redirect('/admin/settings', 303)
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
        if ((err as { code?: string }).code?.startsWith('CSV_')) {
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
              file: `The file has ${outcome.errors.length} bad row${outcome.errors.length === 1 ? '' : 's'}. Nothing was imported.`,
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
