// Who knows whom, from a person's page (/people/:id): add a relationship
// between this supporter and another supporter or a body member, or remove
// one (soft, version-checked, restorable from the trash). The panel itself is
// `personRelationshipsPanel` (panels.ts), shown by the people pages. With
// htmx the panel answers alone; without it a bad form comes back as a page of
// its own with the typed values and the errors (422), a good one goes back
// to the person (303). Access: the chapter's people who may log add;
// organizers remove; a supporter kept off shared lists only for organizers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit/audit.ts'
import { can, readScope } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { conflictView, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { type FieldErrors, formValues, formVersion, parseForm } from '../shared/validation.ts'
import { type PersonForm, personRelationshipsPanel } from './panels.ts'
import {
  findPersonInScope,
  findRelationship,
  insertRelationship,
  resolvePersonRef,
  softDeleteRelationship,
} from './queries.ts'
import { idParams, personRelationshipForm } from './schema.ts'

const personParams = idParams('id')
const linkParams = idParams('id', 'relationshipId')

export const PERSON_PANEL_ID = 'person-relationships'

export default async function personRelationshipRoutes(app: FastifyInstance) {
  const db = app.db
  app.addHook('preHandler', async (request, reply) => {
    if (!request.csrfToken) request.csrfToken = reply.generateCsrf()
  })

  async function loadPerson(request: FastifyRequest, need: 'log' | 'edit') {
    const user = request.user!
    const { id } = request.params as { id: number }
    const p = await findPersonInScope(db, readScope(user), id)
    if (!p) throw notFound('That supporter')
    if (!can.seeNames(user, p.chapter_id)) throw forbidden()
    if (p.keep_off_shared_lists && !can.seeContacts(user, p.chapter_id)) throw notFound('That supporter')
    if (!(need === 'log' ? can.log : can.edit)(user, p.chapter_id)) throw forbidden()
    return p
  }

  /** The panel alone for htmx, else the panel on a page of its own; or back to the person after a save. */
  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    p: NonNullable<Awaited<ReturnType<typeof findPersonInScope>>>,
    o: { status: number; form?: PersonForm; saved?: string; conflict?: { message: string } },
  ) {
    const panel = await personRelationshipsPanel(db, request.user!, p, o)
    if (request.htmx.partial && request.htmx.target === PERSON_PANEL_ID)
      return reply.fragment('whip/_person-relationships', { relationships: panel }, o.status)
    if (o.status < 400) {
      setFlash(reply, 'ok', o.saved ?? 'Saved.')
      return reply.redirect(`/people/${p.id}#${PERSON_PANEL_ID}`, 303)
    }
    const view = { title: `Who ${p.name} knows`, person: { id: p.id, name: p.name }, relationships: panel }
    return reply.page('whip/person-relationships', view, { status: o.status })
  }

  app.post(
    '/people/:id/relationships',
    { schema: { params: personParams } },
    async function addPersonRelationship(request, reply) {
      const p = await loadPerson(request, 'log')
      const values = formValues(request.body)
      const form = parseForm(personRelationshipForm, request.body)
      if (!form.ok) return answer(request, reply, p, { status: 422, form: { values, errors: form.errors } })
      const other = await resolvePersonRef(db, p.chapter_id, form.data.other)
      const errors: FieldErrors = {}
      if (!other) errors.other = 'Choose someone of this chapter.'
      else if ('supporterId' in other && other.supporterId === p.id) errors.other = 'Choose someone else.'
      if (!other || errors.other) return answer(request, reply, p, { status: 422, form: { values, errors } })
      const { kind, strength, note } = form.data
      await db.transaction().execute(async (trx) => {
        const row = await insertRelationship(trx, {
          chapter_id: p.chapter_id,
          a: { supporterId: p.id },
          b: other,
          kind,
          strength,
          note,
          actor_id: request.user!.id,
        })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'relationship',
          entityId: row.id,
          chapterId: p.chapter_id,
          after: row,
        })
      })
      return answer(request, reply, p, { status: 200, saved: 'Relationship added.' })
    },
  )

  app.post(
    '/people/:id/relationships/:relationshipId/delete',
    { schema: { params: linkParams } },
    async function removePersonRelationship(request, reply) {
      const p = await loadPerson(request, 'edit')
      const { relationshipId } = request.params as { relationshipId: number }
      const r = await findRelationship(db, p.chapter_id, relationshipId)
      if (!r || (r.a_supporter_id !== p.id && r.b_supporter_id !== p.id)) throw notFound('That relationship')
      const row = await versionedTransaction(db, async (trx) => {
        const done = await softDeleteRelationship(trx, r.id, formVersion(formValues(request.body)))
        if (isConflict(done)) return done
        await audit(trx, request.actor, {
          action: 'delete',
          entity: 'relationship',
          entityId: r.id,
          chapterId: p.chapter_id,
          before: r,
        })
        return done
      })
      if (isConflict(row)) {
        const view = conflictView(row, { what: 'relationship', userId: request.user!.id })
        return answer(request, reply, p, { status: 409, conflict: view })
      }
      return answer(request, reply, p, { status: 200, saved: 'Relationship removed. The trash can restore it.' })
    },
  )
}
