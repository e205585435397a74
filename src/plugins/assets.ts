// Static files under content-hashed names. At boot every file in static/ is
// hashed; `/static/app.css` is also served as `/static/app.<hash>.css` with a
// year of `immutable` caching, so a browser asks for it once per version. The
// plain URL keeps working with short caching (old pages, bookmarks). Templates
// write `it.asset('app.css')`, which names the hashed URL.
//
// In development a file may change while the server runs: asset() checks the
// file's modification time and, when it moved since boot, hands out the plain
// URL (never a hashed name whose content has changed).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'

export const staticDir = path.resolve(import.meta.dirname, '../../static')
const YEAR_MS = 365 * 24 * 3600 * 1000

type Entry = { hashedUrl: string; mtimeMs: number }

function walk(dir: string, prefix = ''): string[] {
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue
    const rel = prefix ? `${prefix}/${e.name}` : e.name
    if (e.isDirectory()) out.push(...walk(path.join(dir, e.name), rel))
    else if (e.isFile()) out.push(rel)
  }
  return out
}

/** `vendor/htmx.min.js` + `3f2a…` → `vendor/htmx.min.3f2a….js` (the hash goes before the last extension). */
export function hashedName(rel: string, hash: string): string {
  const ext = path.posix.extname(rel)
  return `${rel.slice(0, rel.length - ext.length)}.${hash}${ext}`
}

export type Assets = {
  /** The URL to put in a page for a file in static/ (`'app.css'`). */
  url: (rel: string) => string
  /** Every file's hashed path, relative to static/. */
  manifest: ReadonlyMap<string, string>
}

export function hashStatic(dir = staticDir): Map<string, Entry> {
  const entries = new Map<string, Entry>()
  for (const rel of walk(dir)) {
    const file = path.join(dir, rel)
    const hash = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12)
    entries.set(rel, { hashedUrl: hashedName(rel, hash), mtimeMs: fs.statSync(file).mtimeMs })
  }
  return entries
}

/**
 * Registers one route per hashed file (exact paths win over @fastify/static's
 * `/static/*`) and returns the URL helper. Needs @fastify/static registered
 * (its reply.sendFile).
 */
export function registerAssets(app: FastifyInstance, opts: { watch: boolean }): Assets {
  const entries = hashStatic()
  for (const [rel, e] of entries) {
    app.get(`/static/${e.hashedUrl}`, { config: { public: true } }, (_request, reply) =>
      reply.sendFile(rel, { maxAge: YEAR_MS, immutable: true }),
    )
  }
  const url = (rel: string) => {
    const e = entries.get(rel)
    if (!e) return `/static/${rel}`
    if (opts.watch) {
      try {
        if (fs.statSync(path.join(staticDir, rel)).mtimeMs !== e.mtimeMs) return `/static/${rel}`
      } catch {
        return `/static/${rel}`
      }
    }
    return `/static/${e.hashedUrl}`
  }
  return { url, manifest: new Map([...entries].map(([rel, e]) => [rel, e.hashedUrl])) }
}
