"""The plugin-config routes pinned where a slip would pass unnoticed: the edges of the access
level and of the ids, DRF's form rules for `enabled` and its coercion of `plugin`, what each
write stores beside the rendered fields, and the cause the journal gives for each 500."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.api.journal_notes import assert_500_because, last_notes
from tests.conftest import AUTH, CONFIGS, ORG_ID, PLUGINS, error
from tests.plugin_config_support import (
    CONFIG_1,
    CONFIG_2,
    FROZEN,
    FROZEN_TEXT,
    SCOPED_KEY,
    activity_of_project_1,
    client_with,
    with_access_level,
    with_scoped_key,
)
from tests.worlds import TAXONOMY, default_tables

REARRANGE = f"{CONFIGS}rearrange/"
JSON_CONFIG_IGNORED = (
    "PostHog ignores `config` in a JSON body: it reads `config` only from a form or multipart "
    "field holding a JSON string, so the stored config is unchanged"
)
# The first id beyond PostHog's integer id columns: no lookup finds it.
BEYOND_INT32 = 2**31


@pytest.fixture
def frozen(world: World) -> World:
    world.clock.freeze(FROZEN)
    return world


def stored_configs(client: FlaskClient) -> list[dict[str, Any]]:
    """The configs as the control plane's snapshot (a fixture file) holds them."""
    configs: list[dict[str, Any]] = client.get("/_mock/snapshot").get_json()["plugin_configs"]
    return configs


def stored_config(client: FlaskClient, config_id: int) -> dict[str, Any]:
    return next(config for config in stored_configs(client) if config["id"] == config_id)


# The access level: CONFIG itself is enough.


def test_an_organization_at_config_level_may_list_read_and_configure(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_access_level(default_tables(), 3))

    listed = client.get(CONFIGS, headers=AUTH)
    retrieved = client.get(f"{CONFIGS}1/", headers=AUTH)
    created = client.post(CONFIGS, json={"plugin": 1, "order": 3}, headers=AUTH)

    assert listed.status_code == 200
    assert listed.get_json()["results"] == [CONFIG_1, CONFIG_2]
    assert (retrieved.status_code, retrieved.get_json()) == (
        200,
        {**CONFIG_1, "plugin_info": TAXONOMY},
    )
    assert (created.status_code, created.get_json()["plugin"]) == (201, 1)


# What a write stores.


def test_a_new_config_stores_its_error_and_when_it_was_written(
    client: FlaskClient, frozen: World
) -> None:
    response = client.post(
        CONFIGS, json={"plugin": 1, "order": 3, "error": {"message": "boom"}}, headers=AUTH
    )

    assert response.status_code == 201
    assert response.get_json()["error"] == {"message": "boom"}
    assert stored_config(client, 3) == {
        "id": 3,
        "plugin": 1,
        "team_id": 1,
        "enabled": False,
        "order": 3,
        "config": {},
        "error": {"message": "boom"},
        "created_at": FROZEN_TEXT,
        "updated_at": FROZEN_TEXT,
    }


def test_an_update_a_delete_and_a_move_each_store_when_they_were_written(
    client: FlaskClient, frozen: World
) -> None:
    assert client.patch(f"{CONFIGS}1/", json={"order": 4}, headers=AUTH).status_code == 200
    assert client.delete(f"{CONFIGS}2/", headers=AUTH).status_code == 204
    patched, deleted = stored_config(client, 1), stored_config(client, 2)
    client.patch(f"{CONFIGS}2/", json={"enabled": True}, headers=AUTH)
    frozen.clock.freeze(FROZEN.replace(hour=13))
    assert client.patch(REARRANGE, json={"orders": {"3": 7}}, headers=AUTH).status_code == 200

    assert (patched["order"], patched["updated_at"]) == (4, FROZEN_TEXT)
    assert (deleted["enabled"], deleted["updated_at"]) == (False, FROZEN_TEXT)
    moved = stored_config(client, 2)
    assert (moved["order"], moved["updated_at"]) == (7, "2024-05-01T13:00:00Z")


# The plugin field: DRF's PrimaryKeyRelatedField.


def test_a_fractional_plugin_id_finds_the_plugin_as_djangos_int_lookup_does(
    client: FlaskClient,
) -> None:
    response = client.post(CONFIGS, json={"plugin": 1.5, "order": 3}, headers=AUTH)

    assert response.status_code == 201
    assert response.get_json()["plugin"] == 1


def test_an_empty_plugin_is_null_to_a_related_field(client: FlaskClient, world: World) -> None:
    before = world.store.export()

    response = client.post(CONFIGS, json={"plugin": "", "order": 3}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "null", "This field may not be null.", "plugin"
    )
    assert world.store.export() == before


def test_the_largest_ids_the_id_columns_hold_are_found(tmp_path: Path) -> None:
    largest = BEYOND_INT32 - 1
    tables = default_tables()
    tables["plugins"].append({"id": largest, "organization_id": ORG_ID, "name": "Far Away"})
    tables["plugin_configs"].append({"id": largest, "plugin": 1, "team_id": 1, "enabled": True})
    client = client_with(tmp_path, tables)

    created = client.post(CONFIGS, json={"plugin": largest, "order": 1}, headers=AUTH)
    deleted = client.delete(f"{CONFIGS}{largest}/", headers=AUTH)

    assert (created.status_code, created.get_json()["plugin"]) == (201, largest)
    assert deleted.status_code == 204
    assert stored_config(client, largest)["enabled"] is False


def test_a_plugin_id_beyond_the_id_column_exists_nowhere(tmp_path: Path) -> None:
    tables = default_tables()
    tables["plugins"].append({"id": BEYOND_INT32, "organization_id": ORG_ID, "name": "Far Away"})
    client = client_with(tmp_path, tables)

    response = client.post(CONFIGS, json={"plugin": BEYOND_INT32, "order": 1}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error",
        "does_not_exist",
        'Invalid pk "2147483648" - object does not exist.',
        "plugin",
    )


# DRF's HTML-form rules for `enabled`.


def test_an_empty_enabled_form_field_counts_as_left_out(client: FlaskClient) -> None:
    put = client.put(
        f"{CONFIGS}1/", data={"plugin": "2", "order": "1", "enabled": ""}, headers=AUTH
    )
    created = client.post(CONFIGS, data={"plugin": "1", "order": "3", "enabled": ""}, headers=AUTH)

    assert put.status_code == 200
    assert put.get_json()["enabled"] is True
    assert created.status_code == 201
    assert created.get_json()["enabled"] is False


# Keys with scopes: the standard actions name theirs.


def test_a_write_scoped_key_may_put_and_delete(tmp_path: Path) -> None:
    client = client_with(tmp_path, with_scoped_key(default_tables(), ["plugin:write"]))
    headers = {"Authorization": f"Bearer {SCOPED_KEY}"}

    put = client.put(f"{CONFIGS}1/", json={"plugin": 2, "order": 6}, headers=headers)
    deleted = client.delete(f"{CONFIGS}1/", headers=headers)

    assert (put.status_code, put.get_json()["order"]) == (200, 6)
    assert deleted.status_code == 204


def test_options_names_each_view_as_drf_does(client: FlaskClient) -> None:
    detail = client.options(f"{CONFIGS}1/", headers=AUTH)
    rearrange = client.options(REARRANGE, headers=AUTH)

    assert (detail.status_code, detail.get_json()["name"]) == (200, "Plugin Config Instance")
    assert (rearrange.status_code, rearrange.get_json()["name"]) == (200, "Rearrange")


# The activity entries: dict_changes_between over the stored config.


def changes_logged(world: World) -> list[tuple[str, list[dict[str, Any]]]]:
    return [
        (entry["activity"], entry["detail"]["changes"]) for entry in activity_of_project_1(world)
    ]


def plugin_change(action: str, field: str, before: Any, after: Any) -> dict[str, Any]:
    return {"type": "Plugin", "action": action, "field": field, "before": before, "after": after}


def test_a_config_created_enabled_without_a_config_lists_no_changes(
    client: FlaskClient, world: World
) -> None:
    client.post(CONFIGS, json={"plugin": 1, "order": 3, "enabled": True}, headers=AUTH)

    assert changes_logged(world) == [("enabled", [])]


def test_a_key_null_before_and_after_is_no_change(client: FlaskClient, world: World) -> None:
    form = {"plugin": "1", "order": "3", "enabled": "true", "config": '{"a": null, "b": 1}'}
    client.post(CONFIGS, data=form, headers=AUTH)

    assert changes_logged(world) == [
        ("enabled", [plugin_change("created", "b", None, 1)]),
    ]


def test_a_key_left_out_of_the_new_config_is_deleted(client: FlaskClient, world: World) -> None:
    client.patch(f"{CONFIGS}1/", data={"config": '{"other": 1}'}, headers=AUTH)

    assert changes_logged(world) == [
        (
            "config_updated",
            [
                plugin_change("deleted", "defaultNamingConvention", "snake_case", None),
                plugin_change("created", "other", None, 1),
            ],
        )
    ]


# What the journal says.


def test_a_json_body_without_config_writes_no_note(client: FlaskClient) -> None:
    assert client.patch(f"{CONFIGS}1/", json={"order": 2}, headers=AUTH).status_code == 200

    assert last_notes(client) == []


def test_a_json_config_and_a_changed_plugin_are_each_noted_once(client: FlaskClient) -> None:
    response = client.patch(f"{CONFIGS}1/", json={"plugin": 1, "config": {"x": 1}}, headers=AUTH)

    assert response.status_code == 200
    assert last_notes(client) == [
        JSON_CONFIG_IGNORED,
        "PostHog drops `plugin` on update: a config cannot change its plugin",
    ]


@pytest.mark.parametrize(
    ("config_id", "why"),
    [
        ("abc", "ValueError: Field 'id' expected a number but got 'abc'."),
        ("99", "PluginConfig.DoesNotExist: no config '99' in this project"),
    ],
)
def test_deleting_what_is_no_config_of_the_project_is_a_500_the_journal_explains(
    client: FlaskClient, world: World, config_id: str, why: str
) -> None:
    before = world.store.export()

    response = client.delete(f"{CONFIGS}{config_id}/", headers=AUTH)

    assert_500_because(client, response, why)
    assert world.store.export() == before


def test_deleting_a_config_id_beyond_the_id_column_is_a_500(tmp_path: Path) -> None:
    tables = default_tables()
    tables["plugin_configs"].append({"id": BEYOND_INT32, "plugin": 1, "team_id": 1})
    client = client_with(tmp_path, tables)

    response = client.delete(f"{CONFIGS}{BEYOND_INT32}/", headers=AUTH)

    assert_500_because(
        client, response, "PluginConfig.DoesNotExist: no config '2147483648' in this project"
    )
    assert stored_config(client, BEYOND_INT32)["enabled"] is False
    assert stored_config(client, 1)["enabled"] is True


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ([{"orders": {}}], "the body is a list, which has no .items()/.get()"),
        ({"orders": [["2", 1]]}, "`orders` is a list, which has no .items()/.get()"),
        ({"orders": {"geoip": 1}}, "an `orders` key 'geoip' is not an integer"),
        ({"orders": {"2": "first"}}, "an order 'first' is not an integer"),
    ],
)
def test_a_rearrange_python_chokes_on_is_a_500_the_journal_explains(
    client: FlaskClient, world: World, body: Any, why: str
) -> None:
    before = world.store.export()

    response = client.patch(REARRANGE, json=body, headers=AUTH)

    assert_500_because(client, response, why)
    assert world.store.export() == before


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "{not json",
            "the `config` form field is not JSON (Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1))",
        ),
        ("[1, 2]", "the `config` form field holds a list, not an object"),
    ],
)
def test_a_form_config_that_is_no_json_object_is_a_500_the_journal_explains(
    client: FlaskClient, world: World, text: str, why: str
) -> None:
    before = world.store.export()

    response = client.patch(f"{CONFIGS}1/", data={"config": text}, headers=AUTH)

    assert_500_because(client, response, why)
    assert world.store.export() == before


def test_a_schema_field_without_a_key_breaks_the_secret_scan_as_the_journal_says(
    client: FlaskClient,
) -> None:
    schema = {"config_schema": [{"name": "Token", "secret": True}]}
    assert client.patch(f"{PLUGINS}2/", json=schema, headers=AUTH).status_code == 200

    response = client.get(f"{CONFIGS}1/", headers=AUTH)

    assert_500_because(
        client,
        response,
        "plugin 2's config_schema breaks PostHog's secret-field scan (KeyError: 'key')",
    )


def test_a_state_put_back_with_a_config_of_no_plugin_answers_500_naming_both(
    client: FlaskClient,
) -> None:
    state = client.get("/_mock/state").get_json()
    del state["plugins"]["2"]
    assert client.put("/_mock/state", json=state).status_code == 200

    response = client.get(CONFIGS, headers=AUTH)

    assert_500_because(client, response, "plugin config 1 names plugin 2, gone")
