{% autoescape off %}/* Tending's service worker: keeps the practices and the crisis page working offline.
   Only pages with no private data are ever stored (see mindfulness/offline.py). */
"use strict";
const VERSION = "{{ version }}";
const CACHE = "tending-offline-" + VERSION;
const PRECACHE = {{ precache_json }};
const OFFLINE_PAGE = "/practices/offline/";
// Paths whose pages may be kept. Everything else (journal, notes, "what helps me") is never stored.
const KEEPABLE = [
  /^\/practices\/$/,
  /^\/practices\/play\/[A-Za-z0-9-]+\/(longer\/)?$/,
  /^\/practices\/play\/custom\/[0-9a-f-]{36}\/$/,
  /^\/practices\/timer\/$/,
  /^\/practices\/offline\/$/,
  /^\/crisis\/$/,
];

// The signed-in client's own safety plan (safetyplan app) is kept apart, in PRIVATE_CACHE, so it
// opens on a bad day without a connection. It is stored only when the page says so
// (X-Tending-Offline: private), dropped when the page answers signed-out, and the whole cache
// goes on sign-out (the sign-out response carries Clear-Site-Data: "storage").
const PRIVATE_CACHE = "tending-private";
const PRIVATE = [/^\/safety-plan\/$/];

function isPrivate(url) {
  return url.origin === self.location.origin && PRIVATE.some((pattern) => pattern.test(url.pathname));
}

async function keepPrivate(url, response) {
  if (response.ok && !response.redirected && response.headers.get("X-Tending-Offline") === "private") {
    const cache = await caches.open(PRIVATE_CACHE);
    await cache.put(url.pathname, response.clone());
    return true;
  }
  if (response.redirected || response.status === 404) await caches.delete(PRIVATE_CACHE);
  return false;
}

function keepable(url) {
  return url.origin === self.location.origin && KEEPABLE.some((pattern) => pattern.test(url.pathname));
}

function marked(response, url) {
  // The crisis page is not ours to mark; everything else must say it holds nothing private.
  return response.ok && !response.redirected &&
    (url.pathname === "/crisis/" || response.headers.get("X-Tending-Offline") === "cache");
}

async function keep(request, response) {
  const url = new URL(request.url);
  if (keepable(url) && marked(response, url)) {
    const cache = await caches.open(CACHE);
    await cache.put(url.pathname, response.clone());
    return true;
  }
  return false;
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => Promise.all(PRECACHE.map((path) =>
        fetch(path, { credentials: "same-origin" })
          .then((response) => (response.ok && !response.redirected ? cache.put(path, response) : null))
          .catch(() => null))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("tending-offline-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (url.pathname.startsWith("/static/")) {
    // Our own files change name or worker version when they change: cache first. Any other
    // static file: the network first (so it is never stale), the kept copy when offline.
    const fromNetwork = () => fetch(request).then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
      }
      return response;
    });
    event.respondWith(
      PRECACHE.includes(url.pathname)
        ? caches.match(url.pathname).then((hit) => hit || fromNetwork())
        : fromNetwork().catch(() => caches.match(url.pathname).then((hit) => hit || Response.error()))
    );
    return;
  }

  if (request.mode !== "navigate") return;

  if (isPrivate(url)) {
    event.respondWith(
      fetch(request)
        .then((response) => {
          keepPrivate(url, response);
          return response;
        })
        .catch(async () => {
          const cache = await caches.open(PRIVATE_CACHE);
          return (await cache.match(url.pathname)) || (await caches.match(OFFLINE_PAGE)) || Response.error();
        })
    );
    return;
  }

  // Pages: the network first, so people always see fresh pages online; the kept copy only offline.
  event.respondWith(
    fetch(request)
      .then((response) => {
        keep(request, response);
        return response;
      })
      .catch(async () => {
        if (keepable(url)) {
          const hit = await caches.match(url.pathname);
          if (hit) return hit;
        }
        return (await caches.match(OFFLINE_PAGE)) || Response.error();
      })
  );
});

// The library asks us to keep the practices it links to, so any of them opens offline later.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep-private") {
    const url = new URL("/safety-plan/", self.location.origin);
    event.waitUntil(fetch(url.pathname, { credentials: "same-origin" }).then((r) => keepPrivate(url, r)).catch(() => false));
    return;
  }
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  const port = event.ports && event.ports[0];
  const work = Promise.all(data.urls.slice(0, 100).map((href) => {
    const url = new URL(href, self.location.origin);
    if (!keepable(url)) return false;
    return fetch(url.pathname, { credentials: "same-origin" })
      .then((response) => keep(new Request(url.pathname), response))
      .catch(() => false);
  })).then((results) => {
    if (port) port.postMessage({ type: "kept", count: results.filter(Boolean).length, version: VERSION });
  });
  event.waitUntil(work);
});
{% endautoescape %}
