// The admin area's front page, /admin: what there is to manage, with counts.
import type { FastifyInstance } from 'fastify'
import { adminCounts } from './queries.ts'

import { adminOnly } from './guard.ts'

export default async function adminHomeRoutes(app: FastifyInstance) {
  const db = app.db
  adminOnly(app)

  // --- index
  app.get('/', async function showAdmin(_request, reply) {
    const c = await adminCounts(db)
    return reply.page('admin/index', {
      title: 'Admin',
      sections: [
        {
          href: '/admin/users',
          label: 'Users',
          count: c.users,
          note: c.inactiveUsers ? `${c.inactiveUsers} deactivated` : 'active accounts',
        },
        { href: '/admin/chapters', label: 'Chapters', count: c.chapters, note: 'chapters' },
        { href: '/admin/unions', label: 'National unions', count: c.unions, note: 'national unions' },
        { href: '/admin/import', label: 'Import OLMS', count: c.locals, note: 'locals in the directory' },
      ],
      require2fa: c.require2fa === true,
      emailOn: Boolean(app.config.smtpUrl),
    })
  })
}
