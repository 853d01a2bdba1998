// nmdsl preview: keeps the page in step with the file. Plain JavaScript, no
// framework, no build step. The server sends a snapshot (JSON) through
// server-sent events when the page connects and after every change:
//   state     "ok", "errors" (the file does not compile) or "missing"
//   problems  [{code, severity, line, column, message, hint, text}]
//   html      the last good page's content; html_version changes with it
// The content is replaced only when html_version changes, keeping the scroll
// position; problems are shown above it, over the last good chart.
(function () {
  "use strict";
  var content = document.getElementById("content");
  var panel = document.getElementById("problems");
  var status = document.getElementById("status");
  var shown = content.getAttribute("data-version");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function plural(n, word) {
    return n + " " + word + (n === 1 ? "" : "s");
  }

  function showContent(s) {
    if (s.html === null || String(s.html_version) === shown) return;
    var x = window.scrollX, y = window.scrollY;
    // Hold the height while the content is swapped, so the browser has no
    // reason to move the scroll position, then put it back exactly.
    content.style.minHeight = content.offsetHeight + "px";
    content.innerHTML = s.html;  // rendered and escaped by the server's templates
    window.scrollTo(x, y);
    content.style.minHeight = "";
    window.scrollTo(x, y);
    shown = String(s.html_version);
    content.setAttribute("data-version", shown);
  }

  function showProblems(s) {
    panel.textContent = "";
    if (s.state === "ok") {
      panel.hidden = true;
      return;
    }
    if (s.state === "missing") {
      panel.appendChild(el("h2", null, "The file cannot be read"));
      panel.appendChild(el("p", "message", s.message));
    } else {
      var errors = s.problems.filter(function (p) { return p.severity === "error"; }).length;
      panel.appendChild(el("h2", null, errors ? plural(errors, "error") + " in " + s.file : "No preview"));
      if (s.message) panel.appendChild(el("p", "message", s.message));
      var list = el("ol");
      s.problems.forEach(function (p) {
        var item = el("li", "problem " + p.severity);
        item.setAttribute("data-code", p.code);
        item.appendChild(el("span", "code", p.code));
        item.appendChild(document.createTextNode(" "));
        var where = p.line ? "line " + p.line + ", column " + p.column : s.file;
        item.appendChild(el("span", "where", where + (p.severity === "error" ? "" : " (" + p.severity + ")") + ": "));
        item.appendChild(el("span", "message", p.message));
        if (p.hint) item.appendChild(el("div", "hint", "hint: " + p.hint));
        item.appendChild(el("pre", "text", p.text));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
    panel.appendChild(el("p", "stale-note", s.html === null
      ? "No chart yet: it appears once the file compiles."
      : "Below: the last version that compiled."));
    panel.hidden = false;
  }

  function apply(s) {
    showContent(s);
    showProblems(s);
    if (s.title) document.title = s.title + " · nmdsl preview";
    document.body.setAttribute("data-state", s.state);
    document.body.setAttribute("data-version", String(s.version));
  }

  function connected(ok) {
    status.className = "status " + (ok ? "live" : "lost");
    status.textContent = ok ? "live" : "not connected: is nmdsl preview still running?";
  }

  // On the site a tag leads to the index filtered by it; here there is no index.
  content.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("a.tag")) e.preventDefault();
  });

  if (!window.EventSource) {
    status.textContent = "this browser has no server-sent events: reload after saving";
    return;
  }
  var events = new EventSource("/_preview/events");
  events.addEventListener("snapshot", function (e) {
    connected(true);
    apply(JSON.parse(e.data));
  });
  events.onopen = function () { connected(true); };
  events.onerror = function () { connected(false); };  // EventSource reconnects by itself
})();
