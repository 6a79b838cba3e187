/* Service worker of 鸠江区 综合查一次 (served at /sw.js, scope "/"; jiujiang_inspect.views.service_worker).
   One job (issue 15): keep today's 亮码 pages that the inspector opened, with what they load, so the
   code can be shown at a factory gate without signal. It caches nothing else: a 亮码 page asks it to
   keep itself (postMessage {keep: [urls], day: "YYYY-MM-DD"}); only same-origin code pages, their QR
   images and static files are accepted. Online every request goes to the network; a kept copy answers
   only when the network fails (or a gateway answers 5xx instead of the site). Copies of other days are
   deleted. */
"use strict";
var PREFIX = "jj-codes-";
var CODE_PAGE = /^\/checkcode\/codes\/[^/]+\/show\/$/;
var QR = /^\/c\/[^/]+\/qr\.svg$/;
var STATIC = "{{ static_url }}";

function keepable(url) {
  return url.origin === self.location.origin &&
    (CODE_PAGE.test(url.pathname) || QR.test(url.pathname) || url.pathname.indexOf(STATIC) === 0);
}

function forgetOtherDays(day) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf(PREFIX) === 0 && key !== PREFIX + day;
    }).map(function (key) { return caches.delete(key); }));
  });
}

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (!Array.isArray(data.keep) || !/^\d{4}-\d{2}-\d{2}$/.test(data.day || "")) { return; }
  var urls = data.keep.map(function (u) { return new URL(u, self.location.origin); }).filter(keepable)
    .map(function (u) { return u.href; });
  event.waitUntil(forgetOtherDays(data.day).then(function () {
    return caches.open(PREFIX + data.day);
  }).then(function (cache) {
    return cache.addAll(urls);
  }).then(function () {
    if (event.source) { event.source.postMessage({kept: urls.length}); }
  }).catch(function () {}));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (!keepable(url)) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.status < 500) { return response; }
    return caches.match(request, {ignoreVary: true}).then(function (kept) { return kept || response; });
  }, function () {
    return caches.match(request, {ignoreVary: true}).then(function (kept) { return kept || Response.error(); });
  }));
});
