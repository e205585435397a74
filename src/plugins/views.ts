// Eta templates through @fastify/view. Decorates reply.page(): renders a view
// inside the base layout, or alone when htmx asks for that view's fragment;
// every render gets the current user, the CSRF token, the flash and the nav.
import path from 'node:path'
import fp from 'fastify-plugin'
import fastifyView from '@fastify/view'
import { Eta } from 'eta'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { readFlash } from '../shared/flash.ts'
import { navFor } from '../shared/nav.ts'

export const viewsDir = path.resolve(import.meta.dirname, '../../views')

export type PageOptions = {
  /** Render only `view` when htmx targets the element with this id. */
  fragment?: { target: string | string[]; view: string }
  status?: number
}

declare module 'fastify' {
  interface FastifyReply {
    page: (view: string, ctx: Record<string, unknown>, opts?: PageOptions) => Promise<FastifyReply>
    fragment: (view: string, ctx: Record<string, unknown>, status?: number) => Promise<FastifyReply>
  }
}

function baseContext(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  return {
    currentUser: request.user ?? null,
    csrfToken: request.csrfToken ?? '',
    formKey: request.formKey ?? '',
    flash: readFlash(request, reply),
    // Waiting for two-factor enrolment: no menu, only the enrolment page and logout (guard.ts).
    pendingEnrol: request.pendingEnrol,
    nav: request.pendingEnrol ? [] : navFor(request),
    path: request.url.split('?')[0],
    currentUrl: request.url,
  }
}

export default fp(
  async (app, opts: { production: boolean; asset: (file: string) => string }) => {
    const eta = new Eta({ views: viewsDir, cache: opts.production, autoEscape: true, autoTrim: false })
    await app.register(fastifyView, {
      engine: { eta },
      root: viewsDir,
      viewExt: 'eta',
      production: opts.production,
      // it.asset('app.css'): the content-hashed URL of a static file, in every template.
      defaultContext: { asset: opts.asset },
    })

    app.decorateReply(
      'page',
      async function (this: FastifyReply, view: string, ctx: Record<string, unknown>, o: PageOptions = {}) {
        const request = this.request
        const data = { ...baseContext(request, this), ...ctx }
        const targets = o.fragment ? ([] as string[]).concat(o.fragment.target) : []
        const wantsFragment =
          o.fragment && request.htmx.partial && request.htmx.target !== null && targets.includes(request.htmx.target)
        const html = wantsFragment
          ? await this.viewAsync(o.fragment!.view, data)
          : await this.viewAsync(view, data, { layout: 'layouts/base' })
        return this.code(o.status ?? 200)
          .type('text/html; charset=utf-8')
          .send(html)
      },
    )

    app.decorateReply(
      'fragment',
      async function (this: FastifyReply, view: string, ctx: Record<string, unknown>, status = 200) {
        const data = { ...baseContext(this.request, this), ...ctx }
        const html = await this.viewAsync(view, data)
        return this.code(status).type('text/html; charset=utf-8').send(html)
      },
    )
  },
  { name: 'views', dependencies: ['htmx'] },
)
