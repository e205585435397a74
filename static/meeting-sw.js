// Keeps the meeting page (/drives/:id/meeting) and the static files it needs on
// the phone, so the page opens again with no connection. Only those: no other
// page is cached. The page is fetched from the network first (the freshest
// account of what is saved) and from the cache when the network fails.
const CACHE = 'tenfold-meeting-v1'
const MEETING = /^\/drives\/[0-9]+\/meeting$/

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

self.addEventListener('fetch', (event) => {
  const req = event.request
  if (req.method !== 'GET') return
  const url = new URL(req.url)
  if (url.origin !== self.location.origin) return
  if (MEETING.test(url.pathname)) {
    event.respondWith(
      fetch(req)
        .then((res) => {
          if (res.ok) {
            const copy = res.clone()
            void caches.open(CACHE).then((c) => c.put(url.pathname, copy))
          }
          return res
        })
        .catch(() => caches.match(url.pathname).then((hit) => hit || Response.error())),
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
