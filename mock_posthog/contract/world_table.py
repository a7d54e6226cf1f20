"""The README's table of the default world, written from its fixture tables, so that what the
README promises users is what `fixtures/default.json` holds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

Tables = Mapping[str, Sequence[Mapping[str, Any]]]
ACCESS_LEVELS = {0: "none", 3: "config", 6: "install", 9: "root"}
PLUGIN_ORIGINS = {"github.com": "GitHub", "gitlab.com": "GitLab", "npmjs.com": "npm"}


def world_table(tables: Tables) -> str:
    rows = [
        ("organization", _organizations(tables)),
        ("project", _projects(tables)),
        ("user", _users(tables)),
        ("personal API key", _keys(tables)),
        ("plugins", _plugins(tables)),
        ("plugin configs", _configs(tables)),
        ("plugin log entries", _log_entries(tables)),
        ("upstream", _upstream(tables)),
    ]
    return "\n".join(
        ["| what | value |", "|---|---|", *(f"| {what} | {value} |" for what, value in rows)]
    )


def _organizations(tables: Tables) -> str:
    return "; ".join(
        f'`{org["id"]}`, "{org["name"]}", `plugins_access_level` {org["plugins_access_level"]} '
        f"({ACCESS_LEVELS.get(org['plugins_access_level'], 'unknown')})"
        for org in tables.get("organizations", [])
    )


def _projects(tables: Tables) -> str:
    names = {org["id"]: org["name"] for org in tables.get("organizations", [])}
    return "; ".join(
        f'id `{project["id"]}`, "{project["name"]}", in {names.get(project["organization_id"])}, '
        f"project API token `{project['api_token']}`"
        for project in tables.get("projects", [])
    )


def _users(tables: Tables) -> str:
    return "; ".join(
        f"id `{user['id']}`, `{user['email']}`, a member of {len(user['organization_ids'])} "
        f"organization(s), current project `{user['current_project_id']}`"
        for user in tables.get("users", [])
    )


def _keys(tables: Tables) -> str:
    return "; ".join(
        f"`{key['value']}`, user {key['user_id']}'s, "
        + (
            "no scopes (a legacy key: full access)"
            if key.get("scopes") is None
            else "scopes " + ", ".join(f"`{scope}`" for scope in key["scopes"])
        )
        for key in tables.get("personal_api_keys", [])
    )


def _plugins(tables: Tables) -> str:
    latest = {archive["url"]: archive["releases"][-1]["tag"] for archive in _archives(tables)}
    described = []
    for plugin in tables.get("plugins", []):
        traits = [plugin["plugin_type"]]
        if plugin.get("is_global"):
            traits.append("global")
        origin = _origin(plugin.get("url") or "")
        if origin:
            traits.append(f"from {origin}")
        if plugin.get("url") in latest and latest[plugin["url"]] != plugin.get("tag"):
            traits.append("a newer release is waiting upstream")
        if any(field.get("secret") for field in plugin.get("config_schema") or []):
            traits.append("a secret config field")
        described.append(f"`{plugin['id']}` {plugin['name']} ({', '.join(traits)})")
    return ", ".join(described)


def _configs(tables: Tables) -> str:
    names = {plugin["id"]: plugin["name"] for plugin in tables.get("plugins", [])}
    metrics = {row["plugin_config_id"]: row for row in tables.get("app_metrics", [])}
    described = []
    for config in sorted(tables.get("plugin_configs", []), key=lambda config: config["order"]):
        traits = [f"order {config['order']}", "enabled" if config["enabled"] else "disabled"]
        if config["id"] in metrics:
            row = metrics[config["id"]]
            delivered = row["successes"] + row["successes_on_retry"]
            rate = delivered / (delivered + row["failures"])
            traits.append(f"delivery rate {rate:.2f}")
        described.append(
            f"`{config['id']}` {names.get(config['plugin'])} in project {config['team_id']} "
            f"({', '.join(traits)})"
        )
    return ", ".join(described)


def _log_entries(tables: Tables) -> str:
    counts = Counter(entry["plugin_config_id"] for entry in tables.get("plugin_log_entries", []))
    return ", ".join(f"{count} of config {config}" for config, count in sorted(counts.items()))


def _upstream(tables: Tables) -> str:
    archives = _archives(tables)
    releases = sum(len(archive["releases"]) for archive in archives)
    return (
        f"archives of {len(archives)} plugins ({releases} releases), and a plugin repository "
        f"list of {len(tables.get('plugin_repository', []))} entries"
    )


def _archives(tables: Tables) -> Sequence[Mapping[str, Any]]:
    return [archive for archive in tables.get("plugin_archives", []) if archive.get("releases")]


def _origin(url: str) -> str | None:
    return next((name for host, name in PLUGIN_ORIGINS.items() if f"{host}/" in url), None)
