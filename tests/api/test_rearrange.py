"""PATCH rearrange/: new orders keyed by plugin id; only enabled configs move."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, CONFIGS, error
from tests.plugin_config_support import (
    CONFIG_1,
    CONFIG_2,
    FROZEN_TEXT,
    NOT_CONFIGURABLE,
    USER,
    activity_of_project_1,
    client_with,
    client_without_access,
    with_second_project,
    world_behind,
)
from tests.worlds import default_tables

REARRANGE = f"{CONFIGS}rearrange/"


def with_disabled_config(tables: dict[str, Any]) -> dict[str, Any]:
    """Config 3: plugin 1 (GeoIP) in project 1, disabled, order 3."""
    tables["plugin_configs"].append(
        {"id": 3, "plugin": 1, "team_id": 1, "enabled": False, "order": 3}
    )
    return tables


@pytest.fixture
def three_configs(tmp_path: Path) -> FlaskClient:
    return client_with(tmp_path, with_disabled_config(default_tables()), frozen=True)


def orders(client: FlaskClient) -> dict[int, int]:
    listed = client.get(CONFIGS, headers=AUTH).get_json()["results"]
    return {config["id"]: config["order"] for config in listed}


def test_only_enabled_configs_move_and_the_answer_is_the_enabled_configs(
    three_configs: FlaskClient,
) -> None:
    response = three_configs.patch(
        REARRANGE, json={"orders": {"3": 1, "2": 2, "1": 9}}, headers=AUTH
    )

    assert response.status_code == 200
    assert response.get_json() == [
        {**CONFIG_1, "order": 2, "delivery_rate_24h": None},
        {**CONFIG_2, "order": 1},
    ]
    assert orders(three_configs) == {2: 1, 1: 2, 3: 3}


def test_each_move_writes_an_order_changed_entry_scoped_plugin(three_configs: FlaskClient) -> None:
    three_configs.patch(REARRANGE, json={"orders": {"3": 1, "2": 1, "1": 9}}, headers=AUTH)

    assert activity_of_project_1(world_behind(three_configs)) == [
        {
            "user": USER,
            "activity": "order_changed",
            "scope": "Plugin",
            "item_id": "2",
            "detail": {
                "name": "Hello Source",
                "changes": [
                    {
                        "type": "Plugin",
                        "action": "changed",
                        "field": "order",
                        "before": 2,
                        "after": 1,
                    }
                ],
                "trigger": None,
                "short_id": None,
            },
            "created_at": FROZEN_TEXT,
        }
    ]


def test_keys_are_plugin_ids_not_config_ids(three_configs: FlaskClient) -> None:
    response = three_configs.patch(REARRANGE, json={"orders": {"1": 5}}, headers=AUTH)

    assert response.status_code == 200
    assert orders(three_configs) == {1: 1, 2: 2, 3: 3}
    assert activity_of_project_1(world_behind(three_configs)) == []


@pytest.mark.parametrize("body", [{}, {"orders": {}}, {"orders": {"99": 1}}])
def test_nothing_to_move_answers_the_enabled_configs_unchanged(
    three_configs: FlaskClient, body: dict
) -> None:
    response = three_configs.patch(REARRANGE, json=body, headers=AUTH)

    assert response.status_code == 200
    assert [(config["id"], config["order"]) for config in response.get_json()] == [(1, 1), (2, 2)]


def test_configs_of_other_projects_do_not_move(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_second_project(default_tables()))

    response = client.patch(REARRANGE, json={"orders": {"2": 7}}, headers=AUTH)

    assert [(config["id"], config["order"]) for config in response.get_json()] == [(1, 7), (2, 2)]
    project_2 = client.get("/api/projects/2/plugin_configs/3/", headers=AUTH).get_json()
    assert project_2["order"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"orders": {"geoip": 1}},
        {"orders": [["2", 1]]},
        {"orders": {"3": 5, "2": "first"}},
        {"orders": {"2": None}},
        [{"orders": {}}],
    ],
)
def test_bodies_python_itself_chokes_on_are_a_500_and_change_nothing(
    three_configs: FlaskClient, body: Any
) -> None:
    response = three_configs.patch(REARRANGE, json=body, headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == error("server_error", "error", "A server error occurred.")
    assert orders(three_configs) == {1: 1, 2: 2, 3: 3}
    assert activity_of_project_1(world_behind(three_configs)) == []


def test_below_config_access_rearrange_is_a_400(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.patch(REARRANGE, json={"orders": {"2": 5}}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error("validation_error", "invalid_input", NOT_CONFIGURABLE)


def test_rearrange_only_answers_patch(client: FlaskClient) -> None:
    response = client.get(REARRANGE, headers=AUTH)

    assert response.status_code == 405
    assert response.get_json() == error(
        "invalid_request", "method_not_allowed", 'Method "GET" not allowed.'
    )
