"""Eight client threads against one live server, each writing its own plugins and their configs
(create, update, delete, the create that updates, the soft delete, rearrange) between reads:
no lost update, no duplicate or reused id, no 500, the lists hold exactly what the clients were
acknowledged, and the data file afterwards holds exactly the server's last state. Bounded in
count and time."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from mock_posthog.harness.live import LiveServer
from mock_posthog.world import snapshots
from mock_posthog.world.data_file import read_data_file
from mock_posthog.world.store import Store
from tests.conftest import AUTH, ORG_ID

THREADS = 8
OPERATIONS_PER_THREAD = 250
DEADLINE_SECONDS = 60
PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"
CONFIGS = "/api/projects/1/plugin_configs/"
SEEDED_PLUGINS, SEEDED_CONFIGS = 3, 2


@dataclass
class Expected:
    """One plugin as its client was acknowledged: its name and its config, if any."""

    name: str
    config_id: int | None = None
    enabled: bool = False
    order: int = 0


@dataclass
class Outcome:
    """What every client was acknowledged, and every status it got."""

    created_plugins: list[int] = field(default_factory=list)
    created_configs: list[int] = field(default_factory=list)
    deleted_plugins: list[int] = field(default_factory=list)
    alive: dict[int, Expected] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)  # answers that contradict what was acknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    def __init__(self, base: str, seed: int, outcome: Outcome) -> None:
        self.base, self.seed, self.outcome = base, seed, outcome
        self.rng = random.Random(seed)
        self.session = requests.Session()
        self.session.headers.update(AUTH)
        self.mine: dict[int, Expected] = {}

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        response = self.session.request(method, self.base + path, timeout=10, **kwargs)
        with self.outcome.lock:
            self.outcome.statuses[response.status_code] += 1
        return response

    def run(self, deadline: float) -> None:
        steps = [
            (0.18, self.create_plugin),
            (0.30, self.rename_plugin),
            (0.36, self.delete_plugin),
            (0.50, self.create_config),
            (0.62, self.update_config),
            (0.67, self.disable_config),
            (0.75, self.rearrange),
            (1.00, self.read),
        ]
        for step in range(OPERATIONS_PER_THREAD):
            if time.monotonic() > deadline:
                break
            choice = self.rng.random()
            action = next(action for limit, action in steps if choice < limit)
            if not self.mine:
                action = self.create_plugin
            action(step)
        with self.outcome.lock:
            self.outcome.alive.update(self.mine)

    def create_plugin(self, step: int) -> None:
        name = f"t{self.seed}-{step}"
        response = self.call("POST", PLUGINS, json={"plugin_type": "source", "name": name})
        if response.status_code == 201:
            self.mine[response.json()["id"]] = Expected(name)
            with self.outcome.lock:
                self.outcome.created_plugins.append(response.json()["id"])

    def pick(self) -> int:
        return self.rng.choice(sorted(self.mine))

    def rename_plugin(self, step: int) -> None:
        target, name = self.pick(), f"t{self.seed}-{step}"
        response = self.call("PATCH", f"{PLUGINS}{target}/", json={"name": name})
        if response.status_code == 200:
            self.mine[target].name = name

    def delete_plugin(self, step: int) -> None:
        target = self.pick()
        if self.call("DELETE", f"{PLUGINS}{target}/").status_code == 204:
            del self.mine[target]  # its config goes with it
            with self.outcome.lock:
                self.outcome.deleted_plugins.append(target)

    def create_config(self, step: int) -> None:
        """A second create for the same plugin updates the first (PostHog's E1 shortcut)."""
        target = self.pick()
        enabled, order = self.rng.random() < 0.7, step
        body = {"plugin": target, "order": order, "enabled": enabled}
        response = self.call("POST", CONFIGS, json=body)
        if response.status_code != 201:
            return
        expected, config_id = self.mine[target], response.json()["id"]
        if expected.config_id is None:
            with self.outcome.lock:
                self.outcome.created_configs.append(config_id)
        elif expected.config_id != config_id:
            self.outcome.wrong.append(f"config of {target}: {config_id}, not {expected.config_id}")
        expected.config_id, expected.enabled, expected.order = config_id, enabled, order

    def with_config(self) -> Expected | None:
        configured = [plugin for plugin in self.mine.values() if plugin.config_id]
        return self.rng.choice(configured) if configured else None

    def update_config(self, step: int) -> None:
        expected = self.with_config()
        if expected is None:
            return
        enabled, order = self.rng.random() < 0.7, step
        response = self.call(
            "PATCH", f"{CONFIGS}{expected.config_id}/", json={"enabled": enabled, "order": order}
        )
        if response.status_code == 200:
            expected.enabled, expected.order = enabled, order

    def disable_config(self, step: int) -> None:
        expected = self.with_config()
        if expected and self.call("DELETE", f"{CONFIGS}{expected.config_id}/").status_code == 204:
            expected.enabled = False

    def rearrange(self, step: int) -> None:
        """Keys are plugin ids; only enabled configs move; the answer lists every enabled one."""
        moved = {
            plugin_id: step + index
            for index, (plugin_id, plugin) in enumerate(self.mine.items())
            if plugin.config_id and plugin.enabled and self.rng.random() < 0.5
        }
        response = self.call(
            "PATCH", f"{CONFIGS}rearrange/", json={"orders": {str(k): v for k, v in moved.items()}}
        )
        if response.status_code != 200:
            return
        answered = {config["plugin"]: config["order"] for config in response.json()}
        for plugin_id, order in moved.items():
            self.mine[plugin_id].order = order
            if answered.get(plugin_id) != order:
                self.outcome.wrong.append(f"rearranged {plugin_id} to {order}, answered otherwise")

    def read(self, step: int) -> None:
        if self.rng.random() < 0.5:
            self.call("GET", PLUGINS, params={"limit": 5, "offset": self.rng.randrange(50)})
            return
        expected = self.with_config()
        if expected is None:
            self.call("GET", CONFIGS, params={"limit": 5})
            return
        response = self.call("GET", f"{CONFIGS}{expected.config_id}/")
        got = response.json()
        if (got["enabled"], got["order"]) != (expected.enabled, expected.order):
            self.outcome.wrong.append(f"config {expected.config_id} read back {got}")


def everything(base: str, path: str) -> list[dict[str, Any]]:
    response = requests.get(base + path, params={"limit": 100000}, headers=AUTH, timeout=10)
    return response.json()["results"]


def test_eight_threads_of_mixed_writes_lose_nothing(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    outcome = Outcome()
    with LiveServer.start(data_file=data) as served:
        deadline = time.monotonic() + DEADLINE_SECONDS
        clients = [Client(served.base_url, seed, outcome) for seed in range(THREADS)]
        threads = [threading.Thread(target=client.run, args=(deadline,)) for client in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        plugins = everything(served.base_url, PLUGINS)
        configs = everything(served.base_url, CONFIGS)
        state = requests.get(f"{served.base_url}/_mock/snapshot", timeout=10).json()
        served.stop()

    assert outcome.wrong == []
    assert set(outcome.statuses) <= {200, 201, 204}, outcome.statuses
    assert sum(outcome.statuses.values()) > THREADS * 50
    # No id handed out twice, none of the seed's, none after its record was deleted.
    created = outcome.created_plugins
    assert len(set(created)) == len(created) and min(created) > SEEDED_PLUGINS
    assert len(set(outcome.created_configs)) == len(outcome.created_configs)
    assert min(outcome.created_configs) > SEEDED_CONFIGS
    # The lists hold exactly what was acknowledged.
    alive = outcome.alive
    assert set(alive) == set(created) - set(outcome.deleted_plugins)
    assert len(plugins) == SEEDED_PLUGINS + len(alive)
    assert {p["id"]: p["name"] for p in plugins if p["id"] > SEEDED_PLUGINS} == {
        plugin_id: plugin.name for plugin_id, plugin in alive.items()
    }
    configured = {pid: plugin for pid, plugin in alive.items() if plugin.config_id}
    assert len(configs) == SEEDED_CONFIGS + len(configured)
    assert {c["id"]: (c["plugin"], c["enabled"], c["order"]) for c in configs[SEEDED_CONFIGS:]} == {
        plugin.config_id: (pid, plugin.enabled, plugin.order) for pid, plugin in configured.items()
    }
    # The data file loads, and holds the server's last state exactly.
    assert read_data_file(data) is not None
    assert snapshots.export_with_sequences(Store(data)) == state
