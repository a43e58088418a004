// The service worker: lets a tablet in the training lab reload CareCampus without the network.
//
// What it keeps: the app shell (HTML, CSS, scripts, catalogs, icon) and the bundled checklists
// (/api/checkoffs and /api/checkoffs/<id>: the same for everyone, no personal data). What it never
// keeps: any other API answer (users, classes, results, statements); the check-off page keeps the
// little it needs offline itself, in localStorage, and clears it at logout.
//
// Everything is network first: online, the page always gets what the server has now (so a new
// version is picked up at once) and the copy is refreshed; offline, the copy is served. VERSION
// names the caches; raising it (when the list below changes) drops the old ones on activation.
const VERSION = 'v1';
const SHELL = `cc-shell-${VERSION}`;
const CONTENT = `cc-content-${VERSION}`;
const PRECACHE = [
  '/',
  '/css/app.css',
  '/img/favicon.svg',
  '/i18n/en.json',
  '/i18n/zh-CN.json',
  '/js/app.js',
  '/js/api.js',
  '/js/i18n.js',
  '/js/ui.js',
  '/js/pages/login.js',
  '/js/pages/profile.js',
  '/js/pages/checkoff.js',
  '/js/pages/checkoff-outbox.js',
  '/js/pages/checkoff-mine.js',
];
const CHECKLISTS = /^\/api\/checkoffs(\/[a-z0-9-]{1,64})?$/;
const NETWORK_WAIT_MS = 6000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('cc-') && k !== SHELL && k !== CONTENT).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

/* The network's answer (kept in CACHE under KEY when it is a 200), else the kept copy. */
async function networkFirst(request, cacheName, key) {
  const cache = await caches.open(cacheName);
  try {
    // A hung lab Wi-Fi should not hang the page: give up on the network after a while.
    const response = await Promise.race([
      fetch(request),
      new Promise((_, fail) => setTimeout(() => fail(new Error('timeout')), NETWORK_WAIT_MS)),
    ]);
    if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
    return response;
  } catch (err) {
    const kept = await cache.match(key);
    if (kept) return kept;
    throw err;
  }
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (CHECKLISTS.test(url.pathname) && !url.search) {
    event.respondWith(networkFirst(req, CONTENT, url.pathname));
    return;
  }
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/xapi/') || url.pathname === '/sw.js') return;
  // Every page of the app is index.html; the router in app.js reads the address.
  const key = req.mode === 'navigate' ? '/' : url.pathname;
  event.respondWith(networkFirst(req, SHELL, key));
});
