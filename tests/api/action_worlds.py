"""The world of the plugin-action tests, built with tests/worlds.py's builders: the
default world with its organization at a chosen access level, plus a second organization
with a plugin of its own and a global one, a user in both organizations, a key with scopes,
and users without a current project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from tests.conftest import ORG_ID
from tests.worlds import (
    Tables,
    app_from_tables,
    default_tables,
    key,
    organization,
    plugin,
    project,
    user,
)

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


def _user(user_id: int, organizations: list[str], current_project: int | None) -> dict[str, Any]:
    return user(user_id, organizations, current_project, first_name=f"User{user_id}")


def _other_plugin(plugin_id: int, name: str, *, is_global: bool) -> dict[str, Any]:
    return plugin(
        plugin_id, OTHER_ORG_ID, name, owner="other-org", tag="1" * 40, is_global=is_global
    )


def world_tables(level: int = 9) -> Tables:
    tables = default_tables()
    tables["organizations"][0]["plugins_access_level"] = level
    tables["organizations"] += [
        organization(OTHER_ORG_ID, "Other Organization"),
        organization(PROJECTLESS_ORG_ID, "Projectless Organization"),
    ]
    tables["projects"].append(project(2, OTHER_ORG_ID, "Other Project"))
    tables["users"] += [
        _user(2, [OTHER_ORG_ID], 2),
        _user(3, [ORG_ID, OTHER_ORG_ID], 2),
        _user(4, [PROJECTLESS_ORG_ID], None),
        _user(5, [ORG_ID], None),
    ]
    tables["personal_api_keys"] += [
        key(OTHER_ORG_KEY, 2),
        key(BOTH_ORGS_KEY, 3),
        key(SCOPED_KEY, 1, scopes=["*"]),
        key(NO_PROJECT_KEY, 4),
        key(NO_CURRENT_PROJECT_KEY, 5),
    ]
    tables["plugins"] += [
        _other_plugin(OTHER_PLUGIN, "Other Plugin", is_global=False),
        _other_plugin(OTHER_GLOBAL_PLUGIN, "Other Global Plugin", is_global=True),
    ]
    return tables


def app_with_world(folder: Path, level: int = 9, **settings: Any) -> Flask:
    return app_from_tables(folder, world_tables(level), f"world-{level}.json", **settings)
