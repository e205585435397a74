// Every route needs a logged-in user unless its config says `public: true`.
// A browser is sent to /login (and back after); htmx gets 401 and HX-Redirect.
// The stylesheet and scripts under /static/ are public: the login page needs them.
import fp from 'fastify-plugin'

export default fp(
  async (app) => {
    app.addHook('preHandler', async (request, reply) => {
      if (
        request.routeOptions.config?.public ||
        !request.routeOptions.url ||
        request.routeOptions.url.startsWith('/static/')
      )
        return
      if (request.user) return
      const next = request.method === 'GET' ? request.url : '/'
      const login = `/login?next=${encodeURIComponent(next)}`
      if (request.pending2fa && !request.routeOptions.url.startsWith('/login')) {
        return reply.redirect('/login/2fa', 303)
      }
      if (request.htmx.request) {
        return reply.code(401).header('HX-Redirect', login).send('')
      }
      return reply.redirect(login, 303)
    })
  },
  { name: 'guard', dependencies: ['session', 'htmx'] },
)
