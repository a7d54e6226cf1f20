"""What PostHog allows across organizations, kept as it is: a config created in one's own
project may name another organization's private plugin (the docs-era PluginConfigSerializer
checks only that the plugin exists), and through that config the plugin's metadata and its
frontend are readable. The other organization's own configs, secrets and logs stay out of
reach, and the plugin itself stays hidden from the organization's plugin routes."""

from __future__ import annotations

import json
from pathlib import Path

from flask.testing import FlaskClient

from mock_posthog.posthog.activity import SECRET_PLACEHOLDER
from tests.conftest import make_app
from tests.security.isolation_world import (
    B_SECRET,
    CONFIG_B,
    MEMBER_OF_A,
    ORG_A,
    ORG_B,
    PLUGIN_B,
    PROJECT_A,
    world,
)

A = {"Authorization": f"Bearer {MEMBER_OF_A}"}
CONFIGS_A = f"/api/projects/{PROJECT_A}/plugin_configs/"
B_FRONTEND = "export const scene = { title: 'Plugin B' }"


def client_of(folder: Path) -> FlaskClient:
    tables = world()
    tables["plugins"][1]["source_files"]["frontend.tsx"]["transpiled"] = B_FRONTEND
    path = folder / "two-organizations.json"
    path.write_text(json.dumps(tables), "utf-8")
    return make_app(fixtures=(path,)).test_client()


def test_a_config_in_ones_own_project_may_name_another_organizations_private_plugin(
    tmp_path: Path,
) -> None:
    client = client_of(tmp_path)

    created = client.post(
        CONFIGS_A,
        data={"plugin": str(PLUGIN_B), "order": "2", "enabled": "true"},
        headers=A,
    )

    assert created.status_code == 201
    assert (created.json["plugin"], created.json["team_id"]) == (PLUGIN_B, PROJECT_A)
    config = f"{CONFIGS_A}{created.json['id']}/"
    # What it exposes: the plugin's metadata through the config...
    info = client.get(config, headers=A).json["plugin_info"]
    assert {name: info[name] for name in ("id", "name", "organization_id", "is_global")} == {
        "id": PLUGIN_B,
        "name": "Plugin B",
        "organization_id": ORG_B,
        "is_global": False,
    }
    assert info["organization_name"] == "Organization B"
    assert info["config_schema"] == [
        {"key": "token", "name": "Token", "type": "string", "secret": True}
    ]
    # ... and its frontend.
    frontend = client.get(config + "frontend/", headers=A)
    assert frontend.status_code == 200
    assert frontend.get_data(as_text=True) == B_FRONTEND


def test_what_the_config_does_not_expose(tmp_path: Path) -> None:
    client = client_of(tmp_path)
    created = client.post(
        CONFIGS_A,
        data={"plugin": str(PLUGIN_B), "order": "2", "config": json.dumps({"token": "mine"})},
        headers=A,
    )
    config = f"{CONFIGS_A}{created.json['id']}/"

    answers = [
        client.get(config, headers=A),
        client.get(CONFIGS_A, headers=A),
        client.get(config + "logs/", headers=A),
    ]

    assert answers[0].json["config"] == {"token": SECRET_PLACEHOLDER}
    assert all(B_SECRET not in answer.get_data(as_text=True) for answer in answers)
    assert answers[2].json["count"] == 0  # B's config's log entries are B's
    assert client.get(f"{CONFIGS_A}{CONFIG_B}/", headers=A).status_code == 404
    plugin = client.get(f"/api/organizations/{ORG_A}/plugins/{PLUGIN_B}/", headers=A)
    assert plugin.status_code == 404
    listed = client.get(f"/api/organizations/{ORG_A}/plugins/", headers=A).json["results"]
    assert PLUGIN_B not in [plugin["id"] for plugin in listed]
