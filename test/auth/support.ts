// Helpers for the login tests: TOTP codes of a chosen time step, and logging in
// through the two-factor step like a person with their phone.
import { Secret, TOTP } from 'otpauth'
import type { Agent } from '../helper.ts'
import { PASSWORD } from '../factories.ts'

/** The code an authenticator shows `steps` 30-second steps from now (the app accepts one step either side). */
export function totpAt(secret: string, steps: number): string {
  return new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 }).generate({
    timestamp: Date.now() + steps * 30_000,
  })
}

/** Password, then the two-factor page, then `code`; returns the code step's response. */
export async function loginWithCode(agent: Agent, email: string, code: string) {
  const res = await agent.post('/login', { email, password: PASSWORD })
  if (res.headers.location?.toString().startsWith('/login/2fa') !== true) throw new Error('no two-factor step')
  await agent.get('/login/2fa')
  return agent.post('/login/2fa', { code })
}
