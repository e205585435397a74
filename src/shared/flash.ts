// One-shot flash messages carried in a short-lived cookie (never personal data).
import type { FastifyReply, FastifyRequest } from 'fastify'

const COOKIE = 'tf_flash'
export type Flash = { kind: 'ok' | 'warn' | 'error'; text: string }

export function setFlash(reply: FastifyReply, kind: Flash['kind'], text: string): void {
  reply.setCookie(COOKIE, JSON.stringify({ kind, text }), { path: '/', httpOnly: true, sameSite: 'lax', maxAge: 60 })
}

export function readFlash(request: FastifyRequest, reply: FastifyReply): Flash | null {
  const raw = request.cookies?.[COOKIE]
  if (!raw) return null
  reply.clearCookie(COOKIE, { path: '/' })
  try {
    const v = JSON.parse(raw) as Flash
    if (typeof v.text === 'string' && ['ok', 'warn', 'error'].includes(v.kind)) return v
  } catch {}
  return null
}
