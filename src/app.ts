// buildApp(): the whole of Tenfold as one Fastify instance — plugins in order,
// then every feature's routes with its prefix. server.ts only listens; tests
// build this very app.
import crypto from 'node:crypto'
import path from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import fastifyStatic from '@fastify/static'
import type { Config } from './config.ts'
import type { DbHandle } from './db/database.ts'
import htmx from './plugins/htmx.ts'
import views from './plugins/views.ts'
import errors from './plugins/errors.ts'
import security from './plugins/security.ts'
import guard from './plugins/guard.ts'
import session from './auth/session.ts'
import { cookieSecret } from './auth/secrets.ts'
import healthRoutes from './health/routes.ts'
import authRoutes from './auth/routes.ts'
import dashboardRoutes from './dashboard/routes.ts'
import unionsRoutes from './unions/routes.ts'
import auditRoutes from './audit/routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    db: DbHandle['db']
    dbHandle: DbHandle
    config: Config
  }
}

export type BuildOptions = { config: Config; db: DbHandle; logger?: object | boolean }

export async function buildApp({ config, db, logger }: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: logger ?? { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]'] },
    genReqId: () => crypto.randomUUID(),
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  })
  app.decorate('db', db.db)
  app.decorate('dbHandle', db)
  app.decorate('config', config)

  await app.register(formbody)
  await app.register(fastifyStatic, {
    root: path.resolve(import.meta.dirname, '../static'),
    prefix: '/static/',
    maxAge: config.env === 'production' ? '1d' : 0,
  })
  await app.register(security, { secret: await cookieSecret(db.db), hsts: config.hsts, secureCookie: config.secureCookie })
  await app.register(htmx)
  await app.register(session, { db: db.db })
  await app.register(views, { production: config.env === 'production' })
  await app.register(errors)
  await app.register(guard)

  await app.register(healthRoutes)
  await app.register(authRoutes)
  await app.register(dashboardRoutes)
  await app.register(unionsRoutes)
  await app.register(auditRoutes, { prefix: '/audit' })
  return app
}
