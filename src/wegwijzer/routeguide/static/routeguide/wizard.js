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
})();
