"""A server killed with SIGKILL in the middle of writes loses nothing it acknowledged, and its
data file always loads. The writers install plugins, configure them and change their configs,
so a kill lands in every kind of write. Bounded: a few kills, each after a short burst."""

from __future__ import annotations

import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from mock_posthog.harness.live import LiveServer
from mock_posthog.world.data_file import read_data_file
from tests.conftest import AUTH, ORG_ID

KILLS = 4
WRITERS = 3
BURST_SECONDS = (0.2, 0.8)
PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"
CONFIGS = "/api/projects/1/plugin_configs/"


@dataclass
class Acknowledged:
    plugins: list[int] = field(default_factory=list)
    # config id -> the order last acknowledged, and the one sent since without an answer
    orders: dict[int, int] = field(default_factory=dict)
    in_flight: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def write_until_killed(base: str, seen: Acknowledged, stop: threading.Event, seed: int) -> None:
    session = requests.Session()
    session.headers.update(AUTH)
    rng = random.Random(seed)
    step = 0
    try:
        while not stop.is_set():
            step += 1
            created = session.post(
                base + PLUGINS, json={"plugin_type": "source", "name": f"w{seed}"}, timeout=5
            )
            if created.status_code != 201:
                continue
            plugin_id = created.json()["id"]
            with seen.lock:
                seen.plugins.append(plugin_id)
            config = session.post(
                base + CONFIGS, json={"plugin": plugin_id, "order": 0, "enabled": True}, timeout=5
            )
            if config.status_code != 201:
                continue
            config_id = config.json()["id"]
            with seen.lock:
                seen.orders[config_id] = 0
            for _ in range(rng.randint(1, 3)):
                order = rng.randint(1, 10**6)
                with seen.lock:
                    seen.in_flight[config_id] = order
                changed = session.patch(
                    f"{base}{CONFIGS}{config_id}/", json={"order": order}, timeout=5
                )
                if changed.status_code == 200:
                    with seen.lock:
                        seen.orders[config_id] = order
                        del seen.in_flight[config_id]
    except requests.RequestException:
        return  # the server is gone: what was sent last was never acknowledged


def check_file(data: Path, seen: Acknowledged) -> None:
    tables = read_data_file(data)  # loads, or raises
    assert tables is not None
    stored_plugins, stored_configs = tables["plugins"], tables["plugin_configs"]
    assert [pid for pid in seen.plugins if str(pid) not in stored_plugins] == []
    missing = [config_id for config_id in seen.orders if str(config_id) not in stored_configs]
    assert missing == []
    for config_id, order in seen.orders.items():
        possible = {order, seen.in_flight.get(config_id, order)}
        assert stored_configs[str(config_id)]["order"] in possible, config_id


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    seen = Acknowledged()
    rng = random.Random(7)
    for kill in range(KILLS):
        with LiveServer.start(data_file=data) as served:
            stop = threading.Event()
            writers = [
                threading.Thread(
                    target=write_until_killed, args=(served.base_url, seen, stop, kill * 10 + n)
                )
                for n in range(WRITERS)
            ]
            for writer in writers:
                writer.start()
            time.sleep(rng.uniform(*BURST_SECONDS))
            served.process.send_signal(signal.SIGKILL)
            served.process.wait(timeout=10)
            stop.set()
            for writer in writers:
                writer.join(timeout=10)
        check_file(data, seen)
    assert len(seen.plugins) > KILLS, "the writers never got a write acknowledged"
    assert len(seen.orders) > KILLS, "no config write was acknowledged"
    assert len(set(seen.plugins)) == len(seen.plugins)
    with LiveServer.start(data_file=data) as served:
        listed = requests.get(
            served.base_url + PLUGINS, params={"limit": 100000}, headers=AUTH, timeout=10
        ).json()
        configs = requests.get(
            served.base_url + CONFIGS, params={"limit": 100000}, headers=AUTH, timeout=10
        ).json()
        assert set(seen.plugins) <= {plugin["id"] for plugin in listed["results"]}
        assert set(seen.orders) <= {config["id"] for config in configs["results"]}
        # A restart clears the temporary files of saves that a kill cut short; the lock file
        # of one server per data file stays.
        assert sorted(path.name for path in tmp_path.iterdir()) == [
            ".state.json.lock",
            "state.json",
        ]
