// The journal: the latest requests from /_mock/requests, newest first, polled while the page
// is open; a picked entry shows what was sent and answered, as that route gives it.
"use strict";

window.Inspector = window.Inspector || {};

(function (I) {
  const SHOWN = 200;  // the latest entries the list holds
  const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];
  let entries = [];
  let shownKey = "";
  let picked = null;

  function query() {
    const values = I.formValues(document.getElementById("journal-filters"));
    const params = new URLSearchParams({last: String(SHOWN)});
    ["method", "route", "status", "path"].forEach(function (name) {
      const value = (values[name] || "").trim();
      if (value) params.set(name, value);
    });
    return "/_mock/requests?" + params.toString();
  }

  I.loadJournal = async function () {
    const answer = await I.api("GET", query());
    entries = answer.results.slice().reverse();
    const key = [answer.count, answer.evicted, entries.map(function (entry) { return entry.id; }).join(",")].join("|");
    document.getElementById("journal-count").textContent =
      answer.count + (answer.count === 1 ? " request" : " requests") +
      (answer.evicted ? ", " + answer.evicted + " older let go" : "");
    if (key === shownKey) return;
    shownKey = key;
    renderList();
  };

  I.journalFailed = function (error) {
    document.getElementById("journal-count").textContent = "journal: " + error.message;
  };

  function renderList() {
    const body = I.clear(document.querySelector("#journal tbody"));
    entries.forEach(function (entry) {
      const row = I.el("tr", {
        className: entry.id === picked ? "picked" : "",
        dataset: {id: entry.id},
        tabIndex: 0,
        onclick: function () { pick(entry.id); },
        onkeydown: function (event) { if (event.key === "Enter") pick(entry.id); },
      },
        I.el("td", {className: "num quiet"}, entry.id),
        I.el("td", {className: "mono quiet", title: I.time(entry.time, true)}, I.time(entry.time)),
        I.el("td", {className: "method"}, entry.method),
        I.el("td", {className: "mono path"}, breakable(entry.path), queryText(entry.query),
          I.el("div", {className: "route"}, entry.route || "no route: not emulated")),
        I.el("td", {}, I.badge(entry.status), entry.notes.length ? I.el("span", {className: "note-mark", title: entry.notes.join("\n")}, "note") : null),
        I.el("td", {className: "num quiet"}, Math.round(entry.duration_ms)));
      body.append(row);
    });
    document.getElementById("journal-empty").hidden = entries.length > 0;
    // The open entry stays as it is (folds and all) while it is still listed.
    const panel = document.getElementById("entry");
    const listed = entries.find(function (entry) { return entry.id === picked; });
    if (picked !== null && (!listed || panel.dataset.id !== String(picked))) renderEntry(listed);
  }

  // A long path wraps after a slash rather than inside a word.
  function breakable(path) {
    return path.split("/").map(function (part, index) {
      return index === 0 ? part : [I.el("wbr"), "/" + part];
    });
  }

  function queryText(params) {
    const pairs = Object.keys(params || {}).map(function (name) { return name + "=" + params[name]; });
    return pairs.length ? I.el("span", {className: "quiet"}, "?" + pairs.join("&")) : null;
  }

  function pick(id) {
    picked = id;
    document.querySelectorAll("#journal tbody tr").forEach(function (row) {
      row.classList.toggle("picked", Number(row.dataset.id) === id);
    });
    renderEntry(entries.find(function (entry) { return entry.id === id; }));
  }

  function table(mapping) {
    const names = Object.keys(mapping || {});
    if (!names.length) return I.el("p", {className: "quiet"}, "none");
    return I.el("table", {className: "pairs"}, names.map(function (name) {
      const value = mapping[name];
      return I.el("tr", {}, I.el("th", {}, name),
        I.el("td", {className: "mono"}, typeof value === "string" ? value : JSON.stringify(value)));
    }));
  }

  function isForm(entry) {
    const type = (entry.headers["Content-Type"] || entry.headers["content-type"] || "").toLowerCase();
    return FORM_TYPES.some(function (form) { return type.startsWith(form); });
  }

  function requestBody(entry) {
    if (entry.body === null || entry.body === undefined) return [I.el("h4", {}, "Body"), I.el("p", {className: "quiet"}, "none")];
    if (isForm(entry) && typeof entry.body === "object") return [I.el("h4", {}, "Form fields"), table(entry.body)];
    return [I.el("h4", {}, "Body"), I.json(entry.body)];
  }

  function renderEntry(entry) {
    const panel = I.clear(document.getElementById("entry"));
    panel.dataset.id = entry ? String(entry.id) : "";
    if (!entry) {
      panel.append(I.el("p", {className: "quiet"}, "That request is no longer in the list."));
      return;
    }
    panel.append(
      I.el("h3", {}, I.el("span", {className: "method"}, entry.method), " ", I.el("span", {className: "mono"}, entry.path), " ", I.badge(entry.status)),
      I.el("p", {className: "quiet"}, "#" + entry.id + " at " + I.time(entry.time, true) + ", " + entry.duration_ms + " ms, route " + (entry.route || "none: not emulated")),
      entry.notes.length ? I.el("div", {className: "notes", role: "note"}, I.el("strong", {}, "What the mock did"), I.el("ul", {}, entry.notes.map(function (text) { return I.el("li", {}, text); }))) : null,
      I.el("h3", {className: "section"}, "Request"),
      I.el("h4", {}, "Query"), table(entry.query),
      I.el("h4", {}, "Headers"), table(entry.headers),
      I.el("div", {}, requestBody(entry)),
      I.el("h3", {className: "section"}, "Response ", I.badge(entry.status)),
      I.el("h4", {}, "Headers"), table(entry.response_headers),
      I.el("h4", {}, "Body"), entry.response === null ? I.el("p", {className: "quiet"}, entry.status === null ? "none: the connection was dropped" : "none") : I.json(entry.response));
  }

  I.setUpJournal = function () {
    const filters = document.getElementById("journal-filters");
    filters.addEventListener("submit", function (event) { event.preventDefault(); });
    filters.addEventListener("input", function () { shownKey = ""; I.loadJournal().catch(I.journalFailed); });
    document.getElementById("journal-clear").addEventListener("click", function () {
      I.act(function () { return I.api("DELETE", "/_mock/requests"); }, "Journal cleared.");
    });
  };

  I.journalIsLive = function () {
    return document.getElementById("journal-live").checked;
  };
})(window.Inspector);
