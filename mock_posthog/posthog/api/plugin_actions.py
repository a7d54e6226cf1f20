"""/api/organizations/{organization_id}/plugins/: the custom actions of PostHog's plugin
viewset: check_for_updates, source, update_source, upgrade, activity and repository.

The detail actions look the plugin up as retrieve does (E1: nothing is found below INSTALL),
so PostHog's own "… is not available for the current organization!" refusals never show.
"""

from __future__ import annotations

import json
from typing import Any

from mock_posthog.contract.errors import ServerError
from mock_posthog.contract.operations import QueryParam, Route
from mock_posthog.posthog import activity, plugin_files, plugin_urls, records, upstream
from mock_posthog.posthog.api.plugins import (
    BAD_ARCHIVE,
    BASE,
    DETAIL,
    NO_PLUGIN_JSON,
    UNPARSABLE_URL,
    UPSTREAM_FAILS,
    render_plugin,
    visible_plugin,
)
from mock_posthog.posthog.call import Call
from mock_posthog.world.store import Record

ACTIVITY_QUERY = (
    QueryParam(
        "limit", {"type": "integer", "minimum": 1, "default": 10}, "Entries per page (default 10)."
    ),
    QueryParam(
        "page", {"type": "integer", "minimum": 1, "default": 1}, "The page, from 1 (default 1)."
    ),
)


def check_for_updates(call: Call) -> dict[str, Any]:
    """Refresh `latest_tag` from the URL's ref or the latest release; `updated_at` stays."""
    plugin = visible_plugin(call)
    url = plugin.get("url")
    if url is None:
        raise ServerError(
            "check_for_updates parses the plugin's URL, and this plugin has none "
            f"(a {plugin.get('plugin_type')} plugin): PostHog's parse_url fails on None"
        )
    latest = upstream.latest_tag(call.store, plugin_urls.parse_url(url))
    updated = call.store.update(
        records.PLUGINS,
        plugin["id"],
        {"latest_tag": latest, "latest_tag_checked_at": call.world.now()},
    )
    return {"plugin": render_plugin(call.store, updated)}


def source(call: Call) -> dict[str, str | None]:
    return _sources(visible_plugin(call)["source_files"])


def _sources(files: dict[str, Record]) -> dict[str, str | None]:
    return {name: file["source"] for name, file in files.items()}


def update_source(call: Call) -> dict[str, str | None]:
    """Create, change (transpile status reset) or delete (null) files, then copy plugin.json's
    name and config to the plugin. Nothing is kept when plugin.json cannot be read."""
    plugin = visible_plugin(call)
    files, changed = _edited_files(plugin["source_files"], _source_body(call))
    sources = _sources(files)
    plugin_changes = _manifest_changes(plugin, sources.get("plugin.json"))
    if changed or plugin_changes:
        call.store.update(
            records.PLUGINS,
            plugin["id"],
            {**plugin_changes, "source_files": files, "updated_at": call.world.now()},
        )
    return sources


def _source_body(call: Call) -> dict[str, Any]:
    if not isinstance(call.data, dict):
        kind = type(call.data).__name__
        raise ServerError(f"update_source iterates the body's items, and the body is a {kind}")
    return call.data


def _edited_files(current: dict[str, Record], edits: dict[str, Any]) -> tuple[dict, bool]:
    """PostHog's loop: a new name is created (even with null), a different value replaces the
    text, null deletes."""
    files = {name: dict(file) for name, file in current.items()}
    changed = False
    for name, value in edits.items():
        if len(name) > plugin_files.FILENAME_LENGTH:
            raise ServerError(f"a source file name longer than {plugin_files.FILENAME_LENGTH}")
        text = plugin_files.column_text(value, None, "source")
        if name in files and files[name]["source"] == text:
            continue
        changed = True
        if name in files and text is None:
            del files[name]
        else:
            files[name] = plugin_files.untranspiled(text)
    return files, changed


def _manifest_changes(plugin: Record, manifest_text: str | None) -> Record:
    if not manifest_text:
        return {}
    try:
        manifest = json.loads(manifest_text)
    except (ValueError, RecursionError) as error:
        raise ServerError(f"update_source: plugin.json is not valid JSON ({error})") from None
    changes: Record = {}
    if _holds(manifest, "name") and manifest["name"] != plugin.get("name"):
        changes["name"] = plugin_files.column_text(
            manifest["name"], plugin_files.NAME_LENGTH, "name"
        )
    if _holds(manifest, "config") and json.dumps(manifest["config"]) != json.dumps(
        plugin.get("config_schema")
    ):
        changes["config_schema"] = manifest["config"]
    return changes


def _holds(manifest: Any, key: str) -> bool:
    """`key in plugin_json` and then `plugin_json[key]`, as Python runs them for any JSON."""
    if isinstance(manifest, dict):
        return key in manifest
    if isinstance(manifest, list | str) and key not in manifest:
        return False
    raise ServerError(
        f"update_source: plugin.json holds a {type(manifest).__name__}, "
        f"and PostHog fails reading its {key!r}"
    )


def upgrade(call: Call) -> dict[str, Any]:
    """Re-read the archive at the URL's ref or the latest release; the body is ignored."""
    plugin = visible_plugin(call)
    if call.data:
        call.note("upgrade ignores its request body, as PostHog does")
    if plugin.get("plugin_type") in ("source", "local"):
        return render_plugin(call.store, plugin)
    if plugin.get("plugin_type") == "repository":
        call.note("upgrade makes a repository plugin custom: PostHog re-derives the type from {}")
    fields = upstream.remote_plugin(call.store, plugin.get("url"), None, plugin["source_files"])
    updated = call.store.update(
        records.PLUGINS, plugin["id"], {**fields, "updated_at": call.world.now()}
    )
    return render_plugin(call.store, updated)


def all_activity(call: Call) -> dict[str, Any]:
    """The plugin and config activity of the caller's project; the URL's organization only
    decides the permission."""
    limit, number = activity.paging(call.query)
    team_id = activity.team_of(call.store, call.caller.user)
    if team_id is None:
        raise ServerError("the caller has no project, and PostHog reads request.user.team.id")
    entries = activity.entries_of_team(call.store, team_id)
    return activity.page(entries, call.url, limit, number)


def repository(call: Call) -> list[Record]:
    return upstream.repository(call.store)


ROUTES = [
    Route(
        "plugins_check_for_updates_retrieve",
        "GET",
        DETAIL + "check_for_updates/",
        "check_for_updates",
        check_for_updates,
        "Look up the plugin's latest tag upstream.",
        response_schema="plugin_updates.json",
        behaviours=(
            'answers {"plugin": Plugin}',
            "latest_tag from the URL's ref, else the latest release",
            "updated_at unchanged",
            "source plugin answers 500",
            "unreachable upstream answers 500",
        ),
        server_errors=(
            "the plugin has no URL (a source plugin)",
            "the plugin's URL is not a GitHub, GitLab or npm URL (a `file:` plugin, say)",
            UPSTREAM_FAILS,
        ),
    ),
    Route(
        "plugins_source_retrieve",
        "GET",
        DETAIL + "source/",
        "source",
        source,
        "The plugin's source files by name.",
        response_schema="plugin_source.json",
        behaviours=("answers {filename: text}",),
    ),
    Route(
        "plugins_update_source_partial_update",
        "PATCH",
        DETAIL + "update_source/",
        "update_source",
        update_source,
        "Create, change or delete source files.",
        request_schema="plugin_source_request.json",
        response_schema="plugin_source.json",
        behaviours=(
            "{filename: text-or-null} in, the resulting map out",
            "transpile status reset",
            "name and config_schema synced from plugin.json",
            "invalid plugin.json answers 500 and keeps nothing",
        ),
        server_errors=(
            "the body is not a JSON object",
            f"a file name is longer than {plugin_files.FILENAME_LENGTH} characters",
            "a file's new text is an object or an array",
            "plugin.json is not valid JSON, is not an object PostHog can read `name` and `config` "
            f"from, or its `name` is not text of at most {plugin_files.NAME_LENGTH} characters",
        ),
    ),
    Route(
        "plugins_upgrade_create",
        "POST",
        DETAIL + "upgrade/",
        "upgrade",
        upgrade,
        "Re-read the plugin from its URL at the latest release.",
        response_schema="plugin.json",
        behaviours=(
            "body ignored",
            "source and local plugins unchanged",
            "fields and source files refreshed from the archive",
            "plugin_type becomes custom",
            "unreachable upstream answers 500",
        ),
        server_errors=(UNPARSABLE_URL, UPSTREAM_FAILS, BAD_ARCHIVE),
        bad_requests=(NO_PLUGIN_JSON,),
    ),
    Route(
        "plugins_activity_retrieve",
        "GET",
        BASE + "activity/",
        "all_activity",
        all_activity,
        "Plugin and plugin-config activity of the caller's current project.",
        response_schema="activity_page.json",
        behaviours=(
            "limit (default 10) and page paging",
            "newest first",
            "the caller's current project, not the URL's organization",
            "bad limit or page answers 500",
        ),
        query=ACTIVITY_QUERY,
        server_errors=(
            "`limit` or `page` is not an integer",
            "`limit` is below 1, or `page` is not one of the pages there are",
            "the caller has no current project",
        ),
    ),
    Route(
        "plugins_repository_retrieve",
        "GET",
        BASE + "repository/",
        "repository",
        repository,
        "The plugin repository list.",
        response_schema="plugin_repository.json",
        behaviours=("a plain JSON array, passed through",),
    ),
]
