// A person's digest as of a moment: the sections (overdue next steps,
// assignments due, follow-ups due, votes in the next 14 days, notice
// deadlines) with sentences ready to print in the app, in an HTML email and in
// its plain-text part, dates in each chapter's zone. A vote with a deciding
// body carries the whip count's likely case (src/whip, counts only). Links are
// absolute when a base address is given (emails), relative otherwise (the
// "your digest" page).
import type { Db } from '../db/database.ts'
import type { DigestFrequency } from '../db/schema.ts'
import { placeLabel } from '../drives/present.ts'
import { daysBetween, dueLabel, formatDate, plural, relativeDayLabel, todayIn } from '../shared/format.ts'
import { caseLine, summaryCase } from '../whip/panels.ts'
import { whipSummaries } from '../whip/queries.ts'
import { loadDigestRows } from './queries.ts'

export type DigestItem = { text: string; url: string; late?: boolean }
export type DigestSection = { key: string; title: string; items: DigestItem[] }
export type Digest = {
  frequency: DigestFrequency
  horizonLabel: string
  sections: DigestSection[]
  empty: boolean
  openAssignments: number
  subject: string
}

export function horizonDays(frequency: DigestFrequency): number {
  return frequency === 'daily' ? 1 : 7
}

export async function buildDigest(
  db: Db,
  user: { id: number },
  frequency: DigestFrequency,
  asOf: Date,
  base = '',
): Promise<Digest> {
  const horizon = horizonDays(frequency === 'off' ? 'weekly' : frequency)
  const r = await loadDigestRows(db, user.id, asOf, horizon)
  // The whip count's likely case for each vote that has a deciding body (counts only, one query).
  const likely = new Map(
    (
      await whipSummaries(
        db,
        r.votes.map((v) => v.drive_id),
      )
    ).map((w) => [w.drive_id, caseLine(summaryCase(w))]),
  )
  const due = (iso: string, tz: string) => daysBetween(todayIn(tz, asOf), iso, tz)
  const sections: DigestSection[] = [
    {
      key: 'overdue',
      title: 'Overdue next steps',
      items: r.overdue.map((d) => ({
        text: `${d.local ?? 'A drive'}: ${d.next_step ?? 'next step'} (${dueLabel(due(d.due, d.tz))})`,
        url: `${base}/drives/${d.drive_id}`,
        late: true,
      })),
    },
    {
      key: 'assignments',
      title: 'People to talk to',
      items: r.assignments.map((a) => {
        const days = due(a.due, a.tz)
        return {
          text: `${a.name}${a.local ? ` (${a.local})` : ''}${a.ask ? `: ${a.ask}` : ''} — ${dueLabel(days)}`,
          url: `${base}/my-list/${a.id}`,
          late: days < 0,
        }
      }),
    },
    {
      key: 'follow_ups',
      title: 'Follow-ups due',
      items: r.follow_ups.map((f) => {
        const days = due(f.due, f.tz)
        return {
          text: `Follow up with ${f.name} — ${dueLabel(days)}`,
          url: `${base}/people/${f.supporter_id}`,
          late: days < 0,
        }
      }),
    },
    {
      key: 'votes',
      title: 'Votes in the next 14 days',
      items: r.votes.map((v) => {
        const when = `${formatDate(v.vote_date)} (${relativeDayLabel(due(v.vote_date, v.tz))})`
        const whip = likely.get(v.drive_id)
        return {
          text: `${v.local ?? 'A drive'} votes ${when} · ${placeLabel(v.stage, 'active')}${
            whip ? ` · whip count, likely case: ${whip}` : ''
          }`,
          url: `${base}/drives/${v.drive_id}`,
        }
      }),
    },
    {
      key: 'notices',
      title: 'Notice deadlines',
      items: r.notices.map((n) => {
        const days = due(n.deadline, n.tz)
        const notice = `the ${n.notice_days}-day notice for the ${formatDate(n.vote_date)} meeting`
        const local = n.local ?? 'A drive'
        return {
          text:
            days < 0
              ? `${local}: too late for ${notice} (the filing was due ${formatDate(n.deadline)}); find the next meeting`
              : `${local}: file by ${formatDate(n.deadline)} (${relativeDayLabel(days)}) to make ${notice}`,
          url: `${base}/drives/${n.drive_id}`,
          late: days < 0,
        }
      }),
    },
  ]
  const filled = sections.filter((s) => s.items.length)
  const count = filled.reduce((n, s) => n + s.items.length, 0)
  return {
    frequency,
    horizonLabel: frequency === 'daily' ? 'today and tomorrow' : 'this week',
    sections: filled,
    empty: count === 0,
    openAssignments: r.open_assignments,
    subject: count
      ? `Tenfold: ${plural(count, 'thing')} to do ${frequency === 'daily' ? 'today' : 'this week'}`
      : 'Tenfold: nothing due',
  }
}

/** The plain-text part of the email. */
export function digestText(d: Digest, name: string, links: { digest: string; unsubscribe: string }): string {
  const out = [`Hello ${name},`, '', `Here is what needs doing ${d.horizonLabel}.`, '']
  for (const s of d.sections) {
    out.push(s.title.toUpperCase())
    for (const i of s.items) out.push(`- ${i.text}`, `  ${i.url}`)
    out.push('')
  }
  out.push(`Your digest in Tenfold: ${links.digest}`, `Stop these emails: ${links.unsubscribe}`)
  return out.join('\n')
}
