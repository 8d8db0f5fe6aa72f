// Ask before irreversible actions (forms marked data-confirm).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
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
  var summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
