// Claiming directory locals for a chapter, many at once: ticked in a search result (POST /locals/claim) or pasted
// as a list ("SEIU 509, CWA 1400, ATU 589": GET /locals/claim shows what matched, what is ambiguous and what was
// not found, before anything is claimed). Then a short form per local (/locals/:id/quick): place, size, sector,
// who decides, threshold and notice; the full form stays for the rest. Organizers claim for their own chapter,
// admins for any; every claim is in the audit log.
import type { FastifyInstance } from 'fastify'
import type { Selectable } from 'kysely'
import type { CurrentUser } from '../auth/access.ts'
import type { LocalsTable } from '../db/schema.ts'
import { forbidden } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { DECIDING_BODIES, LOCAL_THRESHOLDS, SECTORS, labelOf } from './labels.ts'
import { claimLocals, listChapterOptions, listLocalsByIds, matchClaimList, type ClaimCandidate } from './queries.ts'
import { claimChapters, mayEditLocal } from './rules.ts'
import { loadEditableLocal, saveLocal } from './save-local.ts'
import { claimQuery, claimedQuery, quickLocalForm } from './schema.ts'

const MAX_ENTRIES = 50
/** Where the short form returns to: the page of claimed locals it came from, nowhere else. */
const nextUrl = (v: unknown) => (typeof v === 'string' && /^\/locals\/claimed\?ids=[0-9,]+$/.test(v) ? v : '')
const PER_ENTRY = 6

/** A pasted list's entries: split at commas, semicolons and line breaks, blanks and repeats dropped. */
export function splitClaimList(list: string): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of list.split(/[,;\n\r]+/)) {
    const e = raw.replace(/\s+/g, ' ').trim().slice(0, 100)
    if (e && !seen.has(e.toLowerCase())) {
      seen.add(e.toLowerCase())
      out.push(e)
    }
  }
  return out
}

function candidateView(c: ClaimCandidate, chapterId: number) {
  return {
    id: c.id,
    name: c.name,
    detail: [c.union_abbreviation, [c.city, c.state].filter(Boolean).join(', '), c.members?.toLocaleString('en-US')]
      .filter(Boolean)
      .join(' · '),
    mine: c.chapter_id === chapterId,
    claimable: c.chapter_id === null,
    elsewhere: c.chapter_id !== null && c.chapter_id !== chapterId ? c.chapter_name : null,
  }
}

export default async function claimRoutes(app: FastifyInstance) {
  const db = app.db

  async function chaptersFor(user: CurrentUser) {
    const chapters = claimChapters(user, await listChapterOptions(db))
    if (!chapters.length) throw forbidden('Only organizers can claim locals for a chapter.')
    return chapters
  }

  app.get('/locals/claim', { schema: { querystring: claimQuery } }, async function showClaimList(request, reply) {
    const user = request.user!
    const chapters = await chaptersFor(user)
    const q = request.query as { list?: string; chapter?: string }
    const chapterId = chapters.find((c) => String(c.id) === q.chapter)?.id ?? chapters[0]!.id
    const entries = splitClaimList(q.list ?? '')
    const shown = entries.slice(0, MAX_ENTRIES)
    const found = await matchClaimList(db, shown, chapterId, PER_ENTRY)
    const results = shown.map((entry, i) => {
      const all = found.get(i) ?? []
      const candidates = all.slice(0, PER_ENTRY).map((c) => candidateView(c, chapterId))
      const claimable = candidates.filter((c) => c.claimable)
      const mine = candidates.filter((c) => c.mine)
      // The chapter already has one: other directory entries of that name are offered, never ticked for you.
      const state =
        candidates.length === 0
          ? 'none'
          : mine.length
            ? 'mine'
            : claimable.length === 1
              ? 'one'
              : claimable.length > 1
                ? 'several'
                : 'taken'
      return { entry, state, candidates, more: all.length > PER_ENTRY }
    })
    const count = (s: string) => results.filter((r) => r.state === s).length
    return reply.page('locals/claim', {
      title: 'Claim locals for your chapter',
      list: q.list ?? '',
      chapterId,
      chapterOptions: chapters.map((c) => ({ value: c.id, label: c.name })),
      chapterName: chapters.find((c) => c.id === chapterId)!.name,
      results,
      checked: entries.length > 0,
      dropped: entries.length - shown.length,
      maxEntries: MAX_ENTRIES,
      counts: { one: count('one'), several: count('several'), none: count('none'), mine: count('mine') },
      anyClaimable: results.some((r) => r.candidates.some((c) => c.claimable)),
    })
  })

  app.post('/locals/claim', async function claimSelected(request, reply) {
    const user = request.user!
    const chapters = await chaptersFor(user)
    const body = (request.body ?? {}) as Record<string, unknown>
    const chapter = chapters.find((c) => String(c.id) === String(body.chapter_id ?? ''))
    const ids = [...new Set(([] as unknown[]).concat(body.local ?? []).map(String))]
      .filter((v) => /^\d{1,9}$/.test(v))
      .map(Number)
      .slice(0, 500)
    const back = typeof body.back === 'string' && /^\/locals(\?|$)/.test(body.back) ? body.back : '/locals'
    if (!chapter) {
      setFlash(reply, 'error', 'Choose a chapter you organize in.')
      return reply.redirect(back, 303)
    }
    if (!ids.length) {
      setFlash(reply, 'warn', 'Tick the locals to claim first.')
      return reply.redirect(back, 303)
    }
    const claimed = await db.transaction().execute((trx) => claimLocals(trx, request.actor, chapter.id, ids))
    const skipped = ids.length - claimed.length
    setFlash(
      reply,
      claimed.length ? 'ok' : 'warn',
      claimed.length
        ? (claimed.length === 1 ? `${claimed[0]!.name} is` : `${claimed.length} locals are`) +
            ` now in ${chapter.name}.` +
            (skipped ? ` ${skipped} already belonged to a chapter and were left as they were.` : '') +
            ' Fill in the basics below.'
        : 'Nothing was claimed: those locals already belong to a chapter.',
    )
    if (!claimed.length) return reply.redirect(back, 303)
    return reply.redirect(`/locals/claimed?ids=${claimed.map((c) => c.id).join(',')}`, 303)
  })

  app.get('/locals/claimed', { schema: { querystring: claimedQuery } }, async function showClaimed(request, reply) {
    const user = request.user!
    const ids = (request.query as { ids: string }).ids.split(',').map(Number)
    const rows = (await listLocalsByIds(db, ids)).filter((l) => mayEditLocal(user, l.chapter_id))
    return reply.page('locals/claimed', {
      title: 'Claimed locals',
      rows: rows.map((l) => ({
        id: l.id,
        name: l.name,
        union: l.union_abbreviation ?? 'Independent',
        place: [l.city, l.state].filter(Boolean).join(', '),
        members: l.members === null ? '' : l.members.toLocaleString('en-US'),
        decides: labelOf(DECIDING_BODIES, l.deciding_body),
        basicsDone: Boolean(l.city && l.members !== null && l.deciding_body && l.threshold),
      })),
    })
  })

  // ---- the short form ------------------------------------------------------------------
  const options = {
    sectorOptions: SECTORS,
    decidingOptions: DECIDING_BODIES,
    thresholdOptions: LOCAL_THRESHOLDS,
  }
  const asValues = (l: Selectable<LocalsTable>) =>
    Object.fromEntries(
      [
        'city',
        'state',
        'members',
        'sector',
        'deciding_body',
        'threshold',
        'threshold_percent',
        'notice_days',
        'version',
      ].map((k) => [k, l[k as keyof typeof l] === null ? '' : String(l[k as keyof typeof l])]),
    )

  app.get('/locals/:id/quick', { schema: { params: idParam } }, async function showQuickForm(request, reply) {
    const { id } = request.params as { id: number }
    const local = await loadEditableLocal(db, request.user!, id)
    return reply.page('locals/quick', {
      title: `The basics: ${local.name}`,
      local: { id, name: local.name },
      values: asValues(local),
      errors: {},
      next: nextUrl((request.query as { next?: unknown }).next),
      ...options,
    })
  })

  app.post('/locals/:id/quick', { schema: { params: idParam } }, async function saveQuickForm(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const before = await loadEditableLocal(db, user, id)
    const values = formValues(request.body)
    const rerender = (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page(
        'locals/quick',
        {
          title: `The basics: ${before.name}`,
          local: { id, name: before.name },
          values,
          errors,
          next: nextUrl(values.next),
          ...options,
          ...extra,
        },
        { status },
      )
    const form = parseForm(quickLocalForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const saved = await saveLocal(db, request.actor, {
      before,
      version: values.version,
      patch: form.data,
      userId: user.id,
      saved: (current) => [
        { label: 'Place', value: [current.city, current.state].filter(Boolean).join(', ') },
        { label: 'Members', value: current.members === null ? '' : current.members.toLocaleString('en-US') },
        { label: 'Who decides', value: labelOf(DECIDING_BODIES, current.deciding_body) },
        { label: 'Threshold', value: labelOf(LOCAL_THRESHOLDS, current.threshold) },
      ],
    })
    if (!saved.ok) {
      values.version = saved.version
      return rerender({ _form: saved.conflict.message }, 409, { conflict: saved.conflict })
    }
    setFlash(reply, 'ok', `Saved the basics of ${before.name}.`)
    return reply.redirect(nextUrl(values.next) || `/locals/${id}`, 303)
  })
}
