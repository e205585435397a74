// Supporters: /people (list, active search, filters, load more, bulk actions in
// one form, CSV), /people/new, /people/:id (details, level history,
// conversations, teams), edit with a version check, delete/restore, support
// levels and conversations added inline (htmx; also POST /conversations from the
// drive and local pages, with a `back` path), merge, and POST /drives/:id/team.
// Privacy: national reviewers get 403 here; volunteers never get email/phone
// (the queries do not fetch them, see contactScope).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { can, type CurrentUser, type Scope } from '../auth/access.ts'
import type { RoleInLocal } from '../db/schema.ts'
import { listDriveOptions } from '../drives/queries.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { csvFilename, toCsv } from '../shared/csv.ts'
import { setFlash } from '../shared/flash.ts'
import { formatDate as fmtDate, formatMoment, viewerZone } from '../shared/format.ts'
import { formValues, idFilter, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { formatPhone } from './normalise.ts'
import importRoutes from './import-routes.ts'
import { LOG_PANEL_ID, backTarget, loadLogPanelRows, logPanelView, safeBack, type LogForm } from './inline-log.ts'
import { checkKnows, insertKnows } from '../whip/knows.ts'
import { personRelationshipsPanel } from '../whip/panels.ts'
import {
  PAGE_SIZE,
  addTags,
  forAudit,
  contactScope,
  fieldForConstraint,
  findSupporterWithContact,
  findDriveInScope,
  findLocalDriveId,
  findLocalForSupporter,
  findSupporter,
  findSupporterRaw,
  insertConversation,
  insertLevels,
  insertSupporter,
  listLocalOptions,
  listSupporters,
  mergeSupporters,
  peopleScope,
  setSupportersDeleted,
  supportersForBulk,
  supportersInScope,
  touchLocalDrives,
  updateSupporter,
  upsertTeamMembers,
  type PeopleFilters,
  type SupporterRow,
} from './queries.ts'
import {
  CONVERSATION_KINDS,
  LANGUAGES,
  LEVELS,
  ROLES_IN_LOCAL,
  TEAM_ROLES,
  bulkForm,
  conversationFormChecked,
  label,
  levelForm,
  listQuery,
  mergeForm,
  supporterForm,
  teamForm,
} from './schema.ts'

type Query = {
  q?: string
  local?: string
  level?: string
  role?: string
  tag?: string
  member?: string
  stale?: string
  followup?: string
  sort?: PeopleFilters['sort']
  offset?: number
  deleted?: string
  format?: string
}

/** National reviewers see counts elsewhere, never people. */
/**
 * Deleted supporters are listed only where the person may delete and restore: organizers and admins, like the
 * trash.
 */
function deletedScope(user: CurrentUser): Scope {
  if (user.isAdmin) return { chapterIds: null }
  const chapterIds = user.chapters.filter((c) => can.delete(user, c.id)).map((c) => c.id)
  if (chapterIds.length === 0) throw forbidden('Only organizers see deleted supporters.')
  return { chapterIds }
}

function mayOpenPeople(user: CurrentUser): void {
  if (user.isAdmin) return
  if (user.isNational || user.chapters.length === 0)
    throw forbidden(
      'Supporters are visible to the chapters that organize them. National reviewers see counts on the review pages.',
    )
}

const levelBadge = (l: number | null) => (l === null ? '' : l <= 2 ? 'ok' : l === 3 ? '' : 'warn')

function filtersOf(query: Query): PeopleFilters {
  const level = query.level === 'none' ? 'none' : query.level ? Number(query.level) : undefined
  return {
    q: query.q?.trim() || undefined,
    local: idFilter(query.local),
    level,
    role: (query.role || undefined) as RoleInLocal | undefined,
    tag: query.tag?.trim().toLowerCase() || undefined,
    member: query.member === '1' ? true : query.member === '0' ? false : undefined,
    stale: query.stale ? Number(query.stale) : undefined,
    followUpDue: query.followup === '1' || undefined,
    sort: query.sort ?? 'name',
    deleted: query.deleted === '1',
  }
}

const BULK_ACTIONS = [
  { value: 'tag', label: 'Add a tag' },
  { value: 'level', label: 'Set the level' },
  { value: 'team', label: 'Add to a drive’s team' },
  { value: 'delete', label: 'Delete' },
] as const

/**
 * Who may apply a bulk action to a chapter's supporters: levels whoever logs; tags and teams organizers; delete
 * organizers.
 */
function bulkAllowed(action: string): (u: CurrentUser, chapterId: number) => boolean {
  if (action === 'delete') return (u, c) => can.delete(u, c)
  if (action === 'level') return (u, c) => can.log(u, c)
  return (u, c) => can.edit(u, c)
}

export default async function peopleRoutes(app: FastifyInstance) {
  const db = app.db
  await app.register(importRoutes)

  // ---- list, bulk actions, export -------------------------------------------------

  app.get('/people', { schema: { querystring: listQuery } }, async function listPeople(request, reply) {
    const user = request.user!
    mayOpenPeople(user)
    const query = request.query as Query
    const filters = filtersOf(query)
    if (query.format === 'csv') return exportPeople(request, reply, filters)
    const scope = filters.deleted ? deletedScope(user) : peopleScope(user)
    const contacts = contactScope(user)
    const offset = query.offset ?? 0
    const [{ rows, hasMore }, locals, drives] = await Promise.all([
      listSupporters(db, scope, contacts, filters, offset),
      listLocalOptions(db, scope),
      listDriveOptions(db, scope, { withLocal: true }),
    ])
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries({
      q: filters.q,
      local: filters.local,
      level: query.level,
      role: filters.role,
      tag: filters.tag,
      member: query.member,
      stale: query.stale,
      followup: filters.followUpDue ? '1' : undefined,
      sort: filters.sort === 'name' ? undefined : filters.sort,
      deleted: filters.deleted ? '1' : undefined,
    })) {
      if (v !== undefined && v !== '') params.set(k, String(v))
    }
    const base = params.toString()
    const next = new URLSearchParams(base)
    next.set('offset', String(offset + PAGE_SIZE))
    const showContacts = contacts.chapterIds === null || contacts.chapterIds.length > 0
    // Offer only what the person may do (levels: whoever logs; tags, teams: organizers; delete: organizers).
    const anyChapter = (may: (u: CurrentUser, c: number) => boolean) =>
      user.isAdmin || user.chapters.some((c) => may(user, c.id))
    const bulkActions = BULK_ACTIONS.filter((a) => anyChapter(bulkAllowed(a.value)))
    const view = {
      title: filters.deleted ? 'Deleted supporters' : 'People',
      filters: {
        q: filters.q ?? '',
        local: filters.local,
        level: query.level ?? '',
        role: filters.role ?? '',
        tag: filters.tag ?? '',
        member: query.member ?? '',
        stale: query.stale ?? '',
        followup: filters.followUpDue === true,
        sort: filters.sort,
        deleted: filters.deleted,
      },
      rows: rows.map((r) => ({
        id: r.id,
        name: r.name,
        localName: r.local_name ?? '—',
        roleLabel: label(ROLES_IN_LOCAL, r.role_in_local),
        level: r.current_level ?? '',
        levelBadge: levelBadge(r.current_level),
        lastContact: fmtDate(r.last_contact_on) || 'Never',
        tags: r.tags,
        member: r.chapter_member,
        dnc: r.do_not_contact,
        leader: r.potential_leader,
        contact: [r.email ?? '', formatPhone(r.phone)].filter(Boolean).join(' · '),
        canRestore: filters.deleted && can.delete(user, r.chapter_id),
      })),
      showContacts,
      moreUrl: hasMore ? `/people?${next.toString()}` : null,
      csvUrl:
        can.export(user, null) || user.chapters.some((c) => can.export(user, c.id))
          ? `/people?${base ? base + '&' : ''}format=csv`
          : null,
      localOptions: locals.map((l) => ({ value: l.id, label: l.name })),
      driveOptions: drives.map((d) => ({ value: d.id, label: d.label })),
      levelOptions: LEVELS,
      roleOptions: ROLES_IN_LOCAL,
      teamRoleOptions: TEAM_ROLES,
      canCreate: user.isAdmin || user.chapters.some((c) => c.role === 'organizer'),
      // The link to deleted supporters only for who may open that list (deletedScope); a volunteer got a 403.
      canSeeDeleted: user.isAdmin || user.chapters.some((c) => can.delete(user, c.id)),
      canBulk: !filters.deleted && bulkActions.length > 0,
      bulkActions,
      returnTo: base,
      assignUrl:
        !filters.deleted && (user.isAdmin || user.chapters.some((c) => c.role === 'organizer')) && rows.length
          ? `/assignments/new${base ? `?${base}` : ''}`
          : null,
      offset,
      empty: rows.length === 0 && offset === 0,
      anyFilter: Boolean(base),
      errors: {} as FieldErrors,
    }
    if (request.htmx.partial && request.htmx.target === 'people-more') return reply.fragment('people/_rows', view)
    return reply.page('people/index', view, { fragment: { target: 'people-results', view: 'people/_results' } })
  })

  async function exportPeople(request: FastifyRequest, reply: FastifyReply, filters: PeopleFilters) {
    const user = request.user!
    // Exports hold contact details: organizers and admins only, and only their chapters.
    const scope = user.isAdmin
      ? { chapterIds: null }
      : { chapterIds: user.chapters.filter((c) => can.export(user, c.id)).map((c) => c.id) }
    if (scope.chapterIds !== null && scope.chapterIds.length === 0)
      throw forbidden('Only organizers can export supporters.')
    const rows: unknown[][] = []
    for (let offset = 0; offset < 200_000; offset += 1000) {
      const page = await listSupporters(db, scope, scope, filters, offset, 1000, { export: true })
      for (const r of page.rows) {
        rows.push([
          r.id,
          r.name,
          r.local_name,
          r.union_abbreviation,
          r.role_in_local,
          r.chapter_member ? 'yes' : 'no',
          r.current_level,
          r.email,
          r.phone,
          r.preferred_language,
          r.tags.join('; '),
          r.last_contact_on,
          r.do_not_contact ? 'yes' : 'no',
          r.keep_off_shared_lists ? 'yes' : 'no',
          r.potential_leader ? 'yes' : 'no',
        ])
      }
      if (!page.hasMore) break
    }
    await audit(db, request.actor, { action: 'export', entity: 'supporters', after: { rows: rows.length, filters } })
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${csvFilename('supporters')}"`)
      .header('Cache-Control', 'no-store')
      .send(
        toCsv(
          [
            'id',
            'name',
            'local',
            'union',
            'role',
            'chapter_member',
            'level',
            'email',
            'phone',
            'language',
            'tags',
            'last_contact',
            'do_not_contact',
            'keep_off_shared_lists',
            'potential_leader',
          ],
          rows,
        ),
      )
  }

  app.post('/people/bulk', async function bulkAction(request, reply) {
    const user = request.user!
    mayOpenPeople(user)
    const form = parseForm(bulkForm, request.body)
    // Back to the list as it was filtered (only its query string travels; the path is always /people).
    const rawReturn = formValues(request.body).return_to ?? ''
    const back = `/people${rawReturn ? `?${new URLSearchParams(rawReturn).toString()}` : ''}`
    if (!form.ok) {
      setFlash(reply, 'error', Object.values(form.errors)[0] ?? 'Choose an action and at least one person.')
      return reply.redirect(back, 303)
    }
    const d = form.data
    const allowed = bulkAllowed(d.action)
    const found = await supportersForBulk(db, peopleScope(user), d.ids)
    const rows = found.filter((r) => allowed(user, r.chapter_id))
    if (rows.length === 0) throw d.ids.length && found.length ? forbidden() : notFound('Those supporters')
    const idList = rows.map((r) => r.id)
    let message = ''
    await db.transaction().execute(async (trx) => {
      if (d.action === 'tag') {
        await addTags(trx, idList, d.tag)
        message = `Tagged ${idList.length} ${idList.length === 1 ? 'person' : 'people'} “${d.tag}”.`
      } else if (d.action === 'level') {
        await insertLevels(trx, idList, d.level, null, user.id)
        await touchLocalDrives(
          trx,
          rows.map((r) => r.local_id),
        )
        message = `Set ${idList.length} ${idList.length === 1 ? 'person' : 'people'} to level ${d.level}.`
      } else if (d.action === 'team') {
        const drive = await findDriveInScope(
          trx,
          { chapterIds: user.isAdmin ? null : user.chapters.filter((c) => can.edit(user, c.id)).map((c) => c.id) },
          d.drive_id,
        )
        if (!drive) throw notFound('That drive')
        await upsertTeamMembers(trx, drive.id, idList, d.role, null)
        await touchLocalDrives(trx, [drive.local_id])
        message = `Added ${idList.length} to the team of ${drive.local_name ?? 'the drive'}.`
      } else {
        await setSupportersDeleted(trx, idList, true)
        message =
          `Moved ${idList.length} ${idList.length === 1 ? 'person' : 'people'} to the trash. ` +
          'You can restore them from “Deleted supporters”.'
      }
      await audit(trx, request.actor, {
        action: `bulk_${d.action}`,
        entity: 'supporters',
        after: {
          ids: idList,
          ...(d.action === 'tag'
            ? { tag: d.tag }
            : d.action === 'level'
              ? { level: d.level }
              : d.action === 'team'
                ? { drive_id: d.drive_id, role: d.role }
                : {}),
        },
      })
    })
    setFlash(reply, 'ok', message)
    return reply.redirect(back, 303)
  })

  // ---- create, show, edit ----------------------------------------------------------

  async function formOptions(user: CurrentUser) {
    const editable = {
      chapterIds: user.isAdmin ? null : user.chapters.filter((c) => can.edit(user, c.id)).map((c) => c.id),
    }
    const locals = await listLocalOptions(db, editable)
    return {
      localOptions: locals.map((l) => ({ value: l.id, label: `${l.name} (${l.chapter_name})` })),
      roleOptions: ROLES_IN_LOCAL,
      languageOptions: LANGUAGES,
      levelOptions: LEVELS,
    }
  }

  app.get('/people/new', async function newPerson(request, reply) {
    const user = request.user!
    mayOpenPeople(user)
    if (!(user.isAdmin || user.chapters.some((c) => can.edit(user, c.id)))) throw forbidden()
    const query = request.query as { local?: string }
    return reply.page('people/form', {
      title: 'New supporter',
      action: '/people',
      values: { local_id: idFilter(query.local) ?? '' },
      errors: {},
      isNew: true,
      ...(await formOptions(user)),
    })
  })

  app.post('/people', async function createPerson(request, reply) {
    const user = request.user!
    mayOpenPeople(user)
    if (!(user.isAdmin || user.chapters.some((c) => can.edit(user, c.id)))) throw forbidden()
    const rerender = async (errors: FieldErrors) =>
      reply.page(
        'people/form',
        {
          title: 'New supporter',
          action: '/people',
          values: formValues(request.body),
          errors,
          isNew: true,
          ...(await formOptions(user)),
        },
        { status: 422 },
      )
    const form = parseForm(supporterForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const { level, ...input } = form.data
    const local = await findLocalForSupporter(
      db,
      { chapterIds: user.isAdmin ? null : user.chapters.filter((c) => can.edit(user, c.id)).map((c) => c.id) },
      input.local_id,
    )
    if (!local) return rerender({ local_id: 'Choose a local in a chapter you organize in.' })
    try {
      const row = await db.transaction().execute(async (trx) => {
        const r = await insertSupporter(trx, { ...input, chapter_id: local.chapter_id! })
        if (level !== null) await insertLevels(trx, [r.id], level, null, user.id)
        await touchLocalDrives(trx, [r.local_id])
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'supporter',
          entityId: r.id,
          chapterId: r.chapter_id,
          after: forAudit({ ...r, current_level: level }),
        })
        return r
      })
      setFlash(reply, 'ok', `${row.name} was added.`)
      return reply.redirect(`/people/${row.id}`, 303)
    } catch (err) {
      const f = fieldForConstraint(err)
      if (!f) throw err
      const field = f.field as 'email' | 'phone'
      const other = await findSupporterWithContact(db, local.chapter_id!, field, input[field])
      return rerender({
        [f.field]: f.message,
        ...(other ? { _form: `${other.name} already has this ${field}.`, _exists: `/people/${other.id}` } : {}),
        ...(other ? { _existsLabel: `Open ${other.name}` } : {}),
      })
    }
  })

  async function loadPerson(request: FastifyRequest, o: { withDeleted?: boolean } = {}): Promise<SupporterRow> {
    const { id } = request.params as { id: number }
    return loadPersonById(request, id, o)
  }

  async function loadPersonById(
    request: FastifyRequest,
    id: number,
    o: { withDeleted?: boolean } = {},
  ): Promise<SupporterRow> {
    const user = request.user!
    mayOpenPeople(user)
    const p = await findSupporter(db, peopleScope(user), contactScope(user), id, o)
    if (!p) throw notFound('That supporter')
    // Kept off shared lists: only the chapter's organizers (and admins) see them at all.
    if (p.keep_off_shared_lists && !can.seeContacts(user, p.chapter_id)) throw notFound('That supporter')
    return p
  }

  function personView(user: CurrentUser, p: SupporterRow) {
    return {
      id: p.id,
      name: p.name,
      localId: p.local_id,
      localName: p.local_name ?? '—',
      chapterName: p.chapter_name,
      roleLabel: label(ROLES_IN_LOCAL, p.role_in_local),
      member: p.chapter_member,
      language: label(LANGUAGES, p.preferred_language),
      email: p.email,
      phone: formatPhone(p.phone),
      tags: p.tags,
      notes: p.notes,
      dnc: p.do_not_contact,
      offLists: p.keep_off_shared_lists,
      leader: p.potential_leader,
      level: p.current_level,
      levelLabel: p.current_level ? label(LEVELS, p.current_level) : 'Not assessed yet',
      levelBadge: levelBadge(p.current_level),
      lastContact: fmtDate(p.last_contact_on) || 'Never',
      deleted: p.deleted_at !== null,
      levels: p.levels.map((l) => ({
        level: l.level,
        label: label(LEVELS, l.level),
        note: l.note,
        at: formatMoment(l.at, viewerZone(user)),
        actor: l.actor ?? 'Someone',
      })),
      conversations: p.conversations.map((c) => ({
        ...c,
        kindLabel: label(CONVERSATION_KINDS, c.kind),
        heldOn: fmtDate(c.held_on),
        followUp: fmtDate(c.follow_up_on),
        by: c.by ?? 'Someone',
      })),
      teams: p.teams.map((t) => ({ ...t, roleLabel: label(TEAM_ROLES, t.role), trained: fmtDate(t.trained_on) })),
      canEdit: can.edit(user, p.chapter_id),
      canLog: can.log(user, p.chapter_id),
      canDelete: can.delete(user, p.chapter_id),
    }
  }

  const today = () => new Date().toISOString().slice(0, 10)
  type FormState = { values: Record<string, string>; errors: FieldErrors }
  const emptyForms = (): { levelForm: FormState; conversationForm: FormState } => ({
    levelForm: { values: {}, errors: {} },
    conversationForm: { values: { held_on: today(), kind: 'one_on_one' }, errors: {} },
  })

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    p: SupporterRow,
    forms = emptyForms(),
    status = 200,
  ) {
    const user = request.user!
    const [drives, relationships] = await Promise.all([
      can.edit(user, p.chapter_id)
        ? listDriveOptions(db, { chapterIds: [p.chapter_id] }, { withLocal: true })
        : Promise.resolve([]),
      personRelationshipsPanel(db, user, p),
    ])
    return reply.page(
      'people/show',
      {
        title: p.name,
        person: personView(user, p),
        // Who they know (the whip count's relationships); its choices also feed the conversation form.
        relationships,
        ...forms,
        levelOptions: LEVELS,
        kindOptions: CONVERSATION_KINDS,
        teamRoleOptions: TEAM_ROLES,
        driveOptions: drives.filter((d) => d.local_id === p.local_id).map((d) => ({ value: d.id, label: d.label })),
        teamForm: { values: {}, errors: {} },
      },
      { status },
    )
  }

  app.get('/people/:id', { schema: { params: idParam } }, async function showPerson(request, reply) {
    return showPage(request, reply, await loadPerson(request))
  })

  app.get('/people/:id/edit', { schema: { params: idParam } }, async function editPerson(request, reply) {
    const p = await loadPerson(request)
    const user = request.user!
    if (!can.edit(user, p.chapter_id)) throw forbidden()
    const values: Record<string, string> = {
      name: p.name,
      local_id: String(p.local_id ?? ''),
      role_in_local: p.role_in_local,
      chapter_member: p.chapter_member ? 'on' : '',
      email: p.email ?? '',
      phone: p.phone ?? '',
      preferred_language: p.preferred_language ?? '',
      tags: p.tags.join(', '),
      notes: p.notes ?? '',
      do_not_contact: p.do_not_contact ? 'on' : '',
      keep_off_shared_lists: p.keep_off_shared_lists ? 'on' : '',
      potential_leader: p.potential_leader ? 'on' : '',
      version: String(p.version),
      id: String(p.id),
    }
    return reply.page('people/form', {
      title: `Edit ${p.name}`,
      action: `/people/${p.id}`,
      values,
      errors: {},
      ...(await formOptions(user)),
    })
  })

  app.post('/people/:id', { schema: { params: idParam } }, async function savePerson(request, reply) {
    const before = await loadPerson(request)
    const user = request.user!
    if (!can.edit(user, before.chapter_id)) throw forbidden()
    const values: Record<string, string> = { ...formValues(request.body), id: String(before.id) }
    const rerender = async (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page(
        'people/form',
        {
          title: `Edit ${before.name}`,
          action: `/people/${before.id}`,
          values,
          errors,
          ...extra,
          ...(await formOptions(user)),
        },
        { status },
      )
    const form = parseForm(supporterForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const { level: _level, ...input } = form.data
    // A supporter stays in their chapter: the local must be one of that chapter's.
    const local = await findLocalForSupporter(db, { chapterIds: [before.chapter_id] }, input.local_id)
    if (!local) return rerender({ local_id: `Choose a local of the ${before.chapter_name ?? 'same'} chapter.` })
    try {
      const after = await versionedTransaction(db, async (trx) => {
        const raw = await findSupporterRaw(trx, before.id)
        const row = await updateSupporter(trx, before.id, expectedVersion(values.version), input)
        if (isConflict(row)) return row
        const { before: b, after: a } = diffRecords(raw ? forAudit(raw) : {}, forAudit(row))
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'supporter',
          entityId: row.id,
          chapterId: row.chapter_id,
          before: b,
          after: a,
        })
        return row
      })
      if (isConflict(after)) {
        const current = after.current
        if (!current) throw notFound('That supporter')
        values.version = String(current.version)
        const conflict = conflictView(after, {
          what: 'supporter',
          userId: user.id,
          timeZone: before.time_zone,
          saved: [
            { label: 'Name', value: current.name },
            { label: 'Role in the local', value: label(ROLES_IN_LOCAL, current.role_in_local) },
            { label: 'Email', value: current.email ?? '' },
            { label: 'Phone', value: formatPhone(current.phone) },
            { label: 'Tags', value: current.tags.join(', ') },
            { label: 'Notes', value: current.notes ?? '' },
          ],
        })
        return rerender({ _form: conflict.message }, 409, { conflict })
      }
      setFlash(reply, 'ok', 'Saved.')
      return reply.redirect(`/people/${before.id}`, 303)
    } catch (err) {
      const f = fieldForConstraint(err)
      if (f) return rerender({ [f.field]: f.message })
      throw err
    }
  })

  async function toggleDeleted(request: FastifyRequest, reply: FastifyReply, deleted: boolean) {
    const p = await loadPerson(request, { withDeleted: true })
    if (!can.delete(request.user!, p.chapter_id)) throw forbidden()
    try {
      const rows = await db.transaction().execute(async (trx) => {
        const r = await setSupportersDeleted(trx, [p.id], deleted)
        if (r[0])
          await audit(trx, request.actor, {
            action: deleted ? 'delete' : 'restore',
            entity: 'supporter',
            entityId: p.id,
            chapterId: p.chapter_id,
            before: { deleted_at: p.deleted_at },
            after: { deleted_at: r[0].deleted_at },
          })
        return r
      })
      if (!rows.length)
        setFlash(reply, 'warn', deleted ? 'That supporter was already deleted.' : 'That supporter was not deleted.')
      else
        setFlash(
          reply,
          'ok',
          deleted
            ? `${p.name} was moved to the trash. You can restore them from “Deleted supporters”.`
            : `${p.name} was restored.`,
        )
    } catch (err) {
      if (!fieldForConstraint(err)) throw err
      setFlash(
        reply,
        'error',
        'Another supporter in this chapter now has the same email or phone. Merge them instead of restoring.',
      )
    }
    return reply.redirect(deleted ? '/people' : `/people/${p.id}`, 303)
  }
  app.post('/people/:id/delete', { schema: { params: idParam } }, (req, rep) => toggleDeleted(req, rep, true))
  app.post('/people/:id/restore', { schema: { params: idParam } }, (req, rep) => toggleDeleted(req, rep, false))

  // ---- support level and conversations (inline) -----------------------------------

  app.post('/people/:id/level', { schema: { params: idParam } }, async function changeLevel(request, reply) {
    const p = await loadPerson(request)
    const user = request.user!
    if (!can.log(user, p.chapter_id)) throw forbidden()
    const form = parseForm(levelForm, request.body)
    const inline = request.htmx.partial && request.htmx.target === 'person-level'
    if (!form.ok) {
      const forms = { ...emptyForms(), levelForm: { values: formValues(request.body), errors: form.errors } }
      if (inline)
        return reply.fragment('people/_level', { person: personView(user, p), levelOptions: LEVELS, ...forms }, 422)
      return showPage(request, reply, p, forms, 422)
    }
    await db.transaction().execute(async (trx) => {
      await insertLevels(trx, [p.id], form.data.level, form.data.note, user.id)
      await touchLocalDrives(trx, [p.local_id])
      await audit(trx, request.actor, {
        action: 'level',
        entity: 'supporter',
        entityId: p.id,
        chapterId: p.chapter_id,
        before: { current_level: p.current_level },
        after: { current_level: form.data.level, note: form.data.note },
      })
    })
    if (inline) {
      const fresh = await loadPerson(request)
      return reply.fragment('people/_level', {
        person: personView(user, fresh),
        levelOptions: LEVELS,
        ...emptyForms(),
        saved: 'Level saved.',
      })
    }
    setFlash(reply, 'ok', 'Level saved.')
    return reply.redirect(`/people/${p.id}`, 303)
  })

  // The local's panel on a drive or local page (views/people/_logged.eta), for the page a `back` path names.
  async function logPanelFor(user: CurrentUser, back: string | null, o: { form?: LogForm; saved?: string } = {}) {
    const target = backTarget(back)
    if (!back || !target) return null
    const scope = peopleScope(user)
    const where =
      target.kind === 'drive'
        ? await findDriveInScope(db, scope, target.id)
        : await findLocalForSupporter(db, scope, target.id)
    const localId = where ? ('local_id' in where ? where.local_id : where.id) : null
    if (!where || localId === null || where.chapter_id === null) return null
    return logPanelView(user, where.chapter_id, back, await loadLogPanelRows(db, where.chapter_id, localId), o)
  }

  async function logConversationFor(request: FastifyRequest, reply: FastifyReply, p: SupporterRow) {
    const user = request.user!
    if (!can.log(user, p.chapter_id)) throw forbidden()
    const raw = formValues(request.body)
    const back = safeBack(raw.back)
    const target = backTarget(back)
    const inline = request.htmx.partial && request.htmx.target === 'person-conversations'
    const inlinePanel = request.htmx.partial && request.htmx.target === LOG_PANEL_ID && back !== null
    const form = parseForm(conversationFormChecked, request.body)
    // "They know…": an optional relationship noted with the conversation (src/whip/knows.ts).
    const knows = await checkKnows(db, p, request.body)
    if (!form.ok || !knows.ok) {
      const errors = { ...(form.ok ? {} : form.errors), ...(knows.ok ? {} : knows.errors) }
      if (inlinePanel) {
        const logPanel = await logPanelFor(user, back, { form: { values: raw, errors } })
        if (logPanel) return reply.fragment('people/_logged', { logPanel }, 422)
      }
      const forms = { ...emptyForms(), conversationForm: { values: raw, errors } }
      if (inline) {
        const relationships = await personRelationshipsPanel(db, user, p)
        return reply.fragment(
          'people/_conversations',
          { person: personView(user, p), kindOptions: CONVERSATION_KINDS, relationships, ...forms },
          422,
        )
      }
      return showPage(request, reply, p, forms, 422)
    }
    await db.transaction().execute(async (trx) => {
      // Logged from a drive page: tie it to that drive when it is the supporter's local's drive.
      const fromPage =
        target?.kind === 'drive' ? await findDriveInScope(trx, { chapterIds: [p.chapter_id] }, target.id) : undefined
      const drive =
        fromPage && fromPage.local_id !== null && fromPage.local_id === p.local_id
          ? fromPage
          : await findLocalDriveId(trx, p.local_id)
      const c = await insertConversation(trx, {
        supporter_id: p.id,
        drive_id: drive?.id ?? null,
        by_user_id: user.id,
        ...form.data,
      })
      if (knows.link) await insertKnows(trx, request.actor, user.id, p, knows.link)
      await touchLocalDrives(trx, [p.local_id])
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'conversation',
        entityId: c.id,
        chapterId: p.chapter_id,
        after: { supporter_id: p.id, drive_id: c.drive_id, kind: c.kind, held_on: c.held_on },
      })
    })
    if (inlinePanel) {
      const logPanel = await logPanelFor(user, back, { saved: `Conversation with ${p.name} logged.` })
      if (logPanel) return reply.fragment('people/_logged', { logPanel })
    }
    if (inline) {
      const fresh = await loadPersonById(request, p.id)
      return reply.fragment('people/_conversations', {
        person: personView(user, fresh),
        kindOptions: CONVERSATION_KINDS,
        relationships: await personRelationshipsPanel(db, user, fresh),
        ...emptyForms(),
        saved: knows.link ? 'Conversation logged, and whom they know noted.' : 'Conversation logged.',
      })
    }
    setFlash(reply, 'ok', `Conversation with ${p.name} logged.`)
    return reply.redirect(back ?? `/people/${p.id}`, 303)
  }

  app.post(
    '/people/:id/conversations',
    { schema: { params: idParam } },
    async function logConversation(request, reply) {
      return logConversationFor(request, reply, await loadPerson(request))
    },
  )

  // From the drive and local pages: the supporter is picked in the form.
  app.post('/conversations', async function logConversationFromPage(request, reply) {
    const user = request.user!
    mayOpenPeople(user)
    const raw = formValues(request.body)
    const id = idFilter(raw.supporter_id)
    if (!id) {
      const back = safeBack(raw.back)
      const errors = { supporter_id: 'Choose the supporter you talked with.' }
      if (request.htmx.partial && request.htmx.target === LOG_PANEL_ID) {
        const logPanel = await logPanelFor(user, back, { form: { values: raw, errors } })
        if (logPanel) return reply.fragment('people/_logged', { logPanel }, 422)
      }
      if (!back) throw notFound('That supporter')
      setFlash(reply, 'error', errors.supporter_id)
      return reply.redirect(back, 303)
    }
    return logConversationFor(request, reply, await loadPersonById(request, id))
  })

  // ---- merge ----------------------------------------------------------------------

  app.post('/people/:id/merge', { schema: { params: idParam } }, async function mergePeople(request, reply) {
    const p = await loadPerson(request)
    const user = request.user!
    if (!can.edit(user, p.chapter_id)) throw forbidden()
    const form = parseForm(mergeForm, request.body)
    if (!form.ok || form.data.other_id === p.id) {
      setFlash(
        reply,
        'error',
        form.ok
          ? 'Choose a different person to merge with.'
          : (Object.values(form.errors)[0] ?? 'Choose the duplicate to merge.'),
      )
      return reply.redirect(`/people/${p.id}`, 303)
    }
    // Only a duplicate in the same chapter; another chapter's record is "not found".
    const other = await findSupporter(db, { chapterIds: [p.chapter_id] }, { chapterIds: [] }, form.data.other_id)
    if (!other) throw notFound('That duplicate')
    const [keepId, goneId] = form.data.keep === 'this' ? [p.id, other.id] : [other.id, p.id]
    const result = await db.transaction().execute(async (trx) => {
      const r = await mergeSupporters(trx, keepId, goneId)
      await touchLocalDrives(trx, [p.local_id, other.local_id])
      await audit(trx, request.actor, {
        action: 'merge',
        entity: 'supporter',
        entityId: keepId,
        chapterId: p.chapter_id,
        before: { merged_id: goneId },
        after: { kept_id: keepId, levels: r.levels, conversations: r.conversations, teams: r.teams },
      })
      return r
    })
    setFlash(
      reply,
      'ok',
      `Merged: ${result.conversations} conversations and ${result.levels} levels moved; the duplicate is in the trash.`,
    )
    return reply.redirect(`/people/${keepId}`, 303)
  })

  // ---- teams ----------------------------------------------------------------------

  app.post('/drives/:id/team', { schema: { params: idParam } }, async function addToTeam(request, reply) {
    const user = request.user!
    const { id } = request.params as { id: number }
    const drive = await findDriveInScope(db, peopleScope(user), id)
    if (!drive) throw notFound('That drive')
    if (!can.edit(user, drive.chapter_id)) throw forbidden()
    const form = parseForm(teamForm, request.body)
    const back =
      request.headers.referer && /^\/people\/\d+$/.test(new URL(request.headers.referer, 'http://x').pathname)
        ? new URL(request.headers.referer, 'http://x').pathname
        : `/drives/${id}`
    if (!form.ok) {
      setFlash(reply, 'error', Object.values(form.errors)[0] ?? 'Choose a supporter.')
      return reply.redirect(back, 303)
    }
    const [s] = await supportersInScope(db, { chapterIds: drive.chapter_id === null ? [] : [drive.chapter_id] }, [
      form.data.supporter_id,
    ])
    if (!s) throw notFound('That supporter')
    await db.transaction().execute(async (trx) => {
      await upsertTeamMembers(trx, id, [s.id], form.data.role, form.data.trained_on)
      await touchLocalDrives(trx, [drive.local_id])
      await audit(trx, request.actor, {
        action: 'team',
        entity: 'drive',
        entityId: id,
        chapterId: drive.chapter_id,
        after: { supporter_id: s.id, role: form.data.role, trained_on: form.data.trained_on },
      })
    })
    setFlash(reply, 'ok', 'Added to the team.')
    return reply.redirect(back, 303)
  })
}
