// The rows of a slate's matrix in order, kept between requests. Working out
// which bodies are rows and sorting them (collated names, chapters) costs far
// more than drawing a page, and the list changes only when a drive or an
// endorsement is added, moved or deleted, or a body or chapter is renamed —
// which bumps a stamp in the database (migration 095). Each list is kept
// under its slate, scope and filters with the stamp it was read at; a request
// reads the stamp first and reuses the list only while it is unchanged, so
// every instance of Tenfold sees a change at its next request. Bounded: the
// least recently used lists go first.
import { compareBodies, type MatrixBody } from './build-matrix.ts'

export type OrderedBodies = {
  bodies: readonly MatrixBody[]
  /** Position of each body id in `bodies`. */
  position: ReadonlyMap<number, number>
}

export function orderBodies(unordered: readonly MatrixBody[]): OrderedBodies {
  const seen = new Set<number>()
  const bodies = unordered.filter((b) => (seen.has(b.id) ? false : (seen.add(b.id), true))).sort(compareBodies)
  return { bodies, position: new Map(bodies.map((b, i) => [b.id, i])) }
}

export function createMatrixOrderCache(maxLists = 32) {
  const lists = new Map<string, { stamp: string; value: Promise<OrderedBodies> }>()
  return {
    /** The ordered rows under `key`, loaded again when `stamp` has moved on. */
    get(key: string, stamp: string, load: () => Promise<readonly MatrixBody[]>): Promise<OrderedBodies> {
      const hit = lists.get(key)
      lists.delete(key)
      if (hit !== undefined && hit.stamp === stamp) {
        lists.set(key, hit)
        return hit.value
      }
      // Requests arriving while the list loads share the one load.
      const value = load().then(orderBodies)
      const entry = { stamp, value }
      lists.set(key, entry)
      value.catch(() => {
        if (lists.get(key) === entry) lists.delete(key)
      })
      while (lists.size > maxLists) lists.delete(lists.keys().next().value!)
      return value
    },
    get size() {
      return lists.size
    },
  }
}

export type MatrixOrderCache = ReturnType<typeof createMatrixOrderCache>
