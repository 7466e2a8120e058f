/* Tables: a small script of our own, no library, no CDN.

   A table wrapper that scrolls sideways, as wide tables do on a phone (ours,
   .budget-table-wrap, or the one Material puts around tables,
   .md-typeset__scrollwrap), becomes a named, focusable region so the keyboard
   can scroll it (WCAG 2.1.1; axe scrollable-region-focusable).

   A table marked data-budget-sortable gets
   - a button in each column header that has data-sort="text" or "number":
     activating it (click, Enter or Space) sorts the body rows by that column,
     ascending, then descending; the header carries aria-sort;
   - a labelled filter box above the table that hides the body rows not
     containing the text typed, with a polite live status "显示 3 / 12 个单位".
   The table's <tfoot> (totals) stays where it is. Without JavaScript the table
   is complete as published, in the data's order. */
(function () {
  "use strict";

  var collator = new Intl.Collator("zh-CN", { numeric: true, sensitivity: "base" });

  function cellValue(row, index, type) {
    var cell = row.cells[index];
    var raw = cell ? (cell.getAttribute("data-sort-value") || cell.textContent).trim() : "";
    if (type === "number") {
      var value = parseFloat(raw.replace(/[^0-9.+-]/g, ""));
      return isNaN(value) ? -Infinity : value;
    }
    return raw;
  }

  function enhance(table, number) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    var original = Array.prototype.slice.call(body.rows);
    var noun = table.getAttribute("data-budget-row-noun") || "行";

    function sortBy(index, type, th) {
      var direction = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
      Array.prototype.forEach.call(head.cells, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", direction);
      var sign = direction === "ascending" ? 1 : -1;
      var rows = original.slice().sort(function (a, b) {
        var x = cellValue(a, index, type), y = cellValue(b, index, type);
        var order = type === "number" ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
        return order * sign || original.indexOf(a) - original.indexOf(b);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    }

    Array.prototype.forEach.call(head.cells, function (th, index) {
      var type = th.getAttribute("data-sort");
      if (!type) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "budget-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(index, type, th); });
    });

    var label = table.getAttribute("data-budget-filter-label");
    if (label) {
      var id = "budget-filter-" + number;
      var box = document.createElement("div");
      box.className = "budget-filter";
      var labelElement = document.createElement("label");
      labelElement.htmlFor = id;
      labelElement.textContent = label;
      var input = document.createElement("input");
      input.type = "search";
      input.id = id;
      input.autocomplete = "off";
      input.setAttribute("aria-controls", table.id || "");
      if (!table.id) input.removeAttribute("aria-controls");
      var status = document.createElement("span");
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      box.appendChild(labelElement);
      box.appendChild(input);
      box.appendChild(status);
      var wrap = table.closest(".budget-table-wrap") || table;
      wrap.parentNode.insertBefore(box, wrap);

      input.addEventListener("input", function () {
        var query = input.value.trim().toLowerCase();
        var shown = 0;
        original.forEach(function (row) {
          var match = !query || row.textContent.toLowerCase().indexOf(query) !== -1;
          row.hidden = !match;
          if (match) shown++;
        });
        status.textContent = query ? "显示 " + shown + " / " + original.length + " " + noun : "";
      });
    }
    table.setAttribute("data-budget-enhanced", "");
  }

  function scrollRegions() {
    var wraps = document.querySelectorAll(".budget-table-wrap, .md-typeset__scrollwrap");
    Array.prototype.forEach.call(wraps, function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        var caption = wrap.querySelector("caption");
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() : "表格") + "（可左右滚动）");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }

  function init() {
    var tables = document.querySelectorAll("table[data-budget-sortable]:not([data-budget-enhanced])");
    Array.prototype.forEach.call(tables, enhance);
    scrollRegions();
    var pending;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(scrollRegions, 100);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
