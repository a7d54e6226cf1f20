"""The organization plugins routes, faithful to posthog-api-behaviour.md §3.1 to §3.5."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_posthog.world import data_file
from mock_posthog.world.world import World
from tests.conftest import AUTH, ORG_ID, PLUGINS, error, make_app
from tests.worlds import (
    GEOIP,
    HELLO_SOURCE,
    OTHER_AUTH,
    OTHER_ORG_ID,
    SHARED_AUTH,
    TAXONOMY,
    app_with,
    other_organization,
    plugins_url,
)

SERVER_ERROR = error("server_error", "error", "A server error occurred.")
NOT_FOUND = error("invalid_request", "not_found", "Not found.")

HELLO_URL = "https://github.com/PostHog/helloworldplugin"
FIRST_SHA = "3c1d5b2a9e8f7d6c5b4a39281706f5e4d3c2b1a0"
LATEST_SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a0a1b2c3d4"
HELLO_CONFIG = {"bar": {"name": "What's in the bar?", "type": "string", "default": "baz"}}
HELLO_ARCHIVE = {
    "url": HELLO_URL,
    "releases": [
        {
            "tag": FIRST_SHA,
            "files": {
                "plugin.json": json.dumps(
                    {"name": "helloworldplugin", "description": "Greet the World, vol 1"}
                ),
                "index.js": "export function processEvent(event) { return event }",
            },
        },
        {
            "tag": LATEST_SHA,
            "files": {
                "plugin.json": json.dumps(
                    {
                        "name": "helloworldplugin",
                        "description": "Greet the World and Foo a Bar, JS edition!",
                        "config": HELLO_CONFIG,
                    }
                ),
                "index.js": "export function processEvent(event) { return event }",
            },
        },
    ],
}


def installed(plugin_id: int, **fields: Any) -> dict[str, Any]:
    """A plugin the default organization installed, as PluginSerializer renders it."""
    return {
        "id": plugin_id,
        "plugin_type": "custom",
        "name": None,
        "description": None,
        "url": None,
        "icon": None,
        "config_schema": {},
        "tag": None,
        "latest_tag": None,
        "is_global": False,
        "organization_id": ORG_ID,
        "organization_name": "Mock Organization",
        "capabilities": {},
        "metrics": {},
        "public_jobs": {},
        **fields,
    }


def stored_plugin(world: World, plugin_id: int) -> dict[str, Any] | None:
    return world.store.get("plugins", plugin_id)


@pytest.fixture
def two_organizations(tmp_path: Path) -> Flask:
    return app_with(tmp_path, other_organization(), {"plugin_archives": [HELLO_ARCHIVE]})


@pytest.fixture
def with_archive(tmp_path: Path) -> FlaskClient:
    return app_with(tmp_path, {"plugin_archives": [HELLO_ARCHIVE]}).test_client()


# List (§3.1).


def test_each_organization_lists_its_own_plugins_and_every_global_one(
    two_organizations: Flask,
) -> None:
    client = two_organizations.test_client()
    theirs = client.post(
        plugins_url(OTHER_ORG_ID),
        json={"plugin_type": "source", "name": "theirs"},
        headers=OTHER_AUTH,
    ).json
    their_global = client.post(
        plugins_url(OTHER_ORG_ID),
        json={"plugin_type": "source", "name": "theirs, global", "is_global": True},
        headers=OTHER_AUTH,
    ).json

    mine = client.get(PLUGINS, headers=AUTH).json
    other = client.get(plugins_url(OTHER_ORG_ID), headers=OTHER_AUTH).json

    assert mine["results"] == [GEOIP, TAXONOMY, HELLO_SOURCE, their_global]
    assert other == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [GEOIP, theirs, their_global],
    }


def test_a_plugin_made_global_shows_in_other_organizations(two_organizations: Flask) -> None:
    client = two_organizations.test_client()
    client.patch(plugins_url(ORG_ID, 2), json={"is_global": True}, headers=AUTH)

    other = client.get(plugins_url(OTHER_ORG_ID), headers=OTHER_AUTH).json

    assert other["results"] == [GEOIP, {**TAXONOMY, "is_global": True}]


# Create (§3.2).


@pytest.mark.parametrize("encoding", ["json", "data"], ids=["json", "form"])
def test_a_source_plugin_is_made_from_its_fields(
    client: FlaskClient, world: World, encoding: str
) -> None:
    response = client.post(
        PLUGINS, **{encoding: {"plugin_type": "source", "name": "myplugin"}}, headers=AUTH
    )

    assert response.status_code == 201
    assert response.json == {
        "id": 4,
        "plugin_type": "source",
        "name": "myplugin",
        "description": None,
        "url": None,
        "icon": None,
        "config_schema": {},
        "tag": None,
        "latest_tag": None,
        "is_global": False,
        "organization_id": "00000000-0000-4000-8000-000000000001",
        "organization_name": "Mock Organization",
        "capabilities": {},
        "metrics": {},
        "public_jobs": {},
    }
    assert client.get(plugins_url(ORG_ID, 4), headers=AUTH).json == response.json
    assert stored_plugin(world, 4)["source_files"] == {}  # type: ignore[index]


def test_a_source_plugin_keeps_the_fields_it_was_given(client: FlaskClient) -> None:
    sent = {
        "plugin_type": "source",
        "name": "given",
        "description": "all of it",
        "icon": "https://example.com/icon.png",
        "config_schema": [{"key": "k", "type": "string"}],
        "tag": "v1",
        "url": "https://example.com/not/fetched?private_token=secret",
        "latest_tag": "ignored",
        "capabilities": {"methods": ["processEvent"]},
        "metrics": {"m": 1},
        "public_jobs": {"job": {}},
    }

    response = client.post(PLUGINS, json=sent, headers=AUTH)

    assert (response.status_code, response.json) == (
        201,
        installed(
            4,
            plugin_type="source",
            name="given",
            description="all of it",
            icon="https://example.com/icon.png",
            config_schema=[{"key": "k", "type": "string"}],
            tag="v1",
            url="https://example.com/not/fetched",
            capabilities={"methods": ["processEvent"]},
            metrics={"m": 1},
            public_jobs={"job": {}},
        ),
    )


@pytest.mark.parametrize(
    ("url", "description", "config_schema", "tag"),
    [
        (HELLO_URL, "Greet the World and Foo a Bar, JS edition!", HELLO_CONFIG, LATEST_SHA),
        (f"{HELLO_URL}/commit/{FIRST_SHA}", "Greet the World, vol 1", [], FIRST_SHA),
    ],
    ids=["latest-commit", "commit-url"],
)
def test_a_github_url_installs_its_commit_and_keeps_the_url(
    with_archive: FlaskClient, url: str, description: str, config_schema: Any, tag: str
) -> None:
    response = with_archive.post(PLUGINS, json={"url": url}, headers=AUTH)

    assert (response.status_code, response.json) == (
        201,
        installed(
            4,
            name="helloworldplugin",
            description=description,
            url=url,
            config_schema=config_schema,
            tag=tag,
            latest_tag=tag,
        ),
    )


def test_a_repository_plugin_type_is_kept_any_other_becomes_custom(
    with_archive: FlaskClient,
) -> None:
    repository = with_archive.post(
        PLUGINS, json={"url": HELLO_URL, "plugin_type": "repository"}, headers=AUTH
    )
    local = with_archive.post(
        PLUGINS, json={"url": f"{HELLO_URL}-other", "plugin_type": "local"}, headers=AUTH
    )

    assert (repository.json["plugin_type"], local.json["plugin_type"]) == ("repository", "custom")


def test_the_private_token_is_stored_but_never_shown(with_archive: FlaskClient) -> None:
    response = with_archive.post(
        PLUGINS, json={"url": f"{HELLO_URL}?private_token=s3cret"}, headers=AUTH
    )
    world: World = with_archive.application.extensions["mock_posthog"].world

    assert response.json["url"] == HELLO_URL
    assert with_archive.get(plugins_url(ORG_ID, 4), headers=AUTH).json["url"] == HELLO_URL
    assert stored_plugin(world, 4)["url"] == f"{HELLO_URL}?private_token=s3cret"  # type: ignore[index]


@pytest.mark.parametrize(
    "again",
    [HELLO_URL, f"{HELLO_URL}?private_token=123", f"{HELLO_URL}?private_token=567"],
)
@pytest.mark.parametrize("first", [HELLO_URL, f"{HELLO_URL}?private_token=123"])
def test_the_same_url_twice_in_an_organization_is_refused(
    with_archive: FlaskClient, first: str, again: str
) -> None:
    with_archive.post(PLUGINS, json={"url": first}, headers=AUTH)
    world: World = with_archive.application.extensions["mock_posthog"].world
    before = world.store.export()

    response = with_archive.post(PLUGINS, json={"url": again}, headers=AUTH)

    detail = f'Plugin from URL "{HELLO_URL}" already installed!'
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )
    assert world.store.export() == before


def test_a_url_installed_elsewhere_installs_again(two_organizations: Flask) -> None:
    client = two_organizations.test_client()
    first = client.post(PLUGINS, json={"url": HELLO_URL}, headers=AUTH)

    second = client.post(plugins_url(OTHER_ORG_ID), json={"url": HELLO_URL}, headers=OTHER_AUTH)

    assert (first.status_code, second.status_code) == (201, 201)
    assert (second.json["organization_id"], second.json["tag"]) == (OTHER_ORG_ID, LATEST_SHA)


def test_a_default_world_url_is_already_installed(client: FlaskClient) -> None:
    response = client.post(
        PLUGINS, json={"url": "https://github.com/PostHog/taxonomy-plugin"}, headers=AUTH
    )

    detail = 'Plugin from URL "https://github.com/PostHog/taxonomy-plugin" already installed!'
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )


@pytest.mark.parametrize(
    ("url", "name", "tag"),
    [
        ("https://github.com/someone/some-plugin", "some-plugin", None),
        ("https://gitlab.com/group/gitlab-plugin/-/tree/v2.0.1", "gitlab-plugin", "v2.0.1"),
        ("https://www.npmjs.com/package/npm-plugin/v/1.2.3", "npm-plugin", "1.2.3"),
        ("https://www.npmjs.com/package/@scope/scoped-plugin", "@scope/scoped-plugin", None),
    ],
)
def test_a_url_without_an_archive_in_the_fixtures_installs_believably(
    client: FlaskClient, url: str, name: str, tag: str | None
) -> None:
    response = client.post(PLUGINS, json={"url": url}, headers=AUTH)

    body = response.json
    assert (response.status_code, body["name"], body["url"], body["plugin_type"]) == (
        201,
        name,
        url,
        "custom",
    )
    assert body["tag"] == body["latest_tag"]
    if tag is not None:
        assert body["tag"] == tag
    else:
        assert re.fullmatch(r"[0-9a-f]{40}|\d+\.\d+\.\d+", body["tag"])


@pytest.mark.parametrize(
    "body",
    [
        {"url": "https://example.com/not-a-repository"},
        {"url": "github.com/PostHog/no-scheme"},
        {"url": 42},
        {"name": "no url at all"},
        {},
    ],
)
def test_a_url_that_is_no_repository_is_the_generic_500(
    client: FlaskClient, world: World, body: dict[str, Any]
) -> None:
    before = world.store.export()

    response = client.post(PLUGINS, json=body, headers=AUTH)

    assert (response.status_code, response.json) == (500, SERVER_ERROR)
    assert world.store.export() == before


def test_a_file_url_without_a_plugins_directory_is_refused(
    client: FlaskClient, world: World
) -> None:
    before = world.store.export()

    response = client.post(PLUGINS, json={"url": "file:/srv/plugins/mine"}, headers=AUTH)

    detail = "Could not load plugin.json from: /srv/plugins/mine/plugin.json"
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )
    assert world.store.export() == before


def local_plugin(folder: Path, manifest: Any) -> Path:
    folder.mkdir(parents=True)
    (folder / "plugin.json").write_text(json.dumps(manifest), "utf-8")
    (folder / "index.ts").write_text("export function processEvent(e) { return e }", "utf-8")
    return folder


def test_a_file_url_under_the_plugins_directory_installs_a_local_plugin(tmp_path: Path) -> None:
    folder = local_plugin(
        tmp_path / "plugins" / "mine",
        {"name": "Mine", "description": "From disk", "config": [{"key": "a"}]},
    )
    client = app_with(tmp_path, plugins_dir=tmp_path / "plugins").test_client()

    response = client.post(PLUGINS, json={"url": f"file:{folder}"}, headers=AUTH)

    assert (response.status_code, response.json) == (
        201,
        installed(
            4,
            plugin_type="local",
            name="Mine",
            description="From disk",
            url=f"file:{folder}",
            config_schema=[{"key": "a"}],
        ),
    )


def test_a_local_plugin_without_a_name_is_named_after_its_directory(tmp_path: Path) -> None:
    folder = local_plugin(tmp_path / "plugins" / "nameless", {"description": "d"})
    client = app_with(tmp_path, plugins_dir=tmp_path / "plugins").test_client()

    response = client.post(PLUGINS, json={"url": f"file:{folder}"}, headers=AUTH)

    assert (response.status_code, response.json["name"]) == (201, "nameless")


@pytest.mark.parametrize(
    ("where", "manifest"),
    [("plugins/empty", {}), ("outside", {"name": "x"}), ("plugins/missing", None)],
)
def test_a_file_url_that_gives_no_plugin_json_is_refused(
    tmp_path: Path, where: str, manifest: Any
) -> None:
    folder = tmp_path / where
    if manifest is not None:
        local_plugin(folder, manifest)
    client = app_with(tmp_path, plugins_dir=tmp_path / "plugins").test_client()

    response = client.post(PLUGINS, json={"url": f"file:{folder}"}, headers=AUTH)

    detail = f"Could not load plugin.json from: {folder}/plugin.json"
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )


def test_a_deleted_plugins_id_is_never_given_again(client: FlaskClient) -> None:
    first = client.post(PLUGINS, json={"plugin_type": "source", "name": "a"}, headers=AUTH).json
    client.delete(plugins_url(ORG_ID, first["id"]), headers=AUTH)

    second = client.post(PLUGINS, json={"plugin_type": "source", "name": "b"}, headers=AUTH).json

    assert (first["id"], second["id"]) == (4, 5)


# Retrieve (§3.3).


@pytest.mark.parametrize(("plugin_id", "expected"), [(1, GEOIP), (2, TAXONOMY), (3, HELLO_SOURCE)])
def test_retrieve_shows_one_plugin(client: FlaskClient, plugin_id: int, expected: Any) -> None:
    response = client.get(plugins_url(ORG_ID, plugin_id), headers=AUTH)

    assert (response.status_code, response.json) == (200, expected)


@pytest.mark.parametrize("auth", [OTHER_AUTH, SHARED_AUTH], ids=["outsider", "member-of-both"])
@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
def test_another_organizations_plugin_is_not_found(
    two_organizations: Flask, auth: dict[str, str], method: str
) -> None:
    world: World = two_organizations.extensions["mock_posthog"].world
    before = world.store.export()

    response = two_organizations.test_client().open(
        plugins_url(OTHER_ORG_ID, 2), method=method, json={"name": "x"}, headers=auth
    )

    assert (response.status_code, response.json) == (404, NOT_FOUND)
    assert world.store.export() == before


@pytest.mark.parametrize(
    ("auth", "detail"),
    [
        (OTHER_AUTH, "You do not have permission to perform this action."),
        (SHARED_AUTH, "This plugin installation is managed by another organization."),
    ],
    ids=["outsider", "member-of-both"],
)
@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
def test_another_organizations_global_plugin_is_theirs_to_manage(
    two_organizations: Flask, auth: dict[str, str], detail: str, method: str
) -> None:
    world: World = two_organizations.extensions["mock_posthog"].world
    before = world.store.export()

    response = two_organizations.test_client().open(
        plugins_url(OTHER_ORG_ID, 1), method=method, json={"name": "x"}, headers=auth
    )

    assert (response.status_code, response.json) == (
        403,
        error("authentication_error", "permission_denied", detail),
    )
    assert world.store.export() == before


# Update (§3.4).


def test_patch_changes_the_writable_fields_and_ignores_the_rest(
    client: FlaskClient, world: World
) -> None:
    world.clock.freeze(datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC))
    changes = {
        "plugin_type": "repository",
        "name": "Renamed",
        "description": "New words",
        "icon": "https://example.com/i.png",
        "config_schema": {"k": {"type": "string"}},
        "tag": "v9",
        "capabilities": {"methods": []},
        "metrics": {"events": 1},
        "public_jobs": {"job": {"payload": {}}},
    }
    ignored = {
        "url": "https://github.com/evil/plugin",
        "latest_tag": "0" * 40,
        "id": 99,
        "organization_id": "00000000-0000-4000-8000-000000000002",
        "organization_name": "Elsewhere",
    }

    response = client.patch(plugins_url(ORG_ID, 2), json={**changes, **ignored}, headers=AUTH)

    assert (response.status_code, response.json) == (200, {**TAXONOMY, **changes})
    assert client.get(plugins_url(ORG_ID, 2), headers=AUTH).json == {**TAXONOMY, **changes}
    assert stored_plugin(world, 2)["updated_at"] == "2025-02-03T04:05:06Z"  # type: ignore[index]


def test_a_plugin_can_be_made_local_again_at_root(client: FlaskClient) -> None:
    response = client.patch(plugins_url(ORG_ID, 1), json={"is_global": False}, headers=AUTH)

    assert (response.status_code, response.json) == (200, {**GEOIP, "is_global": False})


# Delete (§3.5).


def test_a_global_plugin_cannot_be_deleted(client: FlaskClient, world: World) -> None:
    before = world.store.export()

    response = client.delete(plugins_url(ORG_ID, 1), headers=AUTH)

    detail = "This plugin is marked as global! Make it local before uninstallation"
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )
    assert world.store.export() == before


def add_config(world: World, plugin_id: int, team_id: int = 1) -> int:
    config = world.store.insert(
        "plugin_configs",
        {
            "plugin": plugin_id,
            "team_id": team_id,
            "enabled": True,
            "order": 1,
            "config": {},
            "error": None,
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": None,
        },
    )
    return int(config["id"])


def add_log_entry(world: World, config_id: int, plugin_id: int, entry_id: str) -> None:
    world.store.insert(
        "plugin_log_entries",
        {
            "id": entry_id,
            "team_id": 1,
            "plugin_id": plugin_id,
            "plugin_config_id": config_id,
            "timestamp": "2024-01-01T00:00:00Z",
            "source": "CONSOLE",
            "type": "INFO",
            "message": "hello",
            "instance_id": "00000000-0000-4000-8000-000000000000",
        },
    )


def test_delete_removes_the_plugin_and_its_configs_everywhere(
    client: FlaskClient, world: World
) -> None:
    doomed = [add_config(world, 2, team_id=1), add_config(world, 2, team_id=1)]
    kept = add_config(world, 3)
    add_log_entry(world, doomed[0], 2, "00000000-0000-4000-8000-00000000000a")
    add_log_entry(world, kept, 3, "00000000-0000-4000-8000-00000000000b")

    response = client.delete(plugins_url(ORG_ID, 2), headers=AUTH)

    assert (response.status_code, response.data) == (204, b"")
    assert "Content-Type" not in response.headers
    assert stored_plugin(world, 2) is None
    remaining = world.store.all("plugin_configs")
    assert [config["id"] for config in remaining if config["plugin"] == 2] == []
    assert kept in [config["id"] for config in remaining]
    logged = {entry["plugin_config_id"] for entry in world.store.all("plugin_log_entries")}
    # Config 1 of the default world is plugin 2's too.
    assert logged & {1, *doomed} == set()
    assert kept in logged
    assert client.get(plugins_url(ORG_ID, 2), headers=AUTH).json == NOT_FOUND
    assert client.get(PLUGINS, headers=AUTH).json["results"] == [GEOIP, HELLO_SOURCE]


# Writes and the data file.


def test_a_write_is_in_the_data_file_before_the_response(tmp_path: Path) -> None:
    data = tmp_path / "data.json"
    client = make_app(data=data).test_client()

    created = client.post(PLUGINS, json={"plugin_type": "source", "name": "kept"}, headers=AUTH)
    on_disk = json.loads(data.read_text("utf-8"))

    assert created.status_code == 201
    assert on_disk["plugins"]["4"]["name"] == "kept"


def test_a_write_that_cannot_be_saved_is_a_500_and_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data.json"
    app = make_app(data=data)
    world: World = app.extensions["mock_posthog"].world
    before, on_disk = world.store.export(), data.read_bytes()

    def disk_full(source: Any, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(data_file.os, "replace", disk_full)
    responses = [
        app.test_client().post(PLUGINS, json={"plugin_type": "source", "name": "n"}, headers=AUTH),
        app.test_client().patch(plugins_url(ORG_ID, 2), json={"name": "n"}, headers=AUTH),
        app.test_client().delete(plugins_url(ORG_ID, 2), headers=AUTH),
    ]

    assert [(response.status_code, response.json) for response in responses] == [
        (500, SERVER_ERROR)
    ] * 3
    assert (world.store.export(), data.read_bytes()) == (before, on_disk)
