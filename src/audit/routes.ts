// /audit: the audit trail for admins, newest first, with filters and "older".
import type { FastifyInstance } from 'fastify'
import { forbidden } from '../plugins/errors.ts'
import { formatMoment, viewerZone } from '../shared/format.ts'
import { idFilter } from '../shared/validation.ts'
import { listAudit } from './queries.ts'

const query = {
  type: 'object',
  properties: {
    entity: { type: 'string', maxLength: 40, pattern: '^[a-z_]*$' },
    entity_id: { type: 'string', maxLength: 40, pattern: '^[0-9A-Za-z_-]*$' },
    action: { type: 'string', maxLength: 40, pattern: '^[a-z_0-9]*$' },
    actor: { type: 'string', pattern: '^[0-9]{0,9}$' },
    before: { type: 'string', pattern: '^[0-9]{0,18}$' },
  },
} as const

export default async function auditRoutes(app: FastifyInstance) {
  app.get('/', { schema: { querystring: query } }, async function showAudit(request, reply) {
    if (!request.user!.isAdmin) throw forbidden()
    const q = request.query as { entity?: string; entity_id?: string; action?: string; actor?: string; before?: string }
    const filters = {
      entity: q.entity || undefined,
      entityId: q.entity_id || undefined,
      action: q.action || undefined,
      actorId: idFilter(q.actor),
      before: q.before ? Number(q.before) : undefined,
    }
    const { rows, hasMore } = await listAudit(app.db, filters)
    const params = new URLSearchParams(
      Object.entries({ entity: q.entity, entity_id: q.entity_id, action: q.action, actor: q.actor }).filter(
        ([, v]) => v,
      ) as [string, string][],
    )
    const last = rows.at(-1)
    if (last) params.set('before', String(last.id))
    const zone = viewerZone(request.user)
    const view = {
      title: 'Audit trail',
      zone,
      filters: { entity: q.entity ?? '', entity_id: q.entity_id ?? '', action: q.action ?? '' },
      rows: rows.map((r) => ({
        ...r,
        at: formatMoment(r.at, zone),
        before: r.before ? JSON.stringify(r.before) : '',
        after: r.after ? JSON.stringify(r.after) : '',
      })),
      moreUrl: hasMore ? `/audit?${params.toString()}` : null,
    }
    if (request.htmx.partial && request.htmx.target === 'audit-more') return reply.fragment('audit/_rows', view)
    return reply.page('audit/index', view, { fragment: { target: 'audit-results', view: 'audit/_results' } })
  })
}
