"""The world as the inspector's tables show it: every record of the tables a developer looks
at, with credentials and secret config values redacted, and the latest log entries and
activity only, newest first."""

from __future__ import annotations

from typing import Any

from mock_posthog.contract.errors import ServerError
from mock_posthog.http import redaction
from mock_posthog.http.recording import REDACTED
from mock_posthog.posthog import records
from mock_posthog.posthog.api.plugin_config_rendering import secret_fields
from mock_posthog.world.clock import isoformat
from mock_posthog.world.store import Record, Store
from mock_posthog.world.world import World

RECENT = 50  # log entries and activity shown


def world_view(world: World) -> dict[str, Any]:
    store = world.store
    plugins = _by_id(store, records.PLUGINS)
    return {
        "now": isoformat(world.clock.now()),
        "frozen": world.clock.frozen,
        "organizations": _by_id(store, records.ORGANIZATIONS),
        "projects": [_without(project, "api_token") for project in _by_id(store, records.PROJECTS)],
        "users": _by_id(store, records.USERS),
        "personal_api_keys": [
            _without(key, "value") for key in store.all(records.PERSONAL_API_KEYS)
        ],
        "plugins": [_plugin(plugin) for plugin in plugins],
        "plugin_configs": [
            _plugin_config(config, plugins)
            for config in sorted(
                store.all(records.PLUGIN_CONFIGS),
                key=lambda config: (config.get("team_id") or 0, config.get("order") or 0),
            )
        ],
        "plugin_log_entries": _latest(store, records.PLUGIN_LOG_ENTRIES, "timestamp"),
        "activity": _latest(store, records.ACTIVITY_LOG, "created_at"),
    }


def _by_id(store: Store, table: str) -> list[Record]:
    return sorted(store.all(table), key=lambda record: str(record.get("id")))


def _latest(store: Store, table: str, moment: str) -> list[Record]:
    newest = sorted(store.all(table), key=lambda record: str(record.get(moment)), reverse=True)
    return newest[:RECENT]


def _without(record: Record, secret: str) -> Record:
    return {**record, secret: REDACTED} if record.get(secret) else dict(record)


def _plugin(plugin: Record) -> Record:
    """A plugin URL may hold a GitHub or GitLab access token."""
    url = plugin.get("url")
    return {**plugin, "url": redaction.redact_text(url)} if isinstance(url, str) else plugin


def _plugin_config(config: Record, plugins: list[Record]) -> Record:
    plugin = next((plugin for plugin in plugins if plugin.get("id") == config.get("plugin")), None)
    values = config.get("config") or {}
    try:
        secrets = secret_fields(plugin) if plugin else set(values)
    except ServerError:  # a schema PostHog cannot scan: hide every value rather than guess
        secrets = set(values)
    shown = {key: REDACTED if key in secrets and value else value for key, value in values.items()}
    return {**config, "config": shown, "plugin_name": plugin.get("name") if plugin else None}
