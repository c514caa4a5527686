// Report pages: sortable and filterable tables, keyword in context over every document, and the
// stretch of a document page named in its address (#s120-168) marked and scrolled to.
// Works from file:// without any request to the network; the texts for the search are loaded, on
// first use, from assets/texts-NNN.js files next to this one.
(function () {
  "use strict";

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
  }

  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var descending = header.getAttribute("aria-sort") === "ascending";
    var numeric = rows.every(function (row) { var v = cellValue(row, index).trim(); return v === "" || !isNaN(Number(v)); });
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var order = numeric ? (Number(x || -Infinity) - Number(y || -Infinity)) : x.localeCompare(y, "zh-CN");
      return descending ? -order : order;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", descending ? "descending" : "ascending");
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function applyFilters(table) {
    var controls = table.parentNode.querySelectorAll("[data-filter-for='" + table.id + "']");
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var shown = Array.prototype.every.call(controls, function (control) {
        var wanted = control.value.trim();
        if (!wanted) { return true; }
        if (control.getAttribute("data-column") === "*") { return row.textContent.indexOf(wanted) >= 0; }
        var value = cellValue(row, Number(control.getAttribute("data-column")));
        if (control.getAttribute("data-compare") === "from") { return value >= wanted; }
        if (control.getAttribute("data-compare") === "to") { return value !== "" && value <= wanted + "\uffff"; }
        return control.tagName === "SELECT" ? value === wanted : value.indexOf(wanted) >= 0;
      });
      row.style.display = shown ? "" : "none";
    });
    var counter = table.parentNode.querySelector(".shown");
    if (counter) {
      counter.textContent = Array.prototype.filter.call(table.tBodies[0].rows, function (r) { return r.style.display !== "none"; }).length;
    }
  }

  function interactive(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      header.addEventListener("click", function () { sortBy(table, index, header); });
    });
    Array.prototype.forEach.call(table.parentNode.querySelectorAll("[data-filter-for='" + table.id + "']"), function (control) {
      control.addEventListener("input", function () { applyFilters(table); });
      control.addEventListener("change", function () { applyFilters(table); });
    });
  }

  // Offsets are counted in characters (code points), as in the tables; JavaScript strings count UTF-16
  // units, so text is handled as arrays of characters here.
  function splitPiece(piece, start, end) {
    var a = Number(piece.getAttribute("data-start")), chars = Array.from(piece.textContent);
    var cuts = [a, Math.max(start, a), Math.min(end, a + chars.length), a + chars.length], made = null;
    for (var k = 0; k < 3; k += 1) {
      if (cuts[k + 1] <= cuts[k]) { continue; }
      var part = piece.cloneNode(false);
      part.setAttribute("data-start", cuts[k]);
      part.setAttribute("data-end", cuts[k + 1]);
      part.textContent = chars.slice(cuts[k] - a, cuts[k + 1] - a).join("");
      piece.parentNode.insertBefore(part, piece);
      if (k === 1) { made = part; }
    }
    piece.parentNode.removeChild(piece);
    return made;
  }

  function markTarget() {
    var found = /^#s(\d+)-(\d+)$/.exec(window.location.hash);
    if (!found) { return; }
    var start = Number(found[1]), end = Number(found[2]), first = null;
    var pieces = Array.prototype.slice.call(document.querySelectorAll(".doctext [data-start][data-end]"));
    pieces.forEach(function (piece) {
      var a = Number(piece.getAttribute("data-start")), b = Number(piece.getAttribute("data-end"));
      piece.classList.remove("target");
      if (b <= start || a >= end) { return; }
      var inside = (a >= start && b <= end) ? piece : splitPiece(piece, start, end);
      inside.classList.add("target");
      if (first === null) { first = inside; }
    });
    if (first) { first.scrollIntoView({block: "center"}); }
  }

  // Keyword in context over the texts of every document (loaded on first search).
  window.PIPELINE_TEXTS = window.PIPELINE_TEXTS || [];
  var loaded = null;

  function loadTexts(box, done) {
    if (loaded === true) { done(); return; }
    if (loaded !== null) { return; }
    var shards = Number(box.getAttribute("data-shards")), left = shards;
    loaded = false;
    if (shards === 0) { loaded = true; done(); return; }
    for (var i = 0; i < shards; i += 1) {
      var script = document.createElement("script");
      script.src = box.getAttribute("data-assets") + "texts-" + ("00" + i).slice(-3) + ".js";
      script.onload = function () { left -= 1; if (left === 0) { loaded = true; done(); } };
      document.head.appendChild(script);
    }
  }

  function kwic(box) {
    var input = box.querySelector("input"), output = box.querySelector(".hits"), width = 20, limit = 200;
    function search() {
      var word = input.value.trim();
      output.textContent = "";
      if (!word) { return; }
      loadTexts(box, function () {
        var hits = 0, total = 0;
        window.PIPELINE_TEXTS.forEach(function (doc) {
          var text = doc[2], at = text.indexOf(word);
          while (at >= 0) {
            total += 1;
            if (hits < limit) {
              var row = document.createElement("div");
              row.className = "hit";
              var link = document.createElement("a");
              var from = Array.from(text.slice(0, at)).length, size = Array.from(word).length;
              link.href = box.getAttribute("data-docs") + doc[0] + ".html#s" + from + "-" + (from + size);
              link.textContent = doc[1] || doc[0];
              var left = document.createElement("span"), key = document.createElement("b"), right = document.createElement("span");
              left.textContent = text.slice(Math.max(0, at - width), at).replace(/\n/g, "⏎");
              key.textContent = word;
              right.textContent = text.slice(at + word.length, at + word.length + width).replace(/\n/g, "⏎");
              row.appendChild(left); row.appendChild(key); row.appendChild(right); row.appendChild(document.createTextNode(" ")); row.appendChild(link);
              output.appendChild(row);
              hits += 1;
            }
            at = text.indexOf(word, at + 1);
          }
        });
        var note = document.createElement("p");
        note.className = "note";
        note.textContent = total + " 处" + (total > limit ? "（只列出前 " + limit + " 处）" : "");
        output.insertBefore(note, output.firstChild);
      });
    }
    box.querySelector("button").addEventListener("click", search);
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { search(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.interactive"), interactive);
    Array.prototype.forEach.call(document.querySelectorAll(".kwic"), kwic);
    markTarget();
  });
  window.addEventListener("hashchange", markTarget);
}());
