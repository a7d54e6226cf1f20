"""Faults cannot hang the server: a path pattern is matched in linear time, latency has a
maximum, and clearing the faults (or a reset) wakes the requests sleeping on a latency.

Through a real socket, as a client waiting on a slow answer meets it. No timed assertions:
a request that should come back is waited for with a join timeout far longer than it needs."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

import pytest
import requests
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_posthog import LiveServer
from mock_posthog.http.matching import path_matches
from tests.conftest import AUTH, PLUGINS, error

GENEROUS = 30.0  # seconds a request that should come back at once is given to do so


def in_background(call: Callable[[], requests.Response]) -> tuple[threading.Thread, list[object]]:
    answers: list[object] = []

    def run() -> None:
        try:
            answers.append(call())
        except requests.RequestException as failure:
            answers.append(failure)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, answers


def wait_until_sleeping(server: LiveServer, fault_id: int) -> None:
    """Until the fault has fired: the request is then sleeping on its latency."""
    deadline = time.monotonic() + GENEROUS
    while time.monotonic() < deadline:
        fired = {
            fault["id"]: fault["fired"]
            for fault in server.control.call("GET", "/faults")["results"]
        }
        if fired.get(fault_id):
            return
        time.sleep(0.02)
    raise AssertionError("the request never reached the fault")


@pytest.mark.parametrize(
    ("release", "path"), [("DELETE", "/faults"), ("POST", "/reset")], ids=["clear", "reset"]
)
def test_clearing_the_faults_wakes_a_request_sleeping_on_a_minute_of_latency(
    posthog_live: LiveServer, release: str, path: str
) -> None:
    fault = posthog_live.control.call(
        "POST", "/faults", {"route": "plugins_list", "latency_ms": 60_000}
    )
    thread, answers = in_background(
        lambda: requests.get(posthog_live.url(PLUGINS), headers=AUTH, timeout=120)
    )
    wait_until_sleeping(posthog_live, fault["id"])

    posthog_live.control.call(release, path)
    thread.join(GENEROUS)

    assert not thread.is_alive(), "the request still sleeps on a cleared fault"
    [answer] = answers
    assert isinstance(answer, requests.Response)
    assert answer.status_code == 200  # the fault is gone: answered as usual
    notes = posthog_live.journal.last("GET", PLUGINS).notes
    assert "fault: the faults were cleared during the latency; answering as usual" in notes


def test_a_request_sleeping_on_latency_holds_no_other(posthog_live: LiveServer) -> None:
    """The server answers on one thread; a request that sleeps must not keep it: another
    namespace's request, and another route's of the same world, are answered meanwhile."""
    fault = posthog_live.control.call(
        "POST", "/faults", {"route": "plugins_list", "latency_ms": 60_000}
    )
    sleeper, answers = in_background(
        lambda: requests.get(posthog_live.url(PLUGINS), headers=AUTH, timeout=120)
    )
    wait_until_sleeping(posthog_live, fault["id"])

    elsewhere = {**AUTH, "X-Mock-PostHog-Namespace": "another-job"}
    listed = requests.get(posthog_live.url(PLUGINS), headers=elsewhere, timeout=GENEROUS)
    one = requests.get(posthog_live.url(f"{PLUGINS}1/"), headers=AUTH, timeout=GENEROUS)

    assert (listed.status_code, listed.json()["count"]) == (200, 3)
    assert (one.status_code, one.json()["id"]) == (200, 1)
    assert sleeper.is_alive(), "the sleeping request was answered before the others"
    posthog_live.control.call("DELETE", "/faults")
    sleeper.join(GENEROUS)
    assert [type(answer) for answer in answers] == [requests.Response]


def test_a_pattern_of_many_double_stars_does_not_hold_requests(posthog_live: LiveServer) -> None:
    # As a regular expression, `.*a.*a…b` over a path of many a's backtracks for ever.
    posthog_live.faults.add(path="/api/" + "**a" * 25 + "**b", status=503)
    thread, answers = in_background(
        lambda: requests.get(posthog_live.url("/api/" + "a" * 400), headers=AUTH, timeout=120)
    )
    thread.join(GENEROUS)

    assert not thread.is_alive(), "the fault's pattern holds the request"
    [answer] = answers
    assert isinstance(answer, requests.Response)
    assert answer.status_code == 404  # the pattern does not match: no route serves the path


def test_latency_has_a_maximum(client: FlaskClient) -> None:
    answer = client.post("/_mock/faults", json={"latency_ms": 60_001})

    assert (answer.status_code, answer.json) == (
        400,
        error(
            "validation_error", "invalid_input", "latency_ms must be at most 60000.", "latency_ms"
        ),
    )
    assert client.post("/_mock/faults", json={"latency_ms": 60_000}).status_code == 201
    assert (
        client.get("/_mock/openapi.json").json["components"]["schemas"]["Fault"]["properties"][
            "latency_ms"
        ]["maximum"]
        == 60_000
    )


def reference(pattern: str, path: str) -> bool:
    """The patterns' meaning written as a regular expression (fine for short patterns)."""
    parts = re.split(r"(\*\*|\*|\{\w+\})", pattern.rstrip("/"))
    regex = "".join(
        ".*"
        if part == "**"
        else "[^/]+"
        if part == "*" or part.startswith("{")
        else re.escape(part)
        for part in parts
    )
    return re.fullmatch(regex + "/?", path) is not None


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(["a", "b", "/", "*", "**", "{id}", "/api"]), max_size=8).map("".join),
    st.lists(st.sampled_from(["a", "b", "/", "ab", "/api"]), max_size=8).map("".join),
)
def test_patterns_match_as_their_definition_says(pattern: str, path: str) -> None:
    assert path_matches(pattern, path) == reference(pattern, path)


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        (
            "/api/projects/{project_id}/plugin_configs/*/logs/",
            "/api/projects/1/plugin_configs/7/logs",
            True,
        ),
        ("/api/projects/{project_id}/plugin_configs/", "/api/projects//plugin_configs/", False),
        ("/api/**/plugins/", "/api/organizations/@current/plugins/", True),
        ("/api/*/plugins/", "/api/organizations/@current/plugins/", False),
        ("/api/**", "/api/", True),
    ],
)
def test_patterns_as_the_readme_writes_them(pattern: str, path: str, matches: bool) -> None:
    assert path_matches(pattern, path) is matches
