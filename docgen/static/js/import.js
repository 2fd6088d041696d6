// Reloads the page of an Excel import while it runs; the page itself says when it is done.
(function () {
  if (document.getElementById("import-running")) {
    setTimeout(function () { window.location.reload(); }, 1000);
  }
})();
