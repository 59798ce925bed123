// Route guide wizard: after htmx swaps a screen, move focus to its heading (or the error summary),
// so keyboard and screen-reader users start at the top of the new screen. Loaded as an external file
// (the CSP forbids inline scripts); the wizard works fully without it.
(function () {
  "use strict";
  function focusScreen(root) {
    var region = root && root.id === "ww-route" ? root : document.getElementById("ww-route");
    if (!region) { return; }
    var target = region.querySelector("[data-ww-focus]");
    if (target) {
      target.focus({ preventScroll: false });
    }
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var swapped = (detail.elt && detail.elt.id === "ww-route") || (detail.target && detail.target.id === "ww-route");
    if (swapped) {
      focusScreen(document.getElementById("ww-route"));
    }
  });
  // Weeks since birth do not apply before the birth (the field is hidden by CSS): clear a stale value.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input && input.name === "phase" && (input.value === "kinderwens" || input.value === "zwangerschap")) {
      var weeks = document.getElementById("id_weeks_since_birth");
      if (weeks && !weeks.hasAttribute("aria-invalid")) { weeks.value = ""; }
    }
  });
  document.addEventListener("htmx:historyRestore", function () {
    focusScreen(document.getElementById("ww-route"));
  });

  // Advice: the copy-link and print buttons need JavaScript, so they are hidden in the HTML and shown here
  // (progressive enhancement: without JavaScript the plain link and the browser's own print remain).
  function enhanceAdvice() {
    var copy = document.querySelector(".ww-copy-link");
    if (copy && navigator.clipboard && window.isSecureContext) { copy.hidden = false; }
    var print = document.querySelector(".ww-print");
    if (print && typeof window.print === "function") { print.hidden = false; }
  }
  function announce(text) {
    var status = document.querySelector(".ww-copy-status");
    if (status) { status.textContent = text; }
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var copy = target && target.closest ? target.closest(".ww-copy-link") : null;
    if (copy) {
      navigator.clipboard.writeText(copy.getAttribute("data-ww-copy") || window.location.href).then(
        function () { announce(copy.getAttribute("data-ww-copied") || "De link is gekopieerd."); },
        function () { announce(copy.getAttribute("data-ww-failed") || "Kopiëren lukte niet; kopieer de link hierboven."); }
      );
      return;
    }
    if (target && target.closest && target.closest(".ww-print")) { window.print(); }
  });
  document.addEventListener("htmx:afterSettle", enhanceAdvice);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAdvice);
  } else {
    enhanceAdvice();
  }
})();
