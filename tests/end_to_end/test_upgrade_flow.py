"""What no test against PostHog Cloud can do: a new release appears upstream, the client sees
the update and upgrades, all through a real `mock-posthog serve` on a socket."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

PLUGINS = "/api/organizations/@current/plugins/"
AUTH = {"Authorization": "Bearer phx_mock_personal_api_key"}
TAXONOMY = "https://github.com/PostHog/taxonomy-plugin"
OLD_TAG = "7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
NEW_TAG = "c4f2a9e81b7d6053e2a1f9c8b7d6e5f4a3b2c1d0"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """`mock-posthog serve --port 0`: its first stdout line is the address; SIGTERM stops it."""
    command = [str(Path(sys.executable).with_name("mock-posthog")), "serve", "--port", "0"]
    environment = {**os.environ, "MOCK_POSTHOG_VALIDATE_RESPONSES": "1"}
    log = tmp_path / "server.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, env=environment
        )
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, f"no address on stdout within 20 s; log:\n{log.read_text()}"
        yield process.stdout.readline().strip()
    finally:
        process.send_signal(signal.SIGTERM)
        exit_code = process.wait(timeout=10)
    assert exit_code == 0, log.read_text()


def test_publish_a_release_check_for_updates_and_upgrade(server: str) -> None:
    def api(method: str, path: str, **kwargs: object) -> requests.Response:
        return requests.request(method, server + path, headers=AUTH, timeout=10, **kwargs)

    out_of_the_box = api("GET", PLUGINS + "2/check_for_updates/").json()["plugin"]
    manifest = {"name": "Taxonomy Plugin", "description": "Release three.", "main": "index.js"}
    published = requests.post(
        server + "/_mock/upstream/releases",
        json={
            "url": TAXONOMY,
            "tag": "v3.0.0",
            "files": {"plugin.json": json.dumps(manifest), "index.js": "// three\n"},
        },
        timeout=10,
    )
    checked = api("GET", PLUGINS + "2/check_for_updates/")
    upgraded = api("POST", PLUGINS + "2/upgrade/")
    source = api("GET", PLUGINS + "2/source/")
    activity = api("GET", PLUGINS + "activity/")

    assert (out_of_the_box["tag"], out_of_the_box["latest_tag"]) == (OLD_TAG, NEW_TAG)
    assert published.status_code == 201
    assert published.json()["latest_tag"] == "v3.0.0"
    assert checked.status_code == 200
    assert (checked.json()["plugin"]["tag"], checked.json()["plugin"]["latest_tag"]) == (
        OLD_TAG,
        "v3.0.0",
    )
    assert upgraded.status_code == 200
    assert upgraded.json()["tag"] == "v3.0.0"
    assert upgraded.json()["latest_tag"] == "v3.0.0"
    assert upgraded.json()["description"] == "Release three."
    assert source.json() == {"plugin.json": json.dumps(manifest), "index.ts": "// three\n"}
    assert activity.json() == {"results": [], "next": None, "previous": None, "total_count": 0}
