// The payment return page follows the provider's outcome without reloading:
// until the outcome is final (paid, declined, expired ...) it asks our status
// endpoint every few seconds, less often once the bank is late, and swaps the
// outcome's HTML in. Without script the page offers "Check again" instead.
(function () {
  "use strict";
  var FAST = 3000, SLOW = 10000, GIVE_UP = 15 * 60 * 1000, MAX_ERRORS = 5;
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-payment-outcome][data-status-url]");
    if (!box || !window.fetch) return;
    var url = box.getAttribute("data-status-url");
    var shown = box.querySelector("[data-payment]");
    var state = shown ? shown.getAttribute("data-payment") : "";
    var started = Date.now(), errors = 0;
    function later(ms) {
      if (Date.now() - started < GIVE_UP) window.setTimeout(ask, ms);
    }
    function ask() {
      fetch(url, { credentials: "same-origin", cache: "no-store",
                   headers: { "Accept": "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        })
        .then(function (data) {
          errors = 0;
          if (data.state !== state) {
            box.innerHTML = data.html;
            state = data.state;
          }
          if (data.final) {
            box.removeAttribute("data-status-url");
            return;
          }
          later(data.state === "late" ? SLOW : FAST);
        })
        .catch(function () {
          errors += 1;
          if (errors < MAX_ERRORS) later(SLOW);
        });
    }
    later(FAST);
  });
})();
