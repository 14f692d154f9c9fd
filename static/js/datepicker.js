// Date fields typed as dd/mm/yyyy (and "dd/mm/yyyy HH:MM"), whatever the browser's language.
// The field itself is a text input (dialogue.forms.DateInput / DateTimeInput); this adds a
// calendar button beside it that opens the browser's own picker (a hidden native date input)
// and writes the chosen day back in dd/mm/yyyy. Without JavaScript the text field still works.
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  // "06/12/2026" or "06/12/2026 08:30" -> "2026-12-06" or "2026-12-06T08:30" ("" if unreadable).
  function toNative(text, withTime) {
    var m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?\s*$/.exec(text || "");
    if (!m) { return ""; }
    var day = m[3] + "-" + pad(m[2]) + "-" + pad(m[1]);
    if (!withTime) { return day; }
    return day + "T" + (m[4] ? pad(m[4]) + ":" + m[5] : "08:00");
  }

  // "2026-12-06" or "2026-12-06T08:30" -> "06/12/2026" or "06/12/2026 08:30".
  function fromNative(value, withTime) {
    var m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(value || "");
    if (!m) { return ""; }
    var day = m[3] + "/" + m[2] + "/" + m[1];
    return withTime && m[4] ? day + " " + m[4] + ":" + m[5] : day;
  }

  function enhance(input) {
    if (input.dataset.datepickerReady) { return; }
    input.dataset.datepickerReady = "1";
    var withTime = input.dataset.datepicker === "datetime";

    var group = document.createElement("div");
    group.className = "input-group datepicker";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary datepicker-button";
    button.setAttribute("aria-label", input.dataset.pickerLabel || "Calendar");
    button.title = input.dataset.pickerLabel || "Calendar";
    button.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">' +
      '<path fill="currentColor" d="M4 0h1v2h6V0h1v2h2a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H2a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h2V0zM1 6v8a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V6H1zm2 2h2v2H3V8zm4 0h2v2H7V8zm4 0h2v2h-2V8zm-8 3h2v2H3v-2zm4 0h2v2H7v-2z"/></svg>';
    group.appendChild(button);

    // The browser's picker, out of sight and out of the tab order: only the button opens it.
    var native = document.createElement("input");
    native.type = withTime ? "datetime-local" : "date";
    native.className = "datepicker-native";
    native.tabIndex = -1;
    native.setAttribute("aria-hidden", "true");
    if (input.disabled || input.readOnly) { button.disabled = true; }
    group.appendChild(native);

    button.addEventListener("click", function () {
      native.value = toNative(input.value, withTime);
      try {
        native.showPicker();
      } catch (error) {
        native.focus();
        native.click();
      }
    });
    native.addEventListener("change", function () {
      var text = fromNative(native.value, withTime);
      if (!text) { return; }
      input.value = text;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
    });
  }

  function enhanceAll(root) {
    (root || document).querySelectorAll("input[data-datepicker]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { enhanceAll(document); });
  } else {
    enhanceAll(document);
  }
  // Forms that HTMX swaps in get their buttons too.
  document.addEventListener("htmx:load", function (event) { enhanceAll(event.target); });
})();
