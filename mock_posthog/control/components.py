"""The schemas of the control plane's own bodies (clock, faults, rate limit, upstream,
namespaces...), the components of its OpenAPI document."""

from __future__ import annotations

from typing import Any

from mock_posthog.http.faults import MAX_LATENCY_MS

TABLES = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

FAULT_FIELDS: dict[str, Any] = {
    "route": {"type": ["string", "null"], "description": "An operation id."},
    "path": {"type": ["string", "null"], "description": "A path pattern."},
    "method": {"type": ["string", "null"]},
    "nth": {"type": ["integer", "null"], "minimum": 1, "description": "Only this call."},
    "times": {"type": ["integer", "null"], "minimum": 1, "description": "Only the first N."},
    "status": {"type": ["integer", "null"], "minimum": 400, "maximum": 599},
    "detail": {"type": ["string", "null"], "description": "PostHog's wording when null."},
    "retry_after": {"type": "integer", "minimum": 0, "description": "Seconds, for a 429."},
    "latency_ms": {
        "type": "integer",
        "minimum": 0,
        "maximum": MAX_LATENCY_MS,
        "description": "Added before the answer; clearing the faults or a reset ends it early.",
    },
    "drop": {"type": "boolean", "description": "Close the connection without a response."},
}

COMPONENTS: dict[str, Any] = {
    "UpstreamRefusal": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string"}},
    },
    "Clock": {
        "type": "object",
        "required": ["now", "frozen"],
        "properties": {
            "now": {"type": "string", "format": "date-time"},
            "frozen": {"type": "boolean"},
        },
    },
    "Seed": {
        "type": "object",
        "required": ["seed"],
        "properties": {"seed": {"type": ["integer", "null"]}},
    },
    "FaultSpec": {
        "type": "object",
        "description": "A status, latency or a dropped connection, aimed by route, path, method.",
        "additionalProperties": False,
        "properties": FAULT_FIELDS,
    },
    "Fault": {
        "type": "object",
        "required": ["id", *FAULT_FIELDS, "seen", "fired"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            **FAULT_FIELDS,
            "seen": {"type": "integer", "description": "Matching calls so far."},
            "fired": {"type": "integer", "description": "Calls the fault applied to."},
        },
    },
    "RateLimit": {
        "type": "object",
        "required": ["enabled", "rates"],
        "properties": {
            "enabled": {"type": "boolean"},
            "rates": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Request": {
        "type": "object",
        "description": "One /api/ request as the mock saw it, API keys and secrets redacted.",
        "required": ["id", "time", "method", "path", "route", "status", "notes"],
        "properties": {
            "id": {"type": "integer"},
            "time": {"type": "string"},
            "duration_ms": {"type": "number"},
            "method": {"type": "string"},
            "path": {"type": "string"},
            "route": {"type": ["string", "null"]},
            "query": {"type": "object"},
            "headers": {"type": "object"},
            "body": {},
            "status": {"type": ["integer", "null"], "description": "Null: connection dropped."},
            "response": {},
            "response_headers": {"type": "object"},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "LogEntrySpec": {
        "type": "object",
        "description": "A log entry; `team_id` and `plugin_id` default to the config's, `id` to "
        "a new UUID, `timestamp` to the clock's now.",
        "required": ["plugin_config_id", "message"],
        "additionalProperties": False,
        "properties": {
            "plugin_config_id": {"type": "integer"},
            "message": {"type": "string"},
            "id": {"$ref": "#/components/schemas/Fixture.uuid"},
            "team_id": {"type": "integer"},
            "plugin_id": {"type": "integer"},
            "timestamp": {"$ref": "#/components/schemas/Fixture.timestamp"},
            "source": {"enum": ["SYSTEM", "PLUGIN", "CONSOLE"], "default": "CONSOLE"},
            "type": {"enum": ["DEBUG", "LOG", "INFO", "WARN", "ERROR"], "default": "INFO"},
            "instance_id": {"$ref": "#/components/schemas/Fixture.uuid"},
        },
    },
    "RecordedJob": {
        "type": "object",
        "required": ["job_id", "type", "payload", "operation", "plugin_config_id", "enqueued"],
        "properties": {
            "job_id": {"type": "string"},
            "type": {"type": "string"},
            "payload": {"type": "object"},
            "operation": {"type": "string"},
            "plugin_config_id": {"type": "integer"},
            "team_id": {"type": "integer"},
            "enqueued": {"type": "object"},
        },
    },
    "Namespaces": {
        "type": "object",
        "required": ["count", "max_namespaces", "namespace_idle_seconds", "results"],
        "properties": {
            "count": {"type": "integer"},
            "max_namespaces": {"type": "integer"},
            "namespace_idle_seconds": {"type": "integer"},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["name", "created", "last_used", "tables"],
                    "properties": {
                        "name": {"type": "string"},
                        "created": {"type": "string", "format": "date-time"},
                        "last_used": {"type": ["string", "null"], "format": "date-time"},
                        "tables": TABLES,
                    },
                },
            },
        },
    },
    "UpstreamArchive": {
        "type": "object",
        "required": ["url", "releases", "latest_tag", "unreachable", "made_up"],
        "properties": {
            "url": {"type": "string"},
            "releases": {"type": "array", "items": {"type": "string"}},
            "latest_tag": {"type": ["string", "null"]},
            "unreachable": {"type": "boolean"},
            "made_up": {"type": "boolean", "description": "No archive: a release made up."},
        },
    },
}
