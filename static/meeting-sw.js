// Keeps the meeting page (/drives/:id/meeting) and the static files it needs on
// the phone, so the page opens again with no connection. Only those: no other
// page is cached. The page is fetched from the network first (the freshest
// account of what is saved) and from the cache when the network fails.
// The cached page holds names (the whip count's body), so it must not outlive
// the session it was opened in:
// - a copy is served for 12 hours at most (a session's lifetime), then dropped;
// - when the network answers the page with anything but the page (logged out,
//   session over, no access any more), the copy is dropped;
// - logging out drops every copy: the page posting /logout (this worker sees it
//   from the pages it controls), and the login page's script (static/app.js)
//   for logouts made elsewhere, both empty the cache.
// Registered with scope /drives/: it sees nothing of the other pages.
const CACHE = 'tenfold-meeting-v2'
const MEETING = /^\/drives\/[0-9]+\/meeting$/
const MAX_AGE_MS = 12 * 3600 * 1000
const SAVED_AT = 'x-tenfold-saved-at'

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) =>
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith('tenfold-meeting') && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => self.clients.claim()),
  ),
)

// The page's script asks for this at logout, and the login page for any copy left behind.
self.addEventListener('message', (event) => {
  if (event.data === 'tenfold:forget') event.waitUntil(caches.delete(CACHE))
})

/** A copy of the page stamped with when it was kept, so an old one is never served. */
async function keep(cache, path, res) {
  const headers = new Headers(res.headers)
  headers.set(SAVED_AT, String(Date.now()))
  const body = await res.blob()
  await cache.put(path, new Response(body, { status: res.status, statusText: res.statusText, headers }))
}

async function cachedPage(path) {
  const cache = await caches.open(CACHE)
  const hit = await cache.match(path)
  if (!hit) return Response.error()
  const at = Number(hit.headers.get(SAVED_AT) || 0)
  if (Date.now() - at > MAX_AGE_MS) {
    await cache.delete(path)
    return Response.error()
  }
  return hit
}

self.addEventListener('fetch', (event) => {
  const req = event.request
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (req.method === 'POST' && url.pathname === '/logout') {
    event.waitUntil(caches.delete(CACHE))
    return
  }
  if (req.method !== 'GET') return
  if (MEETING.test(url.pathname)) {
    event.respondWith(
      fetch(req).then(
        async (res) => {
          const cache = await caches.open(CACHE)
          // 200 and the page itself (not a redirect to the login page): keep it; anything else: forget it.
          if (res.ok && res.type === 'basic' && !res.redirected) await keep(cache, url.pathname, res.clone())
          else await cache.delete(url.pathname)
          return res
        },
        () => cachedPage(url.pathname),
      ),
    )
  } else if (url.pathname.startsWith('/static/')) {
    event.respondWith(
      caches.open(CACHE).then((c) =>
        fetch(req)
          .then((res) => {
            if (res.ok) void c.put(req, res.clone())
            return res
          })
          .catch(() => c.match(req).then((hit) => hit || Response.error())),
      ),
    )
  }
})
