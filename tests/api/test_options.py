"""OPTIONS as DRF answers it (SimpleMetadata): after authentication, the permission classes
and the throttles, 200 with the view's name, description, renders, parses and, for PUT and
POST where the caller may use them, the serializer's fields as DRF describes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

from tests.api.action_worlds import app_with_world
from tests.conftest import AUTH, CONFIGS, PLUGINS, error

RENDERS = ["application/json"]
PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
PLUGIN_FIELDS: dict[str, Any] = {
    "id": {"type": "integer", "required": False, "read_only": True, "label": "ID"},
    "plugin_type": {
        "type": "choice",
        "required": False,
        "read_only": False,
        "label": "Plugin type",
        "choices": [
            {"value": "local", "display_name": "local"},
            {"value": "custom", "display_name": "custom"},
            {"value": "repository", "display_name": "repository"},
            {"value": "source", "display_name": "source"},
        ],
    },
    "name": {
        "type": "string",
        "required": False,
        "read_only": False,
        "label": "Name",
        "max_length": 200,
    },
    "description": {
        "type": "string",
        "required": False,
        "read_only": False,
        "label": "Description",
    },
    "url": {"type": "field", "required": False, "read_only": True, "label": "Url"},
    "icon": {
        "type": "string",
        "required": False,
        "read_only": False,
        "label": "Icon",
        "max_length": 800,
    },
    "config_schema": {
        "type": "field",
        "required": False,
        "read_only": False,
        "label": "Config schema",
    },
    "tag": {
        "type": "string",
        "required": False,
        "read_only": False,
        "label": "Tag",
        "max_length": 200,
    },
    "latest_tag": {"type": "string", "required": False, "read_only": True, "label": "Latest tag"},
    "is_global": {"type": "boolean", "required": False, "read_only": False, "label": "Is global"},
    "organization_id": {
        "type": "field",
        "required": False,
        "read_only": True,
        "label": "Organization id",
    },
    "organization_name": {
        "type": "field",
        "required": False,
        "read_only": True,
        "label": "Organization name",
    },
    "capabilities": {
        "type": "field",
        "required": False,
        "read_only": False,
        "label": "Capabilities",
    },
    "metrics": {"type": "field", "required": False, "read_only": False, "label": "Metrics"},
    "public_jobs": {"type": "field", "required": False, "read_only": False, "label": "Public jobs"},
}
CONFIG_FIELDS: dict[str, Any] = {
    "id": {"type": "integer", "required": False, "read_only": True, "label": "ID"},
    "plugin": {"type": "field", "required": True, "read_only": False, "label": "Plugin"},
    "enabled": {"type": "boolean", "required": False, "read_only": False, "label": "Enabled"},
    "order": {
        "type": "integer",
        "required": True,
        "read_only": False,
        "label": "Order",
        "min_value": -2147483648,
        "max_value": 2147483647,
    },
    "config": {"type": "field", "required": False, "read_only": True, "label": "Config"},
    "error": {"type": "field", "required": False, "read_only": False, "label": "Error"},
    "team_id": {"type": "field", "required": False, "read_only": True, "label": "Team id"},
    "plugin_info": {"type": "field", "required": False, "read_only": True, "label": "Plugin info"},
    "delivery_rate_24h": {
        "type": "field",
        "required": False,
        "read_only": True,
        "label": "Delivery rate 24h",
    },
    "created_at": {"type": "datetime", "required": False, "read_only": True, "label": "Created at"},
}


def body(name: str, actions: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"name": name, "description": "", "renders": RENDERS, "parses": PARSES}
    if actions:
        answer["actions"] = actions
    return answer


def test_options_on_the_plugin_list_describes_post(client: FlaskClient) -> None:
    response = client.options(PLUGINS, headers=AUTH)

    assert response.status_code == 200
    assert response.headers["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response.get_json() == body("Plugin List", {"POST": PLUGIN_FIELDS})


def test_options_on_a_plugin_describes_put(client: FlaskClient) -> None:
    response = client.options(PLUGINS + "2/", headers=AUTH)

    assert response.get_json() == body("Plugin Instance", {"PUT": PLUGIN_FIELDS})


def test_options_on_an_extra_action_is_named_after_it(client: FlaskClient) -> None:
    upgrade = client.options(PLUGINS + "2/upgrade/", headers=AUTH)
    updates = client.options(PLUGINS + "2/check_for_updates/", headers=AUTH)
    activity = client.options(PLUGINS + "activity/", headers=AUTH)

    assert upgrade.get_json() == body("Upgrade", {"POST": PLUGIN_FIELDS})
    assert updates.get_json() == body("Check for updates")
    assert activity.get_json() == body("All activity")


def test_options_on_plugin_configs(client: FlaskClient) -> None:
    listed = client.options(CONFIGS, headers=AUTH)
    detail = client.options(CONFIGS + "1/", headers=AUTH)
    job = client.options(CONFIGS + "1/job/", headers=AUTH)
    logs = client.options(CONFIGS + "1/logs/", headers=AUTH)
    legacy = client.options("/api/plugin_config/", headers=AUTH)

    assert listed.get_json() == body("Plugin Config List", {"POST": CONFIG_FIELDS})
    assert detail.get_json() == body("Plugin Config Instance", {"PUT": CONFIG_FIELDS})
    assert job.get_json() == body("Job", {"POST": CONFIG_FIELDS})
    assert logs.get_json() == body("Plugin Log Entry List")
    assert legacy.get_json() == body("Legacy Plugin Config List", {"POST": CONFIG_FIELDS})


def test_put_is_left_out_where_the_object_is_not_found(client: FlaskClient) -> None:
    response = client.options(CONFIGS + "99/", headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == body("Plugin Config Instance")


def test_post_is_left_out_where_the_access_level_refuses_it(tmp_path: Path) -> None:
    client = app_with_world(tmp_path, 3).test_client()

    response = client.options(PLUGINS, headers=AUTH)

    assert response.get_json() == body("Plugin List")


def test_options_needs_a_key_and_the_permissions_of_a_read(tmp_path: Path) -> None:
    client = app_with_world(tmp_path, 0).test_client()

    anonymous = client.options(PLUGINS)
    no_access = client.options(PLUGINS, headers=AUTH)

    assert anonymous.status_code == 401
    assert no_access.status_code == 403
    assert no_access.get_json() == error(
        "authentication_error",
        "permission_denied",
        "Your organization's plugin access level is insufficient.",
    )


def test_a_scoped_key_needs_plugin_read_for_options(tmp_path: Path) -> None:
    """APIScopePermission reads OPTIONS (DRF's `metadata` action) as a read."""
    client = app_with_world(tmp_path).test_client()
    store = client.application.extensions["mock_posthog"].world.store
    store.insert(
        "personal_api_keys", {"value": "phx_read", "user_id": 1, "scopes": ["plugin:read"]}
    )
    store.insert(
        "personal_api_keys", {"value": "phx_other", "user_id": 1, "scopes": ["query:read"]}
    )

    allowed = client.options(PLUGINS, headers={"Authorization": "Bearer phx_read"})
    refused = client.options(PLUGINS, headers={"Authorization": "Bearer phx_other"})

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert refused.get_json() == error(
        "authentication_error", "permission_denied", "API key missing required scope 'plugin:read'"
    )
