"""A config's log entries, pinned where a slip would pass unnoticed: the access level that
reads them, PostHog's `Z` handling, `search`'s wildcards and escapes, the cause the journal
gives for each 500 and for an offset the capped query skips, the control plane's refusals of
entries it cannot place, and how the OpenAPI document describes the list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.journal_notes import SERVER_ERROR, last_notes
from tests.api.test_plugin_logs import LOGS, messages
from tests.conftest import AUTH, CONFIGS, error
from tests.plugin_config_support import client_with, with_access_level
from tests.worlds import default_tables

LOGS_PATH = "/api/projects/{project_id}/plugin_configs/{plugin_config_id}/logs/"
# The default world's entries of config 1, newest first.
RESERVED = "Event name '$pageview' is reserved and was left as it is"
RENAMED = "Renamed event 'Signed Up' to 'signed_up'"
LOADED = "Plugin loaded (instance ID 6c8d3b7e-0f5a-4b7e-9a1d-2f4e5c6b7a80)."


def test_config_access_is_enough_to_read_logs(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_access_level(default_tables(), 3))

    response = client.get(LOGS, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json()["count"] == 3


def test_a_z_anywhere_is_read_as_utc_as_posthog_replaces_each_one(reader: FlaskClient) -> None:
    # PostHog turns every `Z` into `+00:00` before fromisoformat, so a date with a `Z` is read
    # (as its midnight), though fromisoformat alone refuses it.
    assert messages(reader, "before=2024-03-05Z") == [RESERVED, RENAMED, LOADED]
    assert messages(reader, "after=2024-03-04T10:05Z:00") == [RESERVED]


# search: ILIKE's `%` and `_` are wildcards anywhere, a backslash makes them literal.


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("_lugin", [LOADED]),  # a wildcard as the first character
        ("%25instance", [LOADED]),
        ("X", []),  # a plain letter is itself, not a wildcard
        ("signed\\_up", [RENAMED]),  # an escaped `_` is an underscore...
        ("plugin\\_loaded", []),  # ...so it matches no space
        ("plugin_loaded", [LOADED]),
    ],
)
def test_search_wildcards_and_escapes(reader: FlaskClient, search: str, expected: list) -> None:
    assert messages(reader, f"search={search}") == expected


# The causes the journal gives.


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("after=yesterday", "`after=yesterday` is not an ISO 8601 datetime (ValueError)"),
        ("before=", "`before=` is not an ISO 8601 datetime (ValueError)"),
        (
            "type_filter=INFO&type_filter=info",
            "`type_filter=info` is not one of DEBUG, LOG, INFO, WARN, ERROR (KeyError)",
        ),
        ("limit=-1", "ClickHouse refuses the query's `LIMIT -1`"),
    ],
)
def test_each_500_of_the_query_is_explained_in_the_journal(
    reader: FlaskClient, query: str, why: str
) -> None:
    response = reader.get(f"{LOGS}?{query}", headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert last_notes(reader) == [f"500 because {why}"]


def test_a_non_numeric_config_id_is_a_500_the_journal_explains(reader: FlaskClient) -> None:
    response = reader.get(f"{CONFIGS}abc/logs/", headers=AUTH)

    assert (response.status_code, response.get_json()) == (500, SERVER_ERROR)
    assert last_notes(reader) == [
        "500 because ClickHouse cannot compare plugin_config_id with 'abc'"
    ]


def test_an_offset_past_the_capped_query_is_noted(reader: FlaskClient) -> None:
    assert messages(reader, "limit=2&offset=1") == [RENAMED]
    assert last_notes(reader) == [
        "PostHog caps the log query at `limit` before paging, so an offset skips it"
    ]


@pytest.mark.parametrize("query", ["limit=2", "limit=2&offset=0", "limit=2&offset=", "offset=1"])
def test_no_note_without_an_offset_the_cap_skips(reader: FlaskClient, query: str) -> None:
    reader.get(f"{LOGS}?{query}", headers=AUTH)

    assert last_notes(reader) == []


# The control plane: entries it cannot place.


@pytest.mark.parametrize(
    ("entry", "detail", "attr"),
    [
        (7, "$[0]: a log entry must be an object", "$[0]"),
        (
            {"plugin_config_id": True, "message": "x"},
            "$[0]: no plugin config has id True; give team_id and plugin_id",
            "$[0]",
        ),
        (
            {"plugin_config_id": "1", "message": "x"},
            "$[0]: no plugin config has id '1'; give team_id and plugin_id",
            "$[0]",
        ),
        (
            {"team_id": 1, "plugin_id": 2},
            "$[0].plugin_config_id: 'plugin_config_id' is a required property",
            "$[0].plugin_config_id",
        ),
    ],
)
def test_the_control_plane_refuses_entries_it_cannot_place(
    client: FlaskClient, entry: Any, detail: str, attr: str
) -> None:
    answer = client.post("/_mock/plugin_log_entries", json=[entry])

    assert answer.status_code == 400
    assert answer.get_json() == error("validation_error", "invalid_input", detail, attr)
    assert client.get(LOGS, headers=AUTH).get_json()["count"] == 3


# The OpenAPI document.


def logs_operation(client: FlaskClient) -> dict[str, Any]:
    found: dict[str, Any] = client.get("/api/schema/").get_json()["paths"][LOGS_PATH]["get"]
    return found


def test_the_document_describes_the_list(reader: FlaskClient) -> None:
    logs = logs_operation(reader)

    assert logs["operationId"] == "plugin_configs_logs_list"
    assert logs["summary"] == "List a plugin config's log entries, newest first."
    assert logs["description"] == (
        "- after/before (strict), search (ILIKE), repeatable type_filter\n"
        "- newest first\n"
        "- limit caps the query: next is null when given\n"
        "- 400 for a non-integer limit\n"
        "- unknown config ids list nothing"
    )
    assert logs["responses"]["200"]["content"]["application/json"] == {
        "schema": {"$ref": "#/components/schemas/PaginatedPluginLogEntryList"}
    }


def test_the_document_says_why_the_list_is_a_400_or_a_500(reader: FlaskClient) -> None:
    responses = logs_operation(reader)["responses"]

    assert responses["400"]["description"] == (
        "PostHog's validation error, when:\n- `limit` is not an integer"
    )
    assert responses["500"]["description"] == (
        "PostHog's generic server error, where PostHog answers 500 too:\n"
        "- `limit` is negative\n"
        "- `after` or `before` is not an ISO 8601 datetime\n"
        "- a `type_filter` is not one of DEBUG, LOG, INFO, WARN, ERROR\n"
        "- the config id in the path is not an integer"
    )


def test_the_document_lists_the_query_parameters(reader: FlaskClient) -> None:
    query = [p for p in logs_operation(reader)["parameters"] if p["in"] == "query"]

    assert query == [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer", "minimum": 0},
            "description": (
                "The newest entries to read, and the page size (default: all, in pages of 100)."
            ),
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "schema": {"type": "integer"},
            "description": "The initial index from which to return the results.",
        },
        {
            "name": "after",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "format": "date-time"},
            "description": "Only entries strictly after this.",
        },
        {
            "name": "before",
            "in": "query",
            "required": False,
            "schema": {"type": "string", "format": "date-time"},
            "description": "Only entries strictly before this.",
        },
        {
            "name": "search",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "Messages that contain this (ILIKE: `%`, `_`).",
        },
        {
            "name": "type_filter",
            "in": "query",
            "required": False,
            "schema": {
                "type": "array",
                "items": {"enum": ["DEBUG", "LOG", "INFO", "WARN", "ERROR"]},
            },
            "description": "Only entries of these types.",
            "style": "form",
            "explode": True,
        },
    ]
