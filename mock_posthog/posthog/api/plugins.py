"""/api/organizations/{organization_id}/plugins/: the organization's plugins (CRUD).

Visibility (E1): the list shows the organization's own plugins plus every global plugin;
every other action sees nothing unless the organization may install plugins.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_posthog.contract.errors import NotFound, PermissionDenied, ServerError, ValidationFailed
from mock_posthog.contract.operations import Route
from mock_posthog.contract.schemas import check_request
from mock_posthog.posthog import (
    activity,
    auth,
    pagination,
    plugin_files,
    plugin_urls,
    records,
    upstream,
)
from mock_posthog.posthog.call import Call, Reply
from mock_posthog.world import fixtures
from mock_posthog.world.layout import dumps
from mock_posthog.world.store import Record, Store

BASE = "/api/organizations/{organization_id}/plugins/"
DETAIL = BASE + "{id}/"
CANNOT_MANAGE_GLOBAL = "This organization can't manage global plugins!"
MANAGED_ELSEWHERE = "This plugin installation is managed by another organization."
# Why PostHog answers 500 where it reads a plugin from its URL (install, upgrade, updates).
UNPARSABLE_URL = "the URL is not a GitHub, GitLab or npm URL, or has more than one `?`"
UPSTREAM_FAILS = "the repository or package is unreachable, or has no release"
BAD_ARCHIVE = (
    "the archive's plugin.json is not a JSON object with a `name`, or a value of it does not "
    "fit its column; or the archive has no main file (nor frontend.tsx or site.ts)"
)
NO_PLUGIN_JSON = "the archive has no plugin.json, or a stateless plugin has a config"
WRITABLE_FIELDS = (
    "plugin_type",
    "name",
    "description",
    "icon",
    "config_schema",
    "tag",
    "is_global",
    "capabilities",
    "metrics",
    "public_jobs",
)


def render_plugin(store: Store, plugin: Record) -> dict[str, Any]:
    """A plugin as PluginSerializer renders it; the URL's `?private_token=…` is cut off."""
    organization = records.organization(store, plugin["organization_id"])
    url = plugin.get("url")
    return {
        "id": plugin["id"],
        "plugin_type": plugin.get("plugin_type"),
        "name": plugin.get("name"),
        "description": plugin.get("description"),
        "url": plugin_urls.without_query(url) if url else None,
        "icon": plugin.get("icon"),
        "config_schema": plugin.get("config_schema", {}),
        "tag": plugin.get("tag"),
        "latest_tag": plugin.get("latest_tag"),
        "is_global": bool(plugin.get("is_global")),
        "organization_id": plugin["organization_id"],
        "organization_name": organization["name"] if organization else "",
        # A non-null JSONField: a fixture's null stands for its default.
        "capabilities": {} if plugin.get("capabilities") is None else plugin["capabilities"],
        "metrics": plugin.get("metrics", {}),
        "public_jobs": plugin.get("public_jobs", {}),
    }


def visible_plugins(store: Store, organization: Record) -> list[Record]:
    """The organization's own plugins and every global one, by id."""

    def visible(plugin: Mapping[str, Any]) -> bool:
        return plugin.get("is_global") or records.same_id(
            plugin["organization_id"], organization["id"]
        )

    return sorted(store.find(records.PLUGINS, visible), key=lambda plugin: plugin["id"])


def plugin_id(raw: str) -> int:
    """A path id as Django looks it up (records.django_int); one that is no integer, or none
    an id column holds, finds nothing."""
    value = records.django_int(raw)
    if value is None or not 0 < value < 2**31:
        raise NotFound()
    return value


def visible_plugin(call: Call) -> Record:
    """The plugin of a detail route (E1 get_object), with the object permissions applied."""
    if auth.access_level(call.organization) < auth.INSTALL:
        raise NotFound()
    plugin = records.plugin(call.store, plugin_id(call.args["id"]))
    own = plugin is not None and records.same_id(plugin["organization_id"], call.organization["id"])
    if plugin is None or not (own or plugin.get("is_global")):
        raise NotFound()
    auth.check_has_project(call.store, call.caller)
    if not own:
        auth.check_membership(call.caller, plugin["organization_id"])
        raise PermissionDenied(MANAGED_ELSEWHERE)
    return plugin


def _plugin_body(call: Call) -> dict[str, Any]:
    if call.data is None:  # a JSON `null` body: DRF's message for a serializer given no data
        raise ValidationFailed("No data provided", code="null")
    if not isinstance(call.data, dict):
        kind = "list" if isinstance(call.data, list) else type(call.data).__name__
        raise ValidationFailed(f"Invalid data. Expected a dictionary, but got {kind}.")
    return check_request("plugin_request.json", call.data)


def _check_global_rights(call: Call, body: dict[str, Any], *, present: bool) -> None:
    """ROOT may set `is_global`; on install only `true` is refused, on change any value."""
    asked = "is_global" in body if present else bool(body.get("is_global"))
    if asked and auth.access_level(call.organization) < auth.ROOT:
        raise PermissionDenied(CANNOT_MANAGE_GLOBAL)


def list_plugins(call: Call) -> Reply:
    rendered, encoded = rendered_plugins(call.store, call.organization)
    return pagination.encoded_page(
        rendered, encoded, lambda: call.url, call.query, call.route.status
    )


def rendered_plugins(
    store: Store, organization: Record
) -> tuple[list[dict[str, Any]], list[bytes]]:
    """The organization's visible plugins, rendered, and each one's JSON; kept until a plugin
    or an organization changes, since lists are read far more often than plugins written."""

    def render() -> tuple[list[dict[str, Any]], list[bytes]]:
        rendered = [render_plugin(store, plugin) for plugin in visible_plugins(store, organization)]
        return rendered, [dumps(plugin) for plugin in rendered]

    key = ("rendered plugins", records.uuid_key(organization["id"]))
    return store.cached(key, (records.PLUGINS, records.ORGANIZATIONS), render)


def create_plugin(call: Call) -> dict[str, Any]:
    body = _plugin_body(call)
    _check_global_rights(call, body, present=False)
    fields = {name: body[name] for name in WRITABLE_FIELDS if name in body}
    if body.get("plugin_type") == "source":
        # Nothing is fetched, but the raw body's url is stored as given (a CharField column).
        url = call.data.get("url")
        fields.update(url=None if url is None else str(url), latest_tag=None, source_files={})
    else:
        fields.update(_fetched_fields(call, call.data.get("url")))
    now = call.world.now()
    # A plugin made here holds the same fields as one from a fixture file, defaults included,
    # so a snapshot gives it back exactly.
    record = {"name": None, **fields, "organization_id": call.organization["id"]}
    (new,) = fixtures.with_defaults({records.PLUGINS: [record]})[records.PLUGINS]
    plugin = call.store.insert(records.PLUGINS, {**new, "created_at": now, "updated_at": now})
    log_plugin_activity(call, plugin, "installed")
    return render_plugin(call.store, plugin)


def log_plugin_activity(call: Call, plugin: Record, what: str) -> None:
    """An install or uninstall entry, for the acting user's project (0 when there is none)."""
    activity.log_activity(
        call.store,
        user=call.caller.user,
        organization_id=plugin["organization_id"],
        team_id=activity.team_of(call.store, call.caller.user) or 0,
        scope="Plugin",
        activity=what,
        item_id=plugin["id"],
        name=plugin.get("name"),
        created_at=call.world.now(),
        entry_id=call.world.new_uuid(),
    )


def _fetched_fields(call: Call, url: Any) -> dict[str, Any]:
    """Install from a URL: read the archive, then refuse a duplicate (Plugin.objects.install)."""
    if not isinstance(url, str):
        raise ServerError(f"a non-source plugin needs a `url`, got {url!r}")
    if url.startswith("file:"):
        fields = plugin_files.local_plugin(call.world.settings.plugins_dir, url)
    else:
        requested_type = call.data.get("plugin_type")
        fields = upstream.remote_plugin(call.store, url, requested_type, current_files={})
    _refuse_duplicate(call, plugin_urls.without_query(url))
    return fields


def _refuse_duplicate(call: Call, bare_url: str) -> None:
    def same_url(plugin: Record) -> bool:
        stored = plugin.get("url")
        return (
            records.same_id(plugin["organization_id"], call.organization["id"])
            and stored is not None
            and plugin_urls.without_query(stored) == bare_url
        )

    if call.store.find_one(records.PLUGINS, same_url):
        raise ValidationFailed(f'Plugin from URL "{bare_url}" already installed!')


def retrieve_plugin(call: Call) -> dict[str, Any]:
    return render_plugin(call.store, visible_plugin(call))


def update_plugin(call: Call) -> dict[str, Any]:
    plugin = visible_plugin(call)
    body = _plugin_body(call)
    _check_global_rights(call, body, present=True)
    changes = {name: body[name] for name in WRITABLE_FIELDS if name in body}
    updated = call.store.update(
        records.PLUGINS, plugin["id"], {**changes, "updated_at": call.world.now()}
    )
    return render_plugin(call.store, updated)


def delete_plugin(call: Call) -> Reply:
    plugin = visible_plugin(call)
    if plugin.get("is_global"):
        raise ValidationFailed(
            "This plugin is marked as global! Make it local before uninstallation"
        )
    for config in records.configs_of_plugin(call.store, plugin["id"]):
        for table in (records.PLUGIN_LOG_ENTRIES, records.PLUGIN_ATTACHMENTS, records.APP_METRICS):
            records.delete_rows_of_config(call.store, table, config["id"])
        call.store.delete(records.PLUGIN_CONFIGS, config["id"])
    call.store.delete(records.PLUGINS, plugin["id"])
    log_plugin_activity(call, plugin, "uninstalled")
    return Reply(status=204)


ROUTES = [
    Route(
        "plugins_list",
        "GET",
        BASE,
        "list",
        list_plugins,
        "List the organization's plugins and every global plugin.",
        response_schema="plugin_page.json",
        behaviours=("own plugins plus every global plugin", "limit/offset paging"),
        query=pagination.QUERY,
    ),
    Route(
        "plugins_create",
        "POST",
        BASE,
        "create",
        create_plugin,
        "Install a plugin from a URL, or create a source plugin.",
        status=201,
        request_schema="plugin_request.json",
        response_schema="plugin.json",
        behaviours=(
            "source plugins from fields",
            "GitHub, GitLab and npm URLs resolved offline",
            "tag and latest_tag from the URL's ref, else the latest release",
            "?private_token= accepted and hidden",
            "duplicate URL refused per organization",
            "invalid URL answers 500",
            "writes an installed activity entry",
        ),
        server_errors=(
            UNPARSABLE_URL,
            "a plugin other than a source plugin comes without a `url`",
            UPSTREAM_FAILS,
            BAD_ARCHIVE,
        ),
        bad_requests=(
            NO_PLUGIN_JSON,
            "the organization already has a plugin from this URL",
            "a `file:` URL is outside the plugins directory, or has no plugin.json",
        ),
    ),
    Route(
        "plugins_retrieve",
        "GET",
        DETAIL,
        "retrieve",
        retrieve_plugin,
        "Retrieve a plugin.",
        response_schema="plugin.json",
        behaviours=("404 below INSTALL",),
    ),
    Route(
        "plugins_update",
        "PUT",
        DETAIL,
        "update",
        update_plugin,
        "Change a plugin (PUT takes the same fields as PATCH).",
        request_schema="plugin_request.json",
        response_schema="plugin.json",
        behaviours=("is_global needs ROOT",),
    ),
    Route(
        "plugins_partial_update",
        "PATCH",
        DETAIL,
        "partial_update",
        update_plugin,
        "Change some of a plugin's fields.",
        request_schema="plugin_request.json",
        response_schema="plugin.json",
        behaviours=("is_global needs ROOT", "url and latest_tag ignored"),
    ),
    Route(
        "plugins_destroy",
        "DELETE",
        DETAIL,
        "destroy",
        delete_plugin,
        "Uninstall a plugin and its configs in every project.",
        status=204,
        behaviours=(
            "global plugins refused",
            "cascades to configs and source files",
            "writes an uninstalled activity entry",
        ),
        bad_requests=("the plugin is global",),
    ),
]
