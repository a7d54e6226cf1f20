"""The in-process handle and the live handle are one interface: the same scenario, run on
each, calls every shared method with the same arguments and sees the same results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from mock_posthog import LiveServer, MockPostHog
from mock_posthog.harness.operations import Handle
from tests.conftest import API_KEY, CONFIGS, PLUGINS, error

TAXONOMY = "https://github.com/PostHog/taxonomy-plugin"
NEW_PLUGIN = {"plugin_type": "source", "name": "Both handles"}
REPOSITORY = [{"name": "Only", "url": "https://github.com/acme/only"}]


def http_methods(handle: Handle) -> dict[str, Any]:
    created = handle.post(PLUGINS, json=NEW_PLUGIN)
    put = handle.put(f"{PLUGINS}4/", json={"name": "Put"})
    patched = handle.patch(f"{PLUGINS}4/", data={"name": "Patched"})
    page = handle.get(PLUGINS, query={"limit": 1})
    deleted = handle.delete(f"{PLUGINS}4/")
    anonymous = handle.get(PLUGINS, api_key=None)
    return {
        "url": handle.url("/api/x/") == handle.base_url + "/api/x/",
        "created": (created.status_code, created.json["id"], created.headers["Content-Type"]),
        "put": (put.status_code, put.json["name"]),
        "patched": (patched.status_code, patched.json["name"]),
        "page": (page.json["count"], page.json["next"].endswith(f"{PLUGINS}?limit=1&offset=1")),
        "deleted": (deleted.status_code, deleted.data),
        "anonymous": (anonymous.status_code, anonymous.json),
    }


def upstream_and_plugin_server(handle: Handle) -> dict[str, Any]:
    handle.publish_release(TAXONOMY, "f" * 40, {"plugin.json": '{"name": "Taxonomy Plugin"}'})
    latest = handle.get(f"{PLUGINS}2/check_for_updates/").json["plugin"]["latest_tag"]
    handle.set_unreachable(TAXONOMY)
    unreachable = handle.post(f"{PLUGINS}2/upgrade/").status_code
    handle.set_unreachable(TAXONOMY, False)
    handle.set_repository(REPOSITORY)
    repository = handle.get(f"{PLUGINS}repository/").json
    handle.seed_uuids(7)
    appended = handle.append_log_entries([{"plugin_config_id": 1, "message": "from a handle"}])
    listed = handle.get(f"{CONFIGS}1/logs/", query={"search": "from a handle"}).json["results"]
    tables = handle.export()
    for plugin in tables["plugins"]:
        if plugin["id"] == 2:
            plugin["public_jobs"] = {"Resync": {"payload": {"full": {"type": "boolean"}}}}
    handle.restore(tables)
    handle.post(f"{CONFIGS}1/job/", json={"job": {"type": "Resync", "payload": {"full": True}}})
    (job,) = handle.recorded_jobs()
    handle.set_delivery_metrics(1, successes=3, failures=1)
    return {
        "latest_tag": latest,
        "unreachable upgrade": unreachable,
        "repository": repository,
        "appended": [(entry["message"], entry["plugin_config_id"]) for entry in appended],
        "listed": [entry["id"] for entry in listed] == [entry["id"] for entry in appended],
        "job": (job["type"], job["payload"], job["plugin_config_id"], job["team_id"]),
        "delivery rate": handle.get(f"{CONFIGS}1/").json["delivery_rate_24h"],
    }


def clock_faults_and_rate_limit(handle: Handle) -> dict[str, Any]:
    handle.clock.freeze(datetime(2024, 1, 1, tzinfo=UTC))
    handle.clock.advance(timedelta(hours=1))
    frozen_at = (handle.clock.now(), handle.clock.frozen)
    fault = handle.faults.add(route="plugins_list", status=503)
    faulted = handle.get(PLUGINS).status_code
    listed = handle.faults.all()
    removed = (handle.faults.remove(fault.id), handle.faults.remove(99))
    handle.faults.add(route="plugins_list", drop=True)
    with pytest.raises(ConnectionAbortedError):
        handle.get(PLUGINS)
    handle.faults.clear()
    handle.rate_limit(True, ["1/minute"])
    limited = [handle.get(PLUGINS) for _ in "ab"]
    handle.rate_limit(False)
    handle.clock.unfreeze()
    return {
        "clock": frozen_at,
        "fault": (fault.id, fault.route, fault.status),
        "faulted": faulted,
        "faults listed": [listed_fault.id for listed_fault in listed] == [fault.id],
        "removed": removed,
        "faults left": handle.faults.all(),
        "limited": [(answer.status_code, answer.headers.get("Retry-After")) for answer in limited],
        "unfrozen": handle.clock.frozen,
    }


def journal_and_world(handle: Handle) -> dict[str, Any]:
    handle.journal.clear()
    handle.get(PLUGINS)
    handle.post(PLUGINS, json=NEW_PLUGIN)
    called = handle.assert_called("POST", PLUGINS, status=201, body={"name": "Both handles"})
    handle.assert_not_called("DELETE")
    with pytest.raises(AssertionError):
        handle.assert_called("DELETE", PLUGINS)
    found = [(entry.method, entry.status) for entry in handle.requests(path=PLUGINS)]
    counts = (handle.call_count(), handle.call_count("GET"))
    snapshot = handle.snapshot()
    handle.post(PLUGINS, json=NEW_PLUGIN)
    handle.restore(snapshot)
    next_id = handle.post(PLUGINS, json=NEW_PLUGIN).json["id"]
    with handle.intercept():
        intercepted = requests.get(
            f"https://us.posthog.com{PLUGINS}", headers={"Authorization": f"Bearer {API_KEY}"}
        ).json()["count"]
    handle.reset()
    return {
        "called": (called.method, called.route, called.status),
        "found": found,
        "counts": counts,
        "entries": len(handle.journal.entries()),
        "next id after restore": next_id,
        "intercepted": intercepted,
        "after reset": (handle.get(PLUGINS).json["count"], handle.faults.all()),
    }


def scenario(handle: Handle) -> dict[str, Any]:
    return {
        **http_methods(handle),
        **upstream_and_plugin_server(handle),
        **clock_faults_and_rate_limit(handle),
        **journal_and_world(handle),
    }


EXPECTED = {
    "url": True,
    "created": (201, 4, "application/json"),
    "put": (200, "Put"),
    "patched": (200, "Patched"),
    "page": (4, True),
    "deleted": (204, b""),
    "anonymous": (
        401,
        error(
            "authentication_error",
            "not_authenticated",
            "Authentication credentials were not provided.",
        ),
    ),
    "latest_tag": "f" * 40,
    "unreachable upgrade": 500,
    "repository": REPOSITORY,
    "appended": [("from a handle", 1)],
    "listed": True,
    "job": ("Resync", {"full": True}, 1, 1),
    "delivery rate": 0.75,
    "clock": (datetime(2024, 1, 1, 1, tzinfo=UTC), True),
    "fault": (1, "plugins_list", 503),
    "faulted": 503,
    "faults listed": True,
    "removed": (True, False),
    "faults left": [],
    "limited": [(200, None), (429, "60")],
    "unfrozen": False,
    "called": ("POST", "plugins_create", 201),
    "found": [("GET", 200), ("POST", 201)],
    "counts": (2, 1),
    "entries": 0,
    "next id after restore": 6,  # the snapshot held plugin 5, so its sequence was at 6
    "intercepted": 5,
    "after reset": (3, []),
}


@pytest.fixture(params=["in-process", "live"])
def handle(request: pytest.FixtureRequest) -> Handle:
    name = "posthog" if request.param == "in-process" else "posthog_live"
    chosen: Handle = request.getfixturevalue(name)
    return chosen


def test_each_handle_gives_the_expected_results(handle: Handle) -> None:
    assert scenario(handle) == EXPECTED


def test_both_handles_give_the_same_results(posthog: MockPostHog, posthog_live: LiveServer) -> None:
    assert scenario(posthog) == scenario(posthog_live)
