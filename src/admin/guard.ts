// The admin area is for admins only: every admin route file calls adminOnly(app)
// first. Anonymous visitors fall through to the app's guard, which sends them to
// /login; everyone else signed in gets 403.
import type { FastifyInstance } from 'fastify'
import { forbidden } from '../plugins/errors.ts'

export function adminOnly(app: FastifyInstance) {
  app.addHook('onRequest', async (request) => {
    if (request.user && !request.user.isAdmin) throw forbidden()
  })
  app.addHook('preHandler', async (request) => {
    if (!request.user?.isAdmin) throw forbidden()
  })
}
