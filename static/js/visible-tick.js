/* Fires a "visible-tick" event on every element with data-visible-tick every 30 seconds while
   the tab is visible. htmx listens with hx-trigger="visible-tick": the lesson heartbeat counts
   only time the lesson is in view, without a JavaScript trigger filter (which would need eval
   and so 'unsafe-eval' in the Content-Security-Policy). */
(function () {
  "use strict";
  window.setInterval(function () {
    if (document.visibilityState !== "visible") return;
    document.querySelectorAll("[data-visible-tick]").forEach(function (element) {
      element.dispatchEvent(new CustomEvent("visible-tick"));
    });
  }, 30000);
})();
