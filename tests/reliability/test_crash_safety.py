"""A server killed with SIGKILL in the middle of writes loses nothing it acknowledged, and its
data file always loads. Bounded: a few kills, each after a short burst of writes."""

from __future__ import annotations

import json
import random
import signal
import threading
import time
from pathlib import Path

import requests

from tests.conftest import AUTH, ORG_ID
from tests.end_to_end.server import serving

KILLS = 4
BURST_SECONDS = (0.2, 0.8)


def write_until_killed(base: str, acknowledged: list[int], stop: threading.Event) -> None:
    session = requests.Session()
    while not stop.is_set():
        try:
            response = session.post(
                f"{base}/api/organizations/{ORG_ID}/plugins/",
                json={"plugin_type": "source", "name": f"crash-{len(acknowledged)}"},
                headers=AUTH,
                timeout=5,
            )
        except requests.RequestException:
            return
        if response.status_code == 201:
            acknowledged.append(response.json()["id"])


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    acknowledged: list[int] = []
    rng = random.Random(7)
    for _ in range(KILLS):
        with serving(["--data", str(data)]) as served:
            stop = threading.Event()
            writers = [
                threading.Thread(target=write_until_killed, args=(served.url, acknowledged, stop))
                for _ in range(3)
            ]
            for writer in writers:
                writer.start()
            time.sleep(rng.uniform(*BURST_SECONDS))
            served.process.send_signal(signal.SIGKILL)
            served.process.wait(timeout=10)
            stop.set()
            for writer in writers:
                writer.join(timeout=10)
        stored = json.loads(data.read_text())["plugins"]
        missing = [plugin_id for plugin_id in acknowledged if str(plugin_id) not in stored]
        assert missing == []
    assert len(acknowledged) > KILLS, "the writers never got a write acknowledged"
    assert len(set(acknowledged)) == len(acknowledged)
    with serving(["--data", str(data)]) as served:
        listed = requests.get(
            f"{served.url}/api/organizations/{ORG_ID}/plugins/",
            params={"limit": 100000},
            headers=AUTH,
            timeout=10,
        ).json()
        ids = {plugin["id"] for plugin in listed["results"]}
        assert set(acknowledged) <= ids
        # A restart clears the temporary files of saves that a kill cut short.
        assert [path.name for path in tmp_path.iterdir()] == ["state.json"]
