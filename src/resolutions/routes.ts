// The model resolution library: /resolutions (browse, filter, full-text
// search), /resolutions/new, /resolutions/:id (the text, its versions, and the
// fill-for-a-drive view), /resolutions/:id/edit → POST /resolutions/:id/versions
// (a change is always a new version), downloads (/resolutions/:id/render.txt,
// .md, .docx), share links (POST /resolutions/:id/share, revoke, and the public
// /share/:token), and filings (POST /resolutions/:id/filings, the filing page
// with its diffs, POST /resolutions/filings/:id/adopted).
import crypto from 'node:crypto'
import { diffWords } from 'diff'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { audit } from '../audit/audit.ts'
import { can, readScope, type CurrentUser } from '../auth/access.ts'
import { filingMessage, filingNoticeView, recordFiling } from '../drives/filings.ts'
import { driveConflictView } from '../drives/present.ts'
import { listDriveOptions } from '../drives/queries.ts'
import { todayIn } from '../drives/vote-dates.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import {
  conflictView,
  expectedVersion,
  isConflict,
  readConflict,
  updateVersioned,
  versionedTransaction,
} from '../shared/conflict.ts'
import { setFlash } from '../shared/flash.ts'
import { formatDate, formatMoment, viewerZone } from '../shared/format.ts'
import { formValues, idFilter, idParam, parseForm, type FieldErrors } from '../shared/validation.ts'
import { leftoverBlanks, missingFieldsView, normaliseText, readMissingValues } from './adapt.ts'
import { renderDocx } from './docx.ts'
import { fileName, mergeValues, plainToHtml, plainToMarkdown } from './fill.ts'
import { escapeHtml } from '../shared/html.ts'
import {
  fieldLabel,
  MERGE_FIELDS,
  parseTemplate,
  renderHtml,
  renderPlain,
  renderTemplate,
  type FieldValues,
  type Language,
} from './merge-fields.ts'
import { RESOLUTION_KINDS } from './model-texts.ts'
import {
  findAdaptation,
  findDriveContext,
  findFiling,
  findResolution,
  findShareLink,
  insertAdaptation,
  insertResolution,
  insertShareLink,
  insertVersion,
  listDriveFilings,
  listResolutions,
  listShareLinks,
  listSlateCandidates,
  listVersions,
  revokeShareLink,
  setAdoptedText,
  useShareLink,
  type Adaptation,
  type DriveContext,
  type SlateCandidate,
} from './queries.ts'
import {
  adaptForm,
  adoptedForm,
  fillQuery,
  filingForm,
  LANGUAGES,
  listQuery,
  missingForm,
  resolutionForm,
  shareForm,
  versionForm,
} from './schema.ts'

type FillParams = {
  drive?: number
  candidate?: number
  version?: number
  meetingDate?: string | null
  meetingBody?: string | null
}

const kindLabel = (k: string) => RESOLUTION_KINDS.find((x) => x.key === k)?.label ?? k
const languageLabel = (l: string) => LANGUAGES.find((x) => x.value === l)?.label ?? l
const sha256 = (s: string) => crypto.createHash('sha256').update(s).digest('hex')
const KNOWN_FIELDS = MERGE_FIELDS.map((f) => `{{${f.key}}}`).join(', ')

/** The 422 message for a template with unknown or malformed fields, or null when it is fine. */
export function templateError(body: string): string | null {
  const parsed = parseTemplate(body)
  const problems: string[] = []
  if (parsed.unknown.length) {
    const names = parsed.unknown.map((k) => `{{${k}}}`).join(', ')
    problems.push(`Unknown merge field${parsed.unknown.length > 1 ? 's' : ''}: ${names}.`)
  }
  for (const m of parsed.malformed.slice(0, 3))
    problems.push(`Line ${m.line}, column ${m.column} (“${m.snippet}”): ${m.message}`)
  if (!problems.length) return null
  return `${problems.join(' ')} The known fields are: ${KNOWN_FIELDS}.`
}

function fillQueryString(p: FillParams, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams()
  if (p.drive) q.set('drive', String(p.drive))
  if (p.candidate) q.set('candidate', String(p.candidate))
  if (p.version) q.set('version', String(p.version))
  if (p.meetingDate) q.set('meeting_date', p.meetingDate)
  if (p.meetingBody) q.set('meeting_body', p.meetingBody)
  for (const [k, v] of Object.entries(extra)) q.set(k, v)
  return q.toString()
}

/** Diff as HTML: `<ins>`/`<del>` with a text label each, so it does not rely on colour. */
export function diffHtml(from: string, to: string): { html: string; changes: number } {
  let changes = 0
  const html = diffWords(from, to)
    .map((p) => {
      const t = escapeHtml(p.value)
      if (p.added) {
        changes++
        return `<ins><span class="diff-mark">[added:</span> ${t}<span class="diff-mark">]</span></ins>`
      }
      if (p.removed) {
        changes++
        return `<del><span class="diff-mark">[removed:</span> ${t}<span class="diff-mark">]</span></del>`
      }
      return t
    })
    .join('')
  return { html, changes }
}

/** Carries a new share link's address from its POST to the page that shows it once. */
const SHARE_COOKIE = 'tf_share_new'

export default async function resolutionsRoutes(app: FastifyInstance) {
  const db = app.db

  /** Everything the fill view and the downloads need; 404 for another chapter's drive. */
  async function loadFill(user: CurrentUser, id: number, p: FillParams) {
    const resolution = await findResolution(db, id)
    if (!resolution) throw notFound('That resolution')
    const versions = await listVersions(db, id)
    const version = p.version ? versions.find((v) => v.id === p.version) : versions[0]
    if (!version) throw notFound('That version')
    const language = resolution.language as Language
    let drive: DriveContext | undefined
    let candidates: SlateCandidate[] = []
    let candidate: SlateCandidate | undefined
    let values: FieldValues = {}
    let adaptation: Adaptation | undefined
    if (p.drive) {
      drive = await findDriveContext(db, readScope(user), p.drive)
      if (!drive) throw notFound('That drive')
      candidates = await listSlateCandidates(db, drive.slate_id)
      const candidateId = p.candidate ?? drive.candidate_id
      candidate = candidateId ? candidates.find((c) => c.id === candidateId) : undefined
      if (p.candidate && !candidate) throw notFound('That candidate')
      values = mergeValues({
        language,
        drive,
        candidate: candidate ?? null,
        slateCandidates: candidates,
        meetingBody: p.meetingBody,
        // The drive's vote date is the meeting's date unless another one is chosen.
        meetingDate: p.meetingDate ?? drive.vote_date,
      })
      adaptation = await findAdaptation(db, drive.id, id)
    }
    // The drive's adapted text stands in for the model's, unless another version or candidate is asked for.
    const applies =
      adaptation !== undefined &&
      (!p.version || p.version === adaptation.based_on_version_id) &&
      adaptation.candidate_id === (candidate?.id ?? null)
    const adapted = applies ? adaptation : undefined
    const plain = adapted ? adapted.body : renderPlain(version.body, values)
    return {
      resolution,
      versions,
      version: adapted ? (versions.find((v) => v.id === adapted.based_on_version_id) ?? version) : version,
      language,
      drive,
      candidates,
      candidate,
      values,
      plain,
      adaptation,
      adapted,
      meetingDate: p.meetingDate ?? drive?.vote_date ?? null,
    }
  }

  function fillParams(query: Record<string, string | undefined>): FillParams {
    return {
      drive: idFilter(query.drive),
      candidate: idFilter(query.candidate),
      version: idFilter(query.version),
      meetingDate: query.meeting_date || null,
      meetingBody: query.meeting_body?.trim() || null,
    }
  }

  async function renderShow(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    p: FillParams,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const user = request.user!
    const f = await loadFill(user, id, p)
    const { resolution: r, drive } = f
    const canAct = drive ? can.edit(user, drive.chapter_id) : false
    const [driveOptions, shares, filings] = await Promise.all([
      listDriveOptions(db, readScope(user)),
      drive && canAct ? listShareLinks(db, drive.id, r.id) : Promise.resolve([]),
      drive ? listDriveFilings(db, drive.id) : Promise.resolve([]),
    ])
    const missing = drive && !f.adapted ? renderTemplate(f.version.body, f.values).missing : []
    const adaptation = f.adaptation
    const otherQs = fillQueryString({ drive: drive?.id, candidate: adaptation?.candidate_id || undefined })
    const qs = fillQueryString({ ...p, version: f.version.id === f.versions[0]?.id ? undefined : f.version.id })
    const zone = drive?.time_zone ?? viewerZone(user)
    const stamp = (d: Date) => formatMoment(d, zone)
    return reply.page(
      'resolutions/show',
      {
        title: r.title,
        resolution: {
          id: r.id,
          title: r.title,
          kindLabel: kindLabel(r.kind),
          languageLabel: languageLabel(r.language),
          tags: r.tags,
        },
        version: {
          id: f.version.id,
          number: f.version.number,
          isLatest: f.version.id === f.versions[0]?.id,
          filed: f.version.filed,
        },
        versions: f.versions.map((v) => ({
          id: v.id,
          number: v.number,
          note: v.note,
          author: v.author,
          at: stamp(v.created_at),
          filed: v.filed,
          url: `/resolutions/${r.id}?${fillQueryString({ ...p, version: v.id })}`,
          current: v.id === f.version.id,
        })),
        textHtml: f.adapted ? plainToHtml(f.adapted.body) : renderHtml(f.version.body, f.values),
        filled: Boolean(drive),
        missing: missing.map((k) => ({ key: k, label: fieldLabel(k) })),
        missingFields: canAct ? missingFieldsView(missing) : [],
        adapted: f.adapted
          ? {
              by: f.adapted.author ?? 'Someone',
              at: stamp(f.adapted.updated_at),
              basedOn: f.adapted.based_on_number,
              outdated: f.adapted.based_on_number < (f.versions[0]?.number ?? 0),
            }
          : null,
        // An adapted text for this drive that is not shown (another version or candidate was chosen).
        otherAdaptation:
          adaptation && !f.adapted
            ? {
                url: `/resolutions/${r.id}?${otherQs}`,
              }
            : null,
        adapt: {
          text: f.plain,
          version: adaptation?.version ?? 0,
        },
        driveUrl: drive ? `/drives/${drive.id}` : '',
        picker: {
          drive: drive?.id ?? '',
          candidate: f.candidate?.id ?? '',
          meetingDate: f.meetingDate ?? '',
          meetingBody: p.meetingBody ?? '',
          driveOptions: driveOptions.map((d) => ({
            value: d.id,
            label: [
              `${d.local_name ?? d.union_name ?? `Drive ${d.id}`} — ${d.slate_name}`,
              d.chapter_name && `(${d.chapter_name})`,
            ]
              .filter(Boolean)
              .join(' '),
          })),
          candidateOptions: f.candidates.map((c) => ({
            value: c.id,
            label: `${c.name} — ${c.office}${c.status === 'running' ? '' : ` (${c.status})`}`,
          })),
          version: f.version.id === f.versions[0]?.id ? '' : f.version.id,
        },
        driveLabel: drive ? (drive.local_name ?? drive.union_name ?? `Drive ${drive.id}`) : '',
        downloads: drive
          ? {
              txt: `/resolutions/${r.id}/render.txt?${qs}`,
              md: `/resolutions/${r.id}/render.md?${qs}`,
              docx: `/resolutions/${r.id}/render.docx?${qs}`,
            }
          : null,
        canEditLibrary: can.editDirectory(user),
        canAct,
        shares: shares.map((s) => ({
          id: s.id,
          uses: s.uses,
          version: s.number,
          author: s.author,
          created: stamp(s.created_at),
          expires: s.expires_at ? stamp(s.expires_at) : 'Never',
          status: s.revoked_at ? 'Revoked' : s.active ? 'Active' : 'Expired',
          active: s.active,
        })),
        filings: filings.map((x) => ({
          id: x.id,
          filedOn: formatDate(x.filed_on),
          body: x.body,
          title: x.title,
          version: x.version_number,
          adopted: x.adopted_text !== null,
          earliest: formatDate(x.earliest_vote_on),
        })),
        hidden: Object.entries({
          drive: drive?.id,
          candidate: f.candidate?.id,
          meeting_date: f.meetingDate,
          meeting_body: p.meetingBody,
          version: f.version.id,
        })
          .filter(([, v]) => v !== undefined && v !== null && v !== '')
          .map(([name, value]) => ({ name, value: String(value) })),
        fields: MERGE_FIELDS,
        errors: {},
        adaptErrors: {},
        adaptValues: {},
        missingErrors: {},
        missingValues: {},
        conflict: null,
        filingDrive: drive ? { version: drive.version, notice: filingNoticeView(drive) } : null,
        filingConflict: null,
        values: {
          filed_on: drive ? todayIn(drive.time_zone ?? 'UTC') : '',
          body: p.meetingBody ?? (drive ? (f.values['meeting.body'] ?? '') : ''),
          expires_days: '',
        },
        ...extra,
      },
      { status },
    )
  }

  // -------------------------------------------------------------------------
  // Library

  app.get('/resolutions', { schema: { querystring: listQuery } }, async function listResolutionsPage(request, reply) {
    const query = request.query as { q?: string; kind?: string; language?: string; drive?: string }
    const filters = {
      q: query.q?.trim() || undefined,
      kind: (query.kind || undefined) as Parameters<typeof listResolutions>[1]['kind'],
      language: (query.language || undefined) as 'en' | 'es' | undefined,
    }
    const driveId = idFilter(query.drive)
    const [rows, drive] = await Promise.all([
      listResolutions(db, filters),
      driveId ? findDriveContext(db, readScope(request.user!), driveId) : Promise.resolve(undefined),
    ])
    if (driveId && !drive) throw notFound('That drive')
    const view = {
      title: 'Resolutions',
      filters: { q: filters.q ?? '', kind: filters.kind ?? '', language: filters.language ?? '' },
      // Choosing for a drive: the rows open filled in for it, and the page links back to it.
      forDrive: drive
        ? {
            id: drive.id,
            url: `/drives/${drive.id}`,
            label: drive.local_name ?? drive.union_name ?? `Drive ${drive.id}`,
          }
        : null,
      rows: rows.map((r) => ({
        ...r,
        url: `/resolutions/${r.id}${drive ? `?drive=${drive.id}` : ''}`,
        kindLabel: kindLabel(r.kind),
        languageLabel: languageLabel(r.language),
        updated: formatDate(r.latest_at, viewerZone(request.user)),
      })),
      kindOptions: RESOLUTION_KINDS.map((k) => ({ value: k.key, label: k.label })),
      languageOptions: LANGUAGES,
      canCreate: can.editDirectory(request.user!),
      anyFilter: Boolean(filters.q || filters.kind || filters.language),
    }
    return reply.page('resolutions/index', view, {
      fragment: { target: 'resolutions-results', view: 'resolutions/_results' },
    })
  })

  function formContext(extra: Record<string, unknown>) {
    return {
      kindOptions: RESOLUTION_KINDS.map((k) => ({ value: k.key, label: k.label })),
      languageOptions: LANGUAGES,
      fields: MERGE_FIELDS,
      ...extra,
    }
  }

  app.get('/resolutions/new', async function newResolution(request, reply) {
    if (!can.editDirectory(request.user!)) throw forbidden()
    return reply.page(
      'resolutions/form',
      formContext({
        title: 'New resolution',
        action: '/resolutions',
        isNew: true,
        values: { language: 'en' },
        errors: {},
      }),
    )
  })

  app.post('/resolutions', async function createResolution(request, reply) {
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden()
    const form = parseForm(resolutionForm, request.body)
    const rerender = (errors: FieldErrors) =>
      reply.page(
        'resolutions/form',
        formContext({
          title: 'New resolution',
          action: '/resolutions',
          isNew: true,
          values: formValues(request.body),
          errors,
        }),
        { status: 422 },
      )
    if (!form.ok) return rerender(form.errors)
    const problem = templateError(form.data.body)
    if (problem) return rerender({ body: problem })
    const d = form.data
    const created = await db.transaction().execute(async (trx) => {
      const r = await insertResolution(trx, {
        title: d.title,
        kind: d.kind,
        language: d.language,
        tags: d.tags,
        created_by: user.id,
      })
      const v = await insertVersion(trx, { resolution_id: r.id, body: d.body, note: d.note, created_by: user.id })
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'resolution',
        entityId: r.id,
        after: { ...r, version_number: v.number },
      })
      return r
    })
    setFlash(reply, 'ok', `${created.title} was added to the library.`)
    return reply.redirect(`/resolutions/${created.id}`, 303)
  })

  app.get(
    '/resolutions/:id',
    { schema: { params: idParam, querystring: fillQuery } },
    async function showResolution(request, reply) {
      const { id } = request.params as { id: number }
      // A share link just made (post/redirect/get): shown once, from a cookie that lives two minutes.
      const shared = request.cookies?.[SHARE_COOKIE]
      const newShareUrl = shared ? request.unsignCookie(shared) : null
      if (shared) reply.clearCookie(SHARE_COOKIE, { path: `/resolutions/${id}` })
      const extra = newShareUrl?.valid ? { newShareUrl: newShareUrl.value } : {}
      if (newShareUrl?.valid) reply.header('Cache-Control', 'no-store')
      return renderShow(request, reply, id, fillParams(request.query as Record<string, string>), extra)
    },
  )

  app.get('/resolutions/:id/edit', { schema: { params: idParam } }, async function editResolution(request, reply) {
    const { id } = request.params as { id: number }
    if (!can.editDirectory(request.user!)) throw forbidden()
    const r = await findResolution(db, id)
    if (!r) throw notFound('That resolution')
    const [latest] = await listVersions(db, id)
    return reply.page(
      'resolutions/form',
      formContext({
        title: `New version of ${r.title}`,
        action: `/resolutions/${id}/versions`,
        isNew: false,
        resolution: r,
        values: { body: latest?.body ?? '', base: String(latest?.number ?? 0) },
        errors: {},
      }),
    )
  })

  app.post('/resolutions/:id/versions', { schema: { params: idParam } }, async function createVersion(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    if (!can.editDirectory(user)) throw forbidden()
    const r = await findResolution(db, id)
    if (!r) throw notFound('That resolution')
    const values = formValues(request.body)
    const rerender = (errors: FieldErrors, status = 422) =>
      reply.page(
        'resolutions/form',
        formContext({
          title: `New version of ${r.title}`,
          action: `/resolutions/${id}/versions`,
          isNew: false,
          resolution: r,
          values,
          errors,
        }),
        { status },
      )
    const form = parseForm(versionForm, request.body)
    if (!form.ok) return rerender(form.errors)
    const problem = templateError(form.data.body)
    if (problem) return rerender({ body: problem })
    const saved = await db.transaction().execute(async (trx) => {
      const [latest] = await listVersions(trx, id)
      if (form.data.base !== null && latest && latest.number !== form.data.base) return { conflict: latest.number }
      if (latest && latest.body === form.data.body) return { same: latest.number }
      const v = await insertVersion(trx, {
        resolution_id: id,
        body: form.data.body,
        note: form.data.note,
        created_by: user.id,
      })
      await audit(trx, request.actor, {
        action: 'version',
        entity: 'resolution',
        entityId: id,
        before: latest ? { version_number: latest.number } : null,
        after: { version_number: v.number, note: v.note },
      })
      return { number: v.number }
    })
    if ('conflict' in saved) {
      values.base = String(saved.conflict)
      return rerender(
        {
          _form:
            `Someone saved version ${saved.conflict} after you opened this text. ` +
            'Your text is kept below; save again to make it the next version.',
        },
        409,
      )
    }
    if ('same' in saved) {
      setFlash(reply, 'warn', `The text did not change; version ${saved.same} stays the latest.`)
      return reply.redirect(`/resolutions/${id}`, 303)
    }
    setFlash(reply, 'ok', `Saved as version ${saved.number}.`)
    return reply.redirect(`/resolutions/${id}`, 303)
  })

  // -------------------------------------------------------------------------
  // Downloads of the filled text

  async function download(request: FastifyRequest, reply: FastifyReply, kind: 'txt' | 'md' | 'docx') {
    const { id } = request.params as { id: number }
    const p = fillParams(request.query as Record<string, string>)
    const f = await loadFill(request.user!, id, p)
    const name = fileName([f.resolution.title, f.drive?.local_name ?? f.drive?.union_name], kind)
    reply.header('Content-Disposition', `attachment; filename="${name}"`)
    if (kind === 'txt') return reply.type('text/plain; charset=utf-8').send(`${f.resolution.title}\n\n${f.plain}\n`)
    if (kind === 'md')
      return reply.type('text/markdown; charset=utf-8').send(plainToMarkdown(f.resolution.title, f.plain))
    const buf = await renderDocx({
      title: f.resolution.title,
      body: f.plain,
      language: f.language,
      meetingBody: f.values['meeting.body'],
      meetingDate: f.values['meeting.date'],
    })
    return reply.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').send(buf)
  }

  app.get('/resolutions/:id/render.txt', { schema: { params: idParam, querystring: fillQuery } }, (req, rep) =>
    download(req, rep, 'txt'),
  )
  app.get('/resolutions/:id/render.md', { schema: { params: idParam, querystring: fillQuery } }, (req, rep) =>
    download(req, rep, 'md'),
  )
  app.get('/resolutions/:id/render.docx', { schema: { params: idParam, querystring: fillQuery } }, (req, rep) =>
    download(req, rep, 'docx'),
  )

  // -------------------------------------------------------------------------
  // The text adapted for a drive: what is printed, shared, downloaded and filed

  /** The fill parameters a posted form carries (drive, candidate, version, meeting). */
  const paramsOf = (d: {
    drive: number
    candidate: number | null
    version: number | null
    meeting_date: string | null
    meeting_body: string | null
  }): FillParams => ({
    drive: d.drive,
    candidate: d.candidate ?? undefined,
    version: d.version ?? undefined,
    meetingDate: d.meeting_date,
    meetingBody: d.meeting_body,
  })

  async function loadForAdapting(request: FastifyRequest, id: number, params: FillParams) {
    const f = await loadFill(request.user!, id, params)
    if (!can.edit(request.user!, f.drive!.chapter_id))
      throw forbidden('Only the chapter’s organizers can adapt a resolution for a drive.')
    return f
  }

  const backTo = (id: number, p: FillParams) => `/resolutions/${id}?${fillQueryString(p)}`

  app.post(
    '/resolutions/:id/adaptation/details',
    { schema: { params: idParam } },
    async function fillMissingDetails(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const raw = formValues(request.body)
      const p = fillParams(raw)
      const form = parseForm(missingForm, request.body)
      if (!form.ok) {
        if (!p.drive) throw notFound('That drive')
        return renderShow(request, reply, id, p, { missingErrors: form.errors, missingValues: raw }, 422)
      }
      const params = paramsOf(form.data)
      const f = await loadForAdapting(request, id, params)
      const drive = f.drive!
      if (f.adaptation) {
        setFlash(reply, 'warn', 'This drive already has an adapted text. Change it in “Adapt the text”.')
        return reply.redirect(backTo(id, params), 303)
      }
      const missing = renderTemplate(f.version.body, f.values).missing
      const typed = readMissingValues(raw, missing, f.language, drive.time_zone ?? 'UTC')
      if (Object.keys(typed.errors).length)
        return renderShow(request, reply, id, params, { missingErrors: typed.errors, missingValues: raw }, 422)
      const body = renderPlain(f.version.body, { ...f.values, ...typed.values })
      const created = await db.transaction().execute(async (trx) => {
        const row = await insertAdaptation(trx, {
          drive_id: drive.id,
          resolution_id: id,
          based_on_version_id: f.version.id,
          candidate_id: f.candidate?.id ?? null,
          body,
          fields: typed.typed,
          created_by: user.id,
        })
        if (row)
          await audit(trx, request.actor, {
            action: 'create',
            entity: 'resolution_adaptation',
            entityId: row.id,
            chapterId: drive.chapter_id,
            after: { drive_id: drive.id, resolution_id: id, based_on_version_id: f.version.id, fields: typed.typed },
          })
        return row
      })
      setFlash(
        reply,
        created ? 'ok' : 'warn',
        created
          ? 'The details are filled in. Read the text through, and adapt any sentence before you print, share or file.'
          : 'Someone adapted this text for the drive a moment ago. Their text is shown; change it under “Adapt”.',
      )
      return reply.redirect(`${backTo(id, params)}#resolution-text`, 303)
    },
  )

  app.post(
    '/resolutions/:id/adaptation',
    { schema: { params: idParam } },
    async function saveAdaptation(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const raw = formValues(request.body)
      const p = fillParams(raw)
      const form = parseForm(adaptForm, request.body)
      if (!form.ok) {
        if (!p.drive) throw notFound('That drive')
        return renderShow(request, reply, id, p, { adaptErrors: form.errors, adaptValues: raw }, 422)
      }
      const params = paramsOf(form.data)
      const f = await loadForAdapting(request, id, params)
      const drive = f.drive!
      const text = normaliseText(form.data.text)
      const blanks = leftoverBlanks(text)
      if (blanks.length)
        return renderShow(
          request,
          reply,
          id,
          params,
          {
            adaptErrors: {
              text:
                `The text still has ${blanks.length === 1 ? 'a blank' : 'blanks'} to fill: ${blanks.join(', ')}. ` +
                'Write in the words each one stands for.',
            },
            adaptValues: raw,
          },
          422,
        )
      const expected = form.data.adaptation_version
      const saved = await versionedTransaction(db, async (trx) => {
        const current = await findAdaptation(trx, drive.id, id)
        const columns = { based_on_version_id: f.version.id, candidate_id: f.candidate?.id ?? null }
        if (expected === 0 && !current) {
          const row = await insertAdaptation(trx, {
            drive_id: drive.id,
            resolution_id: id,
            ...columns,
            body: text,
            fields: {},
            created_by: user.id,
          })
          if (!row)
            return readConflict(trx, 'resolution_adaptations', (await findAdaptation(trx, drive.id, id))?.id ?? 0)
          await audit(trx, request.actor, {
            action: 'create',
            entity: 'resolution_adaptation',
            entityId: row.id,
            chapterId: drive.chapter_id,
            after: { drive_id: drive.id, resolution_id: id, ...columns, body: text },
          })
          return row
        }
        if (!current) return readConflict(trx, 'resolution_adaptations', 0)
        const row = await updateVersioned(trx, 'resolution_adaptations', current.id, expected, {
          ...columns,
          body: text,
          updated_by: user.id,
        })
        if (isConflict(row)) return row
        await audit(trx, request.actor, {
          action: 'update',
          entity: 'resolution_adaptation',
          entityId: row.id,
          chapterId: drive.chapter_id,
          before: { body: current.body, based_on_version_id: current.based_on_version_id },
          after: { body: row.body, based_on_version_id: row.based_on_version_id },
        })
        return row
      })
      if (isConflict(saved)) {
        const view = conflictView(saved, {
          what: 'adapted text',
          userId: user.id,
          timeZone: drive.time_zone,
          saved: saved.current ? [{ label: 'The text saved now', value: saved.current.body }] : [],
        })
        return renderShow(
          request,
          reply,
          id,
          params,
          {
            adaptErrors: { _form: view.message },
            adaptValues: { ...raw, adaptation_version: String(saved.current?.version ?? 0) },
            conflict: view,
          },
          409,
        )
      }
      setFlash(reply, 'ok', 'The adapted text is saved. It is what you print, share, download and file for this drive.')
      return reply.redirect(`${backTo(id, params)}#resolution-text`, 303)
    },
  )

  app.post(
    '/resolutions/:id/adaptation/discard',
    { schema: { params: idParam } },
    async function discardAdaptation(request, reply) {
      const { id } = request.params as { id: number }
      const raw = formValues(request.body)
      const p = fillParams(raw)
      const form = parseForm(
        adaptForm.pick({
          drive: true,
          candidate: true,
          version: true,
          meeting_date: true,
          meeting_body: true,
          adaptation_version: true,
        }),
        request.body,
      )
      if (!form.ok) {
        if (!p.drive) throw notFound('That drive')
        return renderShow(request, reply, id, p, { adaptErrors: form.errors, adaptValues: raw }, 422)
      }
      const params = paramsOf(form.data)
      const f = await loadForAdapting(request, id, params)
      const drive = f.drive!
      const gone = await versionedTransaction(db, async (trx) => {
        const current = await findAdaptation(trx, drive.id, id)
        if (!current) return readConflict(trx, 'resolution_adaptations', 0)
        const row = await updateVersioned(trx, 'resolution_adaptations', current.id, form.data.adaptation_version, {
          deleted_at: new Date(),
          updated_by: request.user!.id,
        })
        if (isConflict(row)) return row
        await audit(trx, request.actor, {
          action: 'delete',
          entity: 'resolution_adaptation',
          entityId: row.id,
          chapterId: drive.chapter_id,
          before: { body: current.body },
        })
        return row
      })
      if (isConflict(gone)) {
        setFlash(
          reply,
          'warn',
          gone.current
            ? 'The adapted text changed since you opened it; it was kept. Look at it again first.'
            : 'There is no adapted text for this drive any more.',
        )
        return reply.redirect(backTo(id, params), 303)
      }
      setFlash(reply, 'ok', 'The adapted text was set aside; the model text is filled in for the drive again.')
      return reply.redirect(backTo(id, params), 303)
    },
  )

  // -------------------------------------------------------------------------
  // Share links

  app.post('/resolutions/:id/share', { schema: { params: idParam } }, async function createShareLink(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const raw = formValues(request.body)
    const p = fillParams(raw)
    const form = parseForm(shareForm, request.body)
    if (!form.ok) {
      if (!p.drive) throw notFound('That drive')
      return renderShow(request, reply, id, p, { errors: form.errors, values: raw }, 422)
    }
    const params: FillParams = {
      drive: form.data.drive,
      candidate: form.data.candidate ?? undefined,
      version: form.data.version ?? undefined,
      meetingDate: form.data.meeting_date,
      meetingBody: form.data.meeting_body,
    }
    const f = await loadFill(user, id, params)
    const drive = f.drive!
    if (!can.edit(user, drive.chapter_id))
      throw forbidden('Only the chapter’s organizers can share a filled resolution.')
    const token = crypto.randomBytes(32).toString('base64url')
    const expiresAt = form.data.expires_days ? new Date(Date.now() + form.data.expires_days * 86_400_000) : null
    await db.transaction().execute(async (trx) => {
      const link = await insertShareLink(trx, {
        token_hash: sha256(token),
        resolution_version_id: f.version.id,
        drive_id: drive.id,
        candidate_id: f.candidate?.id ?? null,
        chapter_id: drive.chapter_id,
        filled_title: f.resolution.title,
        filled_body: f.plain,
        language: f.language,
        created_by: user.id,
        expires_at: expiresAt,
      })
      await audit(trx, request.actor, {
        action: 'create',
        entity: 'share_link',
        entityId: link.id,
        chapterId: drive.chapter_id,
        after: { resolution_id: id, version_id: f.version.id, drive_id: drive.id, expires_at: expiresAt },
      })
    })
    const url = `${app.config.publicUrl}/share/${token}`
    reply.setCookie(SHARE_COOKIE, url, {
      path: `/resolutions/${id}`,
      httpOnly: true,
      sameSite: 'lax',
      signed: true,
      maxAge: 120,
    })
    const qs = fillQueryString(params)
    return reply.redirect(`/resolutions/${id}${qs ? `?${qs}` : ''}#share`, 303)
  })

  app.post(
    '/resolutions/share/:id/revoke',
    { schema: { params: idParam } },
    async function revokeShare(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const link = await findShareLink(db, readScope(user), id)
      if (!link) throw notFound('That share link')
      if (!can.edit(user, link.chapter_id)) throw forbidden()
      await db.transaction().execute(async (trx) => {
        const r = await revokeShareLink(trx, id)
        if (r)
          await audit(trx, request.actor, {
            action: 'revoke',
            entity: 'share_link',
            entityId: id,
            chapterId: link.chapter_id,
            before: { revoked_at: null },
            after: { revoked_at: r.revoked_at },
          })
      })
      setFlash(reply, 'ok', 'The share link was revoked. Anyone who opens it now sees that it is no longer active.')
      return reply.redirect(`/resolutions/${link.resolution_id}?drive=${link.drive_id ?? ''}`, 303)
    },
  )

  async function showShare(request: FastifyRequest, reply: FastifyReply) {
    const { token } = request.params as { token: string }
    const format = (request.query as { format?: string }).format
    const link = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await useShareLink(db, sha256(token)) : undefined
    if (!link) return reply.page('share/gone', { title: 'This link is no longer active' }, { status: 404 })
    const language = (link.language === 'es' ? 'es' : 'en') as Language
    if (format === 'txt' || format === 'docx') {
      reply.header('Content-Disposition', `attachment; filename="${fileName([link.filled_title], format)}"`)
      if (format === 'txt')
        return reply.type('text/plain; charset=utf-8').send(`${link.filled_title}\n\n${link.filled_body}\n`)
      const buf = await renderDocx({ title: link.filled_title, body: link.filled_body, language })
      return reply.type('application/vnd.openxmlformats-officedocument.wordprocessingml.document').send(buf)
    }
    reply.header('Referrer-Policy', 'no-referrer').header('X-Robots-Tag', 'noindex')
    return reply.page('share/show', {
      title: link.filled_title,
      textHtml: plainToHtml(link.filled_body),
      txtUrl: `/share/${token}?format=txt`,
      docxUrl: `/share/${token}?format=docx`,
      lang: language,
    })
  }

  app.get('/share/:token', { config: { public: true } }, showShare)

  // -------------------------------------------------------------------------
  // Filings

  app.post('/resolutions/:id/filings', { schema: { params: idParam } }, async function createFiling(request, reply) {
    const { id } = request.params as { id: number }
    const user = request.user!
    const raw = formValues(request.body)
    const p = fillParams(raw)
    const form = parseForm(filingForm, request.body)
    if (!form.ok) {
      if (!p.drive) throw notFound('That drive')
      return renderShow(request, reply, id, p, { errors: form.errors, values: raw }, 422)
    }
    const params: FillParams = {
      drive: form.data.drive,
      candidate: form.data.candidate ?? undefined,
      version: form.data.version ?? undefined,
      meetingDate: form.data.meeting_date,
      meetingBody: form.data.meeting_body,
    }
    const f = await loadFill(user, id, params)
    const drive = f.drive!
    if (!can.edit(user, drive.chapter_id)) throw forbidden('Only the chapter’s organizers can record a filing.')
    const saved = await versionedTransaction(db, (trx) =>
      recordFiling(trx, request.actor, {
        driveId: drive.id,
        expectedVersion: raw.drive_version === undefined ? null : expectedVersion(raw.drive_version),
        filedOn: form.data.filed_on,
        body: form.data.body,
        textFiled: f.plain,
        resolutionVersionId: f.version.id,
        candidateId: f.candidate?.id ?? null,
        actorId: user.id,
      }),
    )
    if (isConflict(saved)) {
      const view = driveConflictView(saved, user.id, drive.time_zone ?? 'UTC')
      const extra = { errors: { _form: view.message }, values: raw, filingConflict: view }
      return renderShow(request, reply, id, p, extra, 409)
    }
    const message = filingMessage(saved)
    setFlash(reply, message.kind, message.text)
    const filing = saved.filing
    return reply.redirect(`/resolutions/filings/${filing.id}`, 303)
  })

  async function renderFiling(
    request: FastifyRequest,
    reply: FastifyReply,
    id: number,
    extra: Record<string, unknown> = {},
    status = 200,
  ) {
    const user = request.user!
    const f = await findFiling(db, readScope(user), id)
    if (!f) throw notFound('That filing')
    const where = f.local_name ?? f.union_name ?? `drive ${f.drive_id}`
    const modelToFiled = f.model_body !== null ? diffHtml(f.model_body, f.text_filed) : null
    const filedToAdopted = f.adopted_text !== null ? diffHtml(f.text_filed, f.adopted_text) : null
    const modelToAdopted =
      f.adopted_text !== null && f.model_body !== null ? diffHtml(f.model_body, f.adopted_text) : null
    return reply.page(
      'resolutions/filing',
      {
        title: `Filing: ${f.resolution_title ?? 'resolution'} at ${where}`,
        filing: {
          id: f.id,
          filedOn: formatDate(f.filed_on),
          body: f.body,
          earliest: formatDate(f.earliest_vote_on),
          versionNumber: f.version_number,
          resolutionId: f.resolution_id,
          resolutionTitle: f.resolution_title,
          where: f.local_name ?? f.union_name,
          slate: f.slate_name,
          candidate: f.candidate_name,
          author: f.author,
          textFiled: f.text_filed,
          adoptedText: f.adopted_text,
          recorded: formatMoment(f.created_at, viewerZone(user)),
        },
        diffs: { modelToFiled, filedToAdopted, modelToAdopted },
        canEdit: can.edit(user, f.chapter_id),
        values: { adopted_text: f.adopted_text ?? f.text_filed },
        errors: {},
        ...extra,
      },
      { status },
    )
  }

  app.get('/resolutions/filings/:id', { schema: { params: idParam } }, async function showFiling(request, reply) {
    const { id } = request.params as { id: number }
    return renderFiling(request, reply, id)
  })

  app.post(
    '/resolutions/filings/:id/adopted',
    { schema: { params: idParam } },
    async function recordAdopted(request, reply) {
      const { id } = request.params as { id: number }
      const user = request.user!
      const before = await findFiling(db, readScope(user), id)
      if (!before) throw notFound('That filing')
      if (!can.edit(user, before.chapter_id)) throw forbidden()
      const form = parseForm(adoptedForm, request.body)
      if (!form.ok)
        return renderFiling(request, reply, id, { errors: form.errors, values: formValues(request.body) }, 422)
      await db.transaction().execute(async (trx) => {
        await setAdoptedText(trx, id, form.data.adopted_text)
        await audit(trx, request.actor, {
          action: 'adopted',
          entity: 'filing',
          entityId: id,
          chapterId: before.chapter_id,
          before: { adopted_text: before.adopted_text },
          after: { adopted_text: form.data.adopted_text },
        })
      })
      setFlash(reply, 'ok', 'Adopted text recorded.')
      return reply.redirect(`/resolutions/filings/${id}`, 303)
    },
  )
}
