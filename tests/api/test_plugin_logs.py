"""A config's log entries: filters, order, PostHog's handling of `limit`, and writing them
through the control plane and in-process Python."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.posthog.api.plugin_logs import append_log_entries
from mock_posthog.world.world import World
from tests.conftest import AUTH, CONFIGS, PLUGINS, error
from tests.plugin_config_support import (
    SCOPED_KEY,
    client_with,
    client_without_access,
    with_scoped_key,
    with_second_project,
)
from tests.worlds import default_tables

LOGS = f"{CONFIGS}1/logs/"
INSTANCE = "6c8d3b7e-0f5a-4b7e-9a1d-2f4e5c6b7a80"
LOADED = {
    "id": "0b1e6a52-8c1f-4d55-9a57-3f3c1a000001",
    "team_id": 1,
    "plugin_id": 2,
    "plugin_config_id": 1,
    "timestamp": "2024-03-04T10:00:05.120000Z",
    "source": "SYSTEM",
    "type": "INFO",
    "message": f"Plugin loaded (instance ID {INSTANCE}).",
    "instance_id": INSTANCE,
}
RENAMED = {
    "id": "0b1e6a52-8c1f-4d55-9a57-3f3c1a000002",
    "team_id": 1,
    "plugin_id": 2,
    "plugin_config_id": 1,
    "timestamp": "2024-03-04T10:02:11.004000Z",
    "source": "CONSOLE",
    "type": "LOG",
    "message": "Renamed event 'Signed Up' to 'signed_up'",
    "instance_id": INSTANCE,
}
RESERVED = {
    "id": "0b1e6a52-8c1f-4d55-9a57-3f3c1a000003",
    "team_id": 1,
    "plugin_id": 2,
    "plugin_config_id": 1,
    "timestamp": "2024-03-04T10:07:42.530000Z",
    "source": "CONSOLE",
    "type": "WARN",
    "message": "Event name '$pageview' is reserved and was left as it is",
    "instance_id": INSTANCE,
}
SERVER_ERROR = error("server_error", "error", "A server error occurred.")


def messages(client: FlaskClient, query: str) -> list[str]:
    response = client.get(f"{LOGS}?{query}", headers=AUTH)
    assert response.status_code == 200, response.get_json()
    return [entry["message"] for entry in response.get_json()["results"]]


def test_lists_the_configs_entries_newest_first(reader: FlaskClient) -> None:
    response = reader.get(LOGS, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [RESERVED, RENAMED, LOADED],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("after=2024-03-04T10:02:11.004Z", [RESERVED]),
        ("after=2024-03-04T10:02:11.003Z", [RESERVED, RENAMED]),
        ("after=2024-03-04T11:02:12%2B01:00", [RESERVED]),
        ("before=2024-03-04T10:02:11.004Z", [LOADED]),
        ("after=2024-03-04T10:00:05.120Z&before=2024-03-04T10:07:42.530Z", [RENAMED]),
        ("search=RENAMED", [RENAMED]),
        ("search=event", [RESERVED, RENAMED]),
        ("search=Signed_Up", [RENAMED]),
        ("search=loaded%25instance", [LOADED]),
        ("search=100%25", []),
        ("search=", [RESERVED, RENAMED, LOADED]),
        ("type_filter=INFO", [LOADED]),
        ("type_filter=WARN&type_filter=LOG", [RESERVED, RENAMED]),
        ("type_filter=ERROR", []),
        ("search=event&type_filter=LOG", [RENAMED]),
        ("after=2024-03-04T10:00:06Z&type_filter=LOG&type_filter=INFO", [RENAMED]),
        ("before=2024-03-04T10:07:00Z&search=plugin&type_filter=INFO", [LOADED]),
    ],
)
def test_filters_and_their_combinations(reader: FlaskClient, query: str, expected: list) -> None:
    response = reader.get(f"{LOGS}?{query}", headers=AUTH)

    assert response.status_code == 200
    assert response.get_json()["results"] == expected
    assert response.get_json()["count"] == len(expected)


def test_limit_caps_the_query_so_next_is_null(reader: FlaskClient) -> None:
    response = reader.get(f"{LOGS}?limit=2", headers=AUTH)

    assert response.get_json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [RESERVED, RENAMED],
    }


def test_an_offset_pages_only_within_the_capped_query(reader: FlaskClient) -> None:
    within = reader.get(f"{LOGS}?limit=2&offset=1", headers=AUTH).get_json()
    past = reader.get(f"{LOGS}?limit=2&offset=2", headers=AUTH).get_json()

    assert within["count"] == 2
    assert within["results"] == [RENAMED]
    assert within["next"] is None
    assert past == {
        "count": 2,
        "next": None,
        "previous": "http://localhost/api/projects/1/plugin_configs/1/logs/?limit=2",
        "results": [],
    }


def test_without_limit_the_default_page_size_applies(reader: FlaskClient) -> None:
    body = reader.get(f"{LOGS}?offset=1", headers=AUTH).get_json()

    assert body["count"] == 3
    assert body["results"] == [RENAMED, LOADED]
    assert body["previous"] == "http://localhost/api/projects/1/plugin_configs/1/logs/?limit=100"


@pytest.mark.parametrize("limit", ["0", ""])
def test_a_zero_or_empty_limit_caps_nothing(reader: FlaskClient, limit: str) -> None:
    assert len(messages(reader, f"limit={limit}")) == 3


@pytest.mark.parametrize("limit", ["abc", "2.5", "1e3"])
def test_a_non_integer_limit_is_a_400(reader: FlaskClient, limit: str) -> None:
    response = reader.get(f"{LOGS}?limit={limit}", headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "invalid_input", "Query param limit must be omitted or an integer!"
    )


@pytest.mark.parametrize(
    "query", ["after=yesterday", "before=", "type_filter=NOTICE", "type_filter=info", "limit=-1"]
)
def test_values_the_query_chokes_on_are_a_500(reader: FlaskClient, query: str) -> None:
    response = reader.get(f"{LOGS}?{query}", headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == SERVER_ERROR


def test_an_unknown_config_lists_nothing(reader: FlaskClient) -> None:
    response = reader.get(f"{CONFIGS}99/logs/", headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_non_numeric_config_id_is_a_500(reader: FlaskClient) -> None:
    response = reader.get(f"{CONFIGS}abc/logs/", headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == SERVER_ERROR


def test_below_config_access_logs_are_forbidden(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.get(LOGS, headers=AUTH)

    assert response.status_code == 403
    assert response.get_json() == error(
        "authentication_error",
        "permission_denied",
        "Your organization's plugin access level is insufficient.",
    )


def test_a_read_scoped_key_may_read_logs(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_scoped_key(default_tables(), ["plugin:read"]))

    response = client.get(LOGS, headers={"Authorization": f"Bearer {SCOPED_KEY}"})

    assert response.status_code == 200
    assert response.get_json()["count"] == 3


def test_entries_are_listed_only_in_their_own_project(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_second_project(default_tables()))

    elsewhere = client.get(f"{CONFIGS}3/logs/", headers=AUTH)
    own = client.get("/api/projects/2/plugin_configs/3/logs/", headers=AUTH)

    assert elsewhere.get_json()["results"] == []
    assert own.get_json()["results"] == [
        {
            "id": "00000000-0000-4000-8000-000000000006",
            "team_id": 2,
            "plugin_id": 2,
            "plugin_config_id": 3,
            "timestamp": "2024-03-06T08:00:00Z",
            "source": "CONSOLE",
            "type": "INFO",
            "message": "Hello from project 2",
            "instance_id": "00000000-0000-4000-8000-000000000000",
        }
    ]


def test_the_logs_of_a_deleted_plugins_configs_are_no_longer_listed(client: FlaskClient) -> None:
    assert client.delete(f"{PLUGINS}2/", headers=AUTH).status_code == 204

    assert client.get(LOGS, headers=AUTH).get_json()["results"] == []
    assert len(messages_of_config_2(client)) == 2


def messages_of_config_2(client: FlaskClient) -> list[dict]:
    return client.get(f"{CONFIGS}2/logs/", headers=AUTH).get_json()["results"]


# Writing entries.


def test_the_control_plane_appends_entries_with_defaults(client: FlaskClient, world: World) -> None:
    world.clock.freeze(datetime(2024, 5, 1, 12, 0, tzinfo=UTC))

    answer = client.post(
        "/_mock/plugin_log_entries",
        json=[
            {"plugin_config_id": 1, "message": "first"},
            {"plugin_config_id": 1, "message": "second", "type": "ERROR", "source": "PLUGIN"},
        ],
    )

    assert answer.status_code == 201
    stored = answer.get_json()
    assert [{key: value for key, value in entry.items() if key != "id"} for entry in stored] == [
        {
            "team_id": 1,
            "plugin_id": 2,
            "plugin_config_id": 1,
            "timestamp": "2024-05-01T12:00:00Z",
            "source": "CONSOLE",
            "type": "INFO",
            "message": "first",
            "instance_id": "00000000-0000-4000-8000-000000000000",
        },
        {
            "team_id": 1,
            "plugin_id": 2,
            "plugin_config_id": 1,
            "timestamp": "2024-05-01T12:00:00Z",
            "source": "PLUGIN",
            "type": "ERROR",
            "message": "second",
            "instance_id": "00000000-0000-4000-8000-000000000000",
        },
    ]
    assert stored[0]["id"] != stored[1]["id"]
    listed = client.get(f"{LOGS}?type_filter=ERROR", headers=AUTH).get_json()["results"]
    assert listed == [stored[1]]


def test_the_control_plane_takes_a_single_entry(client: FlaskClient) -> None:
    answer = client.post(
        "/_mock/plugin_log_entries",
        json={"plugin_config_id": 2, "message": "one", "timestamp": "2024-03-05T10:15:28+00:00"},
    )

    assert answer.status_code == 201
    assert messages_of_config_2(client)[0]["message"] == "one"
    assert messages_of_config_2(client)[0]["timestamp"] == "2024-03-05T10:15:28Z"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (
            [{"plugin_config_id": 99, "message": "x"}],
            "$[0]: no plugin config has id 99; give team_id and plugin_id",
        ),
        ([{"plugin_config_id": 1}], "$[0].message: 'message' is a required property"),
        (
            [
                {"plugin_config_id": 1, "message": "x"},
                {"plugin_config_id": 1, "message": "y", "type": "NOTICE"},
            ],
            "$[1].type: 'NOTICE' is not one of ['DEBUG', 'LOG', 'INFO', 'WARN', 'ERROR']",
        ),
        (
            [{"plugin_config_id": 1, "message": "x", "timestamp": "today"}],
            "$[0].timestamp: not an ISO 8601 datetime",
        ),
        ([7], "$[0]: a log entry must be an object"),
    ],
)
def test_the_control_plane_refuses_bad_entries_and_stores_none(
    client: FlaskClient, body: list, detail: str
) -> None:
    answer = client.post("/_mock/plugin_log_entries", json=body)

    assert answer.status_code == 400
    assert answer.get_json()["detail"] == detail
    assert client.get(LOGS, headers=AUTH).get_json()["count"] == 3


def test_entries_of_an_unknown_config_can_be_written_with_team_and_plugin(
    client: FlaskClient, world: World
) -> None:
    append_log_entries(
        world, [{"plugin_config_id": 99, "team_id": 1, "plugin_id": 2, "message": "orphan"}]
    )

    assert [
        e["message"] for e in client.get(f"{CONFIGS}99/logs/", headers=AUTH).get_json()["results"]
    ] == ["orphan"]


def test_python_append_returns_what_was_stored(world: World) -> None:
    world.clock.freeze(datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC))

    stored = append_log_entries(
        world,
        [{"plugin_config_id": 2, "message": "hi", "id": "5f0c7e0e-1d2a-4c3b-8e4f-000000000001"}],
    )

    assert stored == [
        {
            "id": "5f0c7e0e-1d2a-4c3b-8e4f-000000000001",
            "team_id": 1,
            "plugin_id": 3,
            "plugin_config_id": 2,
            "timestamp": "2024-05-01T12:00:00.250000Z",
            "source": "CONSOLE",
            "type": "INFO",
            "message": "hi",
            "instance_id": "00000000-0000-4000-8000-000000000000",
        }
    ]


def test_python_append_raises_for_a_bad_entry(world: World) -> None:
    with pytest.raises(ValidationFailed, match=r"\$\[0\]\.source"):
        append_log_entries(world, [{"plugin_config_id": 1, "message": "x", "source": "ME"}])
