// One gate for hostile characters in what a request carries. PostgreSQL cannot
// store a NUL byte at all (every such value was a 500), and other control
// characters have no business in a name, a search or an address (they break
// CSV, .docx XML and terminals). So:
// - query strings and route parameters holding any control character → 400;
// - form fields (urlencoded bodies) lose their control characters, except tab
//   and line breaks, which a textarea legitimately holds; the value is
//   otherwise kept as typed, and each form's own validation runs on the rest.
// Multipart fields and uploaded files are checked by their routes (an upload is
// data, never SQL text). Registered before every route.
import fp from 'fastify-plugin'
import { badRequest } from './errors.ts'

// C0 controls and DEL; tab, LF and CR are allowed in form fields only.
const IN_ADDRESS = /[\u0000-\u001f\u007f]/
const IN_FORM = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g
// A query value may hold line breaks and tabs too: a GET form's textarea (a pasted list of locals).
const IN_QUERY_VALUE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

function hasControl(v: unknown, re: RegExp = IN_ADDRESS): boolean {
  if (typeof v === 'string') return re.test(v)
  if (Array.isArray(v)) return v.some((x) => hasControl(x, re))
  return false
}

function clean(v: unknown): unknown {
  if (typeof v === 'string') return IN_FORM.test(v) ? v.replace(IN_FORM, '') : v
  if (Array.isArray(v)) return v.map(clean)
  return v
}

export default fp(
  async (app) => {
    app.addHook('preValidation', async (request) => {
      const query = request.query as Record<string, unknown> | undefined
      const params = request.params as Record<string, unknown> | undefined
      if (
        (query && Object.values(query).some((v) => hasControl(v, IN_QUERY_VALUE))) ||
        (params && Object.values(params).some((v) => hasControl(v))) ||
        Object.keys(query ?? {}).some((k) => IN_ADDRESS.test(k))
      )
        throw badRequest('The address holds characters Tenfold does not accept.')
      const body = request.body
      if (body && typeof body === 'object' && !Buffer.isBuffer(body) && !request.isMultipart?.()) {
        const b = body as Record<string, unknown>
        for (const k of Object.keys(b)) b[k] = clean(b[k])
      }
    })
  },
  { name: 'input' },
)
