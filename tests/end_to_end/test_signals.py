"""`serve` stops cleanly on SIGINT and SIGTERM however it was started: a process started in
the background of a non-interactive shell inherits SIGINT as ignored, and still stops on it,
with its data file whole and holding every acknowledged write."""

from __future__ import annotations

import json
import re
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import AUTH, ORG_ID

PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"


def ignore_sigint() -> None:
    """As a shell's background job starts: SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_server_started_with_sigint_ignored_stops_on_it(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    data = tmp_path / "state.json"
    with LiveServer.start(["--data", str(data)], preexec_fn=ignore_sigint) as served:
        created = requests.post(
            served.base_url + PLUGINS,
            json={"plugin_type": "source", "name": "before the stop"},
            headers=AUTH,
            timeout=5,
        )
        assert created.status_code == 201

        assert served.stop(stop_signal) == 0

    saved = json.loads(data.read_text())
    assert saved["plugins"][str(created.json()["id"])]["name"] == "before the stop"


def test_every_stop_after_served_requests_exits_0() -> None:
    """granian's threads outlive the serving. Before the process ended without Python's
    finalization, about a third of the stops of servers stopping side by side aborted
    (SIGABRT, exit status -6): three at a time, as a CI machine stops its jobs' servers."""

    def start_serve_and_stop() -> int | None:
        with LiveServer.start() as served:
            page = requests.get(served.base_url + "/_mock/ui/", timeout=5).text
            # The inspector's files are answered as an iterable, which granian's threads
            # hold; a connection of its own each time, closed as it answers.
            for path in [PLUGINS, *re.findall(r'"(/_mock/ui/static/[^"]+)"', page)]:
                requests.get(served.base_url + path, headers=AUTH, timeout=5)
            return served.stop(signal.SIGTERM)

    with ThreadPoolExecutor(max_workers=3) as pool:
        statuses = list(pool.map(lambda _: start_serve_and_stop(), range(18)))

    assert statuses == [0] * 18
