"""Plugin configs as PluginConfigSerializer renders them (documented era): secret values
masked, attachments described, `plugin_info` only where the caller asks for it (retrieve)
and `delivery_rate_24h` only where rates were computed (list and retrieve)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from mock_posthog.contract.errors import ServerError
from mock_posthog.posthog import records
from mock_posthog.posthog.activity import SECRET_PLACEHOLDER
from mock_posthog.posthog.api.plugins import render_plugin
from mock_posthog.world.clock import rendered_timestamp
from mock_posthog.world.store import Record, Store

# Why a route that renders a config answers 500, as PostHog's secret-field scan does.
SECRET_SCAN_FAILS = (
    "the plugin's config_schema is not a list of fields PostHog's secret-field scan can read "
    "(an object with a key containing `secret`, a number, a field without `key`)"
)


def secret_fields(plugin: Record) -> set[str]:
    """The keys of the plugin's config schema marked `"secret": true`.

    PostHog scans the schema as a list of fields; a schema in the older dict form yields its
    keys instead, and one of those containing "secret" makes the scan fail (a 500), so the
    same Python expression runs here.
    """
    schema = plugin.get("config_schema") or {}
    try:
        return {field["key"] for field in schema if "secret" in field and field["secret"]}  # noqa: RUF019
    except (TypeError, KeyError) as error:
        raise ServerError(
            f"plugin {plugin['id']}'s config_schema breaks PostHog's secret-field scan "
            f"({type(error).__name__}: {error})"
        ) from None


def config_secret_fields(store: Store, config: Record) -> AbstractSet[str]:
    """`secret_fields` of the config's plugin: a 500 where its scan fails or the plugin is
    gone. Kept until a plugin changes: every config rendered or written asks."""
    scanned = store.cached(("config secret fields",), (records.PLUGINS,), lambda: _scans(store))
    found = scanned.get(config["plugin"])
    if found is None:  # raise what PostHog would, anew
        return secret_fields(plugin_of(store, config))
    return found


def _scans(store: Store) -> dict[int, AbstractSet[str] | None]:
    """Each plugin's secret fields by its id (shared: read-only); None where the scan fails."""
    scans: dict[int, AbstractSet[str] | None] = {}
    for plugin in store.all(records.PLUGINS):
        try:
            scans[plugin["id"]] = secret_fields(plugin)
        except ServerError:
            scans[plugin["id"]] = None
    return scans


def shown_config(store: Store, config: Record) -> dict[str, Any]:
    """The stored config with truthy secrets replaced by the placeholder and each attachment
    described in place of its key."""
    secrets = config_secret_fields(store, config)
    shown = dict(config.get("config") or {})
    for key in secrets:
        if shown.get(key):
            shown[key] = SECRET_PLACEHOLDER
    for attachment in records.attachments_of_config(store, config["id"]):
        shown[attachment["key"]] = (
            _secret_attachment() if attachment["key"] in secrets else _attachment(attachment)
        )
    return shown


def _attachment(attachment: Record) -> dict[str, Any]:
    return {
        "uid": attachment["id"],
        "saved": True,
        "size": attachment["file_size"],
        "name": attachment["file_name"],
        "type": attachment["content_type"],
    }


def _secret_attachment() -> dict[str, Any]:
    return {
        "uid": -1,
        "saved": True,
        "size": -1,
        "name": SECRET_PLACEHOLDER,
        "type": "application/octet-stream",
    }


def plugin_of(store: Store, config: Record) -> Record:
    plugin = records.plugin(store, config["plugin"])
    if plugin is None:
        raise ServerError(f"plugin config {config['id']} names plugin {config['plugin']}, gone")
    return plugin


def render_config(
    store: Store,
    config: Record,
    *,
    with_plugin_info: bool = False,
    delivery_rates: dict[int, float] | None = None,
) -> dict[str, Any]:
    return {
        "id": config["id"],
        "plugin": config["plugin"],
        "enabled": bool(config.get("enabled")),
        "order": config["order"],
        "config": shown_config(store, config),
        "error": config.get("error"),
        "team_id": config["team_id"],
        "plugin_info": render_plugin(store, plugin_of(store, config)) if with_plugin_info else None,
        "delivery_rate_24h": (delivery_rates or {}).get(config["id"]),
        "created_at": rendered_timestamp(config["created_at"]),
    }
