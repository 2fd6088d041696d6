// Repeatable rows of a list field: "Добавить строку" clones the row template with the next
// index, "Удалить строку" removes its row. The server accepts gaps in the indices.
(function () {
  "use strict";
  function addRow(fieldset) {
    var template = fieldset.querySelector(":scope > template");
    var list = fieldset.querySelector(":scope > .row-list");
    var next = parseInt(fieldset.getAttribute("data-next") || "0", 10);
    fieldset.setAttribute("data-next", String(next + 1));
    // Only this list's placeholder: rows nested inside the new row keep their own.
    var placeholder = fieldset.getAttribute("data-placeholder");
    var html = template.innerHTML.split(placeholder).join(String(next));
    var holder = document.createElement("ol");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    list.appendChild(row);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var add = target.closest("[data-add-row]");
    if (add) {
      addRow(add.closest("[data-rows]"));
      return;
    }
    var remove = target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest(".row");
      if (row) { row.remove(); }
    }
  });
})();
