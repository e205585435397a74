// Response compression (@fastify/compress): brotli for browsers that accept it,
// gzip otherwise, for text types (HTML, CSS, JS, CSV, JSON, SVG). Responses
// under THRESHOLD bytes go as they are: below a packet or two compression
// saves nothing a person notices and costs a zlib call. Streams (the matrix
// CSV export) are compressed as they stream, chunk by chunk, in constant
// memory. Request bodies are never decompressed (forms are small; no client
// sends them compressed).
//
// Brotli quality 4 (the plugin's default, also measured: see README,
// "Performance"): on the board's and the matrix's HTML it compresses about as
// well as gzip 6 for less CPU, while quality 11 costs tens of milliseconds per
// page.
import zlib from 'node:zlib'
import fp from 'fastify-plugin'
import compress from '@fastify/compress'

export const THRESHOLD = 1024
export const BROTLI_QUALITY = 4
export const GZIP_LEVEL = 6

export default fp(
  async (app) => {
    await app.register(compress, {
      global: true,
      globalDecompression: false,
      threshold: THRESHOLD,
      encodings: ['br', 'gzip'],
      brotliOptions: {
        params: {
          [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
          [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        },
      },
      zlibOptions: { level: GZIP_LEVEL },
    })
  },
  { name: 'compression' },
)
