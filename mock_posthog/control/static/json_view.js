// JSON as a tree a person can fold: objects and arrays are <details>, open to a depth.
"use strict";

window.Inspector = window.Inspector || {};

(function (I) {
  const OPEN_DEPTH = 2;

  function scalar(value) {
    const kind = value === null ? "null" : typeof value;
    return I.el("span", {className: "j-" + kind}, JSON.stringify(value));
  }

  function node(key, value, depth, last) {
    const comma = last ? "" : ",";
    const label = key === null ? null : I.el("span", {className: "j-key"}, JSON.stringify(key) + ": ");
    if (value === null || typeof value !== "object") {
      return I.el("div", {className: "j-line"}, label, scalar(value), comma);
    }
    const isArray = Array.isArray(value);
    const keys = isArray ? value.map(function (_, index) { return index; }) : Object.keys(value);
    const [open, close] = isArray ? ["[", "]"] : ["{", "}"];
    if (keys.length === 0) return I.el("div", {className: "j-line"}, label, open + close, comma);
    const details = I.el("details", {className: "j-node", open: depth < OPEN_DEPTH});
    const size = keys.length + (isArray ? " items" : " keys");
    details.append(I.el("summary", {}, label, open, I.el("span", {className: "j-size"}, " " + size + " "), I.el("span", {className: "j-fold"}, close + comma)));
    const body = I.el("div", {className: "j-body"});
    keys.forEach(function (child, index) {
      body.append(node(isArray ? null : child, value[child], depth + 1, index === keys.length - 1));
    });
    details.append(body, I.el("div", {className: "j-close"}, close + comma));
    return details;
  }

  // A tree for JSON values; text that is not JSON is shown as it is.
  I.json = function (value) {
    const holder = I.el("div", {className: "json"});
    if (typeof value === "string") holder.append(I.el("pre", {className: "text"}, value));
    else holder.append(node(null, value === undefined ? null : value, 0, true));
    return holder;
  };
})(window.Inspector);
