// Paths to the members we still need: for each undecided or leaning body
// member, the supporters who know them, best first (closest relationship,
// then strongest support level, then most recent contact), and a "who should
// talk to whom this week" list that gives each target one supporter and no
// supporter more than two targets. Pure: no database, no I/O.

export type Strength = 'close' | 'knows' | 'met_once'
export type RelationshipKind = 'coworker' | 'same_shift' | 'friend' | 'family' | 'steward_of' | 'organizer_contact'

export const STRENGTH_LABELS: Readonly<Record<Strength, string>> = Object.freeze({
  close: 'Close',
  knows: 'Knows',
  met_once: 'Met once',
})
export const KIND_LABELS: Readonly<Record<RelationshipKind, string>> = Object.freeze({
  coworker: 'Coworker',
  same_shift: 'Same shift',
  friend: 'Friend',
  family: 'Family',
  steward_of: 'Steward of',
  organizer_contact: 'Organizer’s contact',
})
const STRENGTH_RANK: Record<Strength, number> = { close: 0, knows: 1, met_once: 2 }

/** A person at one end of a relationship: a supporter, or a body member who is not one. */
export type PersonKey = `s${number}` | `m${number}`

export type Link = {
  id: number
  kind: RelationshipKind
  strength: Strength
  a: PersonKey
  b: PersonKey
}

export type Supporter = { id: number; name: string; level: number | null; lastContact: string | null }

export type Target<Id = number> = { id: Id; name: string; key: PersonKey }

export type Path = {
  supporter: Supporter
  kind: RelationshipKind
  strength: Strength
  relationshipId: number
}

export function comparePaths(x: Path, y: Path): number {
  return (
    STRENGTH_RANK[x.strength] - STRENGTH_RANK[y.strength] ||
    (x.supporter.level ?? 6) - (y.supporter.level ?? 6) ||
    (y.supporter.lastContact ?? '').localeCompare(x.supporter.lastContact ?? '') ||
    x.supporter.name.localeCompare(y.supporter.name) ||
    x.relationshipId - y.relationshipId
  )
}

/**
 * For each target, the supporters who know them, best first. A supporter
 * reached by two relationships appears once, by the better one. `supporters`
 * holds what is known of every supporter end; `exclude` are people who are
 * never a path (for instance the target themself or other targets).
 */
export function pathsTo<Id>(
  targets: readonly Target<Id>[],
  links: readonly Link[],
  supporters: ReadonlyMap<number, Supporter>,
): Map<Id, Path[]> {
  const out = new Map<Id, Path[]>()
  const byKey = new Map<PersonKey, Link[]>()
  for (const l of links) {
    for (const k of [l.a, l.b]) {
      const list = byKey.get(k)
      if (list) list.push(l)
      else byKey.set(k, [l])
    }
  }
  for (const t of targets) {
    const best = new Map<number, Path>()
    for (const l of byKey.get(t.key) ?? []) {
      const other = l.a === t.key ? l.b : l.a
      if (!other.startsWith('s')) continue
      const sid = Number(other.slice(1))
      const s = supporters.get(sid)
      if (!s) continue
      const p: Path = { supporter: s, kind: l.kind, strength: l.strength, relationshipId: l.id }
      const had = best.get(sid)
      if (!had || comparePaths(p, had) < 0) best.set(sid, p)
    }
    out.set(t.id, [...best.values()].sort(comparePaths))
  }
  return out
}

export type Talk<Id = number> = { target: Target<Id>; path: Path }

/**
 * This week's conversations: targets in the order given (most needed first),
 * each with its best supporter who has fewer than `perSupporter` talks yet.
 * Targets nobody knows are left out (they need a path first).
 */
export function whoTalksToWhom<Id>(
  targets: readonly Target<Id>[],
  paths: ReadonlyMap<Id, Path[]>,
  perSupporter = 2,
): Talk<Id>[] {
  const load = new Map<number, number>()
  const talks: Talk<Id>[] = []
  for (const t of targets) {
    const choice = (paths.get(t.id) ?? []).find((p) => (load.get(p.supporter.id) ?? 0) < perSupporter)
    if (!choice) continue
    load.set(choice.supporter.id, (load.get(choice.supporter.id) ?? 0) + 1)
    talks.push({ target: t, path: choice })
  }
  return talks
}
