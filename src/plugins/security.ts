// Security headers (helmet, CSP: the app's own scripts and styles only), cookies,
// and CSRF protection on every unsafe request (token in the form body or in the
// X-CSRF-Token header that <body hx-headers:inherited> adds to htmx requests).
// Checked in preValidation: in onRequest the form body is not parsed yet.
//
// Every token is bound to the session it was made for: its HMAC includes the
// session row's csrf_token (anonymous pages bind to 'anonymous'), so a token and tf_csrf
// cookie taken from one browser fail next to another person's session cookie,
// and a new session (login) or none (logout) invalidates every earlier token.
// Routes that call app.csrfProtection themselves (multipart uploads) get the
// same binding. Also sends Cache-Control: no-store on every response to a
// logged-in request, so no page or download with personal data is kept by a
// browser or proxy cache.
import crypto from 'node:crypto'
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
      csrfOpts: { hmacKey: crypto.createHash('sha256').update(`csrf:${opts.secret}`).digest() },
      getUserInfo: (req) => req.sessionCsrf ?? 'anonymous',
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
    // Set last, in onSend, so it overrides whatever a route chose (a CSV's or a .docx's headers).
    app.addHook('onSend', async (request, reply) => {
      if (request.sessionId) reply.header('Cache-Control', 'no-store')
    })
    app.addHook('preValidation', (request, reply, done) => {
      const rule = request.routeOptions.config?.csrf
      if (!UNSAFE.has(request.method) || rule === false) return done()
      // Logging out of a session that is already gone (another tab did it) changes nothing.
      if (rule === 'when-logged-in' && !request.sessionId) return done()
      app.csrfProtection(request, reply, done)
    })
    app.addHook('preHandler', async (request, reply) => {
      // Every rendered form needs a token, including a form re-shown after a POST (422, 409).
      if (!request.url.startsWith('/static/'))
        request.csrfToken = reply.generateCsrf({ userInfo: request.sessionCsrf ?? 'anonymous' })
    })
  },
  { name: 'security' },
)

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route takes no CSRF token (e.g. a public read-only POST); 'when-logged-in': only with a session. */
    csrf?: boolean | 'when-logged-in'
    /** true: no login needed. */
    public?: boolean
  }
}
