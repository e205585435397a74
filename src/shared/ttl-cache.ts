// Results kept for a short, fixed time: for reports whose figures may be a
// minute old (the national review), so a busy hour of readers costs one read
// per minute per set of filters. Requests arriving while a result loads share
// the load; a failed load is not kept. Bounded: the oldest entries go first.
export type Cached<T> = { value: T; at: Date }

export function createTtlCache<T>(ttlMs: number, maxEntries = 100) {
  const entries = new Map<string, { expires: number; value: Promise<Cached<T>> }>()
  return {
    get(key: string, load: () => Promise<T>): Promise<Cached<T>> {
      const now = Date.now()
      const hit = entries.get(key)
      if (hit !== undefined && hit.expires > now) return hit.value
      if (hit !== undefined) entries.delete(key)
      const value = load().then((v) => ({ value: v, at: new Date() }))
      if (ttlMs <= 0) return value
      const entry = { expires: now + ttlMs, value }
      entries.set(key, entry)
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key)
      })
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!)
      return value
    },
  }
}
