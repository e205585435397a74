// Every route needs a logged-in user unless its config says `public: true`.
// A browser is sent to /login (and back after); htmx gets 401 and HX-Redirect.
// The stylesheet and scripts under /static/ are public: the login page needs them.
//
// A session whose two-factor step is unfinished is held here, on every request,
// not by one redirect after the password: waiting for the TOTP code it reaches
// only the /login pages, and waiting for enrolment (an admin or national reviewer
// while require_2fa is on) only /account/2fa and logout. Anything else answers
// with the way back to that step, and the handler never runs.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'

/** The only non-public routes a session waiting for two-factor enrolment may reach. */
export const ENROL_ROUTES = new Set(['GET /account/2fa', 'POST /account/2fa', 'POST /logout'])

function sendTo(request: FastifyRequest, reply: FastifyReply, location: string) {
  if (request.htmx.request) return reply.code(401).header('HX-Redirect', location).send('')
  return reply.redirect(location, 303)
}

export default fp(
  async (app) => {
    app.addHook('preHandler', async (request, reply) => {
      const url = request.routeOptions.url
      if (!url || url.startsWith('/static/')) return
      if (request.pendingEnrol) {
        if (request.routeOptions.config?.public || ENROL_ROUTES.has(`${request.method} ${url}`)) return
        return sendTo(request, reply, '/account/2fa')
      }
      if (request.routeOptions.config?.public) return
      if (request.user) return
      if (request.pending2fa) return sendTo(request, reply, '/login/2fa')
      const next = request.method === 'GET' ? request.url : '/'
      return sendTo(request, reply, `/login?next=${encodeURIComponent(next)}`)
    })
  },
  { name: 'guard', dependencies: ['session', 'htmx'] },
)
