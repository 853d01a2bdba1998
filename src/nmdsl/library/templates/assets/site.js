// nmdsl site: sorting and tag filtering for the index. Plain JavaScript, no
// framework, nothing fetched: it works from file:// as well as from a host.
// Without it the index is still complete (every workout shown, sorted by name).
(function () {
  "use strict";
  var table = document.getElementById("workouts");
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var controls = document.getElementById("controls");
  var search = document.getElementById("search");
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  var buttons = Array.prototype.slice.call(controls.querySelectorAll("button.tag"));
  var state = { tag: "", text: "" };
  controls.hidden = false;

  function apply() {
    var count = 0;
    rows.forEach(function (row) {
      var tags = row.getAttribute("data-tags").split("|");
      var ok = (!state.tag || tags.indexOf(state.tag) >= 0) &&
        (!state.text || row.getAttribute("data-search").indexOf(state.text) >= 0);
      row.hidden = !ok;
      if (ok) count += 1;
    });
    shown.textContent = String(count);
    empty.hidden = count > 0;
    buttons.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-tag") === state.tag));
    });
  }

  function setTag(tag) {
    state.tag = tag;
    // The hash keeps the filter in the address, so a workout page can link to it.
    var hash = tag ? "#tag=" + encodeURIComponent(tag) : "";
    if (window.location.hash !== hash) history.replaceState(null, "", hash || window.location.pathname);
    apply();
  }

  function fromHash() {
    var m = /^#tag=(.*)$/.exec(window.location.hash);
    state.tag = m ? decodeURIComponent(m[1]) : "";
    apply();
  }

  buttons.forEach(function (b) {
    b.addEventListener("click", function () { setTag(b.getAttribute("data-tag")); });
  });
  table.addEventListener("click", function (event) {
    var link = event.target.closest("a.tag");
    if (link) { event.preventDefault(); setTag(link.getAttribute("data-tag")); }
  });
  search.addEventListener("input", function () { state.text = search.value.trim().toLowerCase(); apply(); });
  window.addEventListener("hashchange", fromHash);

  // Sorting: a button in each sortable header; a second click reverses.
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, column) {
    var kind = th.getAttribute("data-sort");
    if (!kind) return;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[column].getAttribute("data-value");
        var y = b.cells[column].getAttribute("data-value");
        var order = kind === "number" ? Number(x) - Number(y) : x.localeCompare(y);
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  fromHash();
})();
