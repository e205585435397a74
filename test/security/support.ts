// Multipart uploads for the security and fuzz tests: a body with fields and one file.
import type { FastifyInstance } from 'fastify'
import type { Agent } from '../helper.ts'

export function multipart(fields: Record<string, string>, file: { name: string; content: string | Buffer }) {
  const boundary = '----tenfoldsec' + Math.random().toString(16).slice(2)
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
  )
  parts.push(Buffer.isBuffer(file.content) ? file.content : Buffer.from(file.content))
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` }
}

/** Posts a file to an upload form (the supporter import or the OLMS import) as the agent, with its CSRF token. */
export async function upload(
  app: FastifyInstance,
  agent: Agent,
  url: string,
  content: string | Buffer,
  fields: Record<string, string> = {},
) {
  await agent.get(url)
  const m = multipart({ _csrf: agent.csrf, ...fields }, { name: 'people.csv', content })
  return app.inject({
    method: 'POST',
    url,
    payload: m.payload,
    headers: { 'content-type': m.contentType, cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  })
}
