// GET /healthz: 200 {"status":"ok"} when the database answers, 503 otherwise.
import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'

export default async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { config: { public: true } }, async function healthz(_request, reply) {
    try {
      await Promise.race([
        sql`select 1`.execute(app.db),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
      ])
      return reply.header('Cache-Control', 'no-store').send({ status: 'ok' })
    } catch {
      return reply
        .code(503)
        .header('Cache-Control', 'no-store')
        .send({ status: 'unavailable', database: 'not answering' })
    }
  })
}
