// The opt-in public endorsement list of a slate, readable without an account:
// /public/slates/:slug (page), /public/slates/:slug/candidates/:id, the
// embeddable snippet /public/slates/:slug/embed and the JSON feed
// /public/slates/:slug.json. Only won, in-force, public endorsements appear —
// never drives, supporters, votes or tallies. Cached five minutes with an ETag.
// Organizers switch it on at /slates/:id/public and mark endorsements public
// with POST /endorsements/:id/public.
import crypto from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit/audit.ts'
import { can, type CurrentUser } from '../auth/access.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { conflictView, expectedVersion, isConflict, versionedTransaction } from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { escapeHtml, formatDate, viewerZone } from '../shared/format.ts'
import { formValues, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { endorsementLevel, LEVEL_LABELS, type BodyKind } from '../slate/build-matrix.ts'
import { mayManageSlate } from '../slate/guards.ts'
import {
  findEndorsementForPublic,
  findPublicSlate,
  findSlateSettings,
  listSlateEndorsementsForPublic,
  setEndorsementPublic,
  updateSlatePublic,
  type PublicEndorsement,
  type PublicSlate,
} from './queries.ts'
import {
  publicSettingsForm,
  publicSlugParams,
  publicCandidateParams,
  endorsementPublicForm,
  suggestSlug,
} from './schema.ts'

function levelKind(kind: PublicEndorsement['body_kind']): BodyKind {
  if (kind === 'national') return 'national'
  if (kind === 'council') return 'council'
  if (kind === 'clc' || kind === 'federation') return 'federation'
  return 'local'
}

const longDate = (d: string) => formatDate(d)

function endorsementView(e: PublicEndorsement, candidates: Map<number, { name: string; office: string }>) {
  const c = e.candidate_id === null ? undefined : candidates.get(e.candidate_id)
  return {
    body: e.body,
    level: LEVEL_LABELS[endorsementLevel(levelKind(e.body_kind), e.candidate_id)],
    what: c ? `${c.name} for ${c.office}` : 'the whole slate',
    candidate: c ? { name: c.name, office: c.office } : null,
    date: e.decided_on,
    dateLabel: longDate(e.decided_on),
  }
}

function slateView(slate: PublicSlate, slug: string, candidateId?: number) {
  const candidates = new Map(slate.candidates.map((c) => [c.id, c]))
  const rows = slate.endorsements.filter(
    (e) => candidateId === undefined || e.candidate_id === null || e.candidate_id === candidateId,
  )
  return {
    slate: {
      name: slate.name,
      cycle: slate.cycle ?? '',
      electionDate: slate.election_date ? longDate(slate.election_date) : '',
    },
    slug,
    endorsements: rows.map((e) => endorsementView(e, candidates)),
    candidates: slate.candidates.map((c) => ({
      id: c.id,
      name: c.name,
      office: c.office,
      count: slate.endorsements.filter((e) => e.candidate_id === c.id || e.candidate_id === null).length,
      url: `/public/slates/${slug}/candidates/${c.id}`,
    })),
  }
}

/** Public answers: cacheable by anyone, no cookies, readable from other sites. */
function sendCached(request: FastifyRequest, reply: FastifyReply, type: string, body: string) {
  const etag = `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  reply
    .header('Cache-Control', 'public, max-age=300')
    .header('ETag', etag)
    .header('Access-Control-Allow-Origin', '*')
    .header('Cross-Origin-Resource-Policy', 'cross-origin')
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  return reply.code(200).type(type).send(body)
}

/** Drop any cookie another plugin set (CSRF, session): a shared cache must not store one. */
const noCookies = {
  onSend: async (_req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    reply.removeHeader('set-cookie')
    return payload
  },
}

/** Organizers anywhere open a slate's public list, to mark their own locals' endorsements public. */
function maySeeSettings(user: CurrentUser) {
  return can.editDirectory(user)
}

/** The list's address and its on/off switch belong to whoever manages the slate (admins always). */
function mayPublish(user: CurrentUser, slate: { chapter_id: number | null }) {
  return mayManageSlate(user, slate)
}

function mayMarkPublic(user: CurrentUser, e: { national_union_id: number | null; chapter_id: number | null }) {
  if (user.isAdmin) return true
  return e.national_union_id === null && e.chapter_id !== null && can.edit(user, e.chapter_id)
}

export function embedSnippet(view: ReturnType<typeof slateView>, origin: string): string {
  const esc = escapeHtml
  const items = view.endorsements.map(
    (e) =>
      `    <li class="tenfold-endorsement"><span class="tenfold-body">${esc(e.body)}</span> ` +
      `<span class="tenfold-what">endorsed ${esc(e.what)}</span> ` +
      `<time class="tenfold-date" datetime="${e.date}">${esc(e.dateLabel)}</time></li>`,
  )
  return [
    `<section class="tenfold-endorsements">`,
    `  <h2 class="tenfold-title">Union endorsements — ${esc(view.slate.name)}</h2>`,
    items.length
      ? `  <ul class="tenfold-list">\n${items.join('\n')}\n  </ul>`
      : `  <p class="tenfold-empty">No endorsements published yet.</p>`,
    `  <p class="tenfold-source"><a href="${esc(origin)}/public/slates/${esc(view.slug)}">Full list</a></p>`,
    `</section>`,
    '',
  ].join('\n')
}

export default async function publicRoutes(app: FastifyInstance) {
  const db = app.db

  async function loadPublic(slug: string) {
    const slate = await findPublicSlate(db, slug)
    if (!slate) throw notFound('That endorsement list')
    return slate
  }

  // Absolute addresses come from the configured PUBLIC_URL, never from the request's Host header.
  const origin = app.config.publicUrl

  app.get(
    '/public/slates/:slug',
    { schema: { params: publicSlugParams }, config: { public: true }, ...noCookies },
    async function showPublicSlate(request, reply) {
      const { slug } = request.params as { slug: string }
      if (slug.endsWith('.json')) return publicFeed(request, reply, slug.slice(0, -5))
      const view = slateView(await loadPublic(slug), slug)
      const html = await reply.viewAsync(
        'public/slate',
        { ...view, title: `Endorsements — ${view.slate.name}`, candidate: null },
        { layout: 'public/layout' },
      )
      return sendCached(request, reply, 'text/html; charset=utf-8', html)
    },
  )

  async function publicFeed(request: FastifyRequest, reply: FastifyReply, slug: string) {
    if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw notFound('That endorsement list')
    const view = slateView(await loadPublic(slug), slug)
    const feed = {
      slate: {
        name: view.slate.name,
        cycle: view.slate.cycle || null,
        url: `${origin}/public/slates/${slug}`,
      },
      endorsements: view.endorsements.map((e) => ({
        body: e.body,
        level: e.level,
        candidate: e.candidate,
        decided_on: e.date,
      })),
    }
    return sendCached(request, reply, 'application/json; charset=utf-8', JSON.stringify(feed))
  }

  app.get(
    '/public/slates/:slug/candidates/:id',
    { schema: { params: publicCandidateParams }, config: { public: true }, ...noCookies },
    async function showPublicCandidate(request, reply) {
      const { slug, id } = request.params as { slug: string; id: number }
      const slate = await loadPublic(slug)
      const candidate = slate.candidates.find((c) => c.id === id)
      if (!candidate) throw notFound('That candidate')
      const view = slateView(slate, slug, id)
      const html = await reply.viewAsync(
        'public/slate',
        { ...view, title: `Endorsements — ${candidate.name}`, candidate },
        { layout: 'public/layout' },
      )
      return sendCached(request, reply, 'text/html; charset=utf-8', html)
    },
  )

  app.get(
    '/public/slates/:slug/embed',
    { schema: { params: publicSlugParams }, config: { public: true }, ...noCookies },
    async function showEmbed(request, reply) {
      const { slug } = request.params as { slug: string }
      const view = slateView(await loadPublic(slug), slug)
      return sendCached(request, reply, 'text/html; charset=utf-8', embedSnippet(view, origin))
    },
  )

  // ---- Settings (signed in) ----------------------------------------------------

  async function settingsView(
    request: FastifyRequest,
    slate: NonNullable<Awaited<ReturnType<typeof findSlateSettings>>>,
    values: Record<string, string>,
    errors: FieldErrors,
    extra: Record<string, unknown> = {},
  ) {
    const user = request.user!
    const rows = await listSlateEndorsementsForPublic(db, slate.id)
    const published =
      slate.public_enabled && slate.public_slug ? await findPublicSlate(db, slate.public_slug) : undefined
    return {
      title: `Public list — ${slate.name}`,
      slate,
      canPublish: mayPublish(user, slate),
      values,
      errors,
      action: `/slates/${slate.id}/public`,
      publicUrl: slate.public_enabled && slate.public_slug ? `${origin}/public/slates/${slate.public_slug}` : null,
      feedUrl: slate.public_enabled && slate.public_slug ? `${origin}/public/slates/${slate.public_slug}.json` : null,
      snippet: published ? embedSnippet(slateView(published, slate.public_slug!), origin) : '',
      endorsements: rows.map((e) => ({
        id: e.id,
        body: e.body,
        what: e.candidate ?? 'Whole slate',
        date: e.decided_on,
        isPublic: e.is_public,
        canToggle: mayMarkPublic(user, { national_union_id: e.national_union_id, chapter_id: e.chapter_id }),
      })),
      ...extra,
    }
  }

  async function loadSettings(request: FastifyRequest) {
    const { id } = request.params as { id: number }
    const slate = await findSlateSettings(db, id)
    if (!slate) throw notFound('That slate')
    if (!maySeeSettings(request.user!)) throw forbidden()
    return slate
  }

  app.get('/slates/:id/public', { schema: { params: idParam } }, async function showPublicSettings(request, reply) {
    const slate = await loadSettings(request)
    const values = {
      public_slug: slate.public_slug ?? suggestSlug(slate.name),
      public_enabled: slate.public_enabled ? 'on' : '',
      version: String(slate.version),
    }
    return reply.page('public/settings', await settingsView(request, slate, values, {}))
  })

  app.post('/slates/:id/public', { schema: { params: idParam } }, async function savePublicSettings(request, reply) {
    const slate = await loadSettings(request)
    if (!mayPublish(request.user!, slate)) throw forbidden()
    const values = formValues(request.body)
    const rerender = async (errors: FieldErrors, status = 422, extra: Record<string, unknown> = {}) =>
      reply.page('public/settings', await settingsView(request, slate, values, errors, extra), { status })
    const form = parseForm(publicSettingsForm, request.body)
    if (!form.ok) return rerender(form.errors)
    try {
      const row = await versionedTransaction(db, async (trx) => {
        const r = await updateSlatePublic(trx, slate.id, expectedVersion(values.version), form.data)
        if (isConflict(r)) return r
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'slate',
          entityId: slate.id,
          before: { public_slug: slate.public_slug, public_enabled: slate.public_enabled },
          after: { public_slug: r.public_slug, public_enabled: r.public_enabled },
        })
        return r
      })
      if (isConflict(row)) {
        const current = row.current
        if (!current) throw notFound('That slate')
        values.version = String(current.version)
        const conflict = conflictView(row, {
          what: 'slate',
          userId: request.user!.id,
          timeZone: viewerZone(request.user),
          saved: [
            { label: 'Address', value: current.public_slug ?? '' },
            { label: 'Published', value: current.public_enabled ? 'yes' : 'no' },
          ],
        })
        return rerender({ _form: conflict.message }, 409, { conflict })
      }
    } catch (err) {
      if ((err as { code?: string }).code === '23505')
        return rerender({ public_slug: 'Another slate already uses this address.' })
      throw err
    }
    setFlash(reply, 'ok', form.data.public_enabled ? 'The public list is on.' : 'The public list is off.')
    return reply.redirect(`/slates/${slate.id}/public`, 303)
  })

  app.post(
    '/endorsements/:id/public',
    { schema: { params: idParam } },
    async function markEndorsementPublic(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const e = await findEndorsementForPublic(db, id)
      if (!e) throw notFound('That endorsement')
      if (!mayMarkPublic(user, e)) throw forbidden()
      const form = parseForm(endorsementPublicForm, request.body)
      const isPublic = form.ok ? form.data.public : false
      await db.transaction().execute(async (trx) => {
        const row = await setEndorsementPublic(trx, id, isPublic)
        if (row)
          await audit(trx, request.actor, {
            action: 'update',
            entity: 'endorsement',
            entityId: id,
            chapterId: row.chapter_id,
            before: { is_public: e.is_public },
            after: { is_public: row.is_public },
          })
      })
      setFlash(reply, 'ok', isPublic ? 'The endorsement is now public.' : 'The endorsement is no longer public.')
      return reply.redirect(`/slates/${e.slate_id}/public#endorsement-${id}`, 303)
    },
  )
}
