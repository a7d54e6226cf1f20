"""Worlds beyond the default one, written as users write fixture files: the builders every
test's world is made of (organizations, projects, users, keys, plugins; a fixture file written
and an app loaded from it), the second organization most tests share, and the default world's
plugins as the API shows them (written out, so a test states exactly what it expects)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask

from mock_posthog.world import fixtures
from tests.conftest import ORG_ID, make_app

DEFAULT_FIXTURES = Path(str(resources.files("mock_posthog.fixture_files") / "default.json"))

OTHER_ORG_ID = "00000000-0000-4000-8000-000000000002"
OTHER_PROJECT_ID = 2
# The owner of OTHER_KEY belongs to the other organization only.
OTHER_KEY = "phx_other_organization_key"
OTHER_AUTH = {"Authorization": f"Bearer {OTHER_KEY}"}
# The owner of SHARED_KEY belongs to both organizations.
SHARED_KEY = "phx_member_of_both_key"
SHARED_AUTH = {"Authorization": f"Bearer {SHARED_KEY}"}

Tables = dict[str, list[dict[str, Any]]]


# Builders.


def default_tables() -> Tables:
    """The default world as a fixture file's data, a copy of its own to change before loading."""
    return fixtures.default_world()


def bearer(key_value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key_value}"}


def organization(org_id: str, name: str, level: int = 9) -> dict[str, Any]:
    return {"id": org_id, "name": name, "plugins_access_level": level}


def project(project_id: int, org_id: str, name: str) -> dict[str, Any]:
    return {"id": project_id, "organization_id": org_id, "name": name}


def user(
    user_id: int,
    organizations: list[str],
    current_project: int | None,
    *,
    email: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """A user of `organizations`; `fields` such as first_name or is_active as given."""
    return {
        "id": user_id,
        "email": email or f"user{user_id}@example.com",
        "organization_ids": organizations,
        "current_project_id": current_project,
        **fields,
    }


def key(value: str, user_id: int, **restrictions: Any) -> dict[str, Any]:
    """A personal API key; `restrictions` such as scopes or scoped_organizations."""
    return {"value": value, "user_id": user_id, **restrictions}


def plugin(
    plugin_id: int, org_id: str, name: str, *, owner: str, tag: str, **fields: Any
) -> dict[str, Any]:
    """A custom plugin of `org_id`, at GitHub under `owner`, installed at its latest `tag`."""
    return {
        "id": plugin_id,
        "organization_id": org_id,
        "plugin_type": "custom",
        "name": name,
        "url": f"https://github.com/{owner}/{name.lower().replace(' ', '-')}",
        "tag": tag,
        "latest_tag": tag,
        "is_global": False,
        **fields,
    }


def write_fixture(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def app_from_tables(folder: Path, tables: Any, name: str = "world.json", **settings: Any) -> Flask:
    """An app whose world is `tables` alone, loaded as the fixture file `name` in `folder`."""
    return make_app(fixtures=(write_fixture(folder, name, tables),), **settings)


def app_with(folder: Path, *extras: dict[str, Any], **settings: Any) -> Flask:
    """The default world with each of `extras` merged over it, in order, as fixture files."""
    written = [
        write_fixture(folder, f"extra-{index}.json", extra) for index, extra in enumerate(extras)
    ]
    return make_app(fixtures=(DEFAULT_FIXTURES, *written), **settings)


# The second organization.


def other_organization(level: int = 9) -> dict[str, Any]:
    """A second organization with its own project, a member of it alone and a member of both."""
    return {
        "organizations": [organization(OTHER_ORG_ID, "Other Organization", level)],
        "projects": [project(OTHER_PROJECT_ID, OTHER_ORG_ID, "Other")],
        "users": [
            user(2, [OTHER_ORG_ID], OTHER_PROJECT_ID, email="other@example.com"),
            user(3, [ORG_ID, OTHER_ORG_ID], 1, email="both@example.com"),
        ],
        "personal_api_keys": [key(OTHER_KEY, 2), key(SHARED_KEY, 3)],
    }


def access_level(level: int) -> dict[str, Any]:
    """The default organization again, at another plugins_access_level."""
    return {"organizations": [organization(ORG_ID, "Mock Organization", level)]}


def plugins_url(organization: str = ORG_ID, plugin_id: int | str | None = None) -> str:
    base = f"/api/organizations/{organization}/plugins/"
    return base if plugin_id is None else f"{base}{plugin_id}/"


GEOIP = {
    "id": 1,
    "plugin_type": "repository",
    "name": "GeoIP",
    "description": "Enrich PostHog events and persons with IP location data",
    "url": "https://github.com/PostHog/posthog-plugin-geoip",
    "icon": None,
    "config_schema": [],
    "tag": "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e",
    "latest_tag": "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e",
    "is_global": True,
    "organization_id": "00000000-0000-4000-8000-000000000001",
    "organization_name": "Mock Organization",
    "capabilities": {"jobs": [], "methods": ["processEvent"], "scheduled_tasks": []},
    "metrics": {},
    "public_jobs": {},
}

TAXONOMY = {
    "id": 2,
    "plugin_type": "custom",
    "name": "Taxonomy Plugin",
    "description": "Standardize your event names into a single pattern.",
    "url": "https://github.com/PostHog/taxonomy-plugin",
    "icon": None,
    "config_schema": [
        {
            "key": "defaultNamingConvention",
            "name": "Select your default naming pattern",
            "type": "choice",
            "choices": ["camelCase", "PascalCase", "snake_case", "kebab-case", "spaces in between"],
            "default": "camelCase",
            "required": True,
        }
    ],
    "tag": "7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b",
    "latest_tag": "7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b",
    "is_global": False,
    "organization_id": "00000000-0000-4000-8000-000000000001",
    "organization_name": "Mock Organization",
    "capabilities": {"jobs": [], "methods": ["processEvent"], "scheduled_tasks": []},
    "metrics": {},
    "public_jobs": {},
}

HELLO_SOURCE = {
    "id": 3,
    "plugin_type": "source",
    "name": "Hello Source",
    "description": None,
    "url": None,
    "icon": None,
    "config_schema": [
        {
            "key": "greeting",
            "name": "Greeting",
            "type": "string",
            "default": "Hello",
            "required": False,
        },
        {
            "key": "api_secret",
            "name": "API secret",
            "type": "string",
            "secret": True,
            "required": False,
        },
    ],
    "tag": None,
    "latest_tag": None,
    "is_global": False,
    "organization_id": "00000000-0000-4000-8000-000000000001",
    "organization_name": "Mock Organization",
    "capabilities": {},
    "metrics": {},
    "public_jobs": {},
}
