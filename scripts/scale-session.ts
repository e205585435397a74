// Shared by the scale tools (explain, profile): Tenfold in process on the
// national-scale data set, logged in as one of its users.
import path from 'node:path'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { startEmbedded } from '../src/db/embedded.ts'
import { createDb } from '../src/db/database.ts'

export async function openScaleSession(email: string) {
  const server = await startEmbedded({ dataDir: path.resolve(process.env.TENFOLD_DATA_DIR ?? '.tenfold-scale') })
  const handle = createDb(server.url('tenfold'))
  const app = await buildApp({
    config: loadConfig({ NODE_ENV: 'production', DATABASE_URL: server.url('tenfold'), LOG_LEVEL: 'silent' }),
    db: handle,
    logger: false,
  })
  const login = await app.inject('/login')
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!
  const cookies = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
  const res = await app.inject({
    method: 'POST',
    url: '/login',
    headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password: 'scale-bench-password', _csrf: csrf }).toString(),
  })
  const session = res.cookies.find((c) => c.name === 'tf_session')
  if (!session) throw new Error(`could not log in as ${email} (run npm run seed:scale first)`)
  return {
    app,
    handle,
    cookie: `${cookies}; tf_session=${session.value}`,
    close: async () => {
      await app.close()
      await handle.close()
      await server.stop()
    },
  }
}
