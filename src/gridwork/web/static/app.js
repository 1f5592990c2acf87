// Small enhancements that every page shares; every page also works without them.
(function () {
  "use strict";
  // Forms with a photo can take a while on a phone: say so and stop double submits.
  document.addEventListener("submit", function (e) {
    var button = e.target.querySelector("button[type=submit]");
    if (button && !e.defaultPrevented) {
      setTimeout(function () { button.disabled = true; button.setAttribute("aria-busy", "true"); }, 0);
    }
  });
  // Print buttons (no inline handlers: the pages' Content-Security-Policy forbids them).
  document.addEventListener("click", function (e) {
    var target = e.target instanceof Element ? e.target.closest("[data-print]") : null;
    if (target) { window.print(); }
  });
})();
