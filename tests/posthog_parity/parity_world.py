"""The world PostHog's APIBaseTest sets up, as a fixture file: one organization ("Test", ROOT
access as TestPluginAPI sets it), its project, user1@posthog.com with no first name, a
personal API key for that user (PostHog's tests log in with a session instead), and the
plugin archives PostHog's tests download, as upstream fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app

ORG = "00000000-0000-4000-8000-0000000000a1"
OTHER_ORG = "00000000-0000-4000-8000-0000000000a2"
ORGANIZATION_NAME = "Test"  # APIBaseTest.CONFIG_ORGANIZATION_NAME
TEAM = 1
KEY = "phx_posthog_parity_key"
AUTH = {"Authorization": f"Bearer {KEY}"}
USER = {"first_name": "", "email": "user1@posthog.com"}
NONE, CONFIG, INSTALL, ROOT = 0, 3, 6, 9
HELLO = "https://github.com/PostHog/helloworldplugin"
# Stand-ins for the commits of PostHog's archive fixtures (plugin_archives.py), named as there;
# PostHog's tests compare the tag with their constant, these with ours.
HELLO_WORLD_PLUGIN_GITHUB_ZIP = "3c3e2e2bd2ed36d8e4b2ff95e3b0d2ea3bfa0e30"
HELLO_WORLD_PLUGIN_GITHUB_ATTACHMENT_ZIP = "d5aa1d2b8a534f26db3e7520c7a3f9ba3cd84bb6"
HELLO_WORLD_PLUGIN_SECRET_GITHUB_ZIP = "5f6e2ac4ff0f3a7d7b0d25d0d09a81a3e52c4cc0"
BAR = {"name": "What's in the bar?", "type": "string", "default": "baz", "required": False}
FOODB = {"name": "Upload your database", "type": "attachment", "required": False}
REPOSITORY = [
    {
        "name": "posthog-currency-normalization-plugin",
        "url": "https://github.com/posthog/posthog-currency-normalization-plugin",
        "description": "Normalise monerary values into a base currency",
        "icon": "https://raw.githubusercontent.com/posthog/posthog-currency-normalization-plugin/main/logo.png",
        "verified": False,
        "maintainer": "official",
    },
    {
        "name": "helloworldplugin",
        "url": "https://github.com/posthog/helloworldplugin",
        "description": "Greet the World and Foo a Bar",
        "icon": "https://raw.githubusercontent.com/posthog/helloworldplugin/main/logo.png",
        "verified": True,
        "maintainer": "community",
    },
]


def _release(tag: str, description: str, config: Any) -> dict[str, Any]:
    manifest = {"name": "helloworldplugin", "description": description, "config": config}
    return {"tag": tag, "files": {"plugin.json": manifest, "index.js": "export {}\n"}}


def tables() -> dict[str, list[dict[str, Any]]]:
    secret_bar = [{"key": "bar", "name": "Bar", "type": "string", "secret": True}]
    return {
        "organizations": [
            {"id": ORG, "name": ORGANIZATION_NAME, "plugins_access_level": ROOT},
            {"id": OTHER_ORG, "name": "FooBar2", "plugins_access_level": INSTALL},
        ],
        "projects": [{"id": TEAM, "organization_id": ORG, "name": "Default Project"}],
        "users": [
            {
                "id": 1,
                "email": USER["email"],
                "first_name": "",
                "organization_ids": [ORG],
                "current_project_id": TEAM,
            }
        ],
        "personal_api_keys": [{"value": KEY, "user_id": 1}],
        "plugin_archives": [
            {
                "url": HELLO,
                "releases": [  # oldest first: the latest commit is the plain hello world
                    _release(
                        HELLO_WORLD_PLUGIN_GITHUB_ATTACHMENT_ZIP,
                        "Greet the World and Foo a Bar, JS edition, vol 2!",
                        {"bar": BAR, "foodb": FOODB},
                    ),
                    _release(HELLO_WORLD_PLUGIN_SECRET_GITHUB_ZIP, "Secret edition", secret_bar),
                    _release(
                        HELLO_WORLD_PLUGIN_GITHUB_ZIP,
                        "Greet the World and Foo a Bar, JS edition!",
                        {"bar": BAR},
                    ),
                ],
            }
        ],
        "plugin_repository": REPOSITORY,
    }


def parity_app(folder: Path, extra: dict[str, list[dict[str, Any]]] | None = None) -> Flask:
    world = tables()
    for name, rows in (extra or {}).items():
        world.setdefault(name, []).extend(rows)
    path = folder / "posthog-parity-world.json"
    path.write_text(json.dumps(world))
    # PostHog's tests mock what GitHub and npm answer: this world's upstream is all there is.
    return make_app(fixtures=(path,), empty_upstream=True)


def set_access_level(client: FlaskClient, level: int, organization: str = ORG) -> None:
    """`organization.plugins_access_level = level; organization.save()`."""
    store = client.application.extensions["mock_posthog"].world.store
    doc_id = [ORG, OTHER_ORG].index(organization) + 1  # their rows, in the fixture's order
    store.update("organizations", doc_id, {"plugins_access_level": level})


def join(client: FlaskClient, organization: str) -> None:
    """OrganizationMembership.objects.create(user=self.user, organization=...)."""
    store = client.application.extensions["mock_posthog"].world.store
    user = store.get("users", 1)
    store.update("users", 1, {"organization_ids": [*user["organization_ids"], organization]})
