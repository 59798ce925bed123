/* Accessibility fixes for widgets that Django's admin (6.1) builds in the browser, which axe-core flags:
 * - SelectFilter2 (filter_horizontal) puts aria-label on a <span> without a role (aria-prohibited-attr);
 * - select2 (autocomplete_fields) gives its combobox and the textbox inside it only the chosen value as a
 *   name, none when empty (aria-input-field-name): both get the field's label first;
 * - a tabular inline's fields have only their column heading as a visual label (label): they get it as
 *   their accessible name.
 * Applied once the widgets exist and again whenever the page adds some (an inline's "add another"). */
(function () {
  "use strict";

  function nameComboboxes(root) {
    root.querySelectorAll(".select2-selection[role='combobox']").forEach(function (box) {
      var container = box.closest(".select2-container");
      var select = container && container.previousElementSibling;
      if (!select || !select.id) return;
      var label = document.querySelector("label[for='" + select.id + "']");
      if (!label) return;
      if (!label.id) label.id = select.id + "-label";
      var rendered = "select2-" + select.id + "-container";
      var wanted = label.id + " " + rendered;
      if (box.getAttribute("aria-labelledby") !== wanted) box.setAttribute("aria-labelledby", wanted);
      var textbox = document.getElementById(rendered);
      if (textbox && textbox.getAttribute("aria-labelledby") !== wanted) textbox.setAttribute("aria-labelledby", wanted);
    });
  }

  function nameTabularFields(root) {
    root.querySelectorAll(".tabular table tbody td").forEach(function (cell) {
      var table = cell.closest("table");
      var heading = null;
      var match = /(?:^|\s)field-(\S+)/.exec(cell.className);
      if (match) heading = table.querySelector("thead th.column-" + match[1]);
      else if (cell.classList.contains("delete")) heading = table.querySelector("thead th:last-child");
      if (!heading) return;
      var name = heading.textContent.trim();
      cell.querySelectorAll("input:not([type='hidden']), select, textarea").forEach(function (field) {
        if (field.labels && field.labels.length) return;
        if (!field.hasAttribute("aria-label") && name) field.setAttribute("aria-label", name);
      });
    });
  }

  function fix() {
    document.querySelectorAll(".search-label-icon[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    nameComboboxes(document);
    nameTabularFields(document);
  }

  window.addEventListener("load", function () {
    fix();
    new MutationObserver(fix).observe(document.body, { childList: true, subtree: true });
  });
})();
