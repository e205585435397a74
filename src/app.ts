// buildApp(): the whole of Tenfold as one Fastify instance — plugins in order,
// then every feature's routes with its prefix. server.ts only listens; tests
// build this very app.
import crypto from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import type { Config } from './config.ts'
import type { DbHandle } from './db/database.ts'
import htmx from './plugins/htmx.ts'
import compression from './plugins/compression.ts'
import { registerAssets, staticDir } from './plugins/assets.ts'
import views from './plugins/views.ts'
import errors from './plugins/errors.ts'
import security from './plugins/security.ts'
import guard from './plugins/guard.ts'
import input from './plugins/input.ts'
import formKey from './plugins/form-key.ts'
import session from './auth/session.ts'
import { cookieSecret } from './auth/secrets.ts'
import healthRoutes from './health/routes.ts'
import siteRoutes from './site/routes.ts'
import authRoutes from './auth/routes.ts'
import dashboardRoutes from './dashboard/routes.ts'
import unionsRoutes from './unions/routes.ts'
import claimRoutes from './unions/claim-routes.ts'
import auditRoutes from './audit/routes.ts'
import drivesRoutes from './drives/routes.ts'
import driveStageRoutes from './drives/stage-routes.ts'
import driveProcessRoutes from './drives/process-routes.ts'
import driveFilingRoutes from './drives/filing-routes.ts'
import driveDecisionRoutes from './drives/decision-routes.ts'
import boardRoutes from './drives/board-routes.ts'
import calendarRoutes from './calendar/routes.ts'
import slatesRoutes from './slate/slates-routes.ts'
import candidatesRoutes from './slate/candidates-routes.ts'
import endorsementsRoutes from './slate/endorsements-routes.ts'
import matrixRoutes from './slate/matrix-routes.ts'
import resolutionsRoutes from './resolutions/routes.ts'
import adminHomeRoutes from './admin/home-routes.ts'
import adminUsersRoutes from './admin/users-routes.ts'
import adminChaptersRoutes from './admin/chapters-routes.ts'
import adminUnionsRoutes from './admin/unions-routes.ts'
import adminSettingsRoutes from './admin/settings-routes.ts'
import adminImportRoutes from './admin/import-routes.ts'
import mappingRoutes from './mapping/routes.ts'
import publicRoutes from './public/routes.ts'
import savedViewsRoutes from './views-saved/routes.ts'
import circlesRoutes from './mapping/circles-routes.ts'
import reviewRoutes from './review/routes.ts'
import peopleRoutes from './people/routes.ts'
import trashRoutes from './trash/routes.ts'
import assignmentsRoutes from './assignments/routes.ts'
import whipRoutes from './whip/routes.ts'
import personRelationshipRoutes from './whip/person-routes.ts'
import digestRoutes from './digest/routes.ts'
import meetingRoutes from './meetings/routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle['db']
    dbHandle: DbHandle
    config: Config
    /** Every route as registered, for the authorization and CSRF tests. */
    routeList: { method: string; url: string; public: boolean }[]
  }
}

/** Request log lines without secrets in the URL (share, welcome and calendar tokens) or query strings. */
export function serializeRequest(req: { method: string; url: string; id: string }) {
  const url = req.url.replace(/^\/(share|welcome|calendar)\/[^/?]+/, '/$1/[token]').replace(/\?.*$/, '?…')
  return { method: req.method, url, reqId: req.id }
}

/**
 * Errors in the log without personal data. csv-parse's errors carry the raw
 * field and record of an uploaded file (and quote it in the message): only
 * their code and line are kept. PostgreSQL's `detail` names the values of a
 * conflicting key, and a data exception's message quotes the bad input: those
 * go too. Everything else keeps its type, message, code and stack.
 */
export function serializeError(err: unknown): Record<string, unknown> {
  const e = (err ?? {}) as Record<string, unknown> & { constructor?: { name?: string } }
  const code = typeof e.code === 'string' ? e.code : undefined
  if (e.name === 'CsvError' || /^(CSV_|INVALID_)/.test(code ?? ''))
    return { type: 'CsvError', code, line: typeof e.lines === 'number' ? e.lines : undefined }
  const out: Record<string, unknown> = { type: e.constructor?.name ?? 'Error', code }
  const dataException = code !== undefined && /^22[0-9A-Z]{3}$/.test(code)
  if (!dataException) {
    out.message = e.message
    out.stack = e.stack
  }
  for (const k of ['statusCode', 'constraint', 'table', 'column', 'routine', 'severity']) if (k in e) out[k] = e[k]
  return out
}

export type BuildOptions = { config: Config; db: DbHandle; logger?: object | boolean }

export async function buildApp({ config, db, logger }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? {
      level: config.logLevel,
      redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'],
      serializers: { req: serializeRequest, err: serializeError },
    },
    genReqId: () => crypto.randomUUID(),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  })
  app.decorate('db', db.db)
  app.decorate('dbHandle', db)
  app.decorate('config', config)
  const routeList: FastifyInstance['routeList'] = []
  app.decorate('routeList', routeList)
  app.addHook('onRoute', (r) => {
    for (const method of ([] as string[]).concat(r.method)) {
      if (method !== 'HEAD') routeList.push({ method, url: r.url, public: Boolean(r.config?.public) })
    }
  })

  await app.register(formbody)
  // Before @fastify/static, so static files are compressed too.
  await app.register(compression)
  // Plain /static/ URLs: short caching; the hashed names (assets.ts) are cached a year.
  await app.register(fastifyStatic, {
    root: staticDir,
    prefix: '/static/',
    maxAge: config.env === 'production' ? '10m' : 0,
  })
  const assets = registerAssets(app, { watch: config.env !== 'production' })
  await app.register(security, {
    secret: await cookieSecret(db.db, config.sessionSecret),
    hsts: config.hsts,
    secureCookie: config.secureCookie,
  })
  await app.register(htmx)
  await app.register(session, { db: db.db })
  await app.register(views, { production: config.env === 'production', asset: assets.url })
  await app.register(errors)
  await app.register(guard)
  await app.register(input)
  await app.register(formKey)

  await app.register(healthRoutes)
  await app.register(siteRoutes)
  await app.register(authRoutes)
  await app.register(dashboardRoutes)
  await app.register(unionsRoutes)
  await app.register(claimRoutes)
  await app.register(auditRoutes, { prefix: '/audit' })
  await app.register(drivesRoutes)
  await app.register(driveStageRoutes)
  await app.register(driveProcessRoutes)
  await app.register(driveFilingRoutes)
  await app.register(driveDecisionRoutes)
  await app.register(boardRoutes)
  await app.register(calendarRoutes)
  await app.register(slatesRoutes)
  await app.register(candidatesRoutes)
  await app.register(endorsementsRoutes)
  await app.register(matrixRoutes)
  await app.register(resolutionsRoutes)
  await app.register(adminHomeRoutes, { prefix: '/admin' })
  await app.register(adminUsersRoutes, { prefix: '/admin' })
  await app.register(adminChaptersRoutes, { prefix: '/admin' })
  await app.register(adminUnionsRoutes, { prefix: '/admin' })
  await app.register(adminSettingsRoutes, { prefix: '/admin' })
  await app.register(adminImportRoutes, { prefix: '/admin' })
  await app.register(mappingRoutes)
  await app.register(publicRoutes)
  await app.register(savedViewsRoutes)
  await app.register(circlesRoutes)
  await app.register(reviewRoutes)
  await app.register(peopleRoutes)
  await app.register(trashRoutes)
  await app.register(assignmentsRoutes)
  await app.register(whipRoutes)
  await app.register(personRelationshipRoutes)
  await app.register(digestRoutes)
  await app.register(meetingRoutes)
  return app
}
