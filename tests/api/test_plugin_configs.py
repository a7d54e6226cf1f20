"""Plugin configs: list, create, retrieve, update (PUT and PATCH), delete, and who sees what."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.conftest import AUTH, CONFIGS, PLUGINS, error
from tests.plugin_config_support import (
    CONFIG_1,
    CONFIG_2,
    FROZEN,
    FROZEN_TEXT,
    NOT_CONFIGURABLE,
    SCOPED_KEY,
    USER,
    activity_of_project_1,
    client_with,
    client_without_access,
    with_scoped_key,
    with_second_project,
    world_of,
)
from tests.worlds import TAXONOMY as TAXONOMY_PLUGIN
from tests.worlds import app_from_tables, default_tables


@pytest.fixture
def frozen(world: World) -> World:
    world.clock.freeze(FROZEN)
    return world


def configs_in_store(world: World) -> list[dict]:
    return sorted(world.store.all("plugin_configs"), key=lambda config: config["id"])


# List.


def test_list_shows_every_config_of_the_project_with_delivery_rates(client: FlaskClient) -> None:
    response = client.get(CONFIGS, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [CONFIG_1, CONFIG_2],
    }


def test_list_orders_by_order_then_plugin_id(client: FlaskClient) -> None:
    client.patch(f"{CONFIGS}1/", json={"order": 5}, headers=AUTH)
    client.post(CONFIGS, json={"plugin": 1, "order": 5}, headers=AUTH)

    results = client.get(CONFIGS, headers=AUTH).get_json()["results"]

    assert [(c["id"], c["plugin"], c["order"]) for c in results] == [
        (2, 3, 2),
        (3, 1, 5),
        (1, 2, 5),
    ]


def test_list_pages_with_limit_and_offset(client: FlaskClient) -> None:
    body = client.get(f"{CONFIGS}?limit=1", headers=AUTH).get_json()

    assert body["count"] == 2
    assert body["next"] == "http://localhost/api/projects/1/plugin_configs/?limit=1&offset=1"
    assert [config["id"] for config in body["results"]] == [1]


def test_list_is_empty_below_config_access(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.get(CONFIGS, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_delivery_rate_follows_the_metrics_set_through_the_control_plane(
    client: FlaskClient,
) -> None:
    answer = client.put(
        "/_mock/plugin_configs/2/delivery_metrics", json={"successes": 5, "failures": 5}
    )
    assert answer.status_code == 200
    assert answer.get_json() == {
        "plugin_config_id": 2,
        "successes": 5,
        "failures": 5,
        "delivery_rate_24h": 0.5,
    }

    listed = client.get(CONFIGS, headers=AUTH).get_json()["results"]
    retrieved = client.get(f"{CONFIGS}2/", headers=AUTH).get_json()
    patched = client.patch(f"{CONFIGS}2/", json={"order": 2}, headers=AUTH).get_json()

    assert [config["delivery_rate_24h"] for config in listed] == [0.98, 0.5]
    assert retrieved["delivery_rate_24h"] == 0.5
    assert patched["delivery_rate_24h"] is None


def test_delivery_rate_is_one_when_nothing_was_delivered(client: FlaskClient) -> None:
    client.put("/_mock/plugin_configs/2/delivery_metrics", json={"successes": 0, "failures": 0})

    assert client.get(f"{CONFIGS}2/", headers=AUTH).get_json()["delivery_rate_24h"] == 1.0


def test_delivery_metrics_older_than_a_day_do_not_count(tmp_path: Path) -> None:
    tables = default_tables()
    tables["app_metrics"][0]["timestamp"] = "2024-04-30T11:59:00Z"
    app = app_from_tables(tmp_path, tables)
    world_of(app).clock.freeze(FROZEN)

    body = app.test_client().get(f"{CONFIGS}1/", headers=AUTH).get_json()

    assert body["delivery_rate_24h"] is None


def test_delivery_metrics_control_refuses_unknown_configs_and_bad_counts(
    client: FlaskClient,
) -> None:
    unknown = client.put(
        "/_mock/plugin_configs/99/delivery_metrics", json={"successes": 1, "failures": 0}
    )
    negative = client.put(
        "/_mock/plugin_configs/1/delivery_metrics", json={"successes": -1, "failures": 0}
    )

    assert unknown.status_code == 404
    assert unknown.get_json() == error(
        "invalid_request", "not_found", "No plugin config has id 99."
    )
    assert negative.status_code == 400
    assert negative.get_json() == error(
        "validation_error", "invalid_input", "Successes must be a non-negative integer, got -1."
    )


# Create.


def test_create_from_json_answers_201_with_the_new_config(
    client: FlaskClient, frozen: World
) -> None:
    response = client.post(CONFIGS, json={"plugin": 1, "enabled": True, "order": 3}, headers=AUTH)

    assert response.status_code == 201
    assert response.get_json() == {
        "id": 3,
        "plugin": 1,
        "enabled": True,
        "order": 3,
        "config": {},
        "error": None,
        "team_id": 1,
        "plugin_info": None,
        "delivery_rate_24h": None,
        "created_at": FROZEN_TEXT,
    }
    assert client.get(CONFIGS, headers=AUTH).get_json()["count"] == 3


def test_create_enabled_writes_an_enabled_entry_listing_the_config_keys(
    client: FlaskClient, frozen: World
) -> None:
    client.post(
        CONFIGS,
        data={"plugin": "1", "enabled": "true", "order": "3", "config": '{"region": "eu"}'},
        headers=AUTH,
    )

    assert activity_of_project_1(frozen) == [
        {
            "user": USER,
            "activity": "enabled",
            "scope": "PluginConfig",
            "item_id": "3",
            "detail": {
                "name": "GeoIP",
                "changes": [
                    {
                        "type": "Plugin",
                        "action": "created",
                        "field": "region",
                        "before": None,
                        "after": "eu",
                    }
                ],
                "trigger": None,
                "short_id": None,
            },
            "created_at": FROZEN_TEXT,
        }
    ]


def test_create_disabled_writes_no_activity(client: FlaskClient, frozen: World) -> None:
    client.post(CONFIGS, json={"plugin": 1, "order": 3}, headers=AUTH)

    assert activity_of_project_1(frozen) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"order": 1}, error("validation_error", "required", "This field is required.", "plugin")),
        ({"plugin": 1}, error("validation_error", "required", "This field is required.", "order")),
        (
            {"plugin": 99, "order": 1},
            error(
                "validation_error",
                "does_not_exist",
                'Invalid pk "99" - object does not exist.',
                "plugin",
            ),
        ),
        (
            {"plugin": "abc", "order": 1},
            error(
                "validation_error",
                "incorrect_type",
                "Incorrect type. Expected pk value, received str.",
                "plugin",
            ),
        ),
        (
            {"plugin": True, "order": 1},
            error(
                "validation_error",
                "incorrect_type",
                "Incorrect type. Expected pk value, received bool.",
                "plugin",
            ),
        ),
        (
            {"plugin": None, "order": 1},
            error("validation_error", "null", "This field may not be null.", "plugin"),
        ),
        (
            {"plugin": 1, "order": "first"},
            error("validation_error", "invalid_input", "A valid integer is required.", "order"),
        ),
        (
            {"plugin": 1, "order": 2147483648},
            error(
                "validation_error",
                "max_value",
                "Ensure this value is less than or equal to 2147483647.",
                "order",
            ),
        ),
        (
            {"plugin": 1, "order": 1, "enabled": "maybe"},
            error("validation_error", "invalid_input", "Must be a valid boolean.", "enabled"),
        ),
        (
            {"plugin": 99, "enabled": "maybe"},
            error(
                "validation_error",
                "does_not_exist",
                'Invalid pk "99" - object does not exist.',
                "plugin",
            ),
        ),
    ],
)
def test_create_refuses_bad_fields_and_stores_nothing(
    client: FlaskClient, world: World, body: dict, expected: dict
) -> None:
    before = configs_in_store(world)

    response = client.post(CONFIGS, json=body, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == expected
    assert configs_in_store(world) == before


def test_create_refuses_a_body_that_is_not_an_object(client: FlaskClient) -> None:
    response = client.post(CONFIGS, json=[{"plugin": 1, "order": 1}], headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "invalid_input", "Invalid data. Expected a dictionary, but got list."
    )


def test_create_below_config_access_is_refused_after_the_fields_are_checked(
    tmp_path: Path,
) -> None:
    client = client_without_access(tmp_path)

    valid = client.post(CONFIGS, json={"plugin": 1, "order": 1}, headers=AUTH)
    invalid = client.post(CONFIGS, json={"plugin": 1}, headers=AUTH)

    assert valid.status_code == 400
    assert valid.get_json() == error("validation_error", "invalid_input", NOT_CONFIGURABLE)
    assert invalid.get_json() == error(
        "validation_error", "required", "This field is required.", "order"
    )


def test_create_for_a_configured_plugin_updates_the_existing_config(
    client: FlaskClient, world: World
) -> None:
    response = client.post(
        CONFIGS, json={"plugin": 2, "order": 7, "error": {"message": "boom"}}, headers=AUTH
    )

    assert response.status_code == 201
    assert response.get_json() == {
        **CONFIG_1,
        "order": 7,
        "error": {"message": "boom"},
        "delivery_rate_24h": None,
    }
    assert len(configs_in_store(world)) == 2


def test_create_from_a_form_without_enabled_disables_the_existing_config(
    client: FlaskClient, frozen: World
) -> None:
    response = client.post(CONFIGS, data={"plugin": "2", "order": "1"}, headers=AUTH)

    assert response.status_code == 201
    assert response.get_json()["enabled"] is False
    assert [entry["activity"] for entry in activity_of_project_1(frozen)] == ["disabled"]


def test_create_accepts_any_existing_plugin_even_another_organizations(tmp_path: Path) -> None:
    tables = default_tables()
    other = "00000000-0000-4000-8000-000000000002"
    tables["organizations"].append({"id": other, "name": "Other Organization"})
    tables["plugins"].append({"id": 4, "organization_id": other, "name": "Elsewhere"})
    client = client_with(tmp_path, tables)

    response = client.post(CONFIGS, json={"plugin": 4, "order": 1}, headers=AUTH)

    assert response.status_code == 201
    assert response.get_json()["plugin"] == 4


# Retrieve.


def test_retrieve_fills_plugin_info(client: FlaskClient) -> None:
    response = client.get(f"{CONFIGS}1/", headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {**CONFIG_1, "plugin_info": TAXONOMY_PLUGIN}


def test_retrieve_works_without_the_trailing_slash(client: FlaskClient) -> None:
    assert client.get(f"{CONFIGS}1", headers=AUTH).status_code == 200


@pytest.mark.parametrize("config_id", ["99", "abc", "0", "99999999999"])
def test_retrieve_of_an_unknown_config_is_404(client: FlaskClient, config_id: str) -> None:
    response = client.get(f"{CONFIGS}{config_id}/", headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Not found.")


def test_retrieve_below_config_access_is_404(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.get(f"{CONFIGS}1/", headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Not found.")


def test_retrieve_through_current_project(client: FlaskClient) -> None:
    response = client.get("/api/projects/@current/plugin_configs/1/", headers=AUTH)

    assert response.status_code == 200
    assert response.get_json()["id"] == 1


# Update.


def test_patch_changes_the_given_fields(client: FlaskClient, frozen: World) -> None:
    response = client.patch(
        f"{CONFIGS}1/", json={"enabled": False, "order": 4, "error": None}, headers=AUTH
    )

    assert response.status_code == 200
    assert response.get_json() == {
        **CONFIG_1,
        "enabled": False,
        "order": 4,
        "delivery_rate_24h": None,
    }
    assert activity_of_project_1(frozen) == [
        {
            "user": USER,
            "activity": "disabled",
            "scope": "PluginConfig",
            "item_id": "1",
            "detail": {"name": "Taxonomy Plugin", "changes": [], "trigger": None, "short_id": None},
            "created_at": FROZEN_TEXT,
        }
    ]


def test_patch_enabling_writes_an_enabled_entry(client: FlaskClient, frozen: World) -> None:
    client.delete(f"{CONFIGS}1/", headers=AUTH)

    client.patch(f"{CONFIGS}1/", json={"enabled": True}, headers=AUTH)

    assert [entry["activity"] for entry in activity_of_project_1(frozen)] == ["enabled"]


def test_patch_cannot_change_the_plugin(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="mock_posthog")

    response = client.patch(f"{CONFIGS}1/", json={"plugin": 1}, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json()["plugin"] == 2
    assert "PostHog drops `plugin` on update: a config cannot change its plugin" in caplog.text


def test_patch_still_checks_the_plugin(client: FlaskClient) -> None:
    response = client.patch(f"{CONFIGS}1/", json={"plugin": 99}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "does_not_exist", 'Invalid pk "99" - object does not exist.', "plugin"
    )


def test_patch_from_a_form_takes_error_as_json_text(client: FlaskClient) -> None:
    good = client.patch(f"{CONFIGS}1/", data={"error": '{"message": "x"}'}, headers=AUTH)
    bad = client.patch(f"{CONFIGS}1/", data={"error": "not json"}, headers=AUTH)

    assert good.get_json()["error"] == {"message": "x"}
    assert bad.status_code == 400
    assert bad.get_json() == error(
        "validation_error", "invalid_input", "Value must be valid JSON.", "error"
    )


def test_patch_from_a_form_without_enabled_keeps_it(client: FlaskClient) -> None:
    response = client.patch(f"{CONFIGS}1/", data={"order": "3"}, headers=AUTH)

    assert response.get_json()["enabled"] is True


def test_put_requires_plugin_and_order(client: FlaskClient) -> None:
    no_plugin = client.put(f"{CONFIGS}1/", json={"order": 1}, headers=AUTH)
    no_order = client.put(f"{CONFIGS}1/", json={"plugin": 2}, headers=AUTH)

    assert no_plugin.status_code == 400
    assert no_plugin.get_json() == error(
        "validation_error", "required", "This field is required.", "plugin"
    )
    assert no_order.get_json() == error(
        "validation_error", "required", "This field is required.", "order"
    )


def test_put_from_json_leaves_enabled_alone_but_a_form_unchecks_it(client: FlaskClient) -> None:
    from_json = client.put(f"{CONFIGS}1/", json={"plugin": 2, "order": 1}, headers=AUTH)
    from_form = client.put(f"{CONFIGS}1/", data={"plugin": "2", "order": "1"}, headers=AUTH)

    assert from_json.status_code == 200
    assert from_json.get_json()["enabled"] is True
    assert from_form.get_json()["enabled"] is False


def test_update_below_config_access_is_404(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.patch(f"{CONFIGS}1/", json={"enabled": False}, headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Not found.")


def test_update_of_an_unknown_config_is_404_before_the_body_is_checked(
    client: FlaskClient,
) -> None:
    response = client.patch(f"{CONFIGS}99/", json={"order": "x"}, headers=AUTH)

    assert response.status_code == 404


# Delete.


def test_delete_only_disables(client: FlaskClient, frozen: World) -> None:
    response = client.delete(f"{CONFIGS}1/", headers=AUTH)

    assert response.status_code == 204
    assert response.data == b""
    assert "Content-Type" not in response.headers
    listed = client.get(CONFIGS, headers=AUTH).get_json()["results"]
    assert [(config["id"], config["enabled"]) for config in listed] == [(1, False), (2, True)]
    assert activity_of_project_1(frozen) == []


def test_delete_below_config_access_is_a_bare_404(tmp_path: Path) -> None:
    client = client_without_access(tmp_path)

    response = client.delete(f"{CONFIGS}1/", headers=AUTH)

    assert response.status_code == 404
    assert response.data == b""


@pytest.mark.parametrize("config_id", ["99", "abc"])
def test_delete_of_an_unknown_config_is_a_500(client: FlaskClient, config_id: str) -> None:
    response = client.delete(f"{CONFIGS}{config_id}/", headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == error("server_error", "error", "A server error occurred.")


# Projects, plugins and keys.


@pytest.fixture
def two_projects(tmp_path: Path) -> FlaskClient:
    return client_with(tmp_path, with_second_project(default_tables()))


def test_a_config_of_another_project_is_not_found(two_projects: FlaskClient) -> None:
    not_found = error("invalid_request", "not_found", "Not found.")

    retrieved = two_projects.get(f"{CONFIGS}3/", headers=AUTH)
    patched = two_projects.patch(f"{CONFIGS}3/", json={"order": 9}, headers=AUTH)
    job = two_projects.post(f"{CONFIGS}3/job/", json={"job": {"type": "x"}}, headers=AUTH)
    frontend = two_projects.get(f"{CONFIGS}3/frontend/", headers=AUTH)

    assert (retrieved.status_code, retrieved.get_json()) == (404, not_found)
    assert (patched.status_code, patched.get_json()) == (404, not_found)
    assert (job.status_code, job.get_json()) == (404, not_found)
    assert (frontend.status_code, frontend.get_json()) == (404, not_found)
    assert two_projects.delete(f"{CONFIGS}3/", headers=AUTH).status_code == 500
    own = two_projects.get("/api/projects/2/plugin_configs/3/", headers=AUTH)
    assert own.status_code == 200
    assert own.get_json()["order"] == 1


def test_each_project_lists_only_its_configs(two_projects: FlaskClient) -> None:
    first = two_projects.get(CONFIGS, headers=AUTH).get_json()["results"]
    second = two_projects.get("/api/projects/2/plugin_configs/", headers=AUTH).get_json()

    assert [config["id"] for config in first] == [1, 2]
    assert [config["id"] for config in second["results"]] == [3]


def test_the_same_plugin_can_be_configured_in_each_project(two_projects: FlaskClient) -> None:
    response = two_projects.post(
        "/api/projects/2/plugin_configs/", json={"plugin": 3, "order": 2}, headers=AUTH
    )

    assert response.status_code == 201
    assert (response.get_json()["id"], response.get_json()["team_id"]) == (4, 2)


def test_an_unknown_project_is_not_found(client: FlaskClient) -> None:
    response = client.get("/api/projects/9/plugin_configs/", headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Project not found.")


def test_deleting_a_plugin_removes_its_configs_in_every_project(two_projects: FlaskClient) -> None:
    assert two_projects.delete(f"{PLUGINS}2/", headers=AUTH).status_code == 204

    first = two_projects.get(CONFIGS, headers=AUTH).get_json()["results"]
    second = two_projects.get("/api/projects/2/plugin_configs/", headers=AUTH).get_json()
    assert [config["id"] for config in first] == [2]
    assert second["results"] == []
    assert two_projects.get(f"{CONFIGS}1/", headers=AUTH).status_code == 404


def test_a_read_scoped_key_may_list_but_not_write(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_scoped_key(default_tables(), ["plugin:read"]))
    headers = {"Authorization": f"Bearer {SCOPED_KEY}"}

    listed = client.get(CONFIGS, headers=headers)
    created = client.post(CONFIGS, json={"plugin": 1, "order": 1}, headers=headers)

    assert listed.status_code == 200
    assert created.status_code == 403
    assert created.get_json() == error(
        "authentication_error", "permission_denied", "API key missing required scope 'plugin:write'"
    )


def test_a_scoped_key_cannot_reach_the_custom_actions(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_scoped_key(default_tables(), ["*"]))
    headers = {"Authorization": f"Bearer {SCOPED_KEY}"}
    refused = error(
        "authentication_error",
        "permission_denied",
        "This action does not support Personal API Key access",
    )

    answers = [
        client.patch(f"{CONFIGS}rearrange/", json={"orders": {}}, headers=headers),
        client.post(f"{CONFIGS}1/job/", json={"job": {"type": "x"}}, headers=headers),
        client.get(f"{CONFIGS}1/frontend/", headers=headers),
    ]

    assert [(answer.status_code, answer.get_json()) for answer in answers] == [(403, refused)] * 3


def test_every_write_of_a_failed_request_is_rolled_back(client: FlaskClient, world: World) -> None:
    before = configs_in_store(world)

    response = client.patch(
        f"{CONFIGS}1/",
        data={"order": "9", "config": json.dumps({"x": 1}), "remove_attachment[none]": "true"},
        headers=AUTH,
    )

    assert response.status_code == 500
    assert configs_in_store(world) == before
    assert activity_of_project_1(world) == []
