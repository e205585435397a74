// "Log a conversation" from the drive page and the local page: the panel's
// data (the local's supporters for the picker and its latest conversations,
// in ONE query so the pages stay bounded), its view model for
// views/people/_logged.eta, and the `back` rule (only same-site paths of a
// drive or a local page are followed). The posting itself is done by the
// supporters' routes (POST /conversations and POST /people/:id/conversations).
import { sql } from 'kysely'
import { can, type CurrentUser } from '../auth/access.ts'
import type { Db } from '../db/database.ts'
import { formatDate as fmtDate } from '../shared/format.ts'
import type { FieldErrors } from '../shared/validation.ts'
import { CONVERSATION_KINDS, label } from './schema.ts'

export const LOG_PANEL_ID = 'logged-conversations'
const SUPPORTER_LIMIT = 200
const RECENT_LIMIT = 8

/** A `back` path we may redirect to: `/drives/12` or `/locals/7`, nothing else (no host, no scheme, no `//`). */
export function safeBack(raw: unknown): string | null {
  const v = Array.isArray(raw) ? raw[0] : raw
  if (typeof v !== 'string') return null
  return /^\/(drives|locals)\/[1-9][0-9]{0,9}$/.test(v) ? v : null
}

/** The page a `back` path names, to re-render its panel. */
export function backTarget(back: string | null): { kind: 'drive' | 'local'; id: number } | null {
  const m = back ? /^\/(drives|locals)\/([0-9]+)$/.exec(back) : null
  return m ? { kind: m[1] === 'drives' ? 'drive' : 'local', id: Number(m[2]) } : null
}

type PanelRows = {
  supporters: { id: number; name: string; current_level: number | null }[]
  recent: {
    id: number
    kind: string
    held_on: string
    outcome: string | null
    follow_up_on: string | null
    supporter_id: number
    name: string
    by: string | null
  }[]
}

/** The local's supporters (level, then name; 200 at most) and its latest conversations, in one query. */
export async function loadLogPanelRows(db: Db, chapterId: number, localId: number): Promise<PanelRows> {
  const r = await sql<PanelRows>`
    select
      (select coalesce(json_agg(x), '[]'::json) from (
        select s.id, s.name, s.current_level from supporters s
        where s.local_id = ${localId} and s.chapter_id = ${chapterId} and s.deleted_at is null
        order by s.current_level asc nulls last, s.name, s.id limit ${SUPPORTER_LIMIT}) x) as supporters,
      (select coalesce(json_agg(y), '[]'::json) from (
        select c.id, c.kind, c.held_on::text as held_on, c.outcome, c.follow_up_on::text as follow_up_on,
          s.id as supporter_id, s.name, u.name as by
        from conversations c join supporters s on s.id = c.supporter_id left join users u on u.id = c.by_user_id
        where s.local_id = ${localId} and s.chapter_id = ${chapterId} and s.deleted_at is null and c.deleted_at is null
        order by c.held_on desc, c.id desc limit ${RECENT_LIMIT}) y) as recent`.execute(db)
  return r.rows[0] ?? { supporters: [], recent: [] }
}

export type LogPanel = NonNullable<ReturnType<typeof logPanelView>>
export type LogForm = { values: Record<string, string>; errors: FieldErrors }

export const emptyLogForm = (): LogForm => ({
  values: { kind: 'one_on_one', held_on: new Date().toISOString().slice(0, 10) },
  errors: {},
})

/** The panel's view model, or null when the user may not see names (or log) in that chapter. */
export function logPanelView(
  user: CurrentUser,
  chapterId: number | null,
  back: string,
  rows: PanelRows | null,
  o: { form?: LogForm; saved?: string } = {},
) {
  if (chapterId === null || !rows || !can.seeNames(user, chapterId) || !can.log(user, chapterId)) return null
  return {
    id: LOG_PANEL_ID,
    back,
    saved: o.saved ?? '',
    form: o.form ?? emptyLogForm(),
    supporterOptions: rows.supporters.map((s) => ({
      value: s.id,
      label: s.current_level === null ? s.name : `${s.name} (level ${s.current_level})`,
    })),
    full: rows.supporters.length >= SUPPORTER_LIMIT,
    kindOptions: CONVERSATION_KINDS,
    recent: rows.recent.map((c) => ({
      id: c.id,
      supporterId: c.supporter_id,
      name: c.name,
      kindLabel: label(CONVERSATION_KINDS, c.kind),
      heldOn: fmtDate(c.held_on),
      outcome: c.outcome ?? '',
      followUp: fmtDate(c.follow_up_on),
      by: c.by ?? 'Someone',
    })),
  }
}
