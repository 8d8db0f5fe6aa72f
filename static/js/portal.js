// Ask before irreversible actions (forms marked data-confirm).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
// Individual / juristic fields follow the "I am" choice.
document.addEventListener("DOMContentLoaded", function () {
  var radios = document.querySelectorAll("input[type=radio][name$='kind']");
  var fixed = document.querySelector("input[type=hidden][name$='kind']");
  if (!radios.length && !fixed) return;
  function sync() {
    var chosen = document.querySelector("input[type=radio][name$='kind']:checked") || fixed;
    var kind = chosen ? chosen.value : "individual";
    document.querySelectorAll("[data-kind-only]").forEach(function (el) {
      el.hidden = el.getAttribute("data-kind-only") !== kind;
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", sync); });
  sync();
});
// Representative documents appear only when "filing for someone else" is ticked.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.querySelector("input[name$='by_representative']");
  if (!box) return;
  function sync() {
    document.querySelectorAll(".rep-only").forEach(function (el) {
      el.hidden = !box.checked;
    });
  }
  box.addEventListener("change", sync);
  sync();
});
// A form sent back with errors: focus goes to its summary at the top (a form
// re-rendered includes templates/includes/error_summary.html; one answered by
// a redirect leaves its error as a message, base.html; a booking outside
// working hours asks again in its warning), so a screen reader reads it and
// the keyboard continues from there. Focusing before the first paint also
// drops a field's autofocus, as browsers skip it once something has focus.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(
    ".error-summary, [data-error-message], [data-outside-hours]"
  );
  if (summary) summary.focus();
});

// Print buttons (no inline handlers).
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) window.print();
});

// Outage report: "Use my location" fills latitude and longitude from the
// browser (no map service is needed or reachable).
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-locate]");
  if (!button) return;
  var status = document.querySelector("[data-locate-status]");
  var say = function (text) { if (status) status.textContent = text; };
  if (!navigator.geolocation) { say(button.getAttribute("data-failed")); return; }
  say(button.getAttribute("data-waiting"));
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.querySelector("input[name=lat]").value = pos.coords.latitude.toFixed(6);
    document.querySelector("input[name=lon]").value = pos.coords.longitude.toFixed(6);
    say("");
  }, function () { say(button.getAttribute("data-failed")); }, { timeout: 10000 });
});
