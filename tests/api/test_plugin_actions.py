"""check_for_updates, source, update_source, upgrade and repository, as PostHog's server
answers them (behaviour doc §3.6 to 3.9, §3.11, §C7), permissions included."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.api.action_worlds import (
    BOTH_ORGS_KEY,
    OTHER_GLOBAL_PLUGIN,
    OTHER_PLUGIN,
    OTHER_PLUGINS,
    SCOPED_KEY,
    app_with_world,
)
from tests.conftest import AUTH, PLUGINS, error
from tests.worlds import TAXONOMY, bearer

OLD_TAG = "7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
NEW_TAG = "c4f2a9e81b7d6053e2a1f9c8b7d6e5f4a3b2c1d0"
FROZEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
NAMING = {
    "key": "defaultNamingConvention",
    "name": "Select your default naming pattern",
    "type": "choice",
    "choices": ["camelCase", "PascalCase", "snake_case", "kebab-case", "spaces in between"],
    "default": "camelCase",
    "required": True,
}
IGNORED_EVENTS = {
    "key": "ignoredEvents",
    "name": "Events to leave as they are (comma-separated)",
    "type": "string",
    "default": "",
    "required": False,
}
HELLO_SOURCE_JSON = (
    "{\n"
    '    "name": "Hello Source",\n'
    '    "description": "A plugin written in the browser.",\n'
    '    "config": [\n'
    "        {\n"
    '            "key": "greeting",\n'
    '            "name": "Greeting",\n'
    '            "type": "string",\n'
    '            "default": "Hello",\n'
    '            "required": false\n'
    "        },\n"
    "        {\n"
    '            "key": "api_secret",\n'
    '            "name": "API secret",\n'
    '            "type": "string",\n'
    '            "secret": true,\n'
    '            "required": false\n'
    "        }\n"
    "    ]\n"
    "}"
)
HELLO_SOURCE_INDEX = (
    "export function processEvent(event, { config }) {\n"
    "    event.properties.greeting = config.greeting\n"
    "    return event\n"
    "}\n"
)
INSUFFICIENT = error(
    "authentication_error",
    "permission_denied",
    "Your organization's plugin access level is insufficient.",
)
NOT_FOUND = error("invalid_request", "not_found", "Not found.")
NO_PERMISSION = error(
    "authentication_error",
    "permission_denied",
    "You do not have permission to perform this action.",
)
SERVER_ERROR = error("server_error", "error", "A server error occurred.")

DETAIL_ACTIONS = [
    ("GET", "check_for_updates/"),
    ("GET", "source/"),
    ("PATCH", "update_source/"),
    ("POST", "upgrade/"),
]
LIST_ACTIONS = [("GET", "activity/"), ("GET", "repository/")]


def call(client: FlaskClient, method: str, url: str, **kwargs: Any) -> Any:
    kwargs.setdefault("headers", AUTH)
    return client.open(url, method=method, **kwargs)


# check_for_updates


def test_check_for_updates_answers_the_plugin_with_the_latest_release_tag(
    client: FlaskClient,
) -> None:
    response = client.get(PLUGINS + "2/check_for_updates/", headers=AUTH)

    assert response.status_code == 200
    assert response.json == {"plugin": {**TAXONOMY, "latest_tag": NEW_TAG}}
    assert client.get(PLUGINS + "2/", headers=AUTH).json["latest_tag"] == NEW_TAG


def test_check_for_updates_records_the_check_and_leaves_updated_at(
    client: FlaskClient, world: World
) -> None:
    world.clock.freeze(FROZEN)

    client.get(PLUGINS + "2/check_for_updates", headers=AUTH)

    stored = world.store.get("plugins", 2)
    assert stored["latest_tag_checked_at"] == "2024-05-01T12:00:00Z"
    assert stored["updated_at"] == "2024-03-02T09:00:00Z"


def test_check_for_updates_of_a_url_with_a_ref_reads_the_ref(client: FlaskClient) -> None:
    url = f"https://github.com/PostHog/taxonomy-plugin/commit/{OLD_TAG}"
    installed = client.post(PLUGINS, json={"url": url}, headers=AUTH).json

    response = client.get(PLUGINS + f"{installed['id']}/check_for_updates/", headers=AUTH)

    assert response.status_code == 200
    assert response.json["plugin"]["latest_tag"] == OLD_TAG


def test_check_for_updates_of_an_own_global_plugin(client: FlaskClient) -> None:
    response = client.get(PLUGINS + "1/check_for_updates/", headers=AUTH)

    assert response.status_code == 200
    assert response.json["plugin"]["latest_tag"] == "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"


def test_check_for_updates_of_a_source_plugin_answers_500_and_says_why(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mock_posthog"):
        response = client.get(PLUGINS + "3/check_for_updates/", headers=AUTH)

    assert response.status_code == 500
    assert response.json == SERVER_ERROR
    assert "this plugin has none (a source plugin)" in caplog.text


# source


def test_source_answers_the_files_by_name(client: FlaskClient) -> None:
    response = client.get(PLUGINS + "3/source/", headers=AUTH)

    assert response.status_code == 200
    assert response.json == {"plugin.json": HELLO_SOURCE_JSON, "index.ts": HELLO_SOURCE_INDEX}


def test_source_of_a_new_source_plugin_is_empty(client: FlaskClient) -> None:
    created = client.post(PLUGINS, json={"plugin_type": "source", "name": "myplugin"}, headers=AUTH)

    response = client.get(PLUGINS + f"{created.json['id']}/source", headers=AUTH)

    assert response.status_code == 200
    assert response.json == {}


# update_source


def test_update_source_creates_changes_and_deletes_in_one_request(
    client: FlaskClient, world: World
) -> None:
    world.clock.freeze(FROZEN)
    manifest = '{"name": "Renamed Source", "config": [{"key": "greeting", "type": "string"}]}'
    edits = {"plugin.json": manifest, "index.ts": None, "frontend.tsx": "export const scene = {}"}

    response = client.patch(PLUGINS + "3/update_source/", json=edits, headers=AUTH)

    expected = {"plugin.json": manifest, "frontend.tsx": "export const scene = {}"}
    assert response.status_code == 200
    assert response.json == expected
    assert client.get(PLUGINS + "3/source/", headers=AUTH).json == expected
    plugin = client.get(PLUGINS + "3/", headers=AUTH).json
    assert plugin["name"] == "Renamed Source"
    assert plugin["config_schema"] == [{"key": "greeting", "type": "string"}]
    assert world.store.get("plugins", 3)["updated_at"] == "2024-05-01T12:00:00Z"


def test_update_source_resets_the_transpile_status_of_changed_files(
    client: FlaskClient, world: World
) -> None:
    transpiled = {"source": "old", "status": "TRANSPILED", "transpiled": "js", "error": None}
    files = {**world.store.get("plugins", 3)["source_files"], "frontend.tsx": transpiled}
    world.store.update("plugins", 3, {"source_files": files})

    client.patch(PLUGINS + "3/update_source/", json={"frontend.tsx": "new"}, headers=AUTH)

    stored = world.store.get("plugins", 3)["source_files"]["frontend.tsx"]
    assert stored == {"source": "new", "status": None, "transpiled": None, "error": None}


def test_update_source_with_null_for_a_missing_file_creates_it_holding_null(
    client: FlaskClient,
) -> None:
    response = client.patch(PLUGINS + "3/update_source/", json={"ghost.ts": None}, headers=AUTH)

    assert response.status_code == 200
    assert response.json == {
        "plugin.json": HELLO_SOURCE_JSON,
        "index.ts": HELLO_SOURCE_INDEX,
        "ghost.ts": None,
    }


def test_update_source_keeps_the_name_when_plugin_json_has_none(client: FlaskClient) -> None:
    response = client.patch(
        PLUGINS + "3/update_source/", json={"plugin.json": '{"description": "x"}'}, headers=AUTH
    )

    assert response.status_code == 200
    assert client.get(PLUGINS + "3/", headers=AUTH).json["name"] == "Hello Source"


def test_update_source_without_a_body_changes_nothing(client: FlaskClient, world: World) -> None:
    before = world.store.export()

    response = client.patch(PLUGINS + "3/update_source/", headers=AUTH)

    assert response.status_code == 200
    assert response.json == {"plugin.json": HELLO_SOURCE_JSON, "index.ts": HELLO_SOURCE_INDEX}
    assert world.store.export() == before


def test_update_source_with_invalid_plugin_json_answers_500_and_writes_nothing(
    client: FlaskClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    before = world.store.export()
    edits = {"index.ts": "changed", "extra.ts": "new", "plugin.json": "{not json"}

    with caplog.at_level(logging.INFO, logger="mock_posthog"):
        response = client.patch(PLUGINS + "3/update_source/", json=edits, headers=AUTH)

    assert response.status_code == 500
    assert response.json == SERVER_ERROR
    assert "plugin.json is not valid JSON" in caplog.text
    assert world.store.export() == before
    assert client.get(PLUGINS + "3/source/", headers=AUTH).json == {
        "plugin.json": HELLO_SOURCE_JSON,
        "index.ts": HELLO_SOURCE_INDEX,
    }


@pytest.mark.parametrize("body", [["index.ts"], "index.ts", 5])
def test_update_source_with_a_body_that_is_not_an_object_answers_500(
    client: FlaskClient, body: Any
) -> None:
    response = client.patch(PLUGINS + "3/update_source/", json=body, headers=AUTH)

    assert response.status_code == 500
    assert response.json == SERVER_ERROR


def test_update_source_takes_form_data(client: FlaskClient) -> None:
    response = client.patch(
        PLUGINS + "3/update_source/", data={"index.ts": "from a form"}, headers=AUTH
    )

    assert response.status_code == 200
    assert response.json["index.ts"] == "from a form"


# upgrade


def test_upgrade_ignores_its_body_and_refreshes_from_the_latest_release(
    client: FlaskClient, world: World
) -> None:
    world.clock.freeze(FROZEN)
    ignored = {"url": "https://github.com/someone/else", "name": "ignored"}

    response = client.post(PLUGINS + "2/upgrade/", json=ignored, headers=AUTH)

    assert response.status_code == 200
    assert response.json == {
        **TAXONOMY,
        "description": (
            "Standardize your event names into a single pattern, leaving the events you name alone."
        ),
        "config_schema": [NAMING, IGNORED_EVENTS],
        "tag": NEW_TAG,
        "latest_tag": NEW_TAG,
    }
    assert world.store.get("plugins", 2)["updated_at"] == "2024-05-01T12:00:00Z"


def test_upgrade_syncs_the_source_files_and_keeps_the_others(client: FlaskClient) -> None:
    client.patch(PLUGINS + "2/update_source/", json={"notes.md": "mine"}, headers=AUTH)

    client.post(PLUGINS + "2/upgrade/", headers=AUTH)

    files = client.get(PLUGINS + "2/source/", headers=AUTH).json
    assert list(files) == ["plugin.json", "index.ts", "notes.md"]
    assert files["notes.md"] == "mine"
    assert "const ignored = (config.ignoredEvents || '')" in files["index.ts"]
    # plugin.json is stored re-serialized, compact, as json.dumps writes it.
    assert files["plugin.json"].startswith('{"name": "Taxonomy Plugin", "description": ')


def test_upgrade_of_a_source_plugin_answers_it_unchanged(client: FlaskClient, world: World) -> None:
    before = world.store.export()
    plugin = client.get(PLUGINS + "3/", headers=AUTH).json

    response = client.post(PLUGINS + "3/upgrade/", headers=AUTH)

    assert response.status_code == 200
    assert response.json == plugin
    assert world.store.export() == before


def test_upgrade_of_a_local_plugin_answers_it_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "plugins" / "local-one"
    folder.mkdir(parents=True)
    (folder / "plugin.json").write_text('{"name": "Local One", "config": []}')
    (folder / "index.ts").write_text("export {}")
    app = app_with_world(tmp_path, plugins_dir=tmp_path / "plugins")
    client = app.test_client()
    installed = client.post(PLUGINS, json={"url": "file:local-one"}, headers=AUTH).json

    response = client.post(PLUGINS + f"{installed['id']}/upgrade/", headers=AUTH)

    assert response.status_code == 200
    assert response.json == installed
    assert installed["plugin_type"] == "local"


def test_upgrade_makes_a_repository_plugin_custom(client: FlaskClient) -> None:
    response = client.post(PLUGINS + "1/upgrade/", headers=AUTH)

    assert response.status_code == 200
    assert response.json["plugin_type"] == "custom"
    assert response.json["tag"] == "2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e"


# repository


def test_repository_answers_the_list_as_a_plain_array(client: FlaskClient) -> None:
    response = client.get(PLUGINS + "repository/", headers=AUTH)

    assert response.status_code == 200
    assert response.json == [
        {
            "name": "GeoIP",
            "url": "https://github.com/PostHog/posthog-plugin-geoip",
            "description": "Enrich PostHog events and persons with IP location data",
            "verified": True,
            "maintainer": "official",
            "displayOnWebsiteLib": True,
            "type": "data_in",
        },
        {
            "name": "Taxonomy Plugin",
            "url": "https://github.com/PostHog/taxonomy-plugin",
            "description": "Standardize your event names into a single pattern.",
            "verified": True,
            "maintainer": "official",
            "displayOnWebsiteLib": True,
            "type": "data_in",
        },
        {
            "name": "Hello World",
            "url": "https://github.com/PostHog/helloworldplugin",
            "description": "Greet every event with a property of your choice.",
            "verified": False,
            "maintainer": "community",
            "displayOnWebsiteLib": False,
            "type": "data_in",
        },
    ]


# Permissions: access levels, membership, keys with scopes, other organizations' plugins.


@pytest.mark.parametrize(("method", "action"), DETAIL_ACTIONS + LIST_ACTIONS)
def test_no_plugin_access_is_refused(tmp_path: Path, method: str, action: str) -> None:
    client = app_with_world(tmp_path, level=0).test_client()
    path = PLUGINS + ("2/" if (method, action) in DETAIL_ACTIONS else "") + action

    response = call(client, method, path, json={})

    assert response.status_code == 403
    assert response.json == INSUFFICIENT


@pytest.mark.parametrize(
    ("method", "action", "status", "body"),
    [
        ("GET", "check_for_updates/", 404, NOT_FOUND),
        ("GET", "source/", 404, NOT_FOUND),
        ("PATCH", "update_source/", 403, INSUFFICIENT),
        ("POST", "upgrade/", 403, INSUFFICIENT),
    ],
)
def test_config_access_cannot_reach_detail_actions(
    tmp_path: Path, method: str, action: str, status: int, body: dict[str, Any]
) -> None:
    client = app_with_world(tmp_path, level=3).test_client()

    response = call(client, method, PLUGINS + "2/" + action, json={})

    assert response.status_code == status
    assert response.json == body


@pytest.mark.parametrize("level", [3, 6, 9])
@pytest.mark.parametrize("action", ["activity/", "repository/"])
def test_config_access_and_up_reach_list_actions(tmp_path: Path, level: int, action: str) -> None:
    client = app_with_world(tmp_path, level=level).test_client()

    assert client.get(PLUGINS + action, headers=AUTH).status_code == 200


@pytest.mark.parametrize("level", [6, 9])
@pytest.mark.parametrize(("method", "action"), DETAIL_ACTIONS)
def test_install_access_and_up_reach_detail_actions(
    tmp_path: Path, level: int, method: str, action: str
) -> None:
    client = app_with_world(tmp_path, level=level).test_client()

    assert call(client, method, PLUGINS + "2/" + action, json={}).status_code == 200


@pytest.mark.parametrize(("method", "action"), DETAIL_ACTIONS + LIST_ACTIONS)
def test_a_non_member_is_refused(tmp_path: Path, method: str, action: str) -> None:
    client = app_with_world(tmp_path).test_client()
    detail = f"{OTHER_PLUGIN}/" if (method, action) in DETAIL_ACTIONS else ""

    response = call(client, method, OTHER_PLUGINS + detail + action, json={})

    assert response.status_code == 403
    assert response.json == NO_PERMISSION


@pytest.mark.parametrize(("method", "action"), DETAIL_ACTIONS + LIST_ACTIONS)
def test_a_key_with_scopes_is_refused_on_every_custom_action(
    tmp_path: Path, method: str, action: str
) -> None:
    client = app_with_world(tmp_path).test_client()
    path = PLUGINS + ("2/" if (method, action) in DETAIL_ACTIONS else "") + action

    response = call(client, method, path, json={}, headers=bearer(SCOPED_KEY))

    assert response.status_code == 403
    assert response.json == error(
        "authentication_error",
        "permission_denied",
        "This action does not support Personal API Key access",
    )


@pytest.mark.parametrize(("method", "action"), DETAIL_ACTIONS)
def test_another_organizations_plugin_is_not_found(
    tmp_path: Path, method: str, action: str
) -> None:
    client = app_with_world(tmp_path).test_client()

    response = call(client, method, PLUGINS + f"{OTHER_PLUGIN}/" + action, json={})

    assert response.status_code == 404
    assert response.json == NOT_FOUND


@pytest.mark.parametrize(("method", "action"), DETAIL_ACTIONS)
def test_another_organizations_global_plugin_is_refused(
    tmp_path: Path, method: str, action: str
) -> None:
    client = app_with_world(tmp_path).test_client()
    path = PLUGINS + f"{OTHER_GLOBAL_PLUGIN}/" + action

    outsider = call(client, method, path, json={})
    member = call(client, method, path, json={}, headers=bearer(BOTH_ORGS_KEY))

    assert (outsider.status_code, outsider.json) == (403, NO_PERMISSION)
    assert member.status_code == 403
    assert member.json == error(
        "authentication_error",
        "permission_denied",
        "This plugin installation is managed by another organization.",
    )


def test_the_owner_reaches_its_global_plugin(tmp_path: Path) -> None:
    client = app_with_world(tmp_path).test_client()
    path = OTHER_PLUGINS + f"{OTHER_GLOBAL_PLUGIN}/source/"

    response = client.get(path, headers=bearer(BOTH_ORGS_KEY))

    assert response.status_code == 200
    assert response.json == {}
