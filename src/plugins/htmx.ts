// Decorates request.htmx with what htmx 4 told us about the request, and sends
// `Vary: HX-Request` so caches keep the page and the fragment apart.
import fp from 'fastify-plugin'

export type HtmxInfo = {
  request: boolean // any htmx request
  boosted: boolean // a boosted link or form: wants the whole page
  target: string | null // the id of the swap target, from `HX-Target: tag#id`
  partial: boolean // an htmx request that is not boosted: wants a fragment
}

declare module 'fastify' {
  interface FastifyRequest {
    htmx: HtmxInfo
  }
}

export function parseTarget(header: string | undefined): string | null {
  if (!header) return null
  const hash = header.indexOf('#')
  return hash >= 0 ? header.slice(hash + 1) : header
}

export default fp(
  async (app) => {
    app.decorateRequest('htmx', null as unknown as HtmxInfo)
    app.addHook('onRequest', async (request, reply) => {
      const h = request.headers
      const isHtmx = h['hx-request'] === 'true'
      const boosted = h['hx-boosted'] === 'true'
      request.htmx = {
        request: isHtmx,
        boosted,
        target: parseTarget(typeof h['hx-target'] === 'string' ? h['hx-target'] : undefined),
        partial: isHtmx && !boosted,
      }
      reply.header('Vary', 'HX-Request, HX-Target')
    })
  },
  { name: 'htmx' },
)
