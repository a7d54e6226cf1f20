// The page: its tabs, the namespace picker (shown only where the server has namespaces), and
// the loop that keeps every view current.
"use strict";

window.Inspector = window.Inspector || {};

(function (I) {
  const POLL_MS = 1000;
  const TABS = ["journal", "world", "faults", "clock"];

  function showTab() {
    const wanted = location.hash.slice(1);
    const current = TABS.includes(wanted) ? wanted : "journal";
    TABS.forEach(function (name) {
      document.getElementById("tab-" + name).hidden = name !== current;
      document.querySelector('[data-tab="' + name + '"]').classList.toggle("active", name === current);
    });
  }

  // Every view again, each on its own so that one refusal does not hide the others.
  I.refresh = async function () {
    await Promise.all([
      I.loadJournal().catch(I.journalFailed),
      I.loadClock().catch(function () {}),
      I.loadFaults().catch(function (error) { I.say("Faults: " + error.message, "error"); }),
      I.loadUpstream().catch(function (error) { I.say("Upstream: " + error.message, "error"); }),
      I.loadWorld().catch(function (error) { I.say("World: " + error.message, "error"); }),
    ]);
  };

  function names(answer) {
    const list = Array.isArray(answer) ? answer : (answer && (answer.results || answer.namespaces)) || [];
    return list.map(function (item) { return typeof item === "string" ? item : item.name; }).filter(Boolean);
  }

  // The picker shows once the server lists a namespace beside the default one; the list is
  // read again with the journal, so namespaces that CI jobs make later appear too.
  async function setUpNamespaces() {
    let found;
    try { found = names(await I.api("GET", "/_mock/namespaces")); } catch (error) { return; }
    const others = found.filter(function (name) { return name !== "default"; });
    const select = document.getElementById("namespace");
    const shown = Array.from(select.options).map(function (option) { return option.value; });
    if (shown.join("\n") !== ["", ...others].join("\n")) {
      I.clear(select);
      select.append(I.el("option", {value: ""}, "default"));
      others.forEach(function (name) { select.append(I.el("option", {value: name}, name)); });
      select.value = others.includes(I.namespace) ? I.namespace : "";
    }
    select.onchange = function () { I.namespace = select.value; I.refresh(); };
    document.getElementById("namespace-picker").hidden = others.length === 0;
  }

  async function poll() {
    if (I.journalIsLive()) {
      await Promise.all([
        I.loadJournal().catch(I.journalFailed),
        I.loadClock().catch(function () {}),
        setUpNamespaces(),
      ]);
    }
    setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.addEventListener("hashchange", function () { showTab(); I.refresh(); });
    showTab();
    I.setUpJournal();
    I.setUpControls();
    setUpNamespaces();
    I.refresh().then(poll);
  });
})(window.Inspector);
