// The world as tables, from /_mock/ui/world (secrets redacted there); each record's JSON on
// demand below its row.
"use strict";

window.Inspector = window.Inspector || {};

(function (I) {
  function enabled(value) {
    return I.el("span", {className: value ? "pill on" : "pill off"}, value ? "enabled" : "disabled");
  }

  function short(value, size) {
    const text = value === null || value === undefined ? "" : String(value);
    return text.length > size ? text.slice(0, size) + "…" : text;
  }

  // Each table: its title, the view's key, and its columns as [heading, value of a record].
  const TABLES = [
    ["Organizations", "organizations", [["ID", "id"], ["Name", "name"], ["Plugins access level", "plugins_access_level"]]],
    ["Projects", "projects", [["ID", "id"], ["Name", "name"], ["Organization", "organization_id"], ["API token", "api_token"]]],
    ["Users", "users", [["ID", "id"], ["Email", "email"], ["First name", "first_name"], ["Current project", "current_project_id"], ["Active", "is_active"], ["Staff", "is_staff"]]],
    ["Personal API keys", "personal_api_keys", [["Label", "label"], ["User", "user_id"], ["Value", "value"], ["Scopes", function (key) { return key.scopes ? key.scopes.join(", ") : "all"; }]]],
    ["Plugins", "plugins", [["ID", "id"], ["Name", "name"], ["Type", "plugin_type"], ["URL", "url"], ["Tag", function (plugin) { return short(plugin.tag, 12); }], ["Latest", function (plugin) { return short(plugin.latest_tag, 12); }], ["Global", "is_global"]]],
    ["Plugin configs", "plugin_configs", [["ID", "id"], ["Project", "team_id"], ["Order", "order"], ["Plugin", function (config) { return config.plugin + " " + (config.plugin_name || ""); }], ["Enabled", function (config) { return enabled(config.enabled); }], ["Updated", function (config) { return I.time(config.updated_at, true); }]]],
    ["Recent log entries", "plugin_log_entries", [["Time", function (entry) { return I.time(entry.timestamp, true); }], ["Config", "plugin_config_id"], ["Source", "source"], ["Type", "type"], ["Message", function (entry) { return short(entry.message, 90); }]]],
    ["Recent activity", "activity", [["Time", function (entry) { return I.time(entry.created_at, true); }], ["Scope", "scope"], ["Activity", "activity"], ["Item", "item_id"], ["Name", function (entry) { return entry.detail ? entry.detail.name : ""; }], ["By", function (entry) { return entry.user ? entry.user.email : ""; }]]],
  ];

  function cell(record, column) {
    const value = typeof column === "function" ? column(record) : record[column];
    if (value instanceof Node) return I.el("td", {}, value);
    if (typeof value === "boolean") return I.el("td", {className: "quiet"}, value ? "yes" : "no");
    return I.el("td", {}, value === null || value === undefined ? "" : String(value));
  }

  function jsonToggle(record, span) {
    return I.el("button", {type: "button", className: "plain small", onclick: function (event) {
      const row = event.target.closest("tr");
      const next = row.nextElementSibling;
      if (next && next.classList.contains("json-row")) { next.remove(); event.target.textContent = "JSON"; return; }
      row.after(I.el("tr", {className: "json-row"}, I.el("td", {colSpan: span}, I.json(record))));
      event.target.textContent = "hide";
    }}, "JSON");
  }

  function section(title, records, columns) {
    const span = columns.length + 1;
    return I.el("section", {className: "world-table", dataset: {table: title}},
      I.el("h2", {}, title, " ", I.el("span", {className: "quiet count"}, records.length)),
      records.length ? I.el("table", {className: "list"},
        I.el("thead", {}, I.el("tr", {}, columns.map(function (column) { return I.el("th", {}, column[0]); }), I.el("th", {}))),
        I.el("tbody", {}, records.map(function (record) {
          return I.el("tr", {}, columns.map(function (column) { return cell(record, column[1]); }), I.el("td", {className: "num"}, jsonToggle(record, span)));
        }))) : I.el("p", {className: "quiet"}, "none"));
  }

  I.loadWorld = async function () {
    const view = await I.api("GET", "/_mock/ui/world");
    const holder = I.clear(document.getElementById("world-tables"));
    TABLES.forEach(function (table) { holder.append(section(table[0], view[table[1]] || [], table[2])); });
  };
})(window.Inspector);
