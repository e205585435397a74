// Typed, frozen configuration parsed from the environment with zod.
// A bad value stops start-up with one clear line naming the variable.
import path from 'node:path'
import { z } from 'zod'

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes')

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  TENFOLD_DATA_DIR: z.string().min(1).default('./.tenfold'),
  TENFOLD_PG_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_SECURE_COOKIE: z.enum(['auto', 'true', 'false']).default('auto'),
  TRUST_PROXY: bool.default(false),
  HSTS: bool.default(false),
  SESSION_SECRET: z.string().min(32, 'must have at least 32 characters').optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REVIEW_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Tenfold <tenfold@localhost>'),
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) address such as https://tenfold.example.org' })
    .refine((u) => !/[?#]/.test(u), 'must not hold a query or a fragment')
    .optional(),
  DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(7),
})

export type Config = Readonly<{
  env: 'development' | 'production' | 'test'
  host: string
  port: number
  databaseUrl: string | undefined
  dataDir: string
  pgPort: number
  logLevel: string
  secureCookie: 'auto' | boolean
  trustProxy: boolean
  hsts: boolean
  poolSize: number
  sessionSecret: string | undefined
  /** How long the national review's figures are reused; 0 = read them on every request. */
  reviewCacheSeconds: number
  /** smtp:// or smtps:// server for digest emails; unset = email off (digests stay visible in the app). */
  smtpUrl: string | undefined
  mailFrom: string
  /** Where people reach Tenfold, no trailing slash: every absolute URL it writes (emails, public feed,
   * embed snippet, invitations) starts so, never with the request's Host header. Default http://HOST:PORT. */
  publicUrl: string
  /** The local hour (in each person's chapter zone) from which the day's or week's digest goes out. */
  digestHour: number
}>

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set" (as in `DATABASE_URL= npm start`).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = schema.safeParse(present)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const name = issue?.path.join('.') ?? 'environment'
    throw new ConfigError(`Invalid ${name}: ${issue?.message ?? 'bad value'} (got ${JSON.stringify(env[name] ?? '')})`)
  }
  const e = parsed.data
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.TENFOLD_DATA_DIR),
    pgPort: e.TENFOLD_PG_PORT,
    logLevel: e.LOG_LEVEL,
    secureCookie: e.SESSION_SECURE_COOKIE === 'auto' ? 'auto' : e.SESSION_SECURE_COOKIE === 'true',
    trustProxy: e.TRUST_PROXY,
    hsts: e.HSTS,
    poolSize: e.DB_POOL_SIZE,
    sessionSecret: e.SESSION_SECRET,
    reviewCacheSeconds: e.REVIEW_CACHE_SECONDS ?? (e.NODE_ENV === 'test' ? 0 : 60),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    digestHour: e.DIGEST_HOUR,
  })
}
