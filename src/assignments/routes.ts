// Assignments and "my list".
//   GET  /assignments            organizers: each assignee's progress (assigned / done / overdue) per drive,
//                                and the chapter setting "contacts for assigned people"
//   GET  /assignments/new        the assign form (people picked by id, from a drive, from the people list's
//                                filters, or from the whip count's who-talks-to-whom: ?drive=…&whip=1)
//   POST /assignments            give the chosen people to a chapter member, with an ask and a due date
//   POST /assignments/:id/cancel take an open assignment back
//   POST /assignments/settings   turn "contacts for assigned people" on or off (audited)
//   GET  /drives/:id/assignments the drive's assignments (the drive page loads it as its panel; a page alone too)
//   GET  /my-list                the caller's open assignments, due first, for a phone
//   GET  /my-list/:id            one person: what to ask, and the short "log it" form
//   POST /my-list/:id            log the conversation (and a new level); done ones leave the list; on to the next
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit/audit.ts'
import { can, editScope, readScope, type CurrentUser } from '../auth/access.ts'
import { daysUntil, formatDate, plural, relativeDayLabel } from '../drives/present.ts'
import { todayIn } from '../drives/vote-dates.ts'
import {
  insertConversation,
  insertLevels,
  listSupporters,
  touchLocalDrives,
  type PeopleFilters,
} from '../people/queries.ts'
import { CONVERSATION_KINDS, LEVELS, ROLES_IN_LOCAL, label } from '../people/schema.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, formVersion, idFilter, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import {
  assignmentProgress,
  cancelAssignment,
  completeAssignment,
  findChapterSetting,
  findDriveForAssigning,
  findMyAssignment,
  insertAssignments,
  isChapterMember,
  listAssigneeOptions,
  listDriveSupporters,
  listMyAssignments,
  MY_LIST_LIMIT,
  listSupportersByIds,
  updateAssignedContacts,
  type MyAssignment,
} from './queries.ts'
import { assignForm, logForm, newQuery, settingForm } from './schema.ts'
import { driveAssignments, progressView } from './panels.ts'
import { weeklyTalks } from '../whip/panels.ts'
import { talkAsks } from './talk-asks.ts'

type NewQuery = Record<string, string | string[] | undefined>

const organizerChapters = (user: CurrentUser) =>
  user.isAdmin ? null : user.chapters.filter((c) => c.role === 'organizer').map((c) => c.id)

function mayAssign(user: CurrentUser) {
  if (!user.isAdmin && !user.chapters.some((c) => c.role === 'organizer'))
    throw forbidden('Only the chapter’s organizers give out assignments. Your own list is under “My list”.')
}

const levelBadge = (l: number | null) => (l === null ? '' : l <= 2 ? 'ok' : l === 3 ? '' : 'warn')
const levelText = (l: number | null) => (l === null ? 'No level yet' : label(LEVELS, l))

function dueView(due: string | null, tz: string) {
  if (!due) return { due: '', overdue: false, dueSoon: false }
  const days = daysUntil(due, tz)
  return {
    due: `${formatDate(due)} (${relativeDayLabel(days)})`,
    overdue: days < 0,
    dueSoon: days >= 0 && days <= 1,
  }
}

function peopleFiltersOf(q: NewQuery): PeopleFilters | null {
  const s = (k: string) => {
    const v = q[k]
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined
  }
  const keys = ['q', 'local', 'level', 'role', 'tag', 'member', 'stale', 'followup']
  if (!keys.some((k) => s(k) !== undefined)) return null
  const level = s('level')
  return {
    q: s('q'),
    local: idFilter(s('local')),
    level: level === 'none' ? 'none' : level ? Number(level) : undefined,
    role: s('role') as PeopleFilters['role'],
    tag: s('tag')?.toLowerCase(),
    member: s('member') === '1' ? true : s('member') === '0' ? false : undefined,
    stale: s('stale') ? Number(s('stale')) : undefined,
    ...(s('followup') ? { followUpDue: true } : {}),
    sort: 'level',
  }
}

export default async function assignmentsRoutes(app: FastifyInstance) {
  const db = app.db
  // Forms re-rendered by a POST (422/409) need a fresh CSRF token too. Scoped to this plugin's routes.
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  // ---- the organizer's view ---------------------------------------------------------

  app.get('/assignments', async function showAssignments(request, reply) {
    const user = request.user!
    mayAssign(user)
    const chapters = organizerChapters(user)
    const [rows, settings] = await Promise.all([
      assignmentProgress(db, editScope(user), { chapterIds: chapters }),
      Promise.all(user.chapters.filter((c) => can.edit(user, c.id)).map((c) => findChapterSetting(db, c.id))),
    ])
    return reply.page('assignments/index', {
      title: 'Assignments',
      progress: progressView(rows),
      settings: settings.filter((s) => s !== undefined),
    })
  })

  app.get(
    '/drives/:id/assignments',
    { schema: { params: idParam } },
    async function showDriveAssignments(request, reply) {
      const user = request.user!
      const { id } = request.params as { id: number }
      const drive = await findDriveForAssigning(db, readScope(user), id)
      if (!drive) throw notFound('That drive')
      const panel = await driveAssignments(db, user, drive)
      if (!panel) throw forbidden('Only the chapter’s organizers see who has whom. Your own list is under “My list”.')
      const ctx = { panel, drive: { id: drive.id, local: drive.local_name ?? 'Drive' } }
      // The drive page's lazy panel asks for its own section; anything else gets the page.
      if (request.htmx.partial && request.htmx.target === 'drive-assignments')
        return reply.fragment('assignments/_drive-panel', ctx)
      return reply.page('assignments/drive', { ...ctx, title: `Assignments: ${ctx.drive.local}`, openList: true })
    },
  )

  // ---- the assign form --------------------------------------------------------------

  type Candidate = {
    id: number
    name: string
    current_level: number | null
    chapter_id: number
    local_name: string | null
  }

  /** This week's who-talks-to-whom of a drive, as one ask per supporter ("Talk to Ana Ruiz (coworker)"). */
  async function whipAsks(user: CurrentUser, driveId: number) {
    const drive = await findDriveForAssigning(db, editScope(user), driveId)
    if (!drive) return new Map<number, string>()
    const talks = await weeklyTalks(db, editScope(user), driveId, todayIn(drive.time_zone ?? 'UTC'))
    return talkAsks(talks)
  }

  async function renderNew(
    request: FastifyRequest,
    reply: FastifyReply,
    o: {
      candidates: Candidate[]
      checked: Set<number>
      driveId: number | null
      values: Record<string, string>
      errors: FieldErrors
      note?: string
      status?: number
      asks?: ReadonlyMap<number, string>
    },
  ) {
    const user = request.user!
    const chapterId = o.candidates[0]?.chapter_id ?? user.chapters.find((c) => can.edit(user, c.id))?.id ?? null
    const assignees = chapterId === null ? [] : await listAssigneeOptions(db, chapterId)
    const drive = o.driveId ? await findDriveForAssigning(db, editScope(user), o.driveId) : undefined
    return reply.page(
      'assignments/new',
      {
        title: 'Assign people',
        drive: drive ? { id: drive.id, local: drive.local_name ?? 'this drive' } : null,
        candidates: o.candidates
          .filter((c) => c.chapter_id === chapterId)
          .map((c) => ({
            id: c.id,
            name: c.name,
            level: c.current_level,
            badge: levelBadge(c.current_level),
            local: c.local_name ?? '',
            checked: o.checked.has(c.id),
            talk: o.asks?.get(c.id) ?? '',
          })),
        fromWhip: o.asks !== undefined,
        otherChapter: o.candidates.some((c) => c.chapter_id !== chapterId),
        assigneeOptions: assignees.map((a) => ({
          value: a.id,
          label: `${a.name}${a.role === 'organizer' ? ' (organizer)' : ''}`,
        })),
        values: o.values,
        errors: o.errors,
        note: o.note ?? '',
      },
      { status: o.status },
    )
  }

  app.get('/assignments/new', { schema: { querystring: newQuery } }, async function newAssignment(request, reply) {
    const user = request.user!
    mayAssign(user)
    const q = request.query as NewQuery
    const scope = editScope(user)
    const picked = ([] as string[])
      .concat(q.supporter ?? [])
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0)
    const driveId = idFilter(q.drive) ?? null
    const filters = peopleFiltersOf(q)
    let candidates: Candidate[]
    let checked: Set<number>
    let note = ''
    let asks: Map<number, string> | undefined
    if (driveId && q.whip === '1') {
      asks = await whipAsks(user, driveId)
      candidates = await listSupportersByIds(db, scope, [...asks.keys()])
      checked = new Set(candidates.map((c) => c.id))
      if (!candidates.length) note = 'The whip count has nobody to suggest this week: no paths to the open members yet.'
    } else if (picked.length) {
      candidates = await listSupportersByIds(db, scope, picked)
      checked = new Set(candidates.map((c) => c.id))
    } else if (filters) {
      const { rows, hasMore } = await listSupporters(db, scope, { chapterIds: [] }, filters, 0, 200)
      candidates = rows
      checked = new Set(rows.map((c) => c.id))
      if (hasMore) note = 'Only the first 200 people of that list are shown.'
    } else if (driveId) {
      candidates = await listDriveSupporters(db, scope, driveId)
      checked = new Set()
    } else {
      candidates = []
      checked = new Set()
    }
    return renderNew(request, reply, {
      candidates,
      checked,
      driveId,
      values: { due_on: '', ask: '', drive_id: driveId ? String(driveId) : '', whip: asks ? '1' : '' },
      errors: {},
      note,
      asks,
    })
  })

  app.post('/assignments', async function createAssignments(request, reply) {
    const user = request.user!
    mayAssign(user)
    const scope = editScope(user)
    const values = formValues(request.body)
    const rawIds = ([] as unknown[])
      .concat((request.body as Record<string, unknown> | undefined)?.supporter_id ?? [])
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0)
    const form = parseForm(assignForm, request.body)
    const whipDrive = values.whip === '1' ? (idFilter(values.drive_id) ?? null) : null
    // Recomputed here, never taken from the form: the asks name body members.
    const asks = whipDrive ? await whipAsks(user, whipDrive) : undefined
    const again = async (errors: FieldErrors, status = 422) => {
      const candidates = await listSupportersByIds(db, scope, asks ? [...asks.keys()] : rawIds)
      return renderNew(request, reply, {
        candidates,
        checked: new Set(rawIds),
        driveId: idFilter(values.drive_id) ?? null,
        values,
        errors,
        status,
        asks,
      })
    }
    if (!form.ok) return again(form.errors)
    const f = form.data
    const people = await listSupportersByIds(db, scope, f.supporter_id)
    const chapterId = people[0]?.chapter_id
    if (chapterId === undefined || !can.edit(user, chapterId))
      return again({ supporter_id: 'Choose people from a chapter you organize.' })
    if (!(await isChapterMember(db, chapterId, f.assignee_id)))
      return again({ assignee_id: 'Choose a member of the chapter with an account.' })
    const sameChapter = people.filter((p) => p.chapter_id === chapterId).map((p) => p.id)
    const made = await db.transaction().execute(async (trx) => {
      const rows = await insertAssignments(trx, {
        chapterId,
        supporterIds: sameChapter,
        assigneeId: f.assignee_id,
        driveId: f.drive_id,
        ask: f.ask,
        asks,
        dueOn: f.due_on,
        actorId: user.id,
      })
      if (rows.length)
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'assignment',
          entityId: rows.length === 1 ? rows[0]!.id : null,
          chapterId,
          after: {
            assignee_id: f.assignee_id,
            supporter_ids: rows.map((r) => r.supporter_id),
            ask: f.ask,
            due_on: f.due_on,
            ...(asks ? { from: 'whip count' } : {}),
          },
        })
      return rows
    })
    const skipped = sameChapter.length - made.length
    const already = skipped ? ` ${plural(skipped, 'person was', 'people were')} already on that list.` : ''
    setFlash(reply, 'ok', `${plural(made.length, 'person', 'people')} assigned.${already}`)
    return reply.redirect(f.drive_id ? `/drives/${f.drive_id}` : '/assignments', 303)
  })

  app.post('/assignments/:id/cancel', { schema: { params: idParam } }, async function cancel(request, reply) {
    const user = request.user!
    mayAssign(user)
    const { id } = request.params as { id: number }
    const row = await db.transaction().execute(async (trx) => {
      const r = await cancelAssignment(trx, editScope(user), id)
      if (r)
        await audit(trx, request.actor, {
          action: 'cancel',
          entity: 'assignment',
          entityId: id,
          chapterId: r.chapter_id,
          before: { status: 'open' },
          after: { status: 'cancelled' },
        })
      return r
    })
    if (!row) throw notFound('That open assignment')
    setFlash(reply, 'ok', 'Assignment taken back.')
    return reply.redirect(row.drive_id ? `/drives/${row.drive_id}` : '/assignments', 303)
  })

  app.post('/assignments/settings', async function saveSetting(request, reply) {
    const user = request.user!
    mayAssign(user)
    const form = parseForm(settingForm, request.body)
    if (!form.ok) throw notFound('That chapter')
    const { chapter_id, assigned_contacts } = form.data
    if (!can.edit(user, chapter_id)) throw forbidden('Only the chapter’s organizers can change this setting.')
    const before = await findChapterSetting(db, chapter_id)
    if (!before) throw notFound('That chapter')
    const version = formVersion(formValues(request.body))
    const row = await db.transaction().execute(async (trx) => {
      const r = await updateAssignedContacts(trx, chapter_id, version, assigned_contacts)
      if (r)
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'chapter',
          entityId: chapter_id,
          chapterId: chapter_id,
          before: { assigned_contacts: before.assigned_contacts },
          after: { assigned_contacts },
        })
      return r
    })
    if (!row)
      setFlash(
        reply,
        'warn',
        `${before.name} was changed by someone else meanwhile; the setting shown is the current one.`,
      )
    else
      setFlash(
        reply,
        'ok',
        assigned_contacts
          ? `Volunteers in ${before.name} now see the contact details of the people assigned to them.`
          : `Volunteers in ${before.name} no longer see contact details.`,
      )
    return reply.redirect('/assignments', 303)
  })

  // ---- my list ---------------------------------------------------------------------

  const myListQuery = {
    type: 'object',
    properties: { from: { type: 'string', pattern: '^[0-9]{0,6}$' } },
    additionalProperties: true,
  } as const

  app.get('/my-list', { schema: { querystring: myListQuery } }, async function showMyList(request, reply) {
    const user = request.user!
    const from = Number((request.query as { from?: string }).from || 0)
    const { rows, total, overdue } = await listMyAssignments(db, user.id, MY_LIST_LIMIT, from)
    // Past the end (people done since the link was made): back to the start of the list.
    if (!rows.length && from > 0) return reply.redirect('/my-list', 303)
    const next = from + rows.length
    return reply.page('assignments/my-list', {
      title: 'My list',
      rows: rows.map((r) => ({
        id: r.id,
        name: r.name,
        level: r.current_level,
        badge: levelBadge(r.current_level),
        local: r.local_name ?? '',
        ask: r.ask ?? '',
        ...dueView(r.due_on, r.time_zone),
      })),
      total,
      more: Math.max(0, total - next),
      nextUrl: total > next ? `/my-list?from=${next}` : '',
      nextCount: Math.min(MY_LIST_LIMIT, total - next),
      first: from > 0,
      overdue,
      canAssign: user.isAdmin || user.chapters.some((c) => c.role === 'organizer'),
    })
  })

  function cardView(a: MyAssignment, user: CurrentUser) {
    return {
      id: a.id,
      version: a.version,
      done: a.status === 'done',
      name: a.name,
      level: a.current_level,
      levelText: levelText(a.current_level),
      badge: levelBadge(a.current_level),
      local: a.local_name ?? '',
      role: label(ROLES_IN_LOCAL, a.role_in_local),
      ask: a.ask ?? '',
      assignedBy: a.assigned_by ?? '',
      ...dueView(a.due_on, a.time_zone),
      doNotContact: a.do_not_contact,
      email: a.email ?? '',
      phone: a.phone ?? '',
      lastContact: a.last_contact_on ? formatDate(a.last_contact_on) : '',
      lastConversation: a.last_conversation ? lastConversationLine(a.last_conversation) : '',
      canOpenPerson: can.seeNames(user, a.chapter_id),
      supporterId: a.supporter_id,
    }
  }

  function lastConversationLine(c: { kind: string; held_on: string; outcome: string | null }) {
    const line = `${label(CONVERSATION_KINDS, c.kind)} on ${formatDate(c.held_on)}`
    return c.outcome ? `${line} — ${c.outcome}` : line
  }

  async function loadMine(request: FastifyRequest) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const a = await findMyAssignment(db, user.id, user.isAdmin, id)
    if (!a) throw notFound('That assignment')
    return a
  }

  function renderCard(
    request: FastifyRequest,
    reply: FastifyReply,
    a: MyAssignment,
    form: { values: Record<string, string>; errors: FieldErrors },
    status?: number,
  ) {
    return reply.page(
      'assignments/card',
      {
        title: a.name,
        card: cardView(a, request.user!),
        form,
        kindOptions: CONVERSATION_KINDS,
        levelOptions: LEVELS,
      },
      { status },
    )
  }

  app.get('/my-list/:id', { schema: { params: idParam } }, async function showCard(request, reply) {
    const a = await loadMine(request)
    return renderCard(request, reply, a, {
      values: { kind: 'one_on_one', held_on: todayIn(a.time_zone), done: 'on', version: String(a.version) },
      errors: {},
    })
  })

  app.post('/my-list/:id', { schema: { params: idParam } }, async function logFromList(request, reply) {
    const user = request.user!
    const a = await loadMine(request)
    if (!can.log(user, a.chapter_id)) throw forbidden()
    const values = formValues(request.body)
    if (a.status === 'done') {
      // Back and submit again, or a double tap: the conversation is already logged.
      setFlash(reply, 'ok', `${a.name} is already done. Nothing was logged twice.`)
      return reply.redirect(await nextUrl(user.id), 303)
    }
    const form = parseForm(logForm, request.body)
    if (!form.ok) return renderCard(request, reply, a, { values, errors: form.errors }, 422)
    const f = form.data
    const version = formVersion(values)
    const outcome = await db
      .transaction()
      .execute(async (trx) => {
        const c = await insertConversation(trx, {
          supporter_id: a.supporter_id,
          drive_id: a.drive_id,
          by_user_id: user.id,
          kind: f.kind,
          held_on: f.held_on,
          outcome: f.outcome,
          note: f.note,
          follow_up_on: f.follow_up_on,
        })
        if (f.level !== null && f.level !== a.current_level)
          await insertLevels(trx, [a.supporter_id], f.level, f.outcome, user.id)
        await touchLocalDrives(trx, [a.local_id])
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'conversation',
          entityId: c.id,
          chapterId: a.chapter_id,
          after: { supporter_id: a.supporter_id, drive_id: c.drive_id, kind: c.kind, held_on: c.held_on },
        })
        if (f.level !== null && f.level !== a.current_level)
          await audit(trx, request.actor, {
            action: 'level',
            entity: 'supporter',
            entityId: a.supporter_id,
            chapterId: a.chapter_id,
            before: { current_level: a.current_level },
            after: { current_level: f.level },
          })
        if (!f.done) return 'kept'
        const done = await completeAssignment(trx, a.id, version, c.id)
        // Changed meanwhile (done from a second tab): roll the conversation back rather than log it twice.
        if (!done) throw new AlreadyDone()
        await audit(trx, request.actor, {
          action: 'complete',
          entity: 'assignment',
          entityId: a.id,
          chapterId: a.chapter_id,
          before: { status: 'open' },
          after: { status: 'done', conversation_id: c.id },
        })
        return 'done'
      })
      .catch((err) => {
        if (err instanceof AlreadyDone) return 'conflict' as const
        throw err
      })
    if (outcome === 'conflict') {
      setFlash(reply, 'warn', `${a.name} was marked done elsewhere (another tab or phone). Nothing was logged twice.`)
      return reply.redirect(await nextUrl(user.id), 303)
    }
    setFlash(reply, 'ok', outcome === 'done' ? `Logged. ${a.name} is done.` : `Logged. ${a.name} stays on your list.`)
    return reply.redirect(outcome === 'kept' ? '/my-list' : await nextUrl(user.id), 303)
  })

  /** The next person on the list, or the list itself (its empty state) when none is left. */
  async function nextUrl(userId: number) {
    const { rows } = await listMyAssignments(db, userId, 1)
    return rows[0] ? `/my-list/${rows[0].id}` : '/my-list'
  }
}

class AlreadyDone extends Error {}
