"""/api/projects/{project_id}/plugin_configs/{plugin_config_id}/logs/: a config's log entries,
and `append_log_entries`, the hook that writes them (in PostHog only the plugin server does).

The list filters as PostHog's ClickHouse query does: by project and config id (the config
itself is not looked up), `after`/`before` strictly, `search` as ILIKE, `type_filter` by exact
name; newest first. `limit` caps the query *and* sizes the page, so `next` is always null when
it is given.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from mock_posthog.contract import schemas
from mock_posthog.contract.errors import ServerError, ValidationFailed
from mock_posthog.contract.operations import QueryParam, Route
from mock_posthog.posthog import auth, pagination, records
from mock_posthog.posthog.api.plugin_configs import project_id
from mock_posthog.posthog.call import Call
from mock_posthog.world.clock import parse_timestamp, rendered_timestamp
from mock_posthog.world.store import Record
from mock_posthog.world.world import World

PATH = "/api/projects/{project_id}/plugin_configs/{plugin_config_id}/logs/"
TYPES = ("DEBUG", "LOG", "INFO", "WARN", "ERROR")
QUERY = (
    QueryParam(
        "limit",
        {"type": "integer", "minimum": 0},
        "The newest entries to read, and the page size (default: all, in pages of 100).",
    ),
    pagination.QUERY[1],
    QueryParam(
        "after", {"type": "string", "format": "date-time"}, "Only entries strictly after this."
    ),
    QueryParam(
        "before", {"type": "string", "format": "date-time"}, "Only entries strictly before this."
    ),
    QueryParam("search", {"type": "string"}, "Messages that contain this (ILIKE: `%`, `_`)."),
    QueryParam("type_filter", {"enum": list(TYPES)}, "Only entries of these types.", True),
)


def list_log_entries(call: Call) -> dict[str, Any]:
    auth.check_plugins_access(call.organization, "GET")
    limit = _limit(call.query.get("limit"))
    after = _moment(call.query.get("after"), "after")
    before = _moment(call.query.get("before"), "before")
    types = _types(call.query.getlist("type_filter"))
    search = _ilike(call.query.get("search"))
    config_id = _config_id(call.args["plugin_config_id"])
    entries = records.log_entries_of_config(
        call.store,
        project_id(call),
        config_id,
        lambda entry: _matches(entry, after, before, types, search),
    )
    entries.sort(key=lambda entry: parse_timestamp(entry["timestamp"]), reverse=True)
    if limit:
        entries = entries[:limit]
        if call.query.get("offset", "0") not in ("", "0"):
            call.note("PostHog caps the log query at `limit` before paging, so an offset skips it")
    return pagination.page(entries, lambda: call.url, call.query, render_log_entry)


def _limit(raw: str | None) -> int | None:
    if not raw:
        return None
    try:
        limit = int(raw)
    except ValueError:
        raise ValidationFailed("Query param limit must be omitted or an integer!") from None
    if limit < 0:
        raise ServerError(f"ClickHouse refuses the query's `LIMIT {limit}`")
    return limit


def _moment(raw: str | None, name: str) -> datetime | None:
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ServerError(f"`{name}={raw}` is not an ISO 8601 datetime (ValueError)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _types(names: list[str]) -> set[str]:
    unknown = [name for name in names if name not in TYPES]
    if unknown:
        raise ServerError(f"`type_filter={unknown[0]}` is not one of {', '.join(TYPES)} (KeyError)")
    return set(names)


def _ilike(search: str | None) -> re.Pattern[str] | None:
    """`message ILIKE '%search%'`: `%` and `_` are wildcards, a backslash escapes."""
    if not search:
        return None
    pattern, escaped = "", False
    for char in search:
        if escaped or char not in "%_\\":
            pattern += re.escape(char)
            escaped = False
        elif char == "\\":
            escaped = True
        else:
            pattern += ".*" if char == "%" else "."
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


def _config_id(raw: str) -> int:
    value = records.django_int(raw)
    if value is None:
        raise ServerError(f"ClickHouse cannot compare plugin_config_id with {raw!r}")
    return value


def _matches(
    entry: Mapping[str, Any],
    after: datetime | None,
    before: datetime | None,
    types: set[str],
    search: re.Pattern[str] | None,
) -> bool:
    if types and entry["type"] not in types:
        return False
    if search is not None and search.search(entry["message"]) is None:
        return False
    if after is None and before is None:
        return True
    moment = parse_timestamp(entry["timestamp"])
    return (after is None or moment > after) and (before is None or moment < before)


def render_log_entry(entry: Record) -> dict[str, Any]:
    return {
        "id": _uuid_text(entry["id"]),
        "team_id": entry["team_id"],
        "plugin_id": entry["plugin_id"],
        "plugin_config_id": entry["plugin_config_id"],
        "timestamp": rendered_timestamp(entry["timestamp"]),
        "source": entry["source"],
        "type": entry["type"],
        "message": entry["message"],
        "instance_id": _uuid_text(entry["instance_id"]),
    }


def _uuid_text(value: str | int) -> str:
    """A fixture entry written without an id has its row number; it shows as a stable UUID."""
    if isinstance(value, int):
        return f"00000000-0000-4000-8000-{value:012d}"
    return str(uuid.UUID(value))


# Writing entries: fixtures, the control plane and the in-process handle.


def append_log_entries(world: World, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store log entries as the plugin server would write them, all or none.

    Each needs `plugin_config_id` and `message`; `team_id` and `plugin_id` default to the
    config's, `id` to a new UUID, `timestamp` to the clock's now, `source`, `type` and
    `instance_id` to the fixture defaults. A bad entry raises ValidationFailed naming it.
    """
    filled = [_filled(world, entry, index) for index, entry in enumerate(entries)]
    try:
        schemas.check_fixture({records.PLUGIN_LOG_ENTRIES: filled})
    except schemas.SchemaMismatch as mismatch:
        path = mismatch.path.replace(f"$.{records.PLUGIN_LOG_ENTRIES}", "$", 1)
        raise ValidationFailed(f"{path}: {mismatch.message}", attr=path) from None
    with world.store.transaction():
        return [world.store.insert(records.PLUGIN_LOG_ENTRIES, entry) for entry in filled]


def _filled(world: World, entry: Any, index: int) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise ValidationFailed(f"$[{index}]: a log entry must be an object", attr=f"$[{index}]")
    config_id = entry.get("plugin_config_id")
    config = (
        records.plugin_config(world.store, config_id)
        if isinstance(config_id, int) and not isinstance(config_id, bool)
        else None
    )
    if config is None and not {"team_id", "plugin_id"} <= entry.keys():
        path = f"$[{index}]"
        raise ValidationFailed(
            f"{path}: no plugin config has id {config_id!r}; give team_id and plugin_id",
            attr=path,
        )
    filled = {
        **_entry_defaults(),
        "id": world.new_uuid(),
        "timestamp": world.now(),
        **({"team_id": config["team_id"], "plugin_id": config["plugin"]} if config else {}),
        **entry,
    }
    if isinstance(filled["timestamp"], str):
        try:
            filled["timestamp"] = rendered_timestamp(filled["timestamp"])
        except ValueError:
            path = f"$[{index}].timestamp"
            raise ValidationFailed(f"{path}: not an ISO 8601 datetime", attr=path) from None
    return filled


def _entry_defaults() -> dict[str, Any]:
    definition = schemas.document("fixtures.json")["$defs"]["plugin_log_entry"]["properties"]
    return {name: spec["default"] for name, spec in definition.items() if "default" in spec}


ROUTES = [
    Route(
        "plugin_configs_logs_list",
        "GET",
        PATH,
        "list",
        list_log_entries,
        "List a plugin config's log entries, newest first.",
        response_schema="plugin_log_entry_page.json",
        behaviours=(
            "after/before (strict), search (ILIKE), repeatable type_filter",
            "newest first",
            "limit caps the query: next is null when given",
            "400 for a non-integer limit",
            "unknown config ids list nothing",
        ),
        query=QUERY,
        server_errors=(
            "`limit` is negative",
            "`after` or `before` is not an ISO 8601 datetime",
            f"a `type_filter` is not one of {', '.join(TYPES)}",
            "the config id in the path is not an integer",
        ),
        bad_requests=("`limit` is not an integer",),
    ),
]
