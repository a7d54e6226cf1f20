// What every part of the inspector shares: building elements (text only through textContent,
// never markup from data), calling the control plane, and showing what it answered.
"use strict";

window.Inspector = window.Inspector || {};

(function (I) {
  I.namespace = "";  // the namespace chosen in the bar; "" is the default world

  // el("td", {className: "num"}, "3", child): children are text or nodes, never markup.
  I.el = function (tag, props) {
    const node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      if (key === "dataset") Object.assign(node.dataset, props.dataset);
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), props[key]);
      else node[key] = props[key];
    });
    for (let i = 2; i < arguments.length; i += 1) I.append(node, arguments[i]);
    return node;
  };

  I.append = function (node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (item) { I.append(node, item); });
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  };

  I.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  // The control plane's answer as JSON; a refusal throws an Error carrying its reason.
  I.api = async function (method, path, body) {
    const headers = {Accept: "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (I.namespace) headers["X-Mock-PostHog-Namespace"] = I.namespace;
    const response = await fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
    });
    const text = await response.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (error) { data = text; }
    if (response.status === 401 && path !== "/_mock/namespaces") {
      location.reload();  // the token is gone or changed: the page is its form again
    }
    if (!response.ok) {
      const reason = data && (data.detail || data.error) ? (data.detail || data.error) : text;
      const field = data && data.attr ? " (" + data.attr + ")" : "";
      const error = new Error(response.status + ": " + reason + field);
      error.status = response.status;
      throw error;
    }
    return data;
  };

  I.say = function (text, kind) {
    const message = document.getElementById("message");
    message.textContent = text;
    message.className = "message " + (kind || "info");
    message.hidden = false;
    clearTimeout(I.say.timer);
    if (kind !== "error") I.say.timer = setTimeout(function () { message.hidden = true; }, 4000);
  };

  // Run an action from the page; what it refused is shown, not lost in the console.
  I.act = async function (action, done) {
    try {
      const result = await action();
      if (done) I.say(done, "ok");
      await I.refresh();
      return result;
    } catch (error) {
      I.say(error.message, "error");
      return undefined;
    }
  };

  // Times as the world clock gives them (UTC), not in the browser's zone.
  I.time = function (iso, withDate) {
    if (!iso) return "";
    const text = String(iso).replace("T", " ").replace(/(\.\d{3})\d*/, "$1").replace("Z", "");
    return withDate ? text + " UTC" : text.slice(11);
  };

  I.statusClass = function (status) {
    if (status === null || status === undefined) return "status dropped";
    return "status s" + String(status).charAt(0) + "xx";
  };

  I.badge = function (status) {
    return I.el("span", {className: I.statusClass(status)}, status === null ? "dropped" : status);
  };

  I.formValues = function (form) {
    const values = {};
    new FormData(form).forEach(function (value, name) { values[name] = value; });
    return values;
  };
})(window.Inspector);
