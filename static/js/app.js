/* Page behaviour the templates declare with data attributes. The Content-Security-Policy allows scripts
   from this site only (no inline script, no on* handlers, no style attributes), so it all lives here.
   - data-confirm="问题"   on a submit button: ask before submitting.
   - data-autosubmit       on a select: submit its form when the choice changes.
   - data-print            on a button: print the page.
   - data-back             on a link: go back one page (its href is the fallback without history).
   - data-percent="42"     on a .progress-bar: its width (also in fragments htmx swaps in).
   - data-countdown="600" data-countdown-form="id": count down the seconds, then submit that form.
   - data-kind-switch      on a select: show only the [data-kind-only="<value>"] groups of its form
                           that match the chosen value (without script every group shows, labelled).
   - data-fullscreen="id"  on a button: show that element full screen (Fullscreen API) and keep the
                           screen on (Screen Wake Lock) where the browser has them.
   - data-code-show        the 亮码 page: keeps the screen on; [data-offline-note] shows while offline;
                           with data-offline-cache="YYYY-MM-DD" the service worker (/sw.js) keeps
                           this page and what it loads for offline display that day.
   - data-filter-list="id" on a search box: show only the .form-check items of that list whose label
                           contains the typed text ([data-filter-empty] shows when none does).
   - data-month-picker     the plan form's months: a change of its form's year shows the months of
                           that year that have not passed (all of a later year), past ones stay hidden
                           unless chosen or data-show-past. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var confirmEl = event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    if (event.target.closest("[data-print]")) {
      window.print();
    }
    if (event.target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  function showKind(sw) {
    var form = sw.form || document;
    form.querySelectorAll("[data-kind-only]").forEach(function (group) {
      group.hidden = group.getAttribute("data-kind-only") !== sw.value;
    });
  }

  document.addEventListener("change", function (event) {
    var kind = event.target.closest("[data-kind-switch]");
    if (kind) { showKind(kind); }
    var select = event.target.closest("[data-autosubmit]");
    if (select && select.form) {
      select.form.submit();
    }
  });

  function startCountdown(el) {
    var left = parseInt(el.getAttribute("data-countdown"), 10);
    var form = document.getElementById(el.getAttribute("data-countdown-form"));
    if (isNaN(left) || el.getAttribute("data-countdown-started")) { return; }
    el.setAttribute("data-countdown-started", "1");
    function show() {
      var m = Math.floor(left / 60), s = left % 60;
      el.textContent = m + " 分 " + (s < 10 ? "0" : "") + s + " 秒";
    }
    show();
    var timer = setInterval(function () {
      left -= 1;
      if (left <= 0) {
        clearInterval(timer);
        if (form) { form.submit(); }
      } else {
        show();
      }
    }, 1000);
  }

  var wakeLock = null;
  function keepScreenOn() {
    var status = document.querySelector("[data-wake-status]");
    if (!("wakeLock" in navigator) || document.visibilityState !== "visible") {
      if (status && !("wakeLock" in navigator)) { status.textContent = "此浏览器不支持屏幕常亮，请调高熄屏时间。"; }
      return;
    }
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      if (status) { status.textContent = "屏幕常亮已开启。"; }
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () {
      if (status) { status.textContent = "未能保持屏幕常亮（省电模式或浏览器限制）。"; }
    });
  }

  function showOffline(offline) {
    document.querySelectorAll("[data-offline-note]").forEach(function (note) { note.hidden = !offline; });
  }

  // The phone may think it is online with no data getting through: ask the site (a HEAD request,
  // which the service worker never answers from its copies).
  function showOnlineState() {
    showOffline(!navigator.onLine);
    if (navigator.onLine && document.querySelector("[data-offline-note]")) {
      fetch("/sw.js", {method: "HEAD", cache: "no-store"}).then(function (response) {
        showOffline(response.status >= 500);
      }, function () { showOffline(true); });
    }
  }

  function keepForOffline(page) {
    var day = page.getAttribute("data-offline-cache");
    if (!day || !("serviceWorker" in navigator) || !navigator.onLine) { return; }
    var status = document.querySelector("[data-offline-status]");
    var urls = [window.location.pathname];
    document.querySelectorAll("link[rel=stylesheet][href], script[src], img[src]").forEach(function (el) {
      urls.push(el.getAttribute("href") || el.getAttribute("src"));
    });
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.kept) {
        document.documentElement.setAttribute("data-offline-ready", day);
        if (status) { status.textContent = "已保存在本机：今天离线也可亮码。"; }
      }
    });
    navigator.serviceWorker.register("/sw.js").then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      registration.active.postMessage({keep: urls, day: day});
    }).catch(function () {
      if (status) { status.textContent = "此浏览器不能离线保存检查码。"; }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-fullscreen]");
    if (!button) { return; }
    var target = document.getElementById(button.getAttribute("data-fullscreen"));
    if (target && target.requestFullscreen) {
      target.requestFullscreen().catch(function () {});
    }
    if (!wakeLock) { keepScreenOn(); }
  });

  document.addEventListener("input", function (event) {
    var box = event.target.closest("[data-filter-list]");
    if (!box) { return; }
    var list = document.getElementById(box.getAttribute("data-filter-list"));
    if (!list) { return; }
    var text = box.value.trim().toLowerCase(), shown = 0;
    list.querySelectorAll(".form-check").forEach(function (item) {
      var match = !text || item.textContent.toLowerCase().indexOf(text) !== -1;
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    var empty = list.querySelector("[data-filter-empty]");
    if (empty) { empty.hidden = shown > 0; }
  });

  function showMonths(picker, year) {
    var thisYear = parseInt(picker.getAttribute("data-this-year"), 10);
    var thisMonth = parseInt(picker.getAttribute("data-this-month"), 10);
    var all = picker.hasAttribute("data-show-past");
    var hiding = 0;
    picker.querySelectorAll("[data-month]").forEach(function (item) {
      var m = parseInt(item.getAttribute("data-month"), 10);
      var past = year < thisYear || (year === thisYear && m < thisMonth);
      var box = item.querySelector("input");
      item.hidden = past && !all && !(box && box.checked);
      if (item.hidden) { hiding += 1; }
    });
    var form = picker.closest("form");
    var note = form && form.querySelector("[data-past-note]");
    if (note) { note.hidden = hiding === 0; }
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!field.form || field.name !== "year") { return; }
    var picker = field.form.querySelector("[data-month-picker]");
    var year = parseInt(field.value, 10);
    if (picker && !isNaN(year)) { showMonths(picker, year); }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.querySelector("[data-code-show]") && !wakeLock) { keepScreenOn(); }
  });
  window.addEventListener("online", showOnlineState);
  window.addEventListener("offline", showOnlineState);

  // Signed out (the login page after 退出): forget the codes kept on this phone for offline display.
  function forgetCodes() {
    if (!document.body.hasAttribute("data-signed-out") || !window.caches) { return; }
    window.caches.keys().then(function (keys) {
      keys.forEach(function (key) { if (key.indexOf("jj-codes-") === 0) { window.caches.delete(key); } });
    }).catch(function () {});
  }
  forgetCodes();

  function init(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      var pct = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
      bar.style.width = pct + "%";  // CSSOM, which the policy allows (a style attribute it would not)
    });
    root.querySelectorAll("[data-countdown]").forEach(startCountdown);
    root.querySelectorAll("[data-kind-switch]").forEach(showKind);
    if (root.querySelector && root.querySelector("[data-code-show]")) {
      showOnlineState();
      keepScreenOn();
      keepForOffline(root.querySelector("[data-code-show]"));
    }
  }

  if (window.htmx) {
    window.htmx.onLoad(init);  // the page itself and every fragment htmx swaps in
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
