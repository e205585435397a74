// Mapping a chapter's city: mapping facts and past political positions on each
// local (/locals/:id/mapping, /locals/:id/positions), and the mapping view
// /mapping?chapter=ID — the area's locals by an explained priority score, with
// "Start a drive" on each row (a form posting to POST /drives).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { findChapter } from '../admin/queries.ts'
import { audit } from '../audit/audit.ts'
import { can, readScope, inScope } from '../auth/access.ts'
import { todayIn } from '../drives/vote-dates.ts'
import { notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idFilter, idParam, parseForm } from '../shared/validation.ts'
import { ORIENTATIONS, labelOf as unionLabel } from '../unions/labels.ts'
import { findLocal } from '../unions/queries.ts'
import { loadEditableLocal, saveLocal } from '../unions/save-local.ts'
import { factsSaved, localMappingPanel, pickFacts, type Local, type PanelState } from './panels.ts'
import { PRIORITY_EXPLAINED, rankLocals } from './priority.ts'
import {
  deletePosition,
  findCurrentSlate,
  findPosition,
  insertPosition,
  listMappingRows,
  type PositionFilters,
} from './queries.ts'
import { OUTCOMES, TOPICS, mappingFactsForm, mappingQuery, positionForm, positionParams } from './schema.ts'
import type { PositionOutcome, PositionTopic } from '../db/schema.ts'

export default async function mappingRoutes(app: FastifyInstance) {
  const db = app.db

  const loadEditable = (request: FastifyRequest) =>
    loadEditableLocal(db, request.user!, (request.params as { id: number }).id)

  /** htmx gets the panel back in place; a browser without JavaScript gets the panel as a page. */
  async function renderPanel(
    request: FastifyRequest,
    reply: FastifyReply,
    local: Local,
    state: PanelState,
    status: number,
  ) {
    const mapping = await localMappingPanel(db, request.user!, local, state)
    if (request.htmx.partial) return reply.fragment('mapping/_local-panel', { mapping }, status)
    return reply.page(
      'mapping/local',
      { title: `Mapping — ${local.name}`, local: { id: local.id, name: local.name }, mapping },
      { status },
    )
  }

  app.post('/locals/:id/mapping', { schema: { params: idParam } }, async function saveMappingFacts(request, reply) {
    const local = await loadEditable(request)
    const values = formValues(request.body)
    const form = parseForm(mappingFactsForm, request.body)
    if (!form.ok) return renderPanel(request, reply, local, { factValues: values, factErrors: form.errors }, 422)
    const saved = await saveLocal(db, request.actor, {
      before: local,
      version: values.version,
      patch: form.data,
      userId: request.user!.id,
      saved: factsSaved,
      pick: pickFacts,
    })
    if (!saved.ok)
      return renderPanel(
        request,
        reply,
        { ...local, ...saved.current },
        {
          factValues: { ...values, version: saved.version },
          factErrors: { _form: saved.conflict.message },
          factConflict: saved.conflict,
        },
        409,
      )
    if (request.htmx.partial) return renderPanel(request, reply, (await findLocal(db, local.id))!, {}, 200)
    setFlash(reply, 'ok', 'Mapping facts saved.')
    return reply.redirect(`/locals/${local.id}#local-mapping`, 303)
  })

  app.post('/locals/:id/positions', { schema: { params: idParam } }, async function recordPosition(request, reply) {
    const local = await loadEditable(request)
    const form = parseForm(positionForm, request.body)
    if (!form.ok)
      return renderPanel(
        request,
        reply,
        local,
        { positionValues: formValues(request.body), positionErrors: form.errors },
        422,
      )
    await db.transaction().execute(async (trx) => {
      const row = await insertPosition(trx, { ...form.data, local_id: local.id, actor_id: request.user!.id })
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'political_position',
        entityId: row.id,
        chapterId: local.chapter_id,
        after: row,
      })
    })
    if (request.htmx.partial) return renderPanel(request, reply, local, {}, 200)
    setFlash(reply, 'ok', 'Position recorded.')
    return reply.redirect(`/locals/${local.id}#local-mapping`, 303)
  })

  app.post(
    '/locals/:id/positions/:pid/delete',
    { schema: { params: positionParams } },
    async function removePosition(request, reply) {
      const local = await loadEditable(request)
      const { pid } = request.params as { pid: number }
      const position = await findPosition(db, local.id, pid)
      if (!position) throw notFound('That position')
      await db.transaction().execute(async (trx) => {
        const row = await deletePosition(trx, pid)
        if (row)
          await audit(trx, request.actor, {
            action: 'delete',
            entity: 'political_position',
            entityId: pid,
            chapterId: local.chapter_id,
            before: { deleted_at: null },
            after: { deleted_at: row.deleted_at },
          })
      })
      if (request.htmx.partial) return renderPanel(request, reply, local, {}, 200)
      setFlash(reply, 'ok', 'Position removed.')
      return reply.redirect(`/locals/${local.id}#local-mapping`, 303)
    },
  )

  app.get('/mapping', { schema: { querystring: mappingQuery } }, async function showMapping(request, reply) {
    const user = request.user!
    const q = request.query as { chapter?: string; topic?: string; outcome?: string }
    const scope = readScope(user)
    const chapterId = idFilter(q.chapter) ?? user.chapters[0]?.id
    const chapters =
      scope.chapterIds === null
        ? await db
            .selectFrom('chapters')
            .select(['id', 'name'])
            .where('deleted_at', 'is', null)
            .orderBy('name')
            .execute()
        : user.chapters.map((c) => ({ id: c.id, name: c.name }))
    const chapterOptions = chapters.map((c) => ({ value: c.id, label: c.name }))
    if (chapterId === undefined) {
      return reply.page('mapping/index', {
        title: 'Mapping',
        chapter: null,
        chapterOptions,
        filters: { chapter: '', topic: '', outcome: '' },
        topicOptions: TOPICS,
        outcomeOptions: OUTCOMES,
        rows: [],
        explained: PRIORITY_EXPLAINED,
      })
    }
    if (!inScope(scope, chapterId)) throw notFound('That chapter')
    const filters: PositionFilters = {
      topic: (q.topic || undefined) as PositionTopic | undefined,
      outcome: (q.outcome || undefined) as PositionOutcome | undefined,
    }
    const [chapter, slate] = await Promise.all([findChapter(db, chapterId), findCurrentSlate(db)])
    if (!chapter) throw notFound('That chapter')
    const rows = await listMappingRows(db, chapterId, slate?.id ?? null, filters)
    const today = todayIn(chapter.time_zone)
    const ranked = rankLocals(
      rows.map((r) => ({
        ...r,
        positionsPassed: r.positions_passed,
        officerElectionOn: r.officer_election_on,
        contractExpiresOn: r.contract_expires_on,
        membersInCommon: r.members_in_common,
        today,
      })),
    )
    const canStart = slate !== undefined && can.edit(user, chapterId)
    const view = {
      title: `Mapping — ${chapter.name}`,
      chapter,
      chapterOptions,
      filters: { chapter: chapterId, topic: filters.topic ?? '', outcome: filters.outcome ?? '' },
      topicOptions: TOPICS,
      outcomeOptions: OUTCOMES,
      slate: slate ?? null,
      explained: PRIORITY_EXPLAINED,
      rows: ranked.map((r, i) => ({
        rank: i + 1,
        id: r.id,
        name: r.name,
        union: r.union_abbreviation ?? '',
        members: r.members === null ? '' : r.members.toLocaleString('en-US'),
        orientation: r.orientation,
        orientationLabel: unionLabel(ORIENTATIONS, r.orientation) || 'Not assessed',
        score: r.priority.score,
        parts: r.priority.parts.map((p) => `${p.label} ${p.points > 0 ? '+' : '−'}${Math.abs(p.points)}`),
        positionsMatching: r.positions_matching,
        driveUrl: r.drive_id === null ? null : `/drives/${r.drive_id}`,
        canStart: canStart && r.drive_id === null,
      })),
      asksOptions: [
        { value: 'slate', label: 'The whole slate' },
        { value: 'candidate', label: 'The local candidate' },
        { value: 'both', label: 'Both' },
      ],
    }
    return reply.page('mapping/index', view, { fragment: { target: 'mapping-results', view: 'mapping/_results' } })
  })
}
