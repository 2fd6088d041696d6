// Registry pickers: a search box above every select[data-picker] that keeps only the options
// whose label holds the typed text (surname, form, date); one match left is chosen.
// Loaded by each picker on the page: the guard below makes the later loads do nothing.
(function () {
  "use strict";
  if (window.docgenPicker) { return; }
  window.docgenPicker = true;

  function norm(text) { return text.toLowerCase().replace(/ё/g, "е"); }

  function enhance(select) {
    if (select.getAttribute("data-enhanced") || select.closest("template")) { return; }
    select.setAttribute("data-enhanced", "1");
    var box = document.createElement("input");
    box.type = "search";
    box.className = "picker-filter";
    box.placeholder = "Поиск: фамилия, форма, дата";
    box.setAttribute("aria-controls", select.id);
    var label = document.querySelector("label[for='" + select.id + "']");
    box.setAttribute("aria-label", "Поиск в списке" + (label ? ": " + label.textContent.trim() : ""));
    if (select.id) { box.id = select.id + "-search"; }
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () {
      var query = norm(box.value.trim());
      var shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        var fits = !query || !option.value || norm(option.text).indexOf(query) >= 0;
        option.hidden = !fits;
        if (fits && option.value) { shown.push(option); }
      });
      if (query && shown.length === 1 && select.value !== shown[0].value) {
        select.value = shown[0].value;
        select.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function scan() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhance);
  }
  scan();
  // Rows added later (rows.js) bring their own pickers.
  new MutationObserver(scan).observe(document.body, { childList: true, subtree: true });
})();
