"""The live server handle outside its fixture: starting, refusing, stopping."""

from __future__ import annotations

import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import requests

from mock_posthog import LiveServer
from mock_posthog.harness.live import ControlError
from tests.conftest import AUTH, PLUGINS


def test_a_server_that_cannot_start_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{")

    with pytest.raises(RuntimeError) as failure:
        LiveServer.start(["--fixtures", str(broken)])

    assert str(failure.value).startswith(
        f"mock-posthog serve did not start:\nmock-posthog: refusing the fixtures: {broken}: $: "
        "is not valid JSON"
    )


def test_stop_ends_the_server_process() -> None:
    server = LiveServer.start()
    assert server.environ() == {
        "POSTHOG_HOST": server.base_url,
        "POSTHOG_API_HOST": server.base_url,
        "POSTHOG_PERSONAL_API_KEY": "phx_mock_personal_api_key",
        "MOCK_POSTHOG_URL": server.base_url,
    }

    assert server.stop() == 0
    assert server.process.returncode == 0
    server.close()


def test_a_refused_control_call_raises_with_the_servers_answer(posthog_live: LiveServer) -> None:
    with pytest.raises(ControlError) as failure:
        posthog_live.faults.add(status=200)

    assert str(failure.value) == (
        'POST /_mock/faults answered 400: {"type":"validation_error","code":"invalid_input",'
        '"detail":"status must be an HTTP error status, 400 to 599.","attr":"status"}'
    )
    assert posthog_live.faults.all() == []


def test_clock_uuids_and_rate_limit_are_driven_over_http(posthog_live: LiveServer) -> None:
    posthog_live.clock.freeze(datetime(2024, 1, 1, tzinfo=UTC))
    posthog_live.clock.advance(timedelta(hours=1))
    posthog_live.seed_uuids(3)
    posthog_live.rate_limit(True, ["1/minute"])
    headers = {"Authorization": f"Bearer {posthog_live.api_key}"}
    answers = [requests.get(posthog_live.url(PLUGINS), headers=headers, timeout=5) for _ in "ab"]

    assert (posthog_live.clock.now(), posthog_live.clock.frozen) == (
        datetime(2024, 1, 1, 1, tzinfo=UTC),
        True,
    )
    assert posthog_live.control.call("GET", "/uuids") == {"seed": 3}
    assert [answer.status_code for answer in answers] == [200, 429]
    assert answers[1].headers["Retry-After"] == "60"
    assert [entry.time for entry in posthog_live.journal.entries()] == [
        "2024-01-01T01:00:00Z",
        "2024-01-01T01:00:00Z",
    ]


def test_the_handles_headers_go_with_every_request_it_sends_or_intercepts() -> None:
    with LiveServer.start(headers={"X-Mock-PostHog-Namespace": "team-a"}) as server:
        server.get(PLUGINS)
        with server.intercept():
            requests.get(f"https://us.posthog.com{PLUGINS}", headers=AUTH, timeout=5)
            httpx.get(f"https://eu.posthog.com{PLUGINS}", headers=AUTH)
            urllib.request.urlopen(
                urllib.request.Request(f"https://app.posthog.com{PLUGINS}", headers=AUTH)
            )

        sent = [entry.headers.get("X-Mock-Posthog-Namespace") for entry in server.requests()]

    assert sent == ["team-a"] * 4
