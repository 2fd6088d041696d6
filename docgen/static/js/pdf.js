// While a version's PDF is being made, asks for the page again now and then and puts the
// PDF's link (or the reason it could not be made) in place once the page has it.
(function () {
  function pending() {
    return document.querySelectorAll("[data-pdf-pending]");
  }
  if (!pending().length) return;
  var wait = 1500;
  function poll() {
    fetch(location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        pending().forEach(function (cell) {
          var now = fresh.getElementById(cell.id);
          if (now && !now.hasAttribute("data-pdf-pending")) {
            cell.replaceWith(document.importNode(now, true));
          }
        });
      })
      .finally(function () {
        if (pending().length) {
          wait = Math.min(wait * 1.5, 15000);
          setTimeout(poll, wait);
        }
      });
  }
  setTimeout(poll, wait);
})();
