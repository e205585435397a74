// /trash: what organizers and admins deleted in their chapters, with who and
// when, a Restore button per row, and (admins only) Purge — a hard delete that
// is refused while anything still points at the record. Every change is audited.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { can, editScope } from '../auth/access.ts'
import { audit } from '../audit/audit.ts'
import { forbidden, notFound } from '../plugins/errors.ts'
import { setFlash } from '../shared/flash.ts'
import { formatMoment, viewerZone } from '../shared/format.ts'
import { idFilter } from '../shared/validation.ts'
import {
  ENTITIES,
  ENTITY_KEYS,
  findTrashed,
  isEntityKey,
  listTrash,
  purgeRecord,
  referencesTo,
  restoreRecord,
  type EntityKey,
  listChapterChoices,
} from './queries.ts'

const query = {
  type: 'object',
  properties: {
    chapter: { type: 'string', pattern: '^[0-9]{0,9}$' },
    type: { type: 'string', maxLength: 40, pattern: '^[a-z_]*$' },
  },
} as const

const params = {
  type: 'object',
  properties: {
    entity: { type: 'string', maxLength: 40, pattern: '^[a-z_]+$' },
    id: { type: 'integer', minimum: 1, maximum: 2147483647 },
  },
  required: ['entity', 'id'],
} as const

const parentLabel = (e: EntityKey): string => {
  const def = ENTITIES[e]
  return 'parent' in def ? def.parent.label : 'record'
}

export default async function trashRoutes(app: FastifyInstance) {
  const db = app.db

  /** Only organizers (of some chapter) and admins have a trash. */
  function scopeFor(request: FastifyRequest) {
    const user = request.user!
    if (!user.isAdmin && !user.chapters.some((c) => c.role === 'organizer')) throw forbidden()
    return editScope(user)
  }

  app.get('/trash', { schema: { querystring: query } }, async function showTrash(request, reply) {
    const scope = scopeFor(request)
    const user = request.user!
    const q = request.query as { chapter?: string; type?: string }
    const chapterId = idFilter(q.chapter) ?? null
    const entity = isEntityKey(q.type) ? q.type : null
    const rows = await listTrash(db, scope, { chapterId, entity })
    const chapters = user.isAdmin ? await listChapterChoices(db) : user.chapters.filter((c) => c.role === 'organizer')
    return reply.page('trash/index', {
      title: 'Trash',
      canPurge: user.isAdmin,
      filters: { chapter: chapterId ? String(chapterId) : '', type: entity ?? '' },
      chapterOptions: chapters.map((c) => ({ value: String(c.id), label: c.name })),
      typeOptions: ENTITY_KEYS.map((k) => ({ value: k, label: ENTITIES[k].label })),
      rows: rows.map((r) => ({
        entity: r.entity,
        id: r.id,
        kind: ENTITIES[r.entity].label,
        name: r.name || '(no name)',
        chapter: r.chapter_name ?? '—',
        deletedAt: formatMoment(r.deleted_at, viewerZone(user)),
        deletedBy: r.deleted_by ?? 'Not recorded',
        blockedBy: r.parent_deleted ? `Restore its ${parentLabel(r.entity)} first.` : null,
      })),
    })
  })

  async function load(request: FastifyRequest) {
    const scope = scopeFor(request)
    const p = request.params as { entity: string; id: number }
    if (!isEntityKey(p.entity)) throw notFound('That record')
    const row = await findTrashed(db, scope, p.entity, p.id)
    if (!row) throw notFound('That deleted record')
    return { entity: p.entity as EntityKey, row }
  }

  const back = (reply: FastifyReply) => reply.redirect('/trash', 303)

  app.post('/trash/:entity/:id/restore', { schema: { params } }, async function restoreFromTrash(request, reply) {
    const { entity, row } = await load(request)
    if (!can.delete(request.user!, row.chapter_id)) throw forbidden()
    const def = ENTITIES[entity]
    if (row.parent_deleted) {
      setFlash(
        reply,
        'warn',
        `${def.label} “${row.name}” belongs to a deleted ${parentLabel(entity)}: restore that first.`,
      )
      return back(reply)
    }
    try {
      const done = await db.transaction().execute(async (trx) => {
        const ok = await restoreRecord(trx, entity, row.id)
        if (ok)
          await audit(trx, request.actor, {
            action: 'restore',
            entity,
            entityId: row.id,
            chapterId: row.chapter_id,
            before: { deleted_at: row.deleted_at },
            after: { deleted_at: null },
          })
        return ok
      })
      setFlash(
        reply,
        done ? 'ok' : 'warn',
        done ? `${def.label} “${row.name}” was restored.` : 'That record was already restored.',
      )
    } catch (err) {
      // A live record now holds the same unique name, email or place (e.g. a new drive for the same local).
      if ((err as { code?: string }).code !== '23505') throw err
      setFlash(
        reply,
        'error',
        `${def.label} “${row.name}” cannot be restored: another record now has the same ` +
          `${entity === 'supporter' ? 'email or phone' : 'name or place'}. Change or delete that one first.`,
      )
    }
    return back(reply)
  })

  app.post('/trash/:entity/:id/purge', { schema: { params } }, async function purgeFromTrash(request, reply) {
    if (!request.user!.isAdmin) throw forbidden('Only admins can delete for good.')
    const { entity, row } = await load(request)
    const def = ENTITIES[entity]
    const result = await db.transaction().execute(async (trx) => {
      const refs = await referencesTo(trx, entity, row.id)
      if (refs.length) return { refs }
      const ok = await purgeRecord(trx, entity, row.id)
      if (ok)
        await audit(trx, request.actor, {
          action: 'purge',
          entity,
          entityId: row.id,
          chapterId: row.chapter_id,
          before: { name: row.name, deleted_at: row.deleted_at },
        })
      return { refs, ok }
    })
    if (result.refs.length) {
      setFlash(
        reply,
        'error',
        `${def.label} “${row.name}” was not deleted for good: other records still point to it ` +
          `(${result.refs.join(', ')}). It stays in the trash.`,
      )
    } else {
      setFlash(
        reply,
        result.ok ? 'ok' : 'warn',
        result.ok ? `${def.label} “${row.name}” was deleted for good.` : 'That record was already gone.',
      )
    }
    return back(reply)
  })
}
