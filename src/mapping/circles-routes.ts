// Labor circles and union sections: /circles (list), /circles/new, POST
// /circles, /circles/:id (members and the drives in its unions), members added
// and removed, contact person and cadence (POST /circles/:id/contact,
// version-checked). Privacy as for supporters: national reviewers see counts,
// never names; volunteers see names, never emails or phones.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { audit, diffRecords } from '../audit/audit.ts'
import { can, readScope, type CurrentUser } from '../auth/access.ts'
import { stageLabel } from '../drives/stages.ts'
import { peopleScope } from '../people/queries.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import {
  conflictView,
  expectedVersion,
  isConflict,
  versionedTransaction,
  type ConflictView,
} from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import {
  formValues,
  idFilter,
  idParam,
  optionalInt,
  optionalText,
  parseForm,
  requiredInt,
  text,
  type FieldErrors,
} from '../shared/validation.ts'
import { listNationalUnionOptions } from '../unions/queries.ts'
import {
  addCircleMember,
  findChapterSupporter,
  findCircle,
  insertCircle,
  listChapterSupporterOptions,
  listCircleDrives,
  listCircleMembers,
  listCircles,
  removeCircleMember,
  updateCircleContact,
} from './circles-queries.ts'

const circleForm = z
  .object({
    chapter_id: requiredInt('Chapter', 1, 2147483647),
    kind: z.enum(['circle', 'section'], { error: 'Choose a circle or a section.' }),
    name: text('Name', 120),
    sector: optionalText('Sector or industry', 120),
    national_union_id: optionalInt('Union', 1, 2147483647),
    cadence: optionalText('Meets', 200),
  })
  .refine((f) => f.kind !== 'section' || f.national_union_id !== null, {
    path: ['national_union_id'],
    message: 'A section belongs to a union: choose it.',
  })

const memberForm = z.object({ supporter_id: requiredInt('Member', 1, 2147483647) })

const contactForm = z.object({
  contact_supporter_id: optionalInt('Contact person', 1, 2147483647),
  cadence: optionalText('Meets', 200),
})

const memberParams = {
  type: 'object',
  properties: {
    id: { type: 'integer', minimum: 1, maximum: 2147483647 },
    sid: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
  required: ['id', 'sid'],
} as const

const KINDS = [
  { value: 'circle', label: 'Labor circle (by sector or industry)' },
  { value: 'section', label: 'Union section (by union)' },
]
const ROLE_LABELS: Record<string, string> = {
  rank_and_file: 'Rank and file',
  steward: 'Steward',
  officer: 'Officer',
  executive_board: 'Executive board',
  delegate: 'Delegate',
  staff: 'Staff',
}

const seesNames = (user: CurrentUser, chapterId: number) => can.seeNames(user, chapterId)

export default async function circlesRoutes(app: FastifyInstance) {
  const db = app.db

  async function formPage(user: CurrentUser, values: Record<string, string>, errors: FieldErrors, status = 200) {
    const unions = await listNationalUnionOptions(db)
    return {
      view: 'mapping/circle-form',
      ctx: {
        title: 'New circle or section',
        values,
        errors,
        chapterOptions: user.chapters
          .filter((c) => user.isAdmin || c.role === 'organizer')
          .map((c) => ({ value: c.id, label: c.name })),
        kindOptions: KINDS,
        unionOptions: unions.map((u) => ({ value: u.id, label: `${u.abbreviation} — ${u.name}` })),
      },
      status,
    }
  }

  app.get('/circles', async function listCirclesPage(request, reply) {
    const user = request.user!
    const chapter = idFilter((request.query as { chapter?: string }).chapter)
    const rows = await listCircles(db, readScope(user), peopleScope(user), chapter)
    return reply.page('mapping/circles', {
      title: 'Labor circles and sections',
      canCreate: can.editDirectory(user),
      rows: rows.map((r) => ({
        id: r.id,
        name: r.name,
        kindLabel: r.kind === 'section' ? 'Section' : 'Circle',
        chapter: r.chapter_name,
        what: r.kind === 'section' ? (r.union_abbreviation ?? '') : (r.sector ?? ''),
        cadence: r.cadence ?? '',
        contact: r.contact_name ?? '',
        members: Number(r.members),
      })),
    })
  })

  app.get('/circles/new', async function newCircle(request, reply) {
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden()
    const f = await formPage(
      user,
      { kind: 'circle', chapter_id: String(user.chapters.find((c) => c.role === 'organizer')?.id ?? '') },
      {},
    )
    return reply.page(f.view, f.ctx)
  })

  app.post('/circles', async function createCircle(request, reply) {
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden()
    const values = formValues(request.body)
    const rerender = async (errors: FieldErrors) => {
      const f = await formPage(user, values, errors)
      return reply.page(f.view, f.ctx, { status: 422 })
    }
    const form = parseForm(circleForm, request.body)
    if (!form.ok) return rerender(form.errors)
    if (!can.edit(user, form.data.chapter_id))
      return rerender({ chapter_id: 'You can only add circles to a chapter you organize in.' })
    const row = await db.transaction().execute(async (trx) => {
      const r = await insertCircle(trx, {
        ...form.data,
        national_union_id: form.data.kind === 'section' ? form.data.national_union_id : null,
        contact_supporter_id: null,
      })
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'labor_circle',
        entityId: r.id,
        chapterId: r.chapter_id,
        after: r,
      })
      return r
    })
    setFlash(reply, 'ok', `${row.name} was added.`)
    return reply.redirect(`/circles/${row.id}`, 303)
  })

  async function loadCircle(request: FastifyRequest) {
    const { id } = request.params as { id: number }
    const circle = await findCircle(db, readScope(request.user!), id)
    if (!circle) throw notFound('That circle')
    return circle
  }

  type ContactFormState = { values: Record<string, string>; errors: FieldErrors; conflict?: ConflictView }
  type Circle = Awaited<ReturnType<typeof loadCircle>>

  async function renderCircle(
    request: FastifyRequest,
    reply: FastifyReply,
    circle: Circle,
    o: { contactForm?: ContactFormState; status?: number } = {},
  ) {
    const user = request.user!
    const names = seesNames(user, circle.chapter_id)
    const contacts = names && can.seeContacts(user, circle.chapter_id)
    const editable = can.edit(user, circle.chapter_id)
    const [members, drives, options] = await Promise.all([
      listCircleMembers(db, circle.id, contacts),
      listCircleDrives(db, circle),
      editable ? listChapterSupporterOptions(db, circle.chapter_id) : Promise.resolve([]),
    ])
    const memberIds = new Set(members.map((m) => m.id))
    const label = (o: { name: string; chapter_member: boolean }) =>
      o.name + (o.chapter_member ? ' (chapter member)' : '')
    return reply.page(
      'mapping/circle',
      {
        title: circle.name,
        circle: {
          id: circle.id,
          name: circle.name,
          chapter: circle.chapter_name,
          kindLabel: circle.kind === 'section' ? 'Union section' : 'Labor circle',
          what:
            circle.kind === 'section'
              ? `${circle.union_name} (${circle.union_abbreviation})`
              : (circle.sector ?? 'Not set'),
          cadence: circle.cadence ?? 'Not set',
          contact: names && circle.contact_name ? circle.contact_name : '',
          contactId: circle.contact_supporter_id,
        },
        memberCount: members.length,
        showNames: names,
        showContacts: contacts,
        members: names
          ? members.map((m) => ({
              ...m,
              role: ROLE_LABELS[m.role_in_local] ?? m.role_in_local,
              email: m.email ?? '',
              phone: m.phone ?? '',
            }))
          : [],
        drives: drives.map((d) => ({
          id: d.id,
          local: d.local_name,
          slate: d.slate_name,
          stage: stageLabel(d.stage) + (d.status === 'paused' ? ' (paused)' : ''),
        })),
        canEdit: editable,
        supporterOptions: options.filter((o) => !memberIds.has(o.id)).map((o) => ({ value: o.id, label: label(o) })),
        // Members first (they are who a contact person usually is), then the chapter's other supporters.
        contactOptions: [
          ...options.filter((o) => memberIds.has(o.id)),
          ...options.filter((o) => !memberIds.has(o.id)),
        ].map((o) => ({ value: o.id, label: label(o) })),
        contactForm: o.contactForm ?? {
          values: {
            contact_supporter_id: circle.contact_supporter_id === null ? '' : String(circle.contact_supporter_id),
            cadence: circle.cadence ?? '',
            version: String(circle.version),
          },
          errors: {},
        },
      },
      { status: o.status },
    )
  }

  app.get('/circles/:id', { schema: { params: idParam } }, async function showCircle(request, reply) {
    return renderCircle(request, reply, await loadCircle(request))
  })

  app.post('/circles/:id/contact', { schema: { params: idParam } }, async function saveContact(request, reply) {
    const user = request.user!
    const before = await loadCircle(request)
    if (!can.edit(user, before.chapter_id)) throw forbidden()
    const values = formValues(request.body)
    const form = parseForm(contactForm, request.body)
    if (!form.ok)
      return renderCircle(request, reply, before, { contactForm: { values, errors: form.errors }, status: 422 })
    const contactId = form.data.contact_supporter_id
    const contact = contactId === null ? null : await findChapterSupporter(db, before.chapter_id, contactId)
    if (contact === undefined)
      return renderCircle(request, reply, before, {
        contactForm: { values, errors: { contact_supporter_id: 'Choose a supporter of this chapter.' } },
        status: 422,
      })
    const after = await versionedTransaction(db, async (trx) => {
      const row = await updateCircleContact(trx, before.id, expectedVersion(values.version), {
        contact_supporter_id: contactId,
        cadence: form.data.cadence,
      })
      if (isConflict(row)) return row
      const { before: b, after: a } = diffRecords(
        { contact_supporter_id: before.contact_supporter_id, cadence: before.cadence },
        { contact_supporter_id: row.contact_supporter_id, cadence: row.cadence },
      )
      await audit(trx, request.actor, {
        action: 'update',
        entity: 'labor_circle',
        entityId: row.id,
        chapterId: row.chapter_id,
        before: b,
        after: a,
      })
      return row
    })
    if (isConflict(after)) {
      const current = await loadCircle(request)
      const conflict = conflictView(after, {
        what: 'circle',
        userId: user.id,
        timeZone: current.time_zone,
        saved: [
          { label: 'Contact person', value: current.contact_name ?? 'Nobody' },
          { label: 'Meets', value: current.cadence ?? 'Not set' },
        ],
      })
      return renderCircle(request, reply, current, {
        status: 409,
        contactForm: {
          values: { ...values, version: String(current.version) },
          errors: { _form: conflict.message },
          conflict,
        },
      })
    }
    setFlash(reply, 'ok', 'Contact person and meetings saved.')
    return reply.redirect(`/circles/${before.id}`, 303)
  })

  app.post('/circles/:id/members', { schema: { params: idParam } }, async function addMember(request, reply) {
    const user = request.user!
    const circle = await loadCircle(request)
    if (!can.edit(user, circle.chapter_id)) throw forbidden()
    const form = parseForm(memberForm, request.body)
    const supporter = form.ok ? await findChapterSupporter(db, circle.chapter_id, form.data.supporter_id) : undefined
    if (!supporter) {
      setFlash(reply, 'error', 'Choose a supporter of this chapter.')
      return reply.redirect(`/circles/${circle.id}`, 303)
    }
    await db.transaction().execute(async (trx) => {
      const row = await addCircleMember(trx, circle.id, supporter.id)
      if (row)
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'labor_circle_member',
          entityId: circle.id,
          chapterId: circle.chapter_id,
          after: { supporter_id: supporter.id },
        })
    })
    setFlash(reply, 'ok', 'Member added.')
    return reply.redirect(`/circles/${circle.id}`, 303)
  })

  app.post(
    '/circles/:id/members/:sid/delete',
    { schema: { params: memberParams } },
    async function removeMember(request, reply) {
      const user = request.user!
      const circle = await loadCircle(request)
      if (!can.edit(user, circle.chapter_id)) throw forbidden()
      const { sid } = request.params as { sid: number }
      const removed = await db.transaction().execute(async (trx) => {
        const row = await removeCircleMember(trx, circle.id, sid)
        if (row)
          await audit(trx, request.actor, {
            action: 'delete',
            entity: 'labor_circle_member',
            entityId: circle.id,
            chapterId: circle.chapter_id,
            before: { supporter_id: sid },
          })
        return row
      })
      if (!removed) throw notFound('That member')
      setFlash(reply, 'ok', 'Member removed from the circle.')
      return reply.redirect(`/circles/${circle.id}`, 303)
    },
  )
}
