"""Eight client threads against one live server: no lost update, no reused id, no 500, and the
data file afterwards holds exactly the server's last state. Bounded in count and time."""

from __future__ import annotations

import json
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.conftest import AUTH, ORG_ID
from tests.end_to_end.server import serving

THREADS = 8
OPERATIONS_PER_THREAD = 250
DEADLINE_SECONDS = 60


@dataclass
class Outcome:
    created: list[int] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    last_name: dict[int, str] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)


def client(base: str, seed: int, outcome: Outcome, deadline: float) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    session.headers.update(AUTH)
    plugins = f"{base}/api/organizations/{ORG_ID}/plugins/"
    mine: list[int] = []
    for step in range(OPERATIONS_PER_THREAD):
        if time.monotonic() > deadline:
            return
        choice = rng.random()
        if choice < 0.35 or not mine:
            response = session.post(
                plugins, json={"plugin_type": "source", "name": f"t{seed}"}, timeout=10
            )
            if response.status_code == 201:
                mine.append(response.json()["id"])
                outcome.created.append(response.json()["id"])
                outcome.last_name[response.json()["id"]] = f"t{seed}"
        elif choice < 0.65:
            target = rng.choice(mine)
            name = f"t{seed}-{step}"
            response = session.patch(f"{plugins}{target}/", json={"name": name}, timeout=10)
            if response.status_code == 200:
                outcome.last_name[target] = name
        elif choice < 0.75:
            target = mine.pop(rng.randrange(len(mine)))
            response = session.delete(f"{plugins}{target}/", timeout=10)
            if response.status_code == 204:
                outcome.deleted.append(target)
        else:
            response = session.get(plugins, params={"limit": 5}, timeout=10)
        outcome.statuses[response.status_code] += 1


def test_eight_threads_of_mixed_writes_lose_nothing(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    outcome = Outcome()
    with serving(["--data", str(data)]) as served:
        deadline = time.monotonic() + DEADLINE_SECONDS
        threads = [
            threading.Thread(target=client, args=(served.url, seed, outcome, deadline))
            for seed in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        listed = requests.get(
            f"{served.url}/api/organizations/{ORG_ID}/plugins/",
            params={"limit": 100000},
            headers=AUTH,
            timeout=10,
        ).json()
        served.stop()

    assert outcome.statuses[500] == 0
    assert set(outcome.statuses) <= {200, 201, 204}
    assert sum(outcome.statuses.values()) > THREADS * 20
    assert len(set(outcome.created)) == len(outcome.created)
    surviving = set(outcome.created) - set(outcome.deleted)
    served_names = {p["id"]: p["name"] for p in listed["results"] if p["id"] > 3}
    assert set(served_names) == surviving
    assert listed["count"] == 3 + len(surviving)
    assert served_names == {plugin_id: outcome.last_name[plugin_id] for plugin_id in surviving}
    saved = json.loads(data.read_text())["plugins"]
    assert {int(key): plugin["name"] for key, plugin in saved.items() if int(key) > 3} == (
        served_names
    )
