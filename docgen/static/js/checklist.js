// Checkbox lists of people (fieldset[data-checklist]): a search box that keeps the names holding
// the typed text, «Выбрать всех» for the names shown, and a count of those ticked.
(function () {
  "use strict";
  function norm(text) { return text.toLowerCase().replace(/ё/g, "е"); }

  function enhance(box) {
    var tools = box.querySelector(".checklist-tools");
    var search = tools.querySelector("input[type=search]");
    var all = tools.querySelector("[data-select-all]");
    var count = tools.querySelector("[data-count]");
    var items = Array.prototype.slice.call(box.querySelectorAll(".checklist li"));
    function shown() { return items.filter(function (item) { return !item.hidden; }); }
    function boxOf(item) { return item.querySelector("input[type=checkbox]"); }
    function update() {
      var visible = shown();
      var ticked = visible.filter(function (item) { return boxOf(item).checked; }).length;
      all.checked = visible.length > 0 && ticked === visible.length;
      all.indeterminate = ticked > 0 && ticked < visible.length;
      var total = items.filter(function (item) { return boxOf(item).checked; }).length;
      count.textContent = "Отмечено: " + total + " из " + items.length;
    }
    search.addEventListener("input", function () {
      var query = norm(search.value.trim());
      items.forEach(function (item) {
        item.hidden = query !== "" && norm(item.textContent).indexOf(query) < 0;
      });
      update();
    });
    all.addEventListener("change", function () {
      shown().forEach(function (item) { boxOf(item).checked = all.checked; });
      update();
    });
    box.addEventListener("change", function (event) {
      if (event.target !== all) { update(); }
    });
    tools.hidden = false;
    update();
  }

  Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-checklist]"), enhance);
})();
