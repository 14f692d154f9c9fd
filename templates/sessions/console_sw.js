/* The live console's service worker (issue 13): a reload while offline still opens the console.
 *
 * Registered by static/js/console.js for one console's folder (/sessions/<pk>/console/), so it
 * controls that page only and answers for nothing else:
 * - the console page and its state JSON: network first; the last copy when the network fails,
 *   marked with the X-Offline-Copy header. The page writes the state it holds (merged from the
 *   deltas) into the cache itself, so the copy is never a partial ?since= answer;
 * - static files: cache first when the name carries the manifest's hash (it never changes),
 *   network first otherwise (DEBUG serves unhashed names that do change).
 * Writes (POST) are never touched: unsaved entries wait in the page's localStorage.
 * static/js/offline-clear.js deletes this cache and the registration at logout and at login.
 */
"use strict";

var CACHE = "{{ cache_name|escapejs }}";
var STATIC = "{{ static_url|escapejs }}";
var HASHED = /\.[0-9a-f]{12}\.[A-Za-z0-9]+$/;

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf("doithoai-console") === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

function offlineCopy(hit) {
  var headers = new Headers(hit.headers);
  headers.set("X-Offline-Copy", "1");
  return hit.blob().then(function (body) {
    return new Response(body, {status: hit.status, statusText: hit.statusText, headers: headers});
  });
}

function fromCache(key) {
  return caches.open(CACHE).then(function (cache) { return cache.match(key); })
    .then(function (hit) { return hit ? offlineCopy(hit) : Response.error(); });
}

function networkFirst(request, key, store) {
  return fetch(request).then(function (response) {
    if (store && response.status === 200 && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(key, copy); });
    }
    return response;
  }, function () { return fromCache(key); });
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.status === 200) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var page = new URL(self.registration.scope).pathname;
  if (url.pathname === page && request.mode === "navigate") {
    event.respondWith(networkFirst(request, page, true));
  } else if (url.pathname === page + "state/") {
    event.respondWith(networkFirst(request, page + "state/", false));
  } else if (url.pathname.indexOf(STATIC) === 0) {
    event.respondWith(HASHED.test(url.pathname) ? cacheFirst(request) : networkFirst(request, request, true));
  }
});
