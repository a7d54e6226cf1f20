"""The plugin actions' rules pinned where a slip would pass unnoticed: what update_source keeps
when a file's text is the same, the longest file name it takes, the plugin.json it reads and
each 500 it answers, with the cause the journal writes in its notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.api.journal_notes import assert_500_because, last_notes
from tests.conftest import AUTH, ORG_ID, PLUGINS
from tests.worlds import app_with, plugin

UPDATE_SOURCE = f"{PLUGINS}3/update_source/"  # Hello Source, with plugin.json and index.ts
TRANSPILED_SITE = {
    "source": "export function inject() {}",
    "status": "TRANSPILED",
    "transpiled": "function inject() {}",
    "error": None,
}


def stored(client: FlaskClient, plugin_id: int) -> dict[str, Any]:
    record: dict[str, Any] = client.get("/_mock/state").get_json()["plugins"][str(plugin_id)]
    return record


@pytest.fixture
def site_plugin(tmp_path: Path) -> FlaskClient:
    """A source plugin without plugin.json whose site.ts the plugin server has transpiled."""
    site = plugin(
        30,
        ORG_ID,
        "Site",
        owner="x",
        tag="1" * 40,
        plugin_type="source",
        url=None,
        source_files={"site.ts": TRANSPILED_SITE},
        updated_at="2024-02-01T00:00:00Z",
    )
    return app_with(tmp_path, {"plugins": [site]}).test_client()


# What update_source keeps.


def test_update_source_with_a_files_own_text_keeps_its_transpilation(
    site_plugin: FlaskClient,
) -> None:
    response = site_plugin.patch(
        f"{PLUGINS}30/update_source/", json={"site.ts": TRANSPILED_SITE["source"]}, headers=AUTH
    )

    assert (response.status_code, response.json) == (200, {"site.ts": TRANSPILED_SITE["source"]})
    record = stored(site_plugin, 30)
    assert record["source_files"] == {"site.ts": TRANSPILED_SITE}
    assert record["updated_at"] == "2024-02-01T00:00:00Z"


def test_update_source_of_a_plugin_without_plugin_json_adds_the_file(
    site_plugin: FlaskClient,
) -> None:
    response = site_plugin.patch(
        f"{PLUGINS}30/update_source/", json={"index.ts": "export {}"}, headers=AUTH
    )

    assert (response.status_code, response.json) == (
        200,
        {"site.ts": TRANSPILED_SITE["source"], "index.ts": "export {}"},
    )
    assert stored(site_plugin, 30)["name"] == "Site"


def test_update_source_takes_a_file_name_of_200_characters(client: FlaskClient) -> None:
    name = "f" * 196 + ".txt"

    response = client.patch(UPDATE_SOURCE, json={name: "text"}, headers=AUTH)

    assert response.status_code == 200
    assert response.json[name] == "text"


# Its 500s, and why.


def test_update_source_with_a_file_name_of_201_characters_is_a_500(
    client: FlaskClient, world: World
) -> None:
    before = world.store.export()

    response = client.patch(UPDATE_SOURCE, json={"f" * 197 + ".txt": "text"}, headers=AUTH)

    assert_500_because(client, response, "a source file name longer than 200")
    assert world.store.export() == before


@pytest.mark.parametrize(("body", "kind"), [([1], "list"), ("text", "str"), (5, "int")])
def test_update_source_with_a_body_that_is_no_object_is_a_500_naming_it(
    client: FlaskClient, body: Any, kind: str
) -> None:
    response = client.patch(
        UPDATE_SOURCE, data=json.dumps(body), content_type="application/json", headers=AUTH
    )

    assert_500_because(
        client, response, f"update_source iterates the body's items, and the body is a {kind}"
    )


def test_update_source_with_an_object_for_a_files_text_is_a_500(client: FlaskClient) -> None:
    response = client.patch(UPDATE_SOURCE, json={"index.ts": {"a": 1}}, headers=AUTH)

    assert_500_because(client, response, "cannot store a dict in the text column source")


def test_update_source_with_unreadable_plugin_json_is_a_500_with_the_parsers_words(
    client: FlaskClient,
) -> None:
    response = client.patch(UPDATE_SOURCE, json={"plugin.json": "{"}, headers=AUTH)

    assert_500_because(
        client,
        response,
        "update_source: plugin.json is not valid JSON (Expecting property name enclosed in "
        "double quotes: line 1 column 2 (char 1))",
    )


def test_update_source_with_a_plugin_json_name_that_is_no_text_is_a_500(
    client: FlaskClient,
) -> None:
    response = client.patch(
        UPDATE_SOURCE, json={"plugin.json": json.dumps({"name": ["a"]})}, headers=AUTH
    )

    assert_500_because(client, response, "cannot store a list in the text column name")


# plugin.json that is JSON but no object: Python's `in` and `[]` decide, as in PostHog.


@pytest.mark.parametrize("manifest", [[1, 2], "no keys here", []])
def test_a_plugin_json_without_name_or_config_to_read_changes_nothing_of_the_plugin(
    client: FlaskClient, manifest: Any
) -> None:
    response = client.patch(UPDATE_SOURCE, json={"plugin.json": json.dumps(manifest)}, headers=AUTH)

    assert response.status_code == 200
    assert response.json["plugin.json"] == json.dumps(manifest)
    record = client.get(f"{PLUGINS}3/", headers=AUTH).json
    assert (record["name"], len(record["config_schema"])) == ("Hello Source", 2)


@pytest.mark.parametrize(
    ("manifest", "kind"),
    [(["name"], "list"), ("a name", "str"), (5, "int"), (True, "bool")],
)
def test_a_plugin_json_that_python_cannot_read_a_name_from_is_a_500(
    client: FlaskClient, world: World, manifest: Any, kind: str
) -> None:
    before = world.store.export()

    response = client.patch(UPDATE_SOURCE, json={"plugin.json": json.dumps(manifest)}, headers=AUTH)

    assert_500_because(
        client,
        response,
        f"update_source: plugin.json holds a {kind}, and PostHog fails reading its 'name'",
    )
    assert world.store.export() == before


# upgrade: what the journal notes of a body it ignores and of a type it changes.


@pytest.mark.parametrize(
    ("plugin_id", "body", "notes"),
    [
        (
            2,
            {"url": "https://github.com/someone/else"},
            ["upgrade ignores its request body, as PostHog does"],
        ),
        (3, {"name": "ignored"}, ["upgrade ignores its request body, as PostHog does"]),
        (2, None, []),
        (
            1,
            None,
            ["upgrade makes a repository plugin custom: PostHog re-derives the type from {}"],
        ),
    ],
)
def test_upgrade_notes_the_body_it_ignores_and_the_type_it_changes(
    client: FlaskClient, plugin_id: int, body: Any, notes: list[str]
) -> None:
    response = client.post(f"{PLUGINS}{plugin_id}/upgrade/", json=body, headers=AUTH)

    assert response.status_code == 200
    assert last_notes(client) == notes


# OPTIONS: DRF names an extra action after its function.


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("2/check_for_updates/", "Check for updates"),
        ("2/source/", "Source"),
        ("2/update_source/", "Update source"),
        ("2/upgrade/", "Upgrade"),
        ("activity/", "All activity"),
        ("repository/", "Repository"),
    ],
)
def test_options_names_each_action_after_its_function(
    client: FlaskClient, path: str, name: str
) -> None:
    response = client.options(PLUGINS + path, headers=AUTH)

    assert (response.status_code, response.json["name"]) == (200, name)
