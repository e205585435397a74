// JSON schemas for the review's query strings (junk gets a 400), and the
// parsing of those strings into typed filters.
import { STAGE_KEYS } from '../drives/stages.ts'
import { ORIENTATIONS, SECTORS, values } from '../unions/labels.ts'
import type { DrillFilters, ReviewFilters } from './queries.ts'

const idOrNone = { type: 'string', pattern: '^([0-9]{0,9}|none)$' } as const

const filterProps = {
  slate: { type: 'string', pattern: '^[0-9]{0,9}$' },
  union: idOrNone,
  chapter: idOrNone,
  state: { type: 'string', pattern: '^([A-Za-z]{2})?$' },
  sector: { type: 'string', enum: ['', ...values(SECTORS)] },
  orientation: { type: 'string', enum: ['', ...values(ORIENTATIONS)] },
  days: { type: 'string', pattern: '^[0-9]{0,4}$' },
} as const

export const reviewQuery = {
  type: 'object',
  properties: {
    ...filterProps,
    format: { type: 'string', enum: ['', 'html', 'csv'] },
    table: { type: 'string', enum: ['', 'unions', 'chapters', 'stalled', 'weekly'] },
    unions: { type: 'string', enum: ['', 'all'] },
    chapters: { type: 'string', enum: ['', 'all'] },
  },
  additionalProperties: true,
} as const

export const drillQuery = {
  type: 'object',
  properties: {
    ...filterProps,
    stage: { type: 'string', enum: ['', ...STAGE_KEYS] },
    status: { type: 'string', enum: ['', 'active', 'paused', 'won', 'lost', 'dropped', 'open'] },
    reached: { type: 'string', enum: ['', ...STAGE_KEYS, 'won'] },
    stalled: { type: 'string', pattern: '^[0-9]{0,4}$' },
  },
  additionalProperties: true,
} as const

export type RawQuery = Partial<
  Record<
    keyof typeof filterProps | 'format' | 'table' | 'stage' | 'status' | 'reached' | 'stalled' | 'unions' | 'chapters',
    string
  >
>

export const DEFAULT_STALLED_DAYS = 30

const id = (v: string | undefined): number | undefined =>
  v === 'none' ? 0 : v && /^[1-9][0-9]{0,8}$/.test(v) ? Number(v) : undefined

/** The page's filters; the slate defaults to the current one (resolved by the caller). */
export function parseFilters(q: RawQuery, defaultSlate: number | null): ReviewFilters & { days: number } {
  const days = q.days && /^[0-9]+$/.test(q.days) ? Math.min(3650, Math.max(1, Number(q.days))) : DEFAULT_STALLED_DAYS
  return {
    slate: id(q.slate) ?? defaultSlate,
    union: id(q.union),
    chapter: id(q.chapter),
    state: q.state ? q.state.toUpperCase() : undefined,
    sector: q.sector || undefined,
    orientation: q.orientation || undefined,
    days,
  }
}

export function parseDrill(q: RawQuery, defaultSlate: number | null): DrillFilters {
  const { days: _days, ...f } = parseFilters(q, defaultSlate)
  return {
    ...f,
    stage: (q.stage || undefined) as DrillFilters['stage'],
    status: (q.status || undefined) as DrillFilters['status'],
    reached: (q.reached || undefined) as DrillFilters['reached'],
    stalled: q.stalled && /^[0-9]+$/.test(q.stalled) ? Math.min(3650, Number(q.stalled)) : undefined,
  }
}

/** Filters back to URL parameters (0 = "none"). */
export function filterParams(f: ReviewFilters): Record<string, string | undefined> {
  const enc = (v: number | undefined) => (v === undefined ? undefined : v === 0 ? 'none' : String(v))
  return {
    slate: f.slate === null ? undefined : String(f.slate),
    union: enc(f.union),
    chapter: enc(f.chapter),
    state: f.state,
    sector: f.sector,
    orientation: f.orientation,
  }
}

/** A national union's slug in /review/unions/:code (funnel.ts unionSlug; a shared slug gets "-<id>"). */
export const unionParam = {
  type: 'object',
  properties: { code: { type: 'string', pattern: '^[A-Za-z0-9-]{1,80}$' } },
  required: ['code'],
} as const
