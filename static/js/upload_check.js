// Documents are checked before they are sent (issue 18): a file the server
// would refuse for its name, its size or its type is refused here, with the
// server's own message, and its form is not sent while the field holds it.
// Everything comes from the input's data- attributes, which the server
// renders from the texts and rules of requests_app.documents.validate_upload
// (browser_check_attrs), so the two never differ. The server checks again,
// and further (a PDF's scripts, a hidden archive ...): this only saves
// sending a file that cannot pass.
(function () {
  "use strict";
  var BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
  var INVISIBLE = /[\p{Cc}\p{Cf}]/gu;
  var CONTROL = /\p{Cc}/u;

  function fill(text, values) {
    return text.replace(/\{(name|size|extension)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  // requests_app.documents._label: no invisible characters, one line long.
  function label(name) {
    var chars = Array.from(name.replace(INVISIBLE, ""));
    if (chars.length <= 80) return chars.join("");
    return chars.slice(0, 50).join("") + "\u2026" + chars.slice(-25).join("");
  }

  // requests_app.documents._extension: the last one, as Windows reads it.
  function extension(name) {
    var stem = name.replace(/[ .]+$/, "");
    var at = stem.lastIndexOf(".");
    if (at < 0) return null;
    var ext = stem.slice(at + 1);
    if (!/^[A-Za-z0-9]{1,10}$/.test(ext) || /^[0-9]+$/.test(ext)) return null;
    return ext.toLowerCase();
  }

  // Python's round(x, 1): to the nearest tenth, a tie to the even one.
  function tenths(x) {
    var y = x * 10, low = Math.floor(y), rest = y - low;
    if (rest > 0.5 || (rest === 0.5 && low % 2 !== 0)) low += 1;
    return low;
  }

  // django.template.defaultfilters.filesizeformat, in the page's language.
  function sizeText(input, bytes) {
    var units = JSON.parse(input.getAttribute("data-size-units"));
    var sep = input.getAttribute("data-decimal-separator") || ".";
    if (bytes < 1024) {
      return units[bytes === 1 ? "byte" : "bytes"].replace("{n}", String(bytes));
    }
    var names = ["KB", "MB", "GB", "TB", "PB"], i = 0, scale = 1024;
    while (i < names.length - 1 && bytes >= scale * 1024) { scale *= 1024; i += 1; }
    var n = tenths(bytes / scale);
    return units[names[i]].replace("{n}", Math.floor(n / 10) + sep + (n % 10));
  }

  function startsWith(bytes, hex) {
    if (bytes.length < hex.length / 2) return false;
    for (var i = 0; i < hex.length; i += 2) {
      if (bytes[i / 2] !== parseInt(hex.substr(i, 2), 16)) return false;
    }
    return true;
  }

  // The checks of validate_upload that need no more than the name, the size
  // and the first bytes, in its order. Calls back with a message or "".
  function check(input, file, done) {
    var msg = function (key, values) {
      return fill(input.getAttribute("data-msg-" + key), values);
    };
    var name = file.name, shown = label(name);
    var chars = Array.from(name);
    if (!name.replace(/^[ .]+|[ .]+$/g, "") || chars.some(function (c) {
      return c === "/" || c === "\\" || BIDI.test(c) || CONTROL.test(c);
    })) return done(msg("bad-name", { name: shown }));
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    if (file.size > limit) {
      return done(msg("too-large", { name: shown, size: sizeText(input, file.size) }));
    }
    if (file.size === 0) return done(msg("empty", { name: shown }));
    var ext = extension(name);
    var allowed = input.getAttribute("data-extensions").split(" ");
    if (ext !== null && allowed.indexOf(ext) < 0) {
      return done(msg("bad-extension", { name: shown, extension: ext }));
    }
    var signatures = input.getAttribute("data-signatures").split(" ");
    file.slice(0, 16).arrayBuffer().then(function (buffer) {
      var head = new Uint8Array(buffer);
      var known = signatures.some(function (hex) { return startsWith(head, hex); });
      done(known ? "" : msg("bad-type", { name: shown }));
    }, function () { done(""); });  // unreadable here: the server decides
  }

  function describedBy(input, id, on) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/)
      .filter(function (x) { return x && x !== id; });
    if (on) ids.push(id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  }

  function show(input, message) {
    var id = (input.id || input.name) + "_check";
    var box = document.getElementById(id);
    var field = input.closest(".field");
    if (!message) {
      if (box) box.remove();
      describedBy(input, id, false);
      if (!input.hasAttribute("data-server-invalid")) {
        input.removeAttribute("aria-invalid");
        if (field) field.classList.remove("has-error");
      }
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = id;
      box.className = "upload-refused";
      box.setAttribute("role", "alert");
      var text = document.createElement("p");
      text.className = "error";
      box.appendChild(text);
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "linklike";
      clear.textContent = input.getAttribute("data-msg-clear");
      clear.addEventListener("click", function () {
        input.value = "";
        settle(input, "");
        input.focus();
      });
      box.appendChild(clear);
      input.insertAdjacentElement("afterend", box);
    }
    box.querySelector(".error").textContent = message;
    describedBy(input, id, true);
    input.setAttribute("aria-invalid", "true");
    if (field) field.classList.add("has-error");
  }

  function settle(input, message) {
    input.setAttribute("data-upload-state", message ? "refused" : "ok");
    show(input, message);
    var form = input.form;
    if (form && form.hasAttribute("data-upload-waiting") && !busy(form)) {
      var submitter = form.uploadSubmitter;
      form.removeAttribute("data-upload-waiting");
      form.uploadSubmitter = null;
      if (!refused(form)) {
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      }
    }
  }

  function inputs(form) {
    return Array.prototype.slice.call(
      form.querySelectorAll("input[type=file][data-upload-check]"));
  }
  function busy(form) {
    return inputs(form).some(function (i) {
      return i.getAttribute("data-upload-state") === "checking";
    });
  }
  function refused(form) {
    return inputs(form).filter(function (i) {
      return i.getAttribute("data-upload-state") === "refused";
    })[0];
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-upload-check]")) return;
    var file = input.files && input.files[0];
    if (!file) { settle(input, ""); return; }
    input.setAttribute("data-upload-state", "checking");
    var chosen = file;
    check(input, file, function (message) {
      if (input.files[0] === chosen) settle(input, message);
    });
  });

  // Capture: runs before the page's other submit handlers (data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.querySelector || !inputs(form).length) return;
    var bad = refused(form);
    if (bad) {
      event.preventDefault();
      event.stopImmediatePropagation();
      bad.focus();
      return;
    }
    if (busy(form)) {  // a file chosen a moment ago: sent once it is checked
      event.preventDefault();
      event.stopImmediatePropagation();
      form.setAttribute("data-upload-waiting", "");
      form.uploadSubmitter = event.submitter || null;
    }
  }, true);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[type=file][data-upload-check]").forEach(function (input) {
      if (input.getAttribute("aria-invalid") === "true") {
        input.setAttribute("data-server-invalid", "");
      }
      // A file the browser kept on going back: checked as if just chosen.
      if (input.files && input.files.length) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  });
})();
