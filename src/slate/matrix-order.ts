// The rows of a slate's matrix in order, and its column totals, kept between
// requests. Working out which bodies are rows and sorting them (collated
// names, chapters) costs far more than drawing a page, and neither the list
// nor the totals change unless a drive or an endorsement is added, moved or
// deleted, a candidate changes, or a body or chapter is renamed — each of which
// bumps a stamp in the database (migrations 095–097). Each entry is kept
// under its slate, scope and filters with the stamp it was read at; a request
// reads the stamp first and reuses the entry only while it is unchanged, so
// every instance of Tenfold sees a change at its next request. Bounded: the
// least recently used entries go first.
import { compareBodies, type MatrixBody } from './build-matrix.ts'

export type OrderedBodies = {
  bodies: readonly MatrixBody[]
  /** Position of each body id in `bodies`. */
  position: ReadonlyMap<number, number>
}

export function orderBodies(unordered: readonly MatrixBody[]): OrderedBodies {
  const seen = new Set<number>()
  const bodies = unordered
    .filter((b) => {
      if (seen.has(b.id)) return false
      seen.add(b.id)
      return true
    })
    .sort(compareBodies)
  return { bodies, position: new Map(bodies.map((b, i) => [b.id, i])) }
}

export function createStampedCache<T>(maxEntries = 32) {
  const entries = new Map<string, { stamp: string; value: Promise<T> }>()
  return {
    /** The value under `key`, loaded again when `stamp` has moved on. */
    get(key: string, stamp: string, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key)
      entries.delete(key)
      if (hit !== undefined && hit.stamp === stamp) {
        entries.set(key, hit)
        return hit.value
      }
      // Requests arriving while the value loads share the one load.
      const value = load()
      const entry = { stamp, value }
      entries.set(key, entry)
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key)
      })
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
      return value
    },
    get size() {
      return entries.size
    },
  }
}
