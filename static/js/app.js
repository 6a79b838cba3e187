/* Page behaviour the templates declare with data attributes. The Content-Security-Policy allows scripts
   from this site only (no inline script, no on* handlers, no style attributes), so it all lives here.
   - data-confirm="问题"   on a submit button: ask before submitting.
   - data-autosubmit       on a select: submit its form when the choice changes.
   - data-print            on a button: print the page.
   - data-back             on a link: go back one page (its href is the fallback without history).
   - data-percent="42"     on a .progress-bar: its width (also in fragments htmx swaps in).
   - data-countdown="600" data-countdown-form="id": count down the seconds, then submit that form.
   - data-kind-switch      on a select: show only the [data-kind-only="<value>"] groups of its form
                           that match the chosen value (without script every group shows, labelled). */
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

  function init(root) {
    root.querySelectorAll(".progress-bar[data-percent]").forEach(function (bar) {
      var pct = Math.max(0, Math.min(100, parseFloat(bar.getAttribute("data-percent")) || 0));
      bar.style.width = pct + "%";  // CSSOM, which the policy allows (a style attribute it would not)
    });
    root.querySelectorAll("[data-countdown]").forEach(startCountdown);
    root.querySelectorAll("[data-kind-switch]").forEach(showKind);
  }

  if (window.htmx) {
    window.htmx.onLoad(init);  // the page itself and every fragment htmx swaps in
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
