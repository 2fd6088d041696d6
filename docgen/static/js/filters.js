// A list's search form folds on a phone so the results come first; a search in use stays open.
// Loaded right after the form (not deferred), so it folds before the page is first painted.
(function () {
  if (!window.matchMedia || !window.matchMedia("(max-width: 40rem)").matches) return;
  document.querySelectorAll("details.filter-box:not([data-active])").forEach(function (box) {
    box.open = false;
  });
})();
