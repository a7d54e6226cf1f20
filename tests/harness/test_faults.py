"""Faults: what each kind answers, which calls it hits, its control routes; and each kind
through a real socket, where a dropped connection must look like one to `requests`."""

from __future__ import annotations

import time
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from mock_posthog import LiveServer, MockPostHog
from tests.conftest import AUTH, CONFIGS, PLUGINS, error


def statuses(posthog: MockPostHog, calls: int, path: str = PLUGINS) -> list[int]:
    return [posthog.get(path).status_code for _ in range(calls)]


def test_a_429_fault_answers_as_posthog_throttles(posthog: MockPostHog) -> None:
    posthog.faults.add(route="plugins_list", status=429, retry_after=7)

    answer = posthog.get(PLUGINS)

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json == error(
        "throttled_error", "throttled", "Request was throttled. Expected available in 7 seconds."
    )


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (500, error("server_error", "error", "A server error occurred.")),
        (503, error("server_error", "error", "Service Unavailable.")),
        (404, error("invalid_request", "not_found", "Not found.")),
        (
            403,
            error(
                "authentication_error",
                "permission_denied",
                "You do not have permission to perform this action.",
            ),
        ),
        (409, error("invalid_request", "conflict", "Conflict.")),
    ],
)
def test_a_status_fault_answers_in_posthogs_envelope(
    posthog: MockPostHog, status: int, body: dict[str, Any]
) -> None:
    posthog.faults.add(status=status)

    answer = posthog.get(PLUGINS)

    assert (answer.status_code, answer.json) == (status, body)


def test_a_fault_may_carry_its_own_detail_and_is_noted_in_the_journal(
    posthog: MockPostHog,
) -> None:
    fault = posthog.faults.add(status=400, detail="Simulated outage.")

    assert posthog.get(PLUGINS).json == error(
        "validation_error", "invalid_input", "Simulated outage."
    )
    assert posthog.journal.entries()[0].notes == [f"fault #{fault.id}: answering 400"]


def test_a_fault_hits_only_its_route_method_and_path(posthog: MockPostHog) -> None:
    posthog.faults.add(route="plugins_retrieve", status=503)
    posthog.faults.add(method="POST", path="/api/projects/*/plugin_configs", status=502)

    assert posthog.get(PLUGINS + "1/").status_code == 503
    assert posthog.get(PLUGINS).status_code == 200
    assert posthog.post(CONFIGS, json={}).status_code == 502
    assert posthog.get(CONFIGS).status_code != 502


def test_nth_hits_one_call_and_times_the_first_few(posthog: MockPostHog) -> None:
    posthog.faults.add(route="plugins_list", nth=2, status=503)
    assert statuses(posthog, 4) == [200, 503, 200, 200]

    posthog.faults.clear()
    posthog.faults.add(route="plugins_list", times=2, status=429)
    assert statuses(posthog, 3) == [429, 429, 200]


def test_the_fault_routes_add_list_remove_and_clear(client: FlaskClient) -> None:
    added = client.post("/_mock/faults", json={"route": "plugins_list", "status": 503, "nth": 1})
    assert added.status_code == 201
    assert added.json == {
        "id": 1,
        "route": "plugins_list",
        "path": None,
        "method": None,
        "nth": 1,
        "times": None,
        "status": 503,
        "detail": None,
        "retry_after": 1,
        "latency_ms": 0,
        "drop": False,
        "seen": 0,
        "fired": 0,
    }
    client.get(PLUGINS, headers=AUTH)
    client.get(PLUGINS, headers=AUTH)
    listed = client.get("/_mock/faults").json["results"]
    assert [(fault["seen"], fault["fired"]) for fault in listed] == [(2, 1)]

    assert client.delete("/_mock/faults/1").status_code == 204
    assert client.delete("/_mock/faults/1").json == error(
        "invalid_request", "not_found", "No fault has id 1."
    )
    client.post("/_mock/faults", json={"status": 500})
    assert client.delete("/_mock/faults").status_code == 204
    assert client.get("/_mock/faults").json == {"results": []}


@pytest.mark.parametrize(
    ("spec", "detail", "attr"),
    [
        ({"status": 200}, "status must be an HTTP error status, 400 to 599.", "status"),
        ({}, "A fault needs a status, a latency_ms or drop.", None),
        ({"status": 500, "nth": 1, "times": 1}, "Give nth or times, not both.", "nth"),
        ({"status": 500, "nth": 0}, "nth must be at least 1.", "nth"),
        ({"status": 500, "method": "FETCH"}, "'FETCH' is not an HTTP method.", "method"),
        ({"status": 500, "colour": "red"}, "Unknown fault field 'colour'.", "colour"),
        ({"drop": "yes"}, "drop must be true or false.", "drop"),
        ({"latency_ms": "1s"}, "latency_ms must be an integer.", "latency_ms"),
    ],
)
def test_a_fault_that_makes_no_sense_is_refused(
    client: FlaskClient, spec: dict[str, Any], detail: str, attr: str | None
) -> None:
    answer = client.post("/_mock/faults", json=spec)

    assert (answer.status_code, answer.json) == (
        400,
        error("validation_error", "invalid_input", detail, attr),
    )
    assert client.get("/_mock/faults").json == {"results": []}


def test_an_unknown_route_is_refused_with_the_known_ones(client: FlaskClient) -> None:
    answer = client.post("/_mock/faults", json={"route": "plugin_list", "status": 500})

    assert answer.status_code == 400
    assert answer.json["attr"] == "route"
    assert answer.json["detail"].startswith("Unknown route 'plugin_list'; routes are: ")
    assert "plugins_list" in answer.json["detail"]


def test_reset_clears_the_faults(client: FlaskClient) -> None:
    client.post("/_mock/faults", json={"status": 500})
    client.post("/_mock/reset")

    assert client.get("/_mock/faults").json == {"results": []}
    assert client.get(PLUGINS, headers=AUTH).status_code == 200


def test_a_dropped_connection_in_process_raises_a_connection_error(posthog: MockPostHog) -> None:
    posthog.faults.add(route="plugins_list", drop=True, nth=1)

    with pytest.raises(ConnectionAbortedError):
        posthog.get(PLUGINS)
    assert posthog.get(PLUGINS).status_code == 200
    dropped = posthog.journal.entries()[0]
    assert (dropped.status, dropped.response) == (None, None)
    assert dropped.notes == ["fault #1: connection dropped without a response"]


# Through a real socket.


def live_get(server: LiveServer, path: str = PLUGINS) -> requests.Response:
    return requests.get(server.url(path), headers=AUTH, timeout=10)


def test_a_dropped_connection_is_a_connection_error_to_requests(posthog_live: LiveServer) -> None:
    posthog_live.faults.add(route="plugins_list", drop=True, nth=1)

    # The connection closes before a whole response: the status line at most, no body.
    with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
        live_get(posthog_live)
    assert live_get(posthog_live).status_code == 200
    statuses = [entry.status for entry in posthog_live.journal.entries()]
    assert statuses == [None, 200]


def test_a_status_fault_through_the_socket(posthog_live: LiveServer) -> None:
    posthog_live.faults.add(method="GET", status=429, retry_after=3)

    answer = live_get(posthog_live)

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "3"
    assert answer.json() == error(
        "throttled_error", "throttled", "Request was throttled. Expected available in 3 seconds."
    )


def test_latency_delays_the_answer_through_the_socket(posthog_live: LiveServer) -> None:
    posthog_live.faults.add(route="plugins_list", latency_ms=300)

    started = time.perf_counter()
    answer = live_get(posthog_live)
    elapsed = time.perf_counter() - started

    assert answer.status_code == 200
    assert 0.3 <= elapsed < 3
    with pytest.raises(requests.Timeout):
        requests.get(posthog_live.url(PLUGINS), headers=AUTH, timeout=0.1)
    wait_for_journal(posthog_live, entries=2)  # so the slow request ends within this test


def wait_for_journal(server: LiveServer, entries: int) -> None:
    deadline = time.monotonic() + 5
    while len(server.journal.entries()) < entries and time.monotonic() < deadline:
        time.sleep(0.05)
