// What the page changes, through the control routes: faults, the clock, upstream releases
// and reset.
"use strict";

window.Inspector = window.Inspector || {};

(function (I) {
  const NUMBERS = ["status", "latency_ms", "nth", "times"];

  function faultDoes(fault) {
    const parts = [];
    if (fault.status) parts.push(I.badge(fault.status), fault.detail ? " " + fault.detail : "");
    if (fault.latency_ms) parts.push(" +" + fault.latency_ms + " ms");
    if (fault.drop) parts.push(" drops the connection");
    return parts;
  }

  function faultWhen(fault) {
    if (fault.nth) return "call " + fault.nth + " only";
    if (fault.times) return "first " + fault.times + " calls";
    return "every call";
  }

  I.loadFaults = async function () {
    const faults = (await I.api("GET", "/_mock/faults")).results;
    const body = I.clear(document.querySelector("#faults tbody"));
    faults.forEach(function (fault) {
      body.append(I.el("tr", {dataset: {id: fault.id}},
        I.el("td", {className: "num quiet"}, fault.id),
        I.el("td", {className: "mono"}, fault.route || "any"),
        I.el("td", {className: "mono"}, fault.path || "any"),
        I.el("td", {}, fault.method || "any"),
        I.el("td", {}, faultDoes(fault)),
        I.el("td", {}, faultWhen(fault)),
        I.el("td", {className: "num"}, fault.fired + " of " + fault.seen),
        I.el("td", {className: "num"}, I.el("button", {type: "button", className: "danger small", onclick: function () {
          I.act(function () { return I.api("DELETE", "/_mock/faults/" + fault.id); }, "Fault #" + fault.id + " removed.");
        }}, "Remove"))));
    });
    document.getElementById("faults-empty").hidden = faults.length > 0;
    const tab = document.querySelector('[data-tab="faults"]');
    tab.dataset.count = faults.length ? String(faults.length) : "";
  };

  function faultSpec(form) {
    const values = I.formValues(form);
    const spec = {};
    Object.keys(values).forEach(function (name) {
      const value = String(values[name]).trim();
      if (name === "drop" || value === "") return;
      spec[name] = NUMBERS.includes(name) ? Number(value) : value;
    });
    if (form.elements.drop.checked) spec.drop = true;
    return spec;
  }

  I.showClock = function (clock) {
    const text = I.time(clock.now, true) + (clock.frozen ? " (frozen)" : "");
    const badge = document.getElementById("clock-badge");
    badge.textContent = text.replace(/\.\d{3}/, "");  // to the second, beside the tabs
    badge.classList.toggle("frozen", clock.frozen);
    document.getElementById("clock-now").textContent = text;
  };

  I.loadClock = async function () { I.showClock(await I.api("GET", "/_mock/clock")); };

  I.loadUpstream = async function () {
    const state = await I.api("GET", "/_mock/upstream");
    const body = I.clear(document.querySelector("#archives tbody"));
    const urls = I.clear(document.getElementById("archive-urls"));
    state.archives.forEach(function (archive) {
      urls.append(I.el("option", {value: archive.url}));
      body.append(I.el("tr", {},
        I.el("td", {className: "mono"}, archive.url),
        I.el("td", {}, I.el("ol", {className: "tags"}, archive.releases.map(function (tag) {
          return I.el("li", {className: tag === archive.latest_tag ? "mono latest" : "mono", title: tag}, tag);
        }))),
        I.el("td", {}, archive.unreachable ? I.el("span", {className: "pill off"}, "unreachable") : I.el("span", {className: "pill on"}, "yes"))));
    });
  };

  function onSubmit(id, action) {
    document.getElementById(id).addEventListener("submit", function (event) {
      event.preventDefault();
      action(event.target);
    });
  }

  I.setUpControls = function () {
    onSubmit("fault-form", function (form) {
      I.act(async function () {
        const fault = await I.api("POST", "/_mock/faults", faultSpec(form));
        form.reset();
        return fault;
      }, "Fault added.");
    });
    onSubmit("freeze-form", function (form) {
      const at = form.elements.at.value.trim();
      I.act(function () { return I.api("POST", "/_mock/clock/freeze", at ? {at: at} : {}); }, "Clock frozen.");
    });
    onSubmit("advance-form", function (form) {
      const by = {};
      by[form.elements.unit.value] = Number(form.elements.amount.value);
      I.act(function () { return I.api("POST", "/_mock/clock/advance", by); }, "Clock advanced.");
    });
    document.getElementById("unfreeze").addEventListener("click", function () {
      I.act(function () { return I.api("POST", "/_mock/clock/unfreeze", {}); }, "Clock running.");
    });
    onSubmit("release-form", function (form) {
      let files;
      try { files = JSON.parse(form.elements.files.value); } catch (error) {
        I.say("Files must be JSON: " + error.message, "error");
        return;
      }
      const release = {url: form.elements.url.value.trim(), tag: form.elements.tag.value.trim(), files: files};
      I.act(function () { return I.api("POST", "/_mock/upstream/releases", release); }, "Released " + release.tag + ".");
    });
    document.getElementById("reset").addEventListener("click", function () {
      if (!window.confirm("Reset the world to its seed? The journal and faults are cleared too.")) return;
      I.act(function () { return I.api("POST", "/_mock/reset", {}); }, "World reset.");
    });
  };
})(window.Inspector);
