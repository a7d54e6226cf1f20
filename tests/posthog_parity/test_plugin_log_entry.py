"""PostHog's posthog/test/test_plugin_log_entry.py, as HTTP requests against the mock: the
entries PostHog's test writes with its factory are seeded through the control plane, and
`fetch_plugin_log_entries` becomes GET .../plugin_configs/{id}/logs/ with the same filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from tests.posthog_parity.parity_world import AUTH, ORG, TEAM

INSTANCE_ID = "0179d4a8-7f3b-0000-9b3a-6a5d7c7e2f11"  # str(UUIDT()) in PostHog's test
START = datetime(2021, 8, 25, 22, 9, 14, tzinfo=UTC)


def config_with_plugin(client: FlaskClient) -> int:
    """Plugin.objects.create(organization=...) and a config of it, order 1."""
    store = client.application.extensions["mock_posthog"].world.store
    plugin = store.insert("plugins", {"organization_id": ORG, "plugin_type": "custom", "name": ""})
    config = store.insert(
        "plugin_configs",
        {"plugin": plugin["id"], "team_id": TEAM, "order": 1, "enabled": False, "config": {}},
    )
    return int(config["id"])


def write_entries(client: FlaskClient, config_id: int, *entries: tuple[str, str]) -> None:
    """The factory's entries, one second apart in the order written (type, message)."""
    seeded: list[dict[str, Any]] = [
        {
            "plugin_config_id": config_id,
            "source": "CONSOLE",
            "type": kind,
            "message": message,
            "instance_id": INSTANCE_ID,
            "timestamp": (START + timedelta(seconds=number)).isoformat().replace("+00:00", "Z"),
        }
        for number, (kind, message) in enumerate(entries)
    ]
    assert client.post("/_mock/plugin_log_entries", json=seeded).status_code == 201


def fetch(client: FlaskClient, config_id: int, query: str = "") -> list[dict[str, Any]]:
    url = f"/api/projects/{TEAM}/plugin_configs/{config_id}/logs/{query}"
    response = client.get(url, headers=AUTH)
    assert response.status_code == 200
    return response.get_json()["results"]


def test_simple_log_is_fetched(client: FlaskClient) -> None:
    config_id = config_with_plugin(client)
    write_entries(client, config_id, ("INFO", "Something happened!"))

    after, before = "0001-01-01T00:00:00Z", "2021-08-25T22:09:19Z"  # datetime.min, now + 5 s
    results = fetch(client, config_id, f"?after={after}&before={before}")

    assert len(results) == 1
    assert results[0]["message"] == "Something happened!"


def test_log_search_works(client: FlaskClient) -> None:
    config_id = config_with_plugin(client)
    write_entries(client, config_id, ("INFO", "Something happened!"), ("ERROR", "Random error"))

    results = fetch(client, config_id, "?search=somethinG")

    assert len(results) == 1
    assert results[0]["message"] == "Something happened!"


def test_log_type_filter_works(client: FlaskClient) -> None:
    config_id = config_with_plugin(client)
    write_entries(
        client,
        config_id,
        ("INFO", "Something happened!"),
        ("ERROR", "Random error"),
        ("DEBUG", "debug message"),
    )

    results = fetch(client, config_id, "?type_filter=ERROR&type_filter=DEBUG")

    assert len(results) == 2
    assert results[0]["message"] == "debug message"
    assert results[1]["message"] == "Random error"


def test_log_limit_works(client: FlaskClient) -> None:
    config_id = config_with_plugin(client)
    write_entries(client, config_id, ("INFO", "Something happened!"), ("ERROR", "Random error"))

    results = fetch(client, config_id, "?limit=1")

    assert len(results) == 1
    assert results[0]["message"] == "Random error"
