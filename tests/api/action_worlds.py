"""Worlds for the plugin-action tests, written as fixture files the way users write them: the
default world with its organization at a chosen access level, plus a second organization
with a plugin of its own and a global one, a user in both organizations, a key with scopes,
and users without a current project."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask

from mock_posthog.world import fixtures
from tests.conftest import ORG_ID, make_app

OTHER_ORG_ID = "00000000-0000-4000-8000-000000000002"
PROJECTLESS_ORG_ID = "00000000-0000-4000-8000-000000000003"
OTHER_PLUGINS = f"/api/organizations/{OTHER_ORG_ID}/plugins/"
OTHER_PLUGIN = 10  # the second organization's own plugin
OTHER_GLOBAL_PLUGIN = 11  # the second organization's global plugin

OTHER_ORG_KEY = "phx_other_org_key"  # user 2: the second organization only, project 2
BOTH_ORGS_KEY = "phx_both_orgs_key"  # user 3: both organizations, current project 2
SCOPED_KEY = "phx_scoped_key"  # user 1, with scopes: custom actions refuse it
NO_PROJECT_KEY = "phx_no_project_key"  # user 4: an organization without any project
NO_CURRENT_PROJECT_KEY = "phx_no_current_project_key"  # user 5: organization 1, no current


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def _user(user_id: int, organizations: list[str], project: int | None) -> dict[str, Any]:
    return {
        "id": user_id,
        "email": f"user{user_id}@example.com",
        "first_name": f"User{user_id}",
        "organization_ids": organizations,
        "current_project_id": project,
    }


def _other_plugin(plugin_id: int, name: str, *, is_global: bool) -> dict[str, Any]:
    return {
        "id": plugin_id,
        "organization_id": OTHER_ORG_ID,
        "plugin_type": "custom",
        "name": name,
        "url": f"https://github.com/other-org/{name.lower().replace(' ', '-')}",
        "tag": "1111111111111111111111111111111111111111",
        "latest_tag": "1111111111111111111111111111111111111111",
        "is_global": is_global,
    }


def world_tables(level: int = 9) -> dict[str, list[dict[str, Any]]]:
    tables = fixtures.default_world()
    tables["organizations"][0]["plugins_access_level"] = level
    tables["organizations"] += [
        {"id": OTHER_ORG_ID, "name": "Other Organization", "plugins_access_level": 9},
        {"id": PROJECTLESS_ORG_ID, "name": "Projectless Organization", "plugins_access_level": 9},
    ]
    tables["projects"].append({"id": 2, "organization_id": OTHER_ORG_ID, "name": "Other Project"})
    tables["users"] += [
        _user(2, [OTHER_ORG_ID], 2),
        _user(3, [ORG_ID, OTHER_ORG_ID], 2),
        _user(4, [PROJECTLESS_ORG_ID], None),
        _user(5, [ORG_ID], None),
    ]
    tables["personal_api_keys"] += [
        {"value": OTHER_ORG_KEY, "user_id": 2},
        {"value": BOTH_ORGS_KEY, "user_id": 3},
        {"value": SCOPED_KEY, "user_id": 1, "scopes": ["*"]},
        {"value": NO_PROJECT_KEY, "user_id": 4},
        {"value": NO_CURRENT_PROJECT_KEY, "user_id": 5},
    ]
    tables["plugins"] += [
        _other_plugin(OTHER_PLUGIN, "Other Plugin", is_global=False),
        _other_plugin(OTHER_GLOBAL_PLUGIN, "Other Global Plugin", is_global=True),
    ]
    return tables


def app_with_world(folder: Path, level: int = 9, **settings: Any) -> Flask:
    path = folder / f"world-{level}.json"
    path.write_text(json.dumps(world_tables(level)))
    return make_app(fixtures=(path,), **settings)
