// Sổ tay Đảng viên — service worker. The server fills in VERSION, SHELL and CHUNKS for each build, so
// the shell cache holds exactly this build's hashed assets: old wasm never meets new HTML.
"use strict";
const VERSION = "__VERSION__";
const SHELL = __SHELL__;
// The wasm chunks of the pages kept for offline reading, kept with the shell but one by one.
const CHUNKS = __CHUNKS__;
const PKG = __PKG__;
const APP_NAME = __APP_NAME__;
const SHELL_CACHE = "sotay-shell-" + VERSION;
// Pages kept for reading offline: those the member opened, bookmarked documents and the
// materials of their next meeting (sent by the page), home and the lists.
const PAGES_CACHE = "sotay-pages";
const MAX_PAGES = 120;
const OFFLINE_URL = "/ngoai-tuyen";
// From the app's route table (app::routes::offline_patterns): the pages marked `offline`.
const KEEP = __KEEP__.map((source) => new RegExp(source));

function keepable(path) {
  return KEEP.some((re) => re.test(path));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL).then(() => Promise.allSettled(CHUNKS.map((url) => cache.add(url)))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith("sotay-shell-") && key !== SHELL_CACHE) {
        await caches.delete(key);
      }
    }
    await self.clients.claim();
  })());
});

async function trim(cache) {
  const keys = await cache.keys();
  for (let i = 0; i < keys.length - MAX_PAGES; i++) {
    await cache.delete(keys[i]);
  }
}

async function pageNetworkFirst(request) {
  const url = new URL(request.url);
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic" && keepable(url.pathname)) {
      await cache.put(url.pathname, response.clone());
      await trim(cache);
    }
    return response;
  } catch (err) {
    const cached = await cache.match(url.pathname);
    if (cached) {
      return cached;
    }
    const offline = await caches.match(OFFLINE_URL);
    if (!offline) {
      return Response.error();
    }
    // Sent to the offline page's own address, so the app hydrates it as itself and not as
    // the page that was asked for.
    if (url.pathname !== OFFLINE_URL) {
      return Response.redirect(new URL(OFFLINE_URL, self.location.origin).href, 302);
    }
    return offline;
  }
}

async function chunkCacheFirst(request, path) {
  const cache = await caches.open(SHELL_CACHE);
  // Build files come with `Vary: Accept-Encoding` (for shared caches); this cache keeps one copy
  // per name, so the lookup ignores it (it would compare the request headers and miss).
  const hit = await cache.match(path, { ignoreVary: true });
  if (hit) {
    return hit;
  }
  const response = await fetch(request);
  if (response.ok) {
    await cache.put(path, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  // Server functions and forms are POSTs: never cached, never answered from a cache.
  if (request.method !== "GET") {
    return;
  }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) {
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname, { ignoreVary: true }).then((hit) => hit || fetch(request)));
    return;
  }
  // The wasm chunks of the lazily loaded pages: named by their hash, so kept once fetched (with
  // this build's shell, dropped with it) and not downloaded again while this build is current.
  if (url.pathname.startsWith(PKG) && url.pathname.endsWith(".wasm")) {
    event.respondWith(chunkCacheFirst(request, url.pathname));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(request));
  }
});

async function keep(urls) {
  const cache = await caches.open(PAGES_CACHE);
  for (const u of urls) {
    const url = new URL(u, self.location.origin);
    if (url.origin !== self.location.origin || !keepable(url.pathname)) {
      continue;
    }
    try {
      const response = await fetch(url.pathname, { credentials: "same-origin", redirect: "manual" });
      if (response.ok && response.type === "basic") {
        await cache.put(url.pathname, response);
      }
    } catch (err) {
      // Offline now: it is fetched again next time.
    }
  }
  await trim(cache);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "keep" && Array.isArray(data.urls)) {
    event.waitUntil(keep(data.urls.slice(0, MAX_PAGES)));
  } else if (data.type === "forget") {
    // Signing out: nothing of this member stays on a shared phone.
    event.waitUntil(caches.delete(PAGES_CACHE));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (err) {
    data = { body: event.data ? event.data.text() : "" };
  }
  const options = {
    body: data.body || "",
    lang: "vi",
    icon: "/icons/icon-192.png",
    badge: "/icons/badge-96.png",
    data: { url: data.url || "/thong-bao" },
  };
  if (data.tag) {
    options.tag = data.tag;
  }
  event.waitUntil(self.registration.showNotification(data.title || APP_NAME, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/thong-bao", self.location.origin).href;
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (client.url === target && "focus" in client) {
        return client.focus();
      }
    }
    for (const client of windows) {
      if ("navigate" in client) {
        await client.focus();
        return client.navigate(target);
      }
    }
    return self.clients.openWindow(target);
  })());
});
