// The register card: «Будет присвоен № 5-од от 01.12.2026» follows the date being typed. The
// number is the server's for the shown year; for another year the confirmation page tells it.
(function () {
  "use strict";
  var input = document.getElementById("reg-date");
  var note = document.getElementById("will-get");
  if (!input || !note) { return; }
  var number = note.getAttribute("data-number");
  var year = note.getAttribute("data-year");
  var original = note.textContent;

  input.addEventListener("input", function () {
    var match = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(input.value.trim());
    if (!match) { note.textContent = original; return; }
    var day = ("0" + match[1]).slice(-2) + "." + ("0" + match[2]).slice(-2) + "." + match[3];
    if (match[3] === year) {
      note.textContent = "Будет присвоен № " + number + " от " + day;
    } else {
      note.textContent = "Номер по журналу " + match[3] + " года будет показан перед регистрацией";
    }
  });
}());
