// The one error handler: a page for a browser, a fragment for htmx (put into the
// page's alert area), JSON for /healthz-style callers; 5xx details never shown.
// Also answers 404 for unknown routes the same way.
import fp from 'fastify-plugin'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

export class HttpError extends Error {
  constructor(
    public statusCode: number,
    message: string,
  ) {
    super(message)
  }
}
export const notFound = (what = 'That page') => new HttpError(404, `${what} was not found.`)
export const forbidden = (msg = 'You do not have access to do that.') => new HttpError(403, msg)
export const badRequest = (msg = 'That request was not understood.') => new HttpError(400, msg)

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Please log in',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Changed by someone else',
  413: 'Too large',
  415: 'Not supported',
  429: 'Too many attempts',
  503: 'Database unavailable',
}

function csrfFailure(err: FastifyError): boolean {
  return typeof err.code === 'string' && err.code.startsWith('FST_CSRF')
}

export async function sendError(request: FastifyRequest, reply: FastifyReply, status: number, message: string) {
  const title = TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Error')
  if (request.url.startsWith('/healthz') || request.headers.accept === 'application/json') {
    return reply.code(status).send({ status: 'error', message })
  }
  if (request.htmx?.partial) {
    // htmx 4 swaps every status: put the message in the alert area, not into the target.
    reply.header('HX-Retarget', '#alerts').header('HX-Reswap', 'innerHTML')
    return reply.fragment('errors/_alert', { title, message, status }, status)
  }
  return reply.page('errors/error', { title, message, status }, { status })
}

/**
 * The error handler of an upload's routes: a file over `limitMb` (or more files or parts than allowed, or a body
 * over the limit) is a 413 saying so; anything else goes on to the app's error handler.
 */
export function uploadTooLarge(limitMb: number) {
  return async (err: { code?: string; statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    const tooLarge = ['FST_REQ_FILE_TOO_LARGE', 'FST_FILES_LIMIT', 'FST_PARTS_LIMIT'].includes(err.code ?? '')
    if (!tooLarge && err.statusCode !== 413) throw err
    return sendError(
      request,
      reply,
      413,
      `That file is larger than ${limitMb} MB, the most Tenfold accepts. Nothing was imported. ` +
        'Split the file and upload the parts one at a time.',
    )
  }
}

// What pg and PostgreSQL say when the connection is gone or the server is not taking queries.
const LOST_CONNECTION = new RegExp(
  [
    'Connection terminated',
    'not queryable',
    'terminating connection',
    'server closed the connection',
    'database system is (shutting down|starting up|in recovery)',
    'timeout exceeded when trying to connect',
    'connect ECONNREFUSED',
  ].join('|'),
  'i',
)

/** Errors that mean "the database is not answering" (down, restarting, connection lost), not a bug. */
export function isDbDown(err: unknown): boolean {
  const e = err as { code?: string; message?: string }
  const code = e.code ?? ''
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', '53300'].includes(code) ||
    code.startsWith('08') || // connection exceptions
    code.startsWith('57P') || // shutdown, crash, cannot connect now
    LOST_CONNECTION.test(e.message ?? '')
  )
}

export default fp(
  async (app) => {
    app.setErrorHandler(async (err: FastifyError, request, reply) => {
      let status = err.statusCode ?? 500
      let message = err.message
      if (err.validation) {
        status = 400
        message = 'Some of the address or its parameters were not understood.'
      } else if (csrfFailure(err)) {
        status = 403
        message = 'This form has expired or did not come from Tenfold. Reload the page and try again.'
      } else if (typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code)) {
        // A PostgreSQL data exception (a number past its column, a date past year 9999, a NUL):
        // input that slipped past validation. The person gets a 400, the log the code and route (no values).
        status = 400
        message = 'A value in that request is out of range or not understood. Check the numbers and dates.'
        request.log.warn({ code: err.code, route: request.routeOptions.url }, 'data exception from input')
      } else if (isDbDown(err)) {
        status = 503
        message = 'The database is not answering right now. Your last change was not saved; try again in a moment.'
      } else if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
        status = 413
        message = 'That upload is larger than Tenfold accepts.'
      } else if (status >= 500 || !(err instanceof HttpError || err.statusCode)) {
        status = status >= 400 && status < 500 ? status : 500
      }
      if (status >= 500) {
        request.log.error({ err, reqId: request.id }, 'request failed')
        if (status === 500) message = `Tenfold hit an error and did not finish. Reference: ${request.id}.`
      } else {
        request.log.info({ status, code: err.code, reqId: request.id }, 'request refused')
      }
      return sendError(request, reply, status, message)
    })
    app.setNotFoundHandler(async (request, reply) => sendError(request, reply, 404, 'That page was not found.'))
  },
  { name: 'errors', dependencies: ['views'] },
)
