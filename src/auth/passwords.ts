// argon2id password hashing (@node-rs/argon2: prebuilt, no compiler needed).
import { hash, verify } from '@node-rs/argon2'

const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } // OWASP's argon2id baseline

export const hashPassword = (password: string) => hash(password, OPTIONS)

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    // Spend the same time as a real check so unknown emails are not revealed by timing.
    await hash(password, OPTIONS)
    return false
  }
  try {
    return await verify(stored, password)
  } catch {
    return false
  }
}

export const PASSWORD_MIN = 10
