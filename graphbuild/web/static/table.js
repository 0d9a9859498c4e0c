// Sortable tables for graphbuild's pages: each header of a table.sortable becomes a button that
// sorts the rows by that column (numbers as numbers), ascending then descending.  Written for
// this project; no library.  Without script the table is simply unsorted.
(function () {
  "use strict";
  function key(cell) {
    var text = cell.textContent.trim();
    var n = Number(text.replace(/\s/g, ""));
    return text !== "" && !isNaN(n) ? n : text.toLocaleLowerCase("vi");
  }
  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      var c = typeof x === typeof y ? (x < y ? -1 : x > y ? 1 : 0) : (typeof x === "number" ? -1 : 1);
      return ascending ? c : -c;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      button.addEventListener("click", function () { sortBy(table, index, th); });
      th.textContent = "";
      th.appendChild(button);
    });
  });
})();
