// Time-based one-time passwords (otpauth) and single-use recovery codes.
import crypto from 'node:crypto'
import { Secret, TOTP } from 'otpauth'
import type { Db } from '../db/database.ts'

export const newSecret = () => new Secret({ size: 20 }).base32

export function totpUri(secret: string, email: string): string {
  return new TOTP({
    issuer: 'Tenfold',
    label: email,
    secret: Secret.fromBase32(secret),
    digits: 6,
    period: 30,
  }).toString()
}

export function totpNow(secret: string): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate()
}

/** The 30-second time step a code belongs to (one step either side of now), or null if it matches none. */
export function totpStep(secret: string | null, code: string, now = Date.now()): number | null {
  if (!secret || !/^\d{6}$/.test(code)) return null
  const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 })
  const delta = totp.validate({ token: code, window: 1, timestamp: now })
  return delta === null ? null : totp.counter({ timestamp: now }) + delta
}

export function verifyTotp(secret: string | null, code: string): boolean {
  return totpStep(secret, code) !== null
}

/**
 * Accepts a code once: it must match, and its time step must be later than the
 * last one this user logged in with. The conditional update makes two logins
 * racing with the same code agree on a single winner.
 */
export async function acceptTotp(db: Db, userId: number, secret: string | null, code: string): Promise<boolean> {
  const step = totpStep(secret, code)
  if (step === null) return false
  const res = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}

const hashCode = (code: string) => crypto.createHash('sha256').update(code.toLowerCase()).digest('hex')

export function newRecoveryCodes(n = 8) {
  const codes = Array.from({ length: n }, () =>
    crypto.randomBytes(8).toString('base64url').replace(/[-_]/g, 'x').slice(0, 10).toLowerCase(),
  )
  return { codes, hashes: codes.map(hashCode) }
}

/** Consumes a recovery code: true once, false after. */
export async function useRecoveryCode(db: Db, userId: number, code: string): Promise<boolean> {
  const h = hashCode(code)
  const res = await db
    .updateTable('users')
    .set((eb) => ({ recovery_codes: eb.fn('array_remove', ['recovery_codes', eb.val(h)]) }))
    .where('id', '=', userId)
    .where((eb) => eb(eb.val(h), '=', eb.fn.any('recovery_codes')))
    .executeTakeFirst()
  return Number(res.numUpdatedRows) === 1
}
