// A slate's candidates: /slates/:id/candidates (add), /slates/:id/candidates/:cid
// (edit, version-checked) and withdrawal (the candidate stays, marked withdrawn).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit, diffRecords } from '../audit/audit.ts'
import { can, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { viewerZone } from '../shared/format.ts'
import { formValues, parseForm, type FieldErrors } from '../shared/validation.ts'
import { listChapterOptions } from '../unions/queries.ts'
import { loadSlate as loadSlateRow, mayCreate, mayEditCandidate } from './guards.ts'
import { candidateValues, today } from './present.ts'
import { findCandidate, insertCandidate, updateCandidate } from './queries.ts'
import {
  CANDIDATE_LEVELS,
  CANDIDATE_STATUSES,
  candidateForm,
  candidateParams,
  labelOf,
  slateIdParam,
  withdrawForm,
} from './schema.ts'

export default async function candidatesRoutes(app: FastifyInstance) {
  const db = app.db
  const loadSlate = (id: number) => loadSlateRow(db, id)

  // ---- Candidates ---------------------------------------------------------------

  async function candidateFormOptions(user: CurrentUser) {
    const chapters = await listChapterOptions(db)
    return {
      chapterOptions: chapters
        .filter((c) => user.isAdmin || can.edit(user, c.id))
        .map((c) => ({ value: c.id, label: c.name })),
      levelOptions: CANDIDATE_LEVELS,
      statusOptions: CANDIDATE_STATUSES,
    }
  }

  app.get(
    '/slates/:id/candidates/new',
    { schema: { params: slateIdParam } },
    async function newCandidate(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const values = {
        goal: '10',
        level: 'municipal',
        status: 'running',
        joined_on: today(),
        election_date: slate.election_date ?? '',
        chapter_id: String(user.chapters.find((c) => c.role === 'organizer')?.id ?? ''),
      }
      return reply.page('slates/candidate-form', {
        title: `New candidate on ${slate.name}`,
        slate,
        action: `/slates/${id}/candidates`,
        values,
        errors: {},
        ...(await candidateFormOptions(user)),
      })
    },
  )

  app.post(
    '/slates/:id/candidates',
    { schema: { params: slateIdParam } },
    async function createCandidate(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const slate = await loadSlate(id)
      if (!mayCreate(user)) throw forbidden()
      const rerender = async (errors: FieldErrors) =>
        reply.page(
          'slates/candidate-form',
          {
            title: `New candidate on ${slate.name}`,
            slate,
            action: `/slates/${id}/candidates`,
            values: formValues(request.body),
            errors,
            ...(await candidateFormOptions(user)),
          },
          { status: 422 },
        )
      const form = parseForm(candidateForm, request.body)
      if (!form.ok) return rerender(form.errors)
      if (!mayEditCandidate(user, form.data.chapter_id))
        return rerender({ chapter_id: 'Choose a chapter you organize in.' })
      const candidate = await db.transaction().execute(async (trx) => {
        const row = await insertCandidate(trx, { ...form.data, slate_id: id })
        await audit(trx, request.actor, {
          action: 'create',
          entity: 'candidate',
          entityId: row.id,
          chapterId: row.chapter_id,
          after: row,
        })
        return row
      })
      setFlash(reply, 'ok', `${candidate.name} was added to the slate.`)
      return reply.redirect(`/slates/${id}`, 303)
    },
  )

  async function loadCandidate(request: FastifyRequest) {
    const { id, cid } = request.params as { id: number; cid: number }
    const slate = await loadSlate(id)
    const candidate = await findCandidate(db, id, cid)
    if (!candidate) throw notFound('That candidate')
    if (!mayEditCandidate(request.user!, candidate.chapter_id)) throw forbidden()
    return { slate, candidate }
  }

  async function renderCandidateEdit(
    reply: FastifyReply,
    user: CurrentUser,
    slate: { id: number; name: string },
    candidate: { id: number; name: string },
    values: Record<string, string>,
    errors: FieldErrors,
    status = 200,
    extra: Record<string, unknown> = {},
  ) {
    return reply.page(
      'slates/candidate-form',
      {
        title: `Edit ${candidate.name}`,
        slate,
        candidateId: candidate.id,
        action: `/slates/${slate.id}/candidates/${candidate.id}`,
        withdrawAction: `/slates/${slate.id}/candidates/${candidate.id}/withdraw`,
        values,
        errors,
        ...extra,
        ...(await candidateFormOptions(user)),
      },
      { status },
    )
  }

  app.get(
    '/slates/:id/candidates/:cid/edit',
    { schema: { params: candidateParams } },
    async function editCandidate(request, reply) {
      const { slate, candidate } = await loadCandidate(request)
      return renderCandidateEdit(
        reply,
        request.user!,
        slate,
        candidate,
        { ...candidateValues(candidate), withdraw_on: today() },
        {},
      )
    },
  )

  async function saveCandidate(request: FastifyRequest, reply: FastifyReply, mode: 'edit' | 'withdraw') {
    const user = request.user!
    const { slate, candidate: before } = await loadCandidate(request)
    const values = formValues(request.body)
    const rerender = (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      renderCandidateEdit(reply, user, slate, before, values, errors, status, extra)
    let input: Parameters<typeof updateCandidate>[3]
    if (mode === 'withdraw') {
      const form = parseForm(withdrawForm, { left_on: values.withdraw_on })
      if (!form.ok) return rerender({ withdraw_on: form.errors.left_on ?? 'Give the date.' })
      input = { status: 'withdrawn', left_on: form.data.left_on }
    } else {
      const form = parseForm(candidateForm, request.body)
      if (!form.ok) return rerender(form.errors)
      if (form.data.chapter_id !== before.chapter_id && !mayEditCandidate(user, form.data.chapter_id))
        return rerender({ chapter_id: 'Choose a chapter you organize in.' })
      input = form.data
    }
    const after = await versionedTransaction(db, async (trx) => {
      const row = await updateCandidate(trx, before.id, expectedVersion(values.version), input)
      if (isConflict(row)) return row
      const { chapter_name: _, ...plain } = before
      const diff = diffRecords(plain, row)
      await audit(trx, request.actor, {
        action: mode === 'withdraw' ? 'withdraw' : 'update',
        entity: 'candidate',
        entityId: row.id,
        chapterId: row.chapter_id,
        before: diff.before,
        after: diff.after,
      })
      return row
    })
    if (isConflict(after)) {
      const current = after.current
      if (!current) throw notFound('That candidate')
      values.version = String(current.version)
      const conflict = conflictView(after, {
        what: 'candidate',
        userId: user.id,
        timeZone: viewerZone(user),
        saved: [
          { label: 'Name', value: current.name },
          { label: 'Office', value: current.office },
          { label: 'Level', value: labelOf(CANDIDATE_LEVELS, current.level) },
          { label: 'Status', value: labelOf(CANDIDATE_STATUSES, current.status) },
          { label: 'Election', value: [current.election_type, current.election_date].filter(Boolean).join(' · ') },
          { label: 'Goal', value: String(current.goal) },
        ],
      })
      return rerender({ _form: conflict.message }, 409, { conflict })
    }
    setFlash(
      reply,
      'ok',
      mode === 'withdraw' ? `${after.name} is marked withdrawn; their endorsements are kept.` : 'Saved.',
    )
    return reply.redirect(`/slates/${slate.id}`, 303)
  }

  app.post('/slates/:id/candidates/:cid', { schema: { params: candidateParams } }, (req, rep) =>
    saveCandidate(req, rep, 'edit'),
  )
  app.post('/slates/:id/candidates/:cid/withdraw', { schema: { params: candidateParams } }, (req, rep) =>
    saveCandidate(req, rep, 'withdraw'),
  )
}
