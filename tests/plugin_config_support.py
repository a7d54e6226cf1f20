"""Request helpers and the default world's configs shared by the plugin-config tests (worlds
are built with tests/worlds.py)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mock_posthog.posthog import activity
from mock_posthog.world.world import World
from tests.worlds import app_from_tables, default_tables

SECRET = "**************** POSTHOG SECRET FIELD ****************"
SCOPED_KEY = "phx_mock_scoped_read_key"
FROZEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
FROZEN_TEXT = "2024-05-01T12:00:00Z"
USER = {"first_name": "Mock", "email": "mock.user@example.com"}
NOT_CONFIGURABLE = "Plugin configuration is not available for the current organization!"

# The default world's configs as the list shows them.
CONFIG_1 = {
    "id": 1,
    "plugin": 2,
    "enabled": True,
    "order": 1,
    "config": {"defaultNamingConvention": "snake_case"},
    "error": None,
    "team_id": 1,
    "plugin_info": None,
    "delivery_rate_24h": 0.98,
    "created_at": "2024-03-04T10:00:00Z",
}
CONFIG_2 = {
    "id": 2,
    "plugin": 3,
    "enabled": True,
    "order": 2,
    "config": {"greeting": "Hello from the mock", "api_secret": SECRET},
    "error": None,
    "team_id": 1,
    "plugin_info": None,
    "delivery_rate_24h": None,
    "created_at": "2024-03-05T10:00:00Z",
}


def client_with(tmp_path: Path, tables: dict[str, Any], *, frozen: bool = False) -> FlaskClient:
    """A client of a world loaded from `tables`, its clock frozen at FROZEN if asked."""
    app = app_from_tables(tmp_path, tables)
    if frozen:
        world_of(app).clock.freeze(FROZEN)
    return app.test_client()


def client_without_access(tmp_path: Path) -> FlaskClient:
    """The default world, its organization at plugins_access_level 0 (NONE)."""
    return client_with(tmp_path, with_access_level(default_tables(), 0))


def world_of(app: Flask) -> World:
    return app.extensions["mock_posthog"].world


def world_behind(client: FlaskClient) -> World:
    return world_of(client.application)


def with_access_level(tables: dict[str, Any], level: int) -> dict[str, Any]:
    tables["organizations"][0]["plugins_access_level"] = level
    return tables


def with_second_project(tables: dict[str, Any]) -> dict[str, Any]:
    """Project 2 in the same organization, with config 3 (plugin 2) and one log entry."""
    tables["projects"].append(
        {"id": 2, "organization_id": tables["organizations"][0]["id"], "name": "Second project"}
    )
    tables["plugin_configs"].append(
        {"id": 3, "plugin": 2, "team_id": 2, "enabled": True, "order": 1, "config": {}}
    )
    tables["plugin_log_entries"].append(
        {
            "team_id": 2,
            "plugin_id": 2,
            "plugin_config_id": 3,
            "timestamp": "2024-03-06T08:00:00Z",
            "message": "Hello from project 2",
        }
    )
    return tables


def with_scoped_key(tables: dict[str, Any], scopes: list[str]) -> dict[str, Any]:
    tables["personal_api_keys"].append({"value": SCOPED_KEY, "user_id": 1, "scopes": scopes})
    return tables


def upload(content: bytes, name: str, content_type: str) -> tuple[io.BytesIO, str, str]:
    """A file part for the test client's `data=`."""
    return io.BytesIO(content), name, content_type


def activity_of_project_1(world: World) -> list[dict[str, Any]]:
    """The entries the config routes wrote, as GET plugins/activity shows them, newest first,
    without ids (the installs of the tests' own plugins are left out)."""
    rendered = [activity.render(entry) for entry in activity.entries_of_team(world.store, 1)]
    return [
        {key: value for key, value in entry.items() if key != "id"}
        for entry in rendered
        if entry["activity"] not in ("installed", "uninstalled")
    ]
