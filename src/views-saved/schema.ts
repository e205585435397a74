// Which URLs can be saved as a view, and the save form.
import { z } from 'zod'
import { optionalInt, text } from '../shared/validation.ts'

/** The app's list, board and matrix pages. */
export const SAVABLE_PATHS: readonly RegExp[] = [
  /^\/locals$/,
  /^\/board$/,
  /^\/people$/,
  /^\/slates\/[1-9][0-9]{0,8}\/matrix$/,
  /^\/review$/,
  /^\/resolutions$/,
  /^\/mapping$/,
]

/** Parameters that belong to one response, not to the view. */
const DROPPED = new Set(['format', 'offset', '_csrf'])

/** A saveable URL split into path and query, or null when it is not one of the list pages. */
export function parseSavableUrl(raw: string): { path: string; query: string } | null {
  if (!raw.startsWith('/') || raw.startsWith('//') || raw.length > 2000) return null
  let url: URL
  try {
    url = new URL(raw, 'http://tenfold.invalid')
  } catch {
    return null
  }
  if (url.origin !== 'http://tenfold.invalid') return null
  const path = url.pathname.replace(/\/+$/, '') || '/'
  if (!SAVABLE_PATHS.some((re) => re.test(path))) return null
  const params = new URLSearchParams()
  for (const [k, v] of url.searchParams) if (!DROPPED.has(k) && v !== '') params.append(k, v)
  return { path, query: params.toString() }
}

export const savedViewForm = z.object({
  name: text('Name', 80),
  url: z
    .string({ error: 'There is no page to save.' })
    .refine((v) => parseSavableUrl(v) !== null, 'Only list, board and matrix pages can be saved.'),
  chapter_id: optionalInt('Shared with', 1, 2147483647),
})

export const savedViewUrl = (v: { path: string; query: string }) => (v.query ? `${v.path}?${v.query}` : v.path)
