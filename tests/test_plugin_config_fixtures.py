"""Fixture files with plugin configs, their attachments, log entries, metrics and jobs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mock_posthog.world.fixtures import FixtureError, load_files, parse
from tests.conftest import AUTH, CONFIGS
from tests.plugin_config_support import SECRET, client_with
from tests.worlds import default_tables


def drop_team_and_plugin(tables: dict[str, Any]) -> None:
    for field in ("team_id", "plugin_id"):
        del tables["plugin_log_entries"][0][field]


def test_attachments_and_metrics_from_a_fixture_show_in_the_config(tmp_path: Path) -> None:
    tables = default_tables()
    tables["plugin_attachments"] = [
        {"id": 7, "team_id": 1, "plugin_config_id": 2, "key": "db", "file_name": "geo.mmdb"},
        {"id": 8, "team_id": 1, "plugin_config_id": 2, "key": "api_secret", "file_name": "k.pem"},
    ]
    tables["app_metrics"].append(
        {
            "team_id": 1,
            "plugin_config_id": 2,
            "successes": 3,
            "successes_on_retry": 1,
            "failures": 4,
        }
    )
    client = client_with(tmp_path, tables)

    body = client.get(f"{CONFIGS}2/", headers=AUTH).get_json()

    assert body["config"] == {
        "greeting": "Hello from the mock",
        "api_secret": {
            "uid": -1,
            "saved": True,
            "size": -1,
            "name": SECRET,
            "type": "application/octet-stream",
        },
        "db": {
            "uid": 7,
            "saved": True,
            "size": 0,
            "name": "geo.mmdb",
            "type": "application/octet-stream",
        },
    }
    assert body["delivery_rate_24h"] == 0.5


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            lambda t: t["plugin_configs"][0].update(enabeld=True),
            "$.plugin_configs[0].enabeld",
            "Additional properties are not allowed ('enabeld' was unexpected)",
        ),
        (
            lambda t: t["plugin_log_entries"][0].update(timestamp="yesterday"),
            "$.plugin_log_entries[0].timestamp",
            "'yesterday' does not match",
        ),
        (
            lambda t: t["plugin_log_entries"][0].pop("message"),
            "$.plugin_log_entries[0].message",
            "'message' is a required property",
        ),
        (
            drop_team_and_plugin,
            "$.plugin_log_entries[0].team_id",
            "'team_id' is a required property",
        ),
        (
            lambda t: t["app_metrics"][0].update(failures=-1),
            "$.app_metrics[0].failures",
            "-1 is less than the minimum of 0",
        ),
    ],
)
def test_a_bad_record_is_refused_with_its_path(change: Any, path: str, message: str) -> None:
    tables = default_tables()
    change(tables)

    with pytest.raises(FixtureError) as refused:
        parse(tables, "world.json")

    assert refused.value.path == path
    assert refused.value.message.startswith(message)


def test_an_attachment_of_an_unknown_config_is_refused(tmp_path: Path) -> None:
    tables = default_tables()
    tables["plugin_attachments"] = [
        {"id": 1, "team_id": 1, "plugin_config_id": 9, "key": "db", "file_name": "x"}
    ]
    path = tmp_path / "world.json"
    path.write_text(json.dumps(tables), "utf-8")

    with pytest.raises(FixtureError) as refused:
        load_files([path])

    assert refused.value.path == "$.plugin_attachments[0].plugin_config_id"
    assert refused.value.message == "9 is not the id of any record in plugin_configs"
