// The matrix /slates/:id/matrix: bodies by candidates, filters, pages, the CSV
// export, and a cell's detail (/slates/:id/matrix/cell: a fragment for htmx, a
// page on its own).
import { Readable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { audit } from '../audit/audit.ts'
import { readScope, type Scope } from '../auth/access.ts'
import { stageLabel } from '../drives/stages.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { csvFilename, csvLines, toCsv } from '../shared/csv.ts'
import { formatDate } from '../shared/format.ts'
import { escaper } from '../shared/html.ts'
import { idFilter } from '../shared/validation.ts'
import { listChapterOptions, listNationalUnionOptions } from '../unions/queries.ts'
import {
  buildMatrix,
  endorsementLevel,
  isInForce,
  LEVEL_LABELS,
  matrixToCsv,
  type CellState,
  type Matrix,
  type MatrixBody,
  type MatrixCandidate,
} from './build-matrix.ts'
import { createStampedCache, orderBodies, type OrderedBodies } from './matrix-order.ts'
import { loadSlate as loadSlateRow, mayCreate, mayExport, mayRecordFor } from './guards.ts'
import { bodyKindOf, CELL_CLASS, cellHref, matrixCandidates, refOf, shortCellLabel } from './present.ts'
import {
  findBody,
  findCandidate,
  listBodyDrives,
  listCellEndorsements,
  listMatrixBodies,
  listMatrixCandidates,
  matrixCellData,
  matrixStamp,
  matrixTotals,
  type MatrixFilters,
  type MatrixTotalsRow,
} from './queries.ts'
import {
  CANDIDATE_LEVELS,
  CANDIDATE_STATUSES,
  ENDORSEMENT_STATUSES,
  cellQuery,
  labelOf,
  matrixQuery,
  parseBodyRef,
  slateIdParam,
} from './schema.ts'

// A page of the matrix draws about this many cells: a national slate has
// thousands of bodies and a hundred candidates, so the bodies per page follow
// the number of columns (20 rows of 101 columns, 100 rows of 20).
const MATRIX_PAGE_CELLS = 2000
const matrixPageSize = (columns: number) =>
  Math.min(100, Math.max(20, Math.round(MATRIX_PAGE_CELLS / Math.max(1, columns))))
// Bodies per round trip when the CSV export walks the whole matrix.
const CSV_CHUNK = 500

export default async function matrixRoutes(app: FastifyInstance) {
  const db = app.db
  const loadSlate = (id: number) => loadSlateRow(db, id)

  // ---- The matrix ---------------------------------------------------------------

  type MatrixQ = {
    chapter?: string
    union?: string
    state?: string
    level?: string
    status?: string
    format?: string
    page?: string
    body?: string
  }

  const matrixCache = createStampedCache<OrderedBodies & { totals: MatrixTotalsRow[] }>()

  /** The matrix's rows in order and its totals: kept per slate, scope and filters until the stamp moves. */
  async function matrixFrame(slateId: number, scope: Scope, filters: MatrixFilters) {
    const stamp = await matrixStamp(db)
    const key = JSON.stringify([
      slateId,
      scope.chapterIds,
      filters.chapter,
      filters.union,
      filters.state,
      filters.level,
      filters.status,
    ])
    return matrixCache.get(key, stamp, async () => {
      const [bodies, totals] = await Promise.all([
        listMatrixBodies(db, slateId, scope, filters),
        matrixTotals(db, slateId, filters),
      ])
      return { ...orderBodies(bodies), totals }
    })
  }

  /** One page of rows, drawn from its own bodies' drives and endorsements; totals from SQL over every body. */
  function matrixView(matrix: Matrix, totals: MatrixTotalsRow[]) {
    const column = (rows: MatrixTotalsRow[], pick: 'all_bodies' | 'locals') =>
      matrix.columns.map((c) => rows.find((t) => t.candidate_id === (c.kind === 'slate' ? null : c.id))?.[pick] ?? 0)
    // A page has thousands of cells but few distinct labels: each is escaped
    // once here and printed raw (<%~ %>) by the template.
    const html = escaper()
    let group: string | null = null
    const rows: unknown[] = []
    const width = matrix.columns.length + 2
    for (const r of matrix.rows) {
      if (r.group !== group) {
        group = r.group
        rows.push({ isGroup: true, label: r.group, width })
      }
      const ref = refOf(r.body.id)
      rows.push({
        isGroup: false,
        anchor: ref,
        name: r.body.name,
        sub: [
          r.body.nationalName,
          r.body.kind === 'council' ? 'council' : r.body.kind === 'federation' ? 'federation' : '',
        ]
          .filter(Boolean)
          .join(' · '),
        total: r.total,
        cells: r.cells.map((c, i) => {
          const col = matrix.columns[i]!
          return {
            labelHtml: html(shortCellLabel(c.label)),
            cls: CELL_CLASS[c.state],
            conditions: c.conditions ?? '',
            hrefHtml: cellHref(r.body.id, col.kind === 'slate' ? null : col.id),
          }
        }),
      })
    }
    return {
      columns: matrix.columns.map((c) => ({
        label: c.label,
        office: c.kind === 'slate' ? 'Every candidate' : c.office,
        withdrawn: c.kind === 'candidate' && c.status === 'withdrawn',
      })),
      rows,
      columnTotals: column(totals, 'all_bodies'),
      localColumnTotals: column(totals, 'locals'),
      legend: {
        ...matrix.legend,
        states: matrix.legend.states.map((l) => ({
          ...l,
          cls: CELL_CLASS[l.key as CellState] ?? '',
          short: shortCellLabel(l.label) === l.label ? l.label : `${shortCellLabel(l.label)} ${l.label}`,
        })),
        marks: matrix.legend.marks.map((l) => ({
          ...l,
          label: shortCellLabel(l.label) === l.label ? l.label : `“${shortCellLabel(l.label)}”: ${l.label}`,
        })),
      },
    }
  }

  /** The matrix as CSV, built a chunk of bodies at a time and streamed. */
  async function* matrixCsv(
    slateId: number,
    scope: Scope,
    candidates: MatrixCandidate[],
    bodies: readonly MatrixBody[],
  ) {
    for (let at = 0; at < Math.max(bodies.length, 1); at += CSV_CHUNK) {
      const chunk = bodies.slice(at, at + CSV_CHUNK)
      const cells = chunk.length
        ? await matrixCellData(
            db,
            slateId,
            scope,
            chunk.map((b) => b.id),
          )
        : { drives: [], endorsements: [] }
      const [header, ...rows] = matrixToCsv(buildMatrix({ candidates, bodies: chunk, ...cells }))
      yield at === 0 ? toCsv(header ?? [], rows) : csvLines(rows)
    }
  }

  app.get(
    '/slates/:id/matrix',
    { schema: { params: slateIdParam, querystring: matrixQuery } },
    async function showMatrix(request, reply) {
      const { id } = request.params as { id: number }
      const q = request.query as MatrixQ
      const user = request.user!
      const scope = readScope(user)
      const filters: MatrixFilters = {
        chapter: idFilter(q.chapter),
        union: idFilter(q.union),
        state: q.state?.trim().toUpperCase() || undefined,
        level: q.level || undefined,
        status: q.status || undefined,
      }
      if (q.format === 'csv' && !mayExport(user)) throw forbidden()
      const slate = await loadSlate(id)
      const [ordered, candidateRows] = await Promise.all([
        matrixFrame(id, scope, filters),
        listMatrixCandidates(db, id, filters),
      ])
      const candidates = matrixCandidates(candidateRows)
      if (q.format === 'csv') {
        await audit(db, request.actor, {
          action: 'export',
          entity: 'slate_matrix',
          entityId: id,
          after: { rows: ordered.bodies.length, filters },
        })
        return reply
          .type('text/csv; charset=utf-8')
          .header('Content-Disposition', `attachment; filename="${csvFilename(`slate-${id}-matrix`)}"`)
          .send(Readable.from(matrixCsv(id, scope, candidates, ordered.bodies)))
      }
      const perPage = matrixPageSize(candidates.length + 1)
      const pages = Math.max(1, Math.ceil(ordered.bodies.length / perPage))
      // ?body=l12 opens the page that body is on (after recording its endorsement).
      const ref = q.body ? parseBodyRef(q.body) : null
      const at = ref === null ? undefined : ordered.position.get(ref.kind === 'national' ? -ref.id : ref.id)
      const page = at !== undefined ? Math.floor(at / perPage) + 1 : Math.min(Math.max(Number(q.page) || 1, 1), pages)
      const pageBodies = ordered.bodies.slice((page - 1) * perPage, page * perPage)
      const [cells, chapters, unions] = await Promise.all([
        pageBodies.length
          ? matrixCellData(
              db,
              id,
              scope,
              pageBodies.map((b) => b.id),
            )
          : { drives: [], endorsements: [] },
        listChapterOptions(db),
        listNationalUnionOptions(db),
      ])
      const matrix = buildMatrix({ candidates, bodies: pageBodies, ...cells })
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') params.set(k, String(v))
      const base = params.toString()
      const pageUrl = (n: number) => `/slates/${id}/matrix?${base ? base + '&' : ''}page=${n}`
      const first = (page - 1) * perPage + 1
      const view = {
        title: `Matrix — ${slate.name}`,
        slate,
        filters: { ...filters, state: filters.state ?? '', level: filters.level ?? '', status: filters.status ?? '' },
        chapterOptions: chapters.map((c) => ({ value: c.id, label: c.name })),
        unionOptions: unions.map((u) => ({ value: u.id, label: u.abbreviation })),
        levelOptions: CANDIDATE_LEVELS,
        statusOptions: CANDIDATE_STATUSES,
        csvUrl: `/slates/${id}/matrix?${base ? base + '&' : ''}format=csv`,
        canExport: mayExport(user),
        canRecord: mayCreate(user),
        anyFilter: Boolean(base),
        empty: ordered.bodies.length === 0,
        paging:
          pages > 1
            ? {
                summary:
                  `Bodies ${first.toLocaleString('en-US')}–${(first + pageBodies.length - 1).toLocaleString('en-US')}` +
                  ` of ${ordered.bodies.length.toLocaleString('en-US')}`,
                previous: page > 1 ? pageUrl(page - 1) : null,
                next: page < pages ? pageUrl(page + 1) : null,
                page,
                pages,
              }
            : null,
        ...matrixView(matrix, ordered.totals),
      }
      return reply.page('slates/matrix', view, { fragment: { target: 'matrix-results', view: 'slates/_matrix' } })
    },
  )

  app.get(
    '/slates/:id/matrix/cell',
    { schema: { params: slateIdParam, querystring: cellQuery } },
    async function showMatrixCell(request, reply) {
      const { id } = request.params as { id: number }
      const q = request.query as { body: string; candidate: string }
      const user = request.user!
      const slate = await loadSlate(id)
      const ref = parseBodyRef(q.body)
      if (!ref) throw notFound('That body')
      const body = await findBody(db, ref)
      if (!body) throw notFound('That body')
      const candidateId = q.candidate === 'slate' ? null : Number(q.candidate)
      const candidate = candidateId === null ? undefined : await findCandidate(db, id, candidateId)
      if (candidateId !== null && !candidate) throw notFound('That candidate')
      const [history, drives] = await Promise.all([
        listCellEndorsements(db, id, ref, candidateId),
        listBodyDrives(db, id, ref, readScope(user)),
      ])
      const kind = bodyKindOf(body)
      const level = LEVEL_LABELS[endorsementLevel(kind, candidateId)]
      const replacedIds = new Set(history.map((h) => h.supersedes_id).filter((x): x is number => x !== null))
      const canRecord = mayRecordFor(user, body)
      const view = {
        title: `${body.name} — ${candidate ? candidate.name : 'Whole slate'}`,
        slate,
        bodyName: body.name,
        columnLabel: candidate
          ? `${candidate.name}${candidate.status === 'withdrawn' ? ' (withdrawn)' : ''}`
          : 'Whole slate',
        level,
        history: history.map((h) => ({
          id: h.id,
          date: formatDate(h.decided_on),
          statusLabel: labelOf(ENDORSEMENT_STATUSES, h.status),
          status: h.status,
          conditions: h.conditions ?? '',
          details: [
            h.deciding_body ?? '',
            h.votes_for === null && h.votes_against === null
              ? ''
              : `${h.votes_for ?? 0} for, ${h.votes_against ?? 0} against` +
                (h.abstain !== null ? `, ${h.abstain} abstaining` : ''),
            h.threshold_met === null ? '' : h.threshold_met ? 'threshold met' : 'threshold not met',
          ]
            .filter(Boolean)
            .join(' · '),
          sourceUrl: h.source_url ?? '',
          actor: h.actor_name ?? '',
          replaces: h.supersedes_id !== null,
          isPublic: h.is_public,
          replaceUrl:
            canRecord && isInForce(h.status) && !replacedIds.has(h.id)
              ? `/slates/${id}/endorsements/${h.id}/replace`
              : null,
        })),
        drives: drives
          .filter((d) =>
            candidateId === null ? d.asks !== 'candidate' : d.asks === 'slate' || d.candidate_id === candidateId,
          )
          .map((d) => ({
            id: d.id,
            stageLabel: stageLabel(d.stage),
            status: d.status,
            asks:
              d.asks === 'both'
                ? `the slate and ${d.candidate_name ?? 'a candidate'}`
                : d.asks === 'slate'
                  ? 'the whole slate'
                  : (d.candidate_name ?? 'a candidate'),
            voteDate: formatDate(d.vote_date),
          })),
        // Shown inside the matrix page (htmx): its heading takes the focus.
        inPlace: request.htmx.partial && request.htmx.target === 'matrix-cell',
        recordUrl: canRecord ? `/slates/${id}/endorsements/new?body=${q.body}&candidate=${q.candidate}` : null,
        matrixUrl: `/slates/${id}/matrix#${q.body}`,
      }
      return reply.page('slates/cell', view, { fragment: { target: 'matrix-cell', view: 'slates/_cell' } })
    },
  )
}
