// /board: a column per stage, then the three ends stacked in one column so the
// whole pipeline fits a 1280 px screen. Each column shows its first cards
// (counts are exact, from one grouped query); "Load more" brings the next ones
// (htmx swaps them in; without JavaScript it is a link to the same board with
// that column longer). A card's own "Move to" form moves it; after a move the
// board comes back with that card first in its new column (?moved=ID), where
// the page's script puts the focus.
import type { FastifyInstance } from 'fastify'
import { can, readScope } from '../auth/access.ts'
import { idFilter } from '../shared/validation.ts'
import { listChapterOptions, listNationalUnionOptions } from '../unions/queries.ts'
import { ORIENTATIONS } from '../unions/labels.ts'
import { endLabel, isStageKey, stageLabel, STAGES } from './stages.ts'
import {
  BOARD_COLUMNS,
  COLUMN_SIZE,
  boardCard,
  boardCards,
  boardCounts,
  columnCards,
  listOwnerOptions,
  type BoardColumn,
  type BoardFilters,
} from './queries.ts'
import { boardQuery } from './schema.ts'
import { cardView } from './present.ts'
import { whipBadges } from '../whip/panels.ts'

type BoardQ = {
  chapter?: string
  union?: string
  orientation?: string
  owner?: string
  column?: BoardColumn
  offset?: number
  moved?: number
}

const ENDS: readonly BoardColumn[] = ['won', 'lost', 'dropped']

export default async function boardRoutes(app: FastifyInstance) {
  const db = app.db

  app.get('/board', { schema: { querystring: boardQuery } }, async function showBoard(request, reply) {
    const user = request.user!
    const scope = readScope(user)
    const q = request.query as BoardQ
    const mine = user.chapters.map((c) => c.id)
    const chapterIds =
      q.chapter === 'all' ? null : idFilter(q.chapter) ? [idFilter(q.chapter)!] : mine.length ? mine : null
    const filters: BoardFilters = {
      chapterIds,
      union: idFilter(q.union),
      orientation: q.orientation || undefined,
      owner: idFilter(q.owner),
    }
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries({
      chapter: q.chapter,
      union: q.union,
      orientation: q.orientation,
      owner: q.owner,
    }))
      if (v) params.set(k, v)
    const base = params.toString()
    const moreUrl = (column: BoardColumn, offset: number) => {
      const p = new URLSearchParams(base)
      p.set('column', column)
      p.set('offset', String(offset))
      if (q.moved) p.set('moved', String(q.moved))
      return `/board?${p.toString()}`
    }
    const backUrl = `/board${base ? '?' + base : ''}`
    const offset = q.offset ?? 0
    const canMoveHere = (chapterId: number | null) => can.edit(user, chapterId)

    if (q.column && request.htmx.partial && request.htmx.target === `more-${q.column}`) {
      const [rows, counts] = await Promise.all([
        columnCards(db, scope, filters, q.column, offset),
        boardCounts(db, scope, filters),
      ])
      const next = offset + COLUMN_SIZE
      // The card just moved is already shown first in its column.
      const shown = rows.filter((r) => r.id !== q.moved)
      const badges = await whipBadges(
        db,
        shown.map((r) => r.id),
      )
      return reply.fragment('board/_cards', {
        cards: shown.map((r) => ({ ...cardView(r, canMoveHere(r.chapter_id)), whipBadge: badges.get(r.id) ?? null })),
        column: q.column,
        moreUrl: counts[q.column] > next ? moreUrl(q.column, next) : null,
        back: backUrl,
        csrfToken: request.csrfToken,
      })
    }

    const extra = q.column ? { column: q.column, upTo: offset + COLUMN_SIZE } : undefined
    const [counts, cards, moved, chapters, unions, owners] = await Promise.all([
      boardCounts(db, scope, filters),
      boardCards(db, scope, filters, extra),
      q.moved ? boardCard(db, scope, filters, q.moved) : Promise.resolve(undefined),
      listChapterOptions(db),
      listNationalUnionOptions(db),
      listOwnerOptions(db, scope),
    ])
    // The whip count's "votes: 7 of 8 needed" for every card shown, in one query.
    const badges = await whipBadges(db, [...cards.map((c) => c.id), ...(moved ? [moved.id] : [])])
    const columns = BOARD_COLUMNS.map((key) => {
      const own = cards.filter((c) => c.col === key)
      // The card just moved goes first in its column, wherever its turn would be.
      const pinned = moved && moved.col === key ? moved : undefined
      const extraShown = pinned && !own.some((c) => c.id === pinned.id) ? 1 : 0
      return {
        key,
        label: isStageKey(key) ? stageLabel(key) : endLabel(key),
        count: counts[key],
        ended: ENDS.includes(key),
        cards: [...(pinned ? [pinned] : []), ...own.filter((c) => c.id !== pinned?.id)].map((r) => ({
          ...cardView(r, canMoveHere(r.chapter_id)),
          whipBadge: badges.get(r.id) ?? null,
          justMoved: r.id === pinned?.id,
        })),
        moreUrl: counts[key] > own.length + extraShown ? moreUrl(key, own.length) : null,
      }
    })
    const visibleChapters =
      scope.chapterIds === null ? chapters : chapters.filter((c) => scope.chapterIds!.includes(c.id))
    return reply.page('board/index', {
      title: 'Board',
      stageColumns: columns.filter((c) => !c.ended),
      endColumns: columns.filter((c) => c.ended),
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      filters: {
        chapter: q.chapter ?? '',
        union: q.union ?? '',
        orientation: q.orientation ?? '',
        owner: q.owner ?? '',
      },
      chapterOptions: [
        { value: 'all', label: 'All chapters I can see' },
        ...visibleChapters.map((c) => ({ value: String(c.id), label: c.name })),
      ],
      chapterBlank: mine.length ? 'My chapters' : 'All chapters',
      unionOptions: unions.map((u) => ({ value: String(u.id), label: u.abbreviation })),
      orientationOptions: ORIENTATIONS,
      ownerOptions: owners.map((o) => ({ value: String(o.id), label: o.name })),
      back: backUrl,
      movedId: moved?.id ?? null,
      canMove: can.editDirectory(user),
      stages: STAGES,
    })
  })
}
