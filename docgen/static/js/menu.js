// The header's drop-down groups: one open at a time, closed by a click elsewhere or Escape;
// the organisation picker submits itself when changed, and «Печать» buttons print the page.
(function () {
  var groups = Array.prototype.slice.call(document.querySelectorAll("details.drop"));
  groups.forEach(function (group) {
    group.addEventListener("toggle", function () {
      if (!group.open) return;
      groups.forEach(function (other) { if (other !== group) other.open = false; });
    });
  });
  document.addEventListener("click", function (event) {
    groups.forEach(function (group) { if (!group.contains(event.target)) group.open = false; });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") groups.forEach(function (group) { group.open = false; });
  });
  document.querySelectorAll("select.auto-submit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // After a form rejected at a POST address, F5 should reload the page, not resend the form.
  var own = document.querySelector("[data-page-url]");
  if (own && window.history.replaceState && own.dataset.pageUrl !== window.location.pathname) {
    window.history.replaceState(null, "", own.dataset.pageUrl);
  }
  document.querySelectorAll("button.print").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
