"""What each control route takes and answers, by Flask endpoint: the text of the control
plane's OpenAPI document (its bodies' schemas are in `components`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mock_posthog.contract import schemas
from mock_posthog.contract.operations import QueryParam
from mock_posthog.control.components import TABLES

ERROR = {"$ref": "#/components/schemas/Error"}
UPSTREAM_REFUSAL = {"$ref": "#/components/schemas/UpstreamRefusal"}
_CLOCK = {"$ref": "#/components/schemas/Clock"}
_FAULT = {"$ref": "#/components/schemas/Fault"}
_SEED = {"$ref": "#/components/schemas/Seed"}
_RATE_LIMIT = {"$ref": "#/components/schemas/RateLimit"}
_ARCHIVE = {"$ref": "#/components/schemas/UpstreamArchive"}
_REPOSITORY = {"$ref": "#/components/schemas/PluginRepository"}
_FIXTURES = {"$ref": "#/components/schemas/FixtureFile"}
_STATE = {
    "type": "object",
    "required": ["status", "tables"],
    "properties": {"status": {"type": "string"}, "tables": TABLES},
}
_EXACT_STATE = {"type": "object", "additionalProperties": {"type": "object"}}
_UPSTREAM_URL = "https://github.com/PostHog/posthog-plugin-geoip"
# Copied, not referred to: generators resolve references to components, not to their parts.
_RELEASE_FIELDS = schemas.document("upstream_release.json")["properties"]


@dataclass(frozen=True)
class ControlOperation:
    """What one control route takes and answers."""

    summary: str
    response: dict[str, Any] | None = None  # the success body's schema; None: no body
    status: int = 200
    request: dict[str, Any] | None = None  # the JSON body's schema
    example: Any = None  # a body that works on the default world
    errors: tuple[int, ...] = ()  # refusals in PostHog's envelope
    upstream_errors: tuple[int, ...] = ()  # refusals as {"error": reason}
    query: tuple[QueryParam, ...] = ()


OPERATIONS: dict[str, ControlOperation] = {
    "mock_control.health": ControlOperation(
        "200 once the fixtures are loaded (503 before), with the version and table sizes.",
        {
            "type": "object",
            "required": ["status", "version", "tables"],
            "properties": {
                "status": {"enum": ["ok", "starting"]},
                "version": {"type": "string"},
                "tables": TABLES,
            },
        },
    ),
    "mock_control.reset": ControlOperation("Back to the seeded world.", _STATE),
    "mock_control.control_document": ControlOperation(
        "This document.", {"type": "object", "required": ["openapi", "paths"]}
    ),
    "mock_control.clock": ControlOperation("The clock's time, and whether it is frozen.", _CLOCK),
    "mock_control.freeze": ControlOperation(
        "Stop the clock now, or at `at`.",
        _CLOCK,
        request={
            "type": "object",
            "properties": {"at": {"type": ["string", "null"], "format": "date-time"}},
        },
        example={"at": "2024-01-01T00:00:00Z"},
        errors=(400,),
    ),
    "mock_control.advance": ControlOperation(
        "Move the clock on by the sum of the units given; a running clock stops there.",
        _CLOCK,
        request={
            "type": "object",
            "minProperties": 1,
            "additionalProperties": False,
            "properties": {
                unit: {"type": "number"} for unit in ("seconds", "minutes", "hours", "days")
            },
        },
        example={"hours": 1},
        errors=(400,),
    ),
    "mock_control.unfreeze": ControlOperation("Let the clock run again.", _CLOCK),
    "mock_control.uuids": ControlOperation(
        "The seed of the UUIDs the mock makes (null: random).",
        {"$ref": "#/components/schemas/Seed"},
    ),
    "mock_control.seed_uuids": ControlOperation(
        "Make UUIDs from now on the seeded sequence, or random again with null.",
        _SEED,
        request=_SEED,
        example={"seed": 42},
        errors=(400,),
    ),
    "mock_control.list_faults": ControlOperation(
        "The faults switched on.",
        {
            "type": "object",
            "required": ["results"],
            "properties": {"results": {"type": "array", "items": _FAULT}},
        },
    ),
    "mock_control.add_fault": ControlOperation(
        "Switch a fault on: an error status, latency or a dropped connection, for a route "
        "(operation id), a path pattern or every /api/ request.",
        _FAULT,
        status=201,
        request={"$ref": "#/components/schemas/FaultSpec"},
        example={"route": "plugins_list", "method": "GET", "status": 429, "retry_after": 3},
        errors=(400,),
    ),
    "mock_control.clear_faults": ControlOperation("Switch every fault off.", status=204),
    "mock_control.remove_fault": ControlOperation(
        "Switch one fault off.", status=204, errors=(404,)
    ),
    "mock_control.rate_limit": ControlOperation("PostHog's rate limit, on or off.", _RATE_LIMIT),
    "mock_control.configure_rate_limit": ControlOperation(
        "Turn the rate limit on or off; `rates` replaces PostHog's 480/minute and 4800/hour.",
        _RATE_LIMIT,
        request={
            "type": "object",
            "required": ["enabled"],
            "properties": {
                "enabled": {"type": "boolean"},
                "rates": {"type": ["array", "null"], "items": {"type": "string"}},
            },
        },
        example={"enabled": True, "rates": ["5/minute"]},
        errors=(400,),
    ),
    "mock_control.list_requests": ControlOperation(
        (
            "The request journal, oldest first, with the number of entries it let go (past"
            " the entry limit or the byte bound, MOCK_POSTHOG_JOURNAL_BYTES); a page at a time"
            " with `limit` and `since`."
        ),
        {
            "type": "object",
            "required": ["count", "evicted", "bytes", "next_since", "results"],
            "properties": {
                "count": {"type": "integer", "minimum": 0},
                "evicted": {"type": "integer", "minimum": 0},
                "bytes": {"type": "integer", "minimum": 0},
                "next_since": {"type": ["integer", "null"], "minimum": 1},
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/Request"}},
            },
        },
        errors=(400,),
        query=(
            QueryParam("method", {"type": "string"}, "Only this method."),
            QueryParam("path", {"type": "string"}, "A path pattern: `{name}` or `*` is a segment."),
            QueryParam("route", {"type": "string"}, "Only this operation id."),
            QueryParam("status", {"type": "integer", "minimum": 0}, "Only this status."),
            QueryParam("last", {"type": "integer", "minimum": 0}, "Only the latest N."),
            QueryParam("since", {"type": "integer", "minimum": 0}, "Only entries after this id."),
            QueryParam(
                "limit",
                {"type": "integer", "minimum": 1},
                "At most this many entries; `next_since` then says where the next page starts.",
            ),
        ),
    ),
    "mock_control.clear_requests": ControlOperation("Empty the journal.", status=204),
    "mock_control.add_log_entries": ControlOperation(
        "Write plugin log entries as PostHog's plugin server would: an array, or one entry.",
        {"type": "array", "items": {"$ref": "#/components/schemas/Fixture.plugin_log_entry"}},
        status=201,
        request={
            "oneOf": [
                {"type": "array", "items": {"$ref": "#/components/schemas/LogEntrySpec"}},
                {"$ref": "#/components/schemas/LogEntrySpec"},
            ]
        },
        example=[{"plugin_config_id": 1, "message": "hello", "type": "INFO"}],
        errors=(400,),
    ),
    "mock_control.list_recorded_jobs": ControlOperation(
        "Every accepted job, oldest first, with the task PostHog would have enqueued.",
        {"type": "array", "items": {"$ref": "#/components/schemas/RecordedJob"}},
    ),
    "mock_control.put_delivery_metrics": ControlOperation(
        "A config's delivery counts for the last 24 hours, behind `delivery_rate_24h`.",
        {
            "type": "object",
            "required": ["plugin_config_id", "successes", "failures", "delivery_rate_24h"],
            "properties": {
                "plugin_config_id": {"type": "integer"},
                "successes": {"type": "integer", "minimum": 0},
                "failures": {"type": "integer", "minimum": 0},
                "delivery_rate_24h": {"type": ["number", "null"]},
            },
        },
        request={
            "type": "object",
            "required": ["successes", "failures"],
            "properties": {
                "successes": {"type": "integer", "minimum": 0},
                "failures": {"type": "integer", "minimum": 0},
            },
        },
        example={"successes": 3, "failures": 1},
        errors=(400, 404),
    ),
    "mock_control.snapshot": ControlOperation(
        (
            "The whole world as a fixture file, each table's next id under `sequences`; with"
            " `?of=seed`, the world a reset goes back to."
        ),
        _FIXTURES,
        query=(
            QueryParam("of", {"enum": ["seed"]}, "`seed`: the seeded world."),
            QueryParam(
                "redacted",
                {"enum": ["1", "0", "true", "false"]},
                "`1`: without any key, token or secret config value, for sharing.",
            ),
        ),
    ),
    "mock_control.restore": ControlOperation(
        (
            "Put a fixture file in place of the whole world (a bad one changes nothing). Ids go"
            " on from its `sequences`; without them, after every id it holds or was handed out."
        ),
        _STATE,
        request=_FIXTURES,
        example={"organizations": [], "projects": [], "users": []},
        errors=(400,),
    ),
    "mock_control.state": ControlOperation(
        "The store's exact state (ids and id sequences too), for PUT /_mock/state.",
        _EXACT_STATE,
    ),
    "mock_control.restore_state": ControlOperation(
        "Put back a state that GET /_mock/state gave (a bad body changes nothing).",
        _STATE,
        request=_EXACT_STATE,
        example={"organizations": {}},
        errors=(400,),
    ),
    "mock_control.upstream_state": ControlOperation(
        "What GitHub, GitLab and npm hold for the mock: archives and the repository list.",
        {
            "type": "object",
            "required": ["archives", "repository"],
            "properties": {
                "archives": {"type": "array", "items": _ARCHIVE},
                "repository": _REPOSITORY,
            },
        },
    ),
    "mock_control.publish_release": ControlOperation(
        "Publish a new release of a repository or package; it becomes the latest.",
        _ARCHIVE,
        status=201,
        request={
            "type": "object",
            "required": ["url", "tag", "files"],
            "additionalProperties": False,
            "properties": {
                "url": {"type": "string"},
                "tag": _RELEASE_FIELDS["tag"],
                "files": _RELEASE_FIELDS["files"],
            },
        },
        example={"url": _UPSTREAM_URL, "tag": "v2", "files": {"plugin.json": {"name": "GeoIP"}}},
        upstream_errors=(400, 409),
    ),
    "mock_control.set_reachability": ControlOperation(
        "Make every request PostHog makes to a repository or package fail, or not.",
        _ARCHIVE,
        request={
            "type": "object",
            "required": ["url", "unreachable"],
            "additionalProperties": False,
            "properties": {"url": {"type": "string"}, "unreachable": {"type": "boolean"}},
        },
        example={"url": _UPSTREAM_URL, "unreachable": True},
        upstream_errors=(400,),
    ),
    "mock_control.namespaces_list": ControlOperation(
        "Every namespace (the default first, then the least recently used), and the limits.",
        {"$ref": "#/components/schemas/Namespaces"},
    ),
    "mock_control.drop_namespace": ControlOperation(
        "Forget a namespace: its next request starts it again from the seed.",
        status=204,
        errors=(400, 404),
    ),
    "mock_control.repository": ControlOperation("The plugin repository list.", _REPOSITORY),
    "mock_control.replace_repository": ControlOperation(
        "Replace the plugin repository list.",
        _REPOSITORY,
        request=_REPOSITORY,
        example=[{"name": "Hello", "url": "https://github.com/PostHog/hello-plugin"}],
        upstream_errors=(400,),
    ),
}
