// The whip count's "who should talk to whom" (src/whip) turned into the asks
// of assignments: each supporter best placed to reach an open body member is
// asked to talk to them, saying how they know each other; a supporter who
// reaches several members gets one ask naming them all.
import type { WeeklyTalk } from '../whip/panels.ts'
import { KIND_LABELS, type RelationshipKind } from '../whip/paths.ts'

/** One ask per supporter: whom of the body to talk to, and how they know them (a supporter may reach several). */
export function talkAsks(talks: readonly WeeklyTalk[]): Map<number, string> {
  const bySupporter = new Map<number, string[]>()
  for (const t of talks) {
    const how = KIND_LABELS[t.kind as RelationshipKind]?.toLowerCase()
    const line = how ? `${t.memberName} (${how})` : t.memberName
    bySupporter.set(t.supporterId, [...(bySupporter.get(t.supporterId) ?? []), line])
  }
  const out = new Map<number, string>()
  for (const [id, lines] of bySupporter) out.set(id, `Talk to ${lines.join(' and ')} about the vote`.slice(0, 300))
  return out
}
