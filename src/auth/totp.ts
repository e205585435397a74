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

export function verifyTotp(secret: string | null, code: string): boolean {
  if (!secret || !/^\d{6}$/.test(code)) return false
  return (
    new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).validate({ token: code, window: 1 }) !== null
  )
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
