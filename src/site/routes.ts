// The site's own small files that browsers ask for by a fixed name: /favicon.ico
// (the icon is the SVG in static/; every page links it, this answers browsers
// and tools that ask for the old name anyway).
import fs from 'node:fs/promises'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'

const ICON = path.resolve(import.meta.dirname, '../../static/favicon.svg')

export default async function siteRoutes(app: FastifyInstance) {
  const icon = await fs.readFile(ICON)
  app.get('/favicon.ico', { config: { public: true } }, async function showFavicon(_request, reply) {
    return reply.type('image/svg+xml').header('Cache-Control', 'public, max-age=86400').send(icon)
  })
}
