"""A config's `config`: taken only from a form field holding JSON, secrets masked and kept,
attachments added, replaced and removed."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.conftest import AUTH, CONFIGS, PLUGINS, error
from tests.plugin_config_support import (
    FROZEN,
    FROZEN_TEXT,
    SECRET,
    USER,
    activity_of_project_1,
    upload,
)

JSON_IGNORED = (
    "PostHog ignores `config` in a JSON body: it reads `config` only from a form or multipart "
    "field holding a JSON string, so the stored config is unchanged"
)


@pytest.fixture
def secret_plugin(client: FlaskClient, world: World) -> int:
    """A source plugin whose `bar` field is secret (id 4), unconfigured; the clock frozen."""
    world.clock.freeze(FROZEN)
    response = client.post(
        PLUGINS,
        json={
            "plugin_type": "source",
            "name": "Secret plugin",
            "config_schema": [
                {"key": "bar", "type": "string", "secret": True},
                {"key": "foo", "type": "string"},
                {"key": "db", "type": "attachment"},
            ],
        },
        headers=AUTH,
    )
    assert response.status_code == 201
    return response.get_json()["id"]


def stored_config(world: World, config_id: int) -> dict:
    return world.store.get("plugin_configs", config_id)["config"]


def patch_form(client: FlaskClient, config_id: int, data: dict) -> dict:
    response = client.patch(
        f"{CONFIGS}{config_id}/", data=data, headers=AUTH, content_type="multipart/form-data"
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def create_form(client: FlaskClient, plugin_id: int, **fields: object) -> dict:
    """Create a config of `plugin_id` as PostHog's frontend does: multipart, order 0."""
    response = client.post(
        CONFIGS,
        data={"plugin": str(plugin_id), "order": "0", **fields},
        headers=AUTH,
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_secrets_are_masked_kept_when_omitted_or_null_and_overwritten_by_empty_string(
    client: FlaskClient, world: World, secret_plugin: int
) -> None:
    config = json.dumps({"bar": "very secret value", "foo": "visible"})
    created = create_form(client, secret_plugin, enabled="true", config=config)
    assert created["config"] == {"bar": SECRET, "foo": "visible"}
    config_id = created["id"]

    omitted = patch_form(client, config_id, {"config": json.dumps({"foo": "changed"})})
    assert omitted["config"] == {"foo": "changed", "bar": SECRET}
    assert stored_config(world, config_id) == {"foo": "changed", "bar": "very secret value"}

    nulled = patch_form(client, config_id, {"config": json.dumps({"bar": None, "foo": "x"})})
    assert nulled["config"] == {"bar": SECRET, "foo": "x"}
    assert stored_config(world, config_id)["bar"] == "very secret value"

    emptied = patch_form(client, config_id, {"config": json.dumps({"bar": "", "foo": "x"})})
    assert emptied["config"] == {"bar": "", "foo": "x"}
    assert stored_config(world, config_id)["bar"] == ""

    renewed = patch_form(client, config_id, {"config": json.dumps({"bar": "new secret"})})
    assert renewed["config"] == {"bar": SECRET}
    assert stored_config(world, config_id) == {"bar": "new secret"}


def test_a_secret_never_set_comes_back_as_null_after_an_update(
    client: FlaskClient, secret_plugin: int
) -> None:
    created = create_form(client, secret_plugin, config='{"foo": "a"}')

    patched = patch_form(client, created["id"], {"config": '{"foo": "b"}'})

    assert patched["config"] == {"foo": "b", "bar": None}


def test_secret_changes_are_masked_in_the_activity_log(
    client: FlaskClient, world: World, secret_plugin: int
) -> None:
    config_id = create_form(client, secret_plugin, enabled="true", config="{}")["id"]

    patch_form(
        client, config_id, {"config": json.dumps({"bar": "s3cr3t", "foo": "f"}), "enabled": "false"}
    )

    entries = {entry["activity"]: entry for entry in activity_of_project_1(world)}
    assert sorted(entries) == ["config_updated", "disabled", "enabled"]
    assert [entries["config_updated"], entries["disabled"]] == [
        {
            "user": USER,
            "activity": "config_updated",
            "scope": "PluginConfig",
            "item_id": str(config_id),
            "detail": {
                "name": "Secret plugin",
                "changes": [
                    {
                        "type": "PluginConfig",
                        "action": "created",
                        "field": None,
                        "before": SECRET,
                        "after": SECRET,
                    },
                    {
                        "type": "Plugin",
                        "action": "created",
                        "field": "foo",
                        "before": None,
                        "after": "f",
                    },
                ],
                "trigger": None,
                "short_id": None,
            },
            "created_at": FROZEN_TEXT,
        },
        {
            "user": USER,
            "activity": "disabled",
            "scope": "PluginConfig",
            "item_id": str(config_id),
            "detail": {"name": "Secret plugin", "changes": [], "trigger": None, "short_id": None},
            "created_at": FROZEN_TEXT,
        },
    ]


def test_config_changes_show_before_and_after(client: FlaskClient, world: World) -> None:
    patch_form(client, 1, {"config": '{"defaultNamingConvention": "camelCase", "extra": 1}'})

    assert activity_of_project_1(world)[0]["detail"]["changes"] == [
        {
            "type": "Plugin",
            "action": "changed",
            "field": "defaultNamingConvention",
            "before": "snake_case",
            "after": "camelCase",
        },
        {"type": "Plugin", "action": "created", "field": "extra", "before": None, "after": 1},
    ]


def test_the_default_world_masks_the_source_plugins_secret(client: FlaskClient) -> None:
    body = client.get(f"{CONFIGS}2/", headers=AUTH).get_json()

    assert body["config"] == {"greeting": "Hello from the mock", "api_secret": SECRET}


def test_a_config_in_a_json_body_is_ignored_and_the_log_says_so(
    client: FlaskClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="mock_posthog")

    patched = client.patch(
        f"{CONFIGS}1/", json={"config": {"defaultNamingConvention": "camelCase"}}, headers=AUTH
    )
    created = client.post(
        CONFIGS, json={"plugin": 1, "order": 3, "config": {"region": "eu"}}, headers=AUTH
    )

    assert patched.status_code == 200
    assert patched.get_json()["config"] == {"defaultNamingConvention": "snake_case"}
    assert stored_config(world, 1) == {"defaultNamingConvention": "snake_case"}
    assert created.status_code == 201
    assert created.get_json()["config"] == {}
    assert caplog.text.count(JSON_IGNORED) == 2
    assert activity_of_project_1(world) == []


def test_a_urlencoded_form_config_is_taken(client: FlaskClient) -> None:
    response = client.patch(
        f"{CONFIGS}1/", data={"config": '{"defaultNamingConvention": "kebab-case"}'}, headers=AUTH
    )

    assert response.get_json()["config"] == {"defaultNamingConvention": "kebab-case"}


def test_an_empty_form_config_changes_nothing(client: FlaskClient) -> None:
    body = patch_form(client, 1, {"config": "", "order": "1"})

    assert body["config"] == {"defaultNamingConvention": "snake_case"}


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_a_form_config_that_is_not_a_json_object_is_a_500(
    client: FlaskClient, world: World, text: str
) -> None:
    response = client.patch(f"{CONFIGS}1/", data={"config": text, "order": "9"}, headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == error("server_error", "error", "A server error occurred.")
    assert world.store.get("plugin_configs", 1)["order"] == 1


# Attachments.


def test_attachments_are_added_replaced_and_removed(
    client: FlaskClient, world: World, secret_plugin: int
) -> None:
    attachment = upload(b"x" * 1964, "foo-database-1.db", "application/octet-stream")
    created = create_form(
        client,
        secret_plugin,
        enabled="true",
        config='{"foo": "moop"}',
        **{"add_attachment[db]": attachment},
    )
    config_id = created["id"]
    first = {
        "uid": 1,
        "saved": True,
        "size": 1964,
        "name": "foo-database-1.db",
        "type": "application/octet-stream",
    }
    assert created["config"] == {"foo": "moop", "db": first}
    assert client.get(f"{CONFIGS}{config_id}/", headers=AUTH).get_json()["config"]["db"] == first

    replaced = patch_form(
        client,
        config_id,
        {"add_attachment[db]": upload(b"y" * 2279, "foo-database-2.db", "application/zip")},
    )
    assert replaced["config"] == {
        "foo": "moop",
        "db": {
            "uid": 1,
            "saved": True,
            "size": 2279,
            "name": "foo-database-2.db",
            "type": "application/zip",
        },
    }

    removed = patch_form(client, config_id, {"remove_attachment[db]": "true"})
    assert removed["config"] == {"foo": "moop"}
    assert world.store.all("plugin_attachments") == []

    def attachment_entry(activity: str, action: str, before: object, after: object) -> dict:
        return {
            "user": USER,
            "activity": activity,
            "scope": "PluginConfig",
            "item_id": str(config_id),
            "detail": {
                "name": "Secret plugin",
                "changes": [
                    {
                        "type": "PluginConfig",
                        "action": action,
                        "field": None,
                        "before": before,
                        "after": after,
                    }
                ],
                "trigger": None,
                "short_id": None,
            },
            "created_at": FROZEN_TEXT,
        }

    entries = {entry["activity"]: entry for entry in activity_of_project_1(world)}
    assert sorted(entries) == [
        "attachment_created",
        "attachment_deleted",
        "attachment_updated",
        "enabled",
    ]
    assert entries["attachment_created"] == attachment_entry(
        "attachment_created", "created", None, "foo-database-1.db"
    )
    assert entries["attachment_updated"] == attachment_entry(
        "attachment_updated", "changed", "foo-database-1.db", "foo-database-2.db"
    )
    assert entries["attachment_deleted"] == attachment_entry(
        "attachment_deleted", "deleted", "foo-database-2.db", None
    )


def test_an_attachment_on_a_secret_key_is_masked(client: FlaskClient, secret_plugin: int) -> None:
    key_file = upload(b"key", "private.pem", "application/x-pem-file")

    created = create_form(client, secret_plugin, **{"add_attachment[bar]": key_file})

    assert created["config"] == {
        "bar": {
            "uid": -1,
            "saved": True,
            "size": -1,
            "name": SECRET,
            "type": "application/octet-stream",
        }
    }


def test_an_attachment_keeps_only_the_base_name_of_its_file(client: FlaskClient) -> None:
    body = patch_form(client, 1, {"add_attachment[db]": upload(b"abc", "/home/me/geo.mmdb", "")})

    assert body["config"]["db"] == {
        "uid": 1,
        "saved": True,
        "size": 3,
        "name": "geo.mmdb",
        "type": "",
    }


def test_removing_an_attachment_that_does_not_exist_is_a_500(
    client: FlaskClient, world: World
) -> None:
    response = client.patch(
        f"{CONFIGS}1/",
        data={"remove_attachment[db]": "true", "order": "9"},
        headers=AUTH,
        content_type="multipart/form-data",
    )

    assert response.status_code == 500
    assert response.get_json() == error("server_error", "error", "A server error occurred.")
    assert world.store.get("plugin_configs", 1)["order"] == 1


def test_a_dict_config_schema_with_a_secret_looking_key_breaks_rendering(
    client: FlaskClient,
) -> None:
    client.patch(f"{PLUGINS}2/", json={"config_schema": {"client_secret": {}}}, headers=AUTH)

    response = client.get(f"{CONFIGS}1/", headers=AUTH)

    assert response.status_code == 500
    assert response.get_json() == error("server_error", "error", "A server error occurred.")


def test_a_dict_config_schema_has_no_secrets(client: FlaskClient) -> None:
    client.patch(f"{PLUGINS}3/", json={"config_schema": {"api_key": {}}}, headers=AUTH)

    body = client.get(f"{CONFIGS}2/", headers=AUTH).get_json()

    assert body["config"]["api_secret"] == "sk_mock_hello_source_secret"
