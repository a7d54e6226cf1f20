"""Snapshot and restore of the whole world: the fixture format over HTTP, the exact state in
Python, cheap enough for every test's setup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_posthog import MockPostHog
from mock_posthog.world.fixtures import read_file
from tests.conftest import AUTH, PLUGINS, error

NEW_PLUGIN = {"plugin_type": "source", "name": "Snapshotted"}


def plugin_names(client: FlaskClient) -> list[str]:
    return [plugin["name"] for plugin in client.get(PLUGINS, headers=AUTH).json["results"]]


def test_a_snapshot_is_a_fixture_file_that_restores_the_world(
    client: FlaskClient, tmp_path: Path
) -> None:
    client.post(PLUGINS, json=NEW_PLUGIN, headers=AUTH)
    snapshot = client.get("/_mock/snapshot").json
    (tmp_path / "world.json").write_text(json.dumps(snapshot))
    client.delete(PLUGINS + "4/", headers=AUTH)
    client.post("/_mock/reset")

    restored = client.post("/_mock/snapshot", json=snapshot)

    assert read_file(tmp_path / "world.json")["plugins"][3]["name"] == "Snapshotted"
    assert restored.json["status"] == "restored"
    assert restored.json["tables"]["plugins"] == 4
    assert plugin_names(client) == ["GeoIP", "Taxonomy Plugin", "Hello Source", "Snapshotted"]
    assert client.get("/_mock/snapshot").json == snapshot


def test_the_seed_can_be_read_whatever_the_world_holds_now(client: FlaskClient) -> None:
    seed = client.get("/_mock/snapshot").json
    client.post(PLUGINS, json=NEW_PLUGIN, headers=AUTH)

    assert client.get("/_mock/snapshot?of=seed").json == seed
    assert seed["personal_api_keys"] == [
        {
            "value": "phx_mock_personal_api_key",
            "user_id": 1,
            "label": "mock-posthog default key",
            "scopes": None,
            "scoped_organizations": None,
            "scoped_teams": None,
        }
    ]


def test_a_bad_snapshot_is_refused_and_changes_nothing(client: FlaskClient) -> None:
    before = client.get("/_mock/snapshot").json
    broken = {**before, "plugins": [{"id": 1, "name": "No organization"}]}

    answer = client.post("/_mock/snapshot", json=broken)

    assert (answer.status_code, answer.json) == (
        400,
        error(
            "validation_error",
            "invalid_input",
            "$.plugins[0].organization_id: 'organization_id' is a required property",
            "$.plugins[0].organization_id",
        ),
    )
    assert client.get("/_mock/snapshot").json == before


def test_python_snapshots_keep_the_exact_state_including_id_sequences(
    posthog: MockPostHog,
) -> None:
    posthog.post(PLUGINS, json=NEW_PLUGIN)
    posthog.delete(PLUGINS + "4/")
    snapshot = posthog.snapshot()
    posthog.post(PLUGINS, json=NEW_PLUGIN)

    posthog.restore(snapshot)

    assert posthog.store.count("plugins") == 3
    assert posthog.post(PLUGINS, json=NEW_PLUGIN).json["id"] == 5


def test_python_restores_tables_and_fixture_files(posthog: MockPostHog, tmp_path: Path) -> None:
    posthog.post(PLUGINS, json=NEW_PLUGIN)
    exported = posthog.export()
    path = tmp_path / "world.json"
    path.write_text(json.dumps(exported))
    posthog.reset()

    posthog.restore(exported)
    assert posthog.store.count("plugins") == 4
    posthog.reset()
    posthog.restore(str(path))
    assert posthog.export() == exported


@pytest.mark.parametrize("body", ["[]", "not json"])
def test_a_snapshot_that_is_not_an_object_is_refused(client: FlaskClient, body: str) -> None:
    answer = client.post("/_mock/snapshot", data=body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json["attr"] == "$"


def created_plugin_id(client: FlaskClient) -> int:
    answer = client.post(PLUGINS, json=NEW_PLUGIN, headers=AUTH)
    assert answer.status_code == 201
    return int(answer.json["id"])


def test_an_http_snapshot_keeps_the_id_sequences(client: FlaskClient) -> None:
    assert created_plugin_id(client) == 4
    client.delete(PLUGINS + "4/", headers=AUTH)
    snapshot = client.get("/_mock/snapshot").json

    assert snapshot["sequences"]["plugins"] == 5
    client.post("/_mock/reset")
    assert client.post("/_mock/snapshot", json=snapshot).status_code == 200

    # PostHog never hands out id 4 again: it was deleted, not forgotten.
    assert created_plugin_id(client) == 5


def test_a_restored_snapshot_goes_back_to_its_own_sequences(client: FlaskClient) -> None:
    snapshot = client.get("/_mock/snapshot").json
    created_plugin_id(client)
    created_plugin_id(client)

    client.post("/_mock/snapshot", json=snapshot)

    assert created_plugin_id(client) == 4  # the snapshot's state exactly, as a test setup wants


def test_a_snapshot_without_sequences_goes_on_after_every_id_handed_out(
    client: FlaskClient,
) -> None:
    older = {
        table: rows
        for table, rows in client.get("/_mock/snapshot").json.items()
        if table != "sequences"
    }
    for _ in range(3):
        created_plugin_id(client)  # 4, 5, 6
    client.delete(PLUGINS + "6/", headers=AUTH)
    older["plugins"] = [*older["plugins"], {**older["plugins"][0], "id": 9}]

    assert client.post("/_mock/snapshot", json=older).status_code == 200

    # Past the snapshot's highest id (9) and past every id the world had handed out (6).
    assert created_plugin_id(client) == 10
    client.post("/_mock/snapshot", json={**older, "plugins": older["plugins"][:3]})
    assert created_plugin_id(client) == 11


def test_a_snapshot_is_a_fixture_file_with_its_sequences(
    client: FlaskClient, tmp_path: Path
) -> None:
    created_plugin_id(client)
    client.delete(PLUGINS + "4/", headers=AUTH)
    path = tmp_path / "world.json"
    path.write_text(json.dumps(client.get("/_mock/snapshot").json))

    assert "sequences" not in read_file(path)
    assert [plugin["id"] for plugin in read_file(path)["plugins"]] == [1, 2, 3]


@pytest.mark.parametrize("body", ["[]", "not json", '{"plugins": []}'])
def test_an_exact_state_that_is_not_one_is_refused_and_changes_nothing(
    client: FlaskClient, body: str
) -> None:
    before = client.get("/_mock/state").data

    answer = client.put("/_mock/state", data=body, content_type="application/json")

    assert answer.status_code == 400
    assert answer.json["detail"] == (
        "The body must be a state as GET /_mock/state gives it: a JSON object of tables."
    )
    assert client.get("/_mock/state").data == before
