"""A config write whose save fails (disk full, a read-only file) answers PostHog's generic 500,
names the cause in the log and the journal, and leaves memory and the data file as they were."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from mock_posthog.world import data_file
from tests.conftest import AUTH, CONFIGS, error, make_app

SERVER_ERROR = error("server_error", "error", "A server error occurred.")
FAILURES = {
    "disk full": OSError(28, "No space left on device"),
    "read-only file": OSError(30, "Read-only file system"),
}
WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", CONFIGS, {"json": {"plugin": 1, "order": 3, "enabled": True}}),
    ("POST", CONFIGS, {"data": {"plugin": "3", "order": "4", "config": '{"greeting": "hi"}'}}),
    ("PATCH", f"{CONFIGS}2/", {"data": {"config": json.dumps({"api_secret": "new"})}}),
    ("PUT", f"{CONFIGS}1/", {"json": {"plugin": 2, "order": 5, "enabled": False}}),
    ("DELETE", f"{CONFIGS}1/", {}),
    ("PATCH", f"{CONFIGS}rearrange/", {"json": {"orders": {"2": 7, "3": 8}}}),
]


@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
@pytest.mark.parametrize(
    ("method", "url", "body"), WRITES, ids=[f"{m} {u}-{sorted(b)}" for m, u, b in WRITES]
)
def test_a_config_write_that_cannot_be_saved_is_a_500_and_is_undone(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failure: str,
    method: str,
    url: str,
    body: dict[str, Any],
) -> None:
    data = tmp_path / "data.json"
    app = make_app(data=data)
    world = app.extensions["mock_posthog"].world
    before, on_disk = world.store.snapshot(), data.read_bytes()

    def failing_rename(source: Any, target: Any) -> None:
        raise FAILURES[failure]

    monkeypatch.setattr(data_file.os, "replace", failing_rename)
    with caplog.at_level(logging.ERROR, logger="mock_posthog"):
        response = app.test_client().open(url, method=method, headers=AUTH, **body)

    cause = f"could not save {data}: [Errno {FAILURES[failure].errno}] {FAILURES[failure].strerror}"
    assert (response.status_code, response.json) == (500, SERVER_ERROR)
    assert f"answering 500: {cause}" in caplog.messages
    assert app.extensions["mock_posthog"].journal.entries()[-1].notes == [f"500 because {cause}"]
    assert (world.store.snapshot(), data.read_bytes()) == (before, on_disk)
    assert [path.name for path in tmp_path.iterdir()] == ["data.json"]


def test_the_same_write_goes_through_once_the_disk_has_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.json"
    client = make_app(data=data).test_client()

    def disk_full(*_: Any) -> None:
        raise FAILURES["disk full"]

    with monkeypatch.context() as patched:
        patched.setattr(data_file.os, "replace", disk_full)
        refused = client.patch(f"{CONFIGS}1/", json={"order": 9}, headers=AUTH)

    accepted = client.patch(f"{CONFIGS}1/", json={"order": 9}, headers=AUTH)

    assert (refused.status_code, accepted.status_code) == (500, 200)
    assert json.loads(data.read_text())["plugin_configs"]["1"]["order"] == 9
