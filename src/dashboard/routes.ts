// GET /: the dashboard for the user's chapters.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { readScope } from '../auth/access.ts'

export default async function dashboardRoutes(app: FastifyInstance) {
  app.get('/', async function showDashboard(request, reply) {
    const user = request.user!
    const scope = readScope(user)
    let q = app.db
      .selectFrom('locals')
      .select([sql<number>`count(*)`.as('locals'), sql<number>`count(*) filter (where orientation = 'left_led')`.as('leftLed')])
      .where('deleted_at', 'is', null)
    if (scope.chapterIds !== null) q = q.where('chapter_id', 'in', scope.chapterIds.length ? scope.chapterIds : [-1])
    const counts = await q.executeTakeFirstOrThrow()
    return reply.page('dashboard/index', {
      title: 'Dashboard',
      chapters: user.chapters,
      counts,
      allChapters: scope.chapterIds === null,
    })
  })
}
