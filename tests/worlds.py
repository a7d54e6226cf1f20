"""Worlds beyond the default one, written as users write fixture files, and the default world's
plugins as the API shows them (written out, so a test states exactly what it expects)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from flask import Flask

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


def other_organization(level: int = 9) -> dict[str, Any]:
    """A second organization with its own project, a member of it alone and a member of both."""
    return {
        "organizations": [
            {"id": OTHER_ORG_ID, "name": "Other Organization", "plugins_access_level": level}
        ],
        "projects": [{"id": OTHER_PROJECT_ID, "organization_id": OTHER_ORG_ID, "name": "Other"}],
        "users": [
            {
                "id": 2,
                "email": "other@example.com",
                "organization_ids": [OTHER_ORG_ID],
                "current_project_id": OTHER_PROJECT_ID,
            },
            {
                "id": 3,
                "email": "both@example.com",
                "organization_ids": [ORG_ID, OTHER_ORG_ID],
                "current_project_id": 1,
            },
        ],
        "personal_api_keys": [
            {"value": OTHER_KEY, "user_id": 2},
            {"value": SHARED_KEY, "user_id": 3},
        ],
    }


def access_level(level: int) -> dict[str, Any]:
    """The default organization again, at another plugins_access_level."""
    return {
        "organizations": [
            {"id": ORG_ID, "name": "Mock Organization", "plugins_access_level": level}
        ]
    }


def write_fixture(folder: Path, name: str, data: Any) -> Path:
    path = folder / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def app_with(folder: Path, *extras: dict[str, Any], **settings: Any) -> Flask:
    """The default world with each of `extras` merged over it, in order, as fixture files."""
    written = [
        write_fixture(folder, f"extra-{index}.json", extra) for index, extra in enumerate(extras)
    ]
    return make_app(fixtures=(DEFAULT_FIXTURES, *written), **settings)


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
