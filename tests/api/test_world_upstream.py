"""The internet stays where it was: a world file without upstream tables keeps the default
world's upstream (GitHub and npm exist whatever the PostHog world is), a file's upstream tables
add to it, and MOCK_POSTHOG_EMPTY_UPSTREAM starts from none."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from mock_posthog import MockPostHog, Settings, create_app
from mock_posthog.harness.live import LiveServer
from tests.conftest import AUTH, ORG_ID, PLUGINS
from tests.worlds import DEFAULT_FIXTURES

REPOSITORY = PLUGINS + "repository/"
HELLO = "https://github.com/PostHog/helloworldplugin"
HELLO_TAG = "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e"
# The default world's plugin repository list, by name.
DEFAULT_REPOSITORY = ["GeoIP", "Taxonomy Plugin", "Hello World"]
OWN_PLUGIN = "https://github.com/example/own-plugin"
OWN_ENTRY = {"name": "Own Plugin", "url": OWN_PLUGIN, "description": "Ours."}


def world_file(tmp_path: Path, **upstream: list[dict[str, Any]]) -> Path:
    """The default world's PostHog tables (organizations, keys, plugins...), with only the
    upstream tables given here."""
    tables = json.loads(DEFAULT_FIXTURES.read_text("utf-8"))
    del tables["plugin_archives"], tables["plugin_repository"]
    path = tmp_path / "my-world.json"
    path.write_text(json.dumps({**tables, **upstream}), "utf-8")
    return path


def client_of(*paths: Path, environ: dict[str, str] | None = None) -> FlaskClient:
    settings = Settings.from_env(environ or {}, fixtures=paths, validate_responses=True)
    return create_app(settings).test_client()


def repository_names(client: FlaskClient) -> list[str]:
    response = client.get(REPOSITORY, headers=AUTH)
    assert response.status_code == 200
    return [entry["name"] for entry in response.json]


def install(client: FlaskClient, url: str) -> Any:
    return client.post(PLUGINS, json={"url": url}, headers=AUTH)


def test_a_world_file_without_upstream_keeps_the_default_repository_list(tmp_path: Path) -> None:
    assert repository_names(client_of(world_file(tmp_path))) == DEFAULT_REPOSITORY


def test_a_world_file_without_upstream_installs_posthogs_plugins_from_their_archives(
    tmp_path: Path,
) -> None:
    response = install(client_of(world_file(tmp_path)), HELLO)

    assert response.status_code == 201
    assert response.json["name"] == "Hello World"
    assert response.json["description"] == "Greet every event with a property of your choice."
    assert response.json["tag"] == HELLO_TAG


def test_a_world_files_repository_entries_add_to_the_default_list(tmp_path: Path) -> None:
    renamed = {"name": "GeoIP, renamed", "url": "https://github.com/PostHog/posthog-plugin-geoip"}
    path = world_file(tmp_path, plugin_repository=[OWN_ENTRY, renamed])

    # An entry of the same URL replaces the default one in its place; a new one comes last.
    assert repository_names(client_of(path)) == [
        "GeoIP, renamed",
        "Taxonomy Plugin",
        "Hello World",
        "Own Plugin",
    ]


def test_a_world_files_archives_add_to_the_default_archives(tmp_path: Path) -> None:
    files = {"plugin.json": {"name": "Own Plugin", "description": "Ours."}, "index.ts": ""}
    path = world_file(
        tmp_path, plugin_archives=[{"url": OWN_PLUGIN, "releases": [{"tag": "v1", "files": files}]}]
    )
    client = client_of(path)

    own = install(client, OWN_PLUGIN)
    hello = install(client, HELLO)

    assert (own.status_code, own.json["name"], own.json["tag"]) == (201, "Own Plugin", "v1")
    assert (hello.status_code, hello.json["name"], hello.json["tag"]) == (
        201,
        "Hello World",
        HELLO_TAG,
    )


def test_empty_upstream_starts_a_world_file_without_the_default_upstream(tmp_path: Path) -> None:
    path = world_file(tmp_path, plugin_repository=[OWN_ENTRY])
    client = client_of(path, environ={"MOCK_POSTHOG_EMPTY_UPSTREAM": "1"})

    assert repository_names(client) == ["Own Plugin"]
    # No archive: PostHog's install reads a made-up plugin named after the repository.
    made_up = install(client, HELLO)
    assert made_up.status_code == 201
    assert (made_up.json["name"], made_up.json["description"]) == ("helloworldplugin", "")


def test_empty_upstream_empties_the_default_worlds_upstream_too() -> None:
    client = client_of(environ={"MOCK_POSTHOG_EMPTY_UPSTREAM": "true"})

    assert client.get(REPOSITORY, headers=AUTH).json == []
    assert client.get(PLUGINS + "1/", headers=AUTH).json["name"] == "GeoIP"  # the rest stays
    assert client.get("/_mock/upstream").json == {"archives": [], "repository": []}


def test_a_reset_keeps_the_upstream_the_world_started_with(tmp_path: Path) -> None:
    client = client_of(world_file(tmp_path))
    client.put("/_mock/upstream/repository", json=[OWN_ENTRY])

    assert client.post("/_mock/reset").status_code == 200

    assert repository_names(client) == DEFAULT_REPOSITORY


def test_fixtures_loaded_by_a_handle_keep_the_worlds_upstream(tmp_path: Path) -> None:
    path = world_file(tmp_path)
    handle = MockPostHog()

    handle.load_fixtures(path)

    listed = handle.get(f"/api/organizations/{ORG_ID}/plugins/repository/")
    assert [entry["name"] for entry in listed.json] == DEFAULT_REPOSITORY


@pytest.mark.parametrize("environ", [{}, {"MOCK_POSTHOG_EMPTY_UPSTREAM": "1"}])
def test_serve_with_a_world_file_answers_the_repository_list(
    tmp_path: Path, environ: dict[str, str]
) -> None:
    path = world_file(tmp_path)

    with LiveServer.start(["--fixtures", str(path)], env=environ) as served:
        listed = requests.get(served.base_url + REPOSITORY, headers=AUTH, timeout=5)

    assert listed.status_code == 200
    expected = [] if environ else DEFAULT_REPOSITORY
    assert [entry["name"] for entry in listed.json()] == expected
