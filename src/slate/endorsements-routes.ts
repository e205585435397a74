// Endorsements on a slate: record one (/slates/:id/endorsements), rescind or
// supersede one — always a new row that points at the one it replaces.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit/audit.ts'
import { editScope, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { formatDate } from '../shared/format.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, parseForm, type FieldErrors } from '../shared/validation.ts'
import { isInForce } from './build-matrix.ts'
import { loadSlate as loadSlateRow, mayCreate, mayRecordFor, type Body, type BodyRef } from './guards.ts'
import { cellUrl, refOf, today } from './present.ts'
import {
  findBody,
  findCandidate,
  findEndorsement,
  insertEndorsement,
  listBodyOptions,
  listCandidateOptions,
} from './queries.ts'
import {
  ENDORSEMENT_STATUSES,
  RECORD_STATUSES,
  REPLACE_STATUSES,
  THRESHOLD_MET,
  endorsementForm,
  endorsementParams,
  labelOf,
  newEndorsementQuery,
  parseBodyRef,
  replaceForm,
  slateIdParam,
} from './schema.ts'

export default async function endorsementsRoutes(app: FastifyInstance) {
  const db = app.db
  const loadSlate = (id: number) => loadSlateRow(db, id)

  // ---- Endorsements -------------------------------------------------------------

  async function endorsementFormOptions(
    user: CurrentUser,
    data: { id: number; name: string; office: string; status: string }[],
  ) {
    const { unions, locals } = await listBodyOptions(db, editScope(user).chapterIds)
    const groups: { label: string; options: { value: string; label: string }[] }[] = []
    if (unions.length)
      groups.push({
        label: 'National unions',
        options: unions.map((u) => ({ value: `n${u.id}`, label: `${u.abbreviation} — ${u.name}` })),
      })
    const byChapter = new Map<string, { value: string; label: string }[]>()
    for (const l of locals) {
      const key = l.chapter_name ?? 'No chapter'
      const list = byChapter.get(key) ?? []
      list.push({ value: `l${l.id}`, label: l.name })
      byChapter.set(key, list)
    }
    for (const [label, options] of byChapter) groups.push({ label, options })
    return {
      bodyGroups: groups,
      candidateOptions: data.map((c) => ({
        value: c.id,
        label: `${c.name} — ${c.office}${c.status === 'withdrawn' ? ' (withdrawn)' : ''}`,
      })),
      statusOptions: RECORD_STATUSES,
      thresholdOptions: THRESHOLD_MET,
    }
  }

  async function renderEndorsementForm(
    reply: FastifyReply,
    user: CurrentUser,
    slate: { id: number; name: string },
    values: Record<string, string>,
    errors: FieldErrors,
    status = 200,
  ) {
    const data = await listCandidateOptions(db, slate.id)
    return reply.page(
      'slates/endorsement-form',
      {
        title: `Record an endorsement — ${slate.name}`,
        slate,
        action: `/slates/${slate.id}/endorsements`,
        values,
        errors,
        ...(await endorsementFormOptions(user, data)),
      },
      { status },
    )
  }

  app.get(
    '/slates/:id/endorsements/new',
    { schema: { params: slateIdParam, querystring: newEndorsementQuery } },
    async function newEndorsement(request, reply) {
      const { id } = request.params as { id: number }
      const q = request.query as { body?: string; candidate?: string }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const values = {
        body: q.body ?? '',
        candidate_id: q.candidate && q.candidate !== 'slate' ? q.candidate : '',
        status: 'active',
        decided_on: today(),
      }
      return renderEndorsementForm(reply, user, slate, values, {})
    },
  )

  app.post(
    '/slates/:id/endorsements',
    { schema: { params: slateIdParam } },
    async function recordEndorsement(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const values = formValues(request.body)
      const rerender = (errors: FieldErrors) => renderEndorsementForm(reply, user, slate, values, errors, 422)
      const form = parseForm(endorsementForm, request.body)
      if (!form.ok) return rerender(form.errors)
      const ref = parseBodyRef(form.data.body)!
      const body = await findBody(db, ref)
      if (!body) return rerender({ body: 'That body was not found.' })
      if (!mayRecordFor(user, body)) {
        return rerender({
          body:
            body.kind === 'national'
              ? 'Only an admin records a national union’s endorsement.'
              : 'You can only record endorsements for locals of a chapter you organize in.',
        })
      }
      if (form.data.candidate_id !== null && !(await findCandidate(db, id, form.data.candidate_id)))
        return rerender({ candidate_id: 'That candidate is not on this slate.' })
      const { body: _ref, threshold_met, ...rest } = form.data
      const row = await db.transaction().execute(async (trx) => {
        const e = await insertEndorsement(trx, {
          ...rest,
          threshold_met: threshold_met === null ? null : threshold_met === 'yes',
          slate_id: id,
          local_id: body.kind === 'local' ? body.id : null,
          national_union_id: body.kind === 'national' ? body.id : null,
          chapter_id: body.chapterId,
          actor_id: user.id,
        })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'endorsement',
          entityId: e.id,
          chapterId: e.chapter_id,
          after: e,
        })
        return e
      })
      setFlash(reply, 'ok', `The endorsement by ${body.name} was recorded.`)
      const anchor = refOf(body.kind === 'national' ? -row.national_union_id! : row.local_id!)
      return reply.redirect(`/slates/${id}/matrix?body=${anchor}#${anchor}`, 303)
    },
  )

  async function loadReplace(request: FastifyRequest) {
    const { id, eid } = request.params as { id: number; eid: number }
    const slate = await loadSlate(id)
    const endorsement = await findEndorsement(db, id, eid)
    if (!endorsement) throw notFound('That endorsement')
    const ref: BodyRef =
      endorsement.national_union_id !== null
        ? { kind: 'national', id: endorsement.national_union_id }
        : { kind: 'local', id: endorsement.local_id! }
    const body = await findBody(db, ref)
    if (!body) throw notFound('That endorsing body')
    if (!mayRecordFor(request.user!, body)) throw forbidden()
    return { slate, endorsement, body }
  }

  function replaceView(
    slate: { id: number; name: string },
    e: NonNullable<Awaited<ReturnType<typeof findEndorsement>>>,
    body: Body,
    values: Record<string, string>,
    errors: FieldErrors,
  ) {
    return {
      title: `Rescind or supersede — ${body.name}`,
      slate,
      body,
      values,
      errors,
      action: `/slates/${slate.id}/endorsements/${e.id}/replace`,
      original: {
        date: formatDate(e.decided_on),
        statusLabel: labelOf(ENDORSEMENT_STATUSES, e.status),
        what: e.candidate_id === null ? 'the whole slate' : 'one candidate',
      },
      statusOptions: REPLACE_STATUSES,
      backUrl: cellUrl(slate.id, body.kind === 'national' ? -body.id : body.id, e.candidate_id),
    }
  }

  app.get(
    '/slates/:id/endorsements/:eid/replace',
    { schema: { params: endorsementParams } },
    async function replaceEndorsementForm(request, reply) {
      const { slate, endorsement, body } = await loadReplace(request)
      return reply.page(
        'slates/replace-form',
        replaceView(slate, endorsement, body, { status: 'rescinded', decided_on: today() }, {}),
      )
    },
  )

  app.post(
    '/slates/:id/endorsements/:eid/replace',
    { schema: { params: endorsementParams } },
    async function replaceEndorsement(request, reply) {
      const { slate, endorsement: e, body } = await loadReplace(request)
      const values = formValues(request.body)
      const rerender = (errors: FieldErrors) =>
        reply.page('slates/replace-form', replaceView(slate, e, body, values, errors), { status: 422 })
      const form = parseForm(replaceForm, request.body)
      if (!form.ok) return rerender(form.errors)
      if (e.replaced || !isInForce(e.status))
        return rerender({ _form: 'This endorsement is no longer in force: it was already rescinded or superseded.' })
      if (form.data.decided_on < e.decided_on)
        return rerender({ decided_on: `It cannot be before the endorsement itself (${e.decided_on}).` })
      const row = await db.transaction().execute(async (trx) => {
        const r = await insertEndorsement(trx, {
          slate_id: e.slate_id,
          local_id: e.local_id,
          national_union_id: e.national_union_id,
          candidate_id: e.candidate_id,
          chapter_id: e.chapter_id,
          status: form.data.status,
          decided_on: form.data.decided_on,
          deciding_body: form.data.deciding_body,
          source_url: form.data.source_url,
          supersedes_id: e.id,
          is_public: e.is_public,
          actor_id: request.user!.id,
        })
        await audit(trx, request.actor, {
          action: form.data.status === 'rescinded' ? 'rescind' : 'supersede',
          entity: 'endorsement',
          entityId: r.id,
          chapterId: r.chapter_id,
          before: { id: e.id, status: e.status },
          after: r,
        })
        return r
      })
      setFlash(
        reply,
        'ok',
        row.status === 'rescinded'
          ? `The endorsement by ${body.name} is recorded as rescinded.`
          : `The endorsement by ${body.name} is recorded as superseded.`,
      )
      return reply.redirect(`/slates/${slate.id}/matrix`, 303)
    },
  )
}
