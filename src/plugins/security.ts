// Security headers (helmet, CSP: the app's own scripts and styles only), cookies,
// and CSRF protection on every unsafe request (token in the form body or in the
// X-CSRF-Token header that <body hx-headers:inherited> adds to htmx requests).
// Checked in preValidation: in onRequest the form body is not parsed yet.
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'

declare module 'fastify' {
  interface FastifyRequest {
    csrfToken: string
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export default fp(
  async (app, opts: { secret: string; hsts: boolean; secureCookie: boolean | 'auto' }) => {
    await app.register(helmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'self'"],
          baseUri: ["'self'"],
          objectSrc: ["'none'"],
        },
      },
      hsts: opts.hsts ? { maxAge: 15552000 } : false,
      crossOriginEmbedderPolicy: false,
    })
    await app.register(cookie, { secret: opts.secret })
    await app.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: 'tf_csrf',
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', signed: true, secure: opts.secureCookie },
      getToken: (req) => {
        const body = req.body as Record<string, unknown> | undefined
        const fromBody = body && typeof body._csrf === 'string' ? body._csrf : undefined
        const header = req.headers['x-csrf-token']
        return fromBody ?? (typeof header === 'string' ? header : undefined)
      },
    })
    app.decorateRequest('csrfToken', '')
    app.addHook('preValidation', (request, reply, done) => {
      if (!UNSAFE.has(request.method) || request.routeOptions.config?.csrf === false) return done()
      app.csrfProtection(request, reply, done)
    })
    app.addHook('preHandler', async (request, reply) => {
      // Every rendered form needs a token, including a form re-shown after a POST (422, 409).
      if (!request.url.startsWith('/static/')) request.csrfToken = reply.generateCsrf()
    })
  },
  { name: 'security' },
)

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route takes no CSRF token (e.g. a public read-only POST). */
    csrf?: boolean
    /** true: no login needed. */
    public?: boolean
  }
}
