"""What PostHog reads from a plugin's URL and its archive, pinned where a slip would pass
unnoticed: the fields plugin.json gives, the source files a sync keeps, and each 500 PostHog's
plain exceptions give, with the cause the journal writes in its notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.posthog import upstream
from mock_posthog.world.world import World
from tests.api.journal_notes import assert_500_because, last_notes
from tests.conftest import AUTH, ORG_ID, PLUGINS, error
from tests.worlds import app_with, plugin

BROKEN = "https://github.com/someone/broken-plugin"


def control(client: FlaskClient, path: str) -> Any:
    return client.get(path).get_json()


def install(client: FlaskClient, url: str) -> Any:
    return client.post(PLUGINS, json={"url": url}, headers=AUTH)


# The URL: what parse_url reads, and what it cannot.


def test_an_upgrade_of_a_plugin_without_a_url_is_a_500_naming_the_url(tmp_path: Path) -> None:
    no_url = plugin(20, ORG_ID, "No Url", owner="someone", tag="1" * 40, url=None)
    client = app_with(tmp_path, {"plugins": [no_url]}).test_client()

    response = client.post(PLUGINS + "20/upgrade/", headers=AUTH)

    assert_500_because(
        client, response, "the plugin's URL is None, which PostHog's parse_url cannot read"
    )


def test_a_url_is_read_without_its_slashes_only(client: FlaskClient) -> None:
    response = install(client, "https://github.com/someone/pluginX/")

    assert response.status_code == 201
    assert (response.json["name"], response.json["url"]) == (
        "pluginX",
        "https://github.com/someone/pluginX/",
    )


def test_an_npm_url_without_a_package_is_a_500_the_journal_explains(
    client: FlaskClient, world: World
) -> None:
    before = world.store.export()

    response = install(client, "https://www.npmjs.com/package/v/1.0.0")

    assert_500_because(
        client,
        response,
        "'https://www.npmjs.com/package/v/1.0.0' names no npm package, so PostHog cannot fetch it",
    )
    assert world.store.export() == before


def test_an_npm_package_is_kept_under_its_npmjs_url(client: FlaskClient) -> None:
    release = {
        "url": "https://npmjs.com/package/mock-npm-plugin",
        "tag": "2.0.0",
        "files": {"plugin.json": json.dumps({"name": "Npm One"}), "index.js": "export {}"},
    }

    published = client.post("/_mock/upstream/releases", json=release)

    assert published.status_code == 201
    assert published.get_json()["url"] == "https://www.npmjs.com/package/mock-npm-plugin"


# plugin.json: the 500s of what PostHog reads without checking.


def manifest(**fields: Any) -> str:
    return json.dumps(fields)


@pytest.mark.parametrize(
    ("files", "why"),
    [
        (
            {"plugin.json": "{broken"},
            "plugin.json is not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1)",
        ),
        ({"plugin.json": "[1]"}, "plugin.json holds a list, not an object"),
        (
            {"plugin.json": manifest(description="no name"), "index.js": "code"},
            "plugin.json has no `name`, which PostHog reads without a default",
        ),
        (
            {"plugin.json": manifest(name=["a"]), "index.js": "code"},
            "cannot store a list in the text column name",
        ),
        (
            {"plugin.json": manifest(name="N", description={"a": 1}), "index.js": "code"},
            "cannot store a dict in the text column description",
        ),
        (
            {"plugin.json": manifest(name="N" * 201), "index.js": "code"},
            "value too long for type character varying(200) (name)",
        ),
        (
            {"plugin.json": manifest(name="N", icon="i" * 801), "index.js": "code"},
            "value too long for type character varying(800) (icon)",
        ),
        (
            {"plugin.json": manifest(name="N", stateless=True, config=5), "index.js": "code"},
            "plugin.json's `config` has no length",
        ),
        (
            {"plugin.json": manifest(name="N", main="dist/main.js"), "index.js": "code"},
            "Could not find main file dist/main.js in the plugin's archive",
        ),
        (
            {"plugin.json": manifest(name="N", main=5), "index.js": "code"},
            "Could not find main file 5 in the plugin's archive",
        ),
        (
            {"plugin.json": manifest(name="N"), "main.js": "code"},
            "Could not find main file index.js or index.ts in the plugin's archive",
        ),
    ],
    ids=[
        "invalid-json",
        "not-an-object",
        "no-name",
        "list-name",
        "dict-description",
        "name-too-long",
        "icon-too-long",
        "config-without-length",
        "main-missing",
        "main-not-a-string",
        "no-index-file",
    ],
)
def test_an_archive_posthog_fails_on_is_a_500_the_journal_explains(
    client: FlaskClient, world: World, files: dict[str, str], why: str
) -> None:
    upstream.publish_release(world.store, BROKEN, "v2", files)
    before = world.store.export()

    response = install(client, BROKEN)

    assert_500_because(client, response, why)
    assert world.store.export() == before


def test_a_plugin_json_that_is_empty_is_no_plugin_json(client: FlaskClient, world: World) -> None:
    upstream.publish_release(world.store, BROKEN, "v2", {"plugin.json": "[]", "index.js": "c"})

    response = install(client, BROKEN)

    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", "Could not find plugin.json in the plugin"),
    )


def installed(client: FlaskClient, world: World, files: dict[str, str]) -> Any:
    url = "https://github.com/someone/pinned-plugin"
    upstream.publish_release(world.store, url, "v2", files)
    response = install(client, url)
    assert response.status_code == 201, response.json
    return response.json


def stored_plugin(client: FlaskClient, plugin_id: int) -> dict[str, Any]:
    plugins = control(client, "/_mock/snapshot")["plugins"]
    return next(plugin for plugin in plugins if plugin["id"] == plugin_id)


def test_the_columns_take_values_up_to_their_length(client: FlaskClient, world: World) -> None:
    files = {"plugin.json": manifest(name="N" * 200, icon="i" * 800), "index.js": "code"}

    plugin = installed(client, world, files)

    assert (plugin["name"], plugin["icon"]) == ("N" * 200, "i" * 800)


def test_numbers_and_booleans_are_stored_as_their_json_text(
    client: FlaskClient, world: World
) -> None:
    files = {"plugin.json": manifest(name=5, description=1.5, icon=True), "index.js": "code"}

    plugin = installed(client, world, files)

    assert (plugin["name"], plugin["description"], plugin["icon"]) == ("5", "1.5", "true")


def test_what_plugin_json_leaves_out_takes_posthogs_defaults(
    client: FlaskClient, world: World
) -> None:
    plugin = installed(client, world, {"plugin.json": manifest(name="Bare"), "index.js": "c"})

    assert (plugin["description"], plugin["icon"], plugin["config_schema"]) == ("", None, [])
    assert plugin["public_jobs"] == {}
    assert stored_plugin(client, plugin["id"])["is_stateless"] is False


def test_plugin_json_gives_each_field(client: FlaskClient, world: World) -> None:
    config = [{"key": "a", "type": "string"}]
    jobs: dict[str, Any] = {"Run": {"payload": {}}}
    text = manifest(
        name="Full", description="All.", icon="https://i", config=config, publicJobs=jobs
    )

    plugin = installed(client, world, {"plugin.json": text, "index.js": "c"})

    assert (plugin["name"], plugin["description"], plugin["icon"]) == ("Full", "All.", "https://i")
    assert (plugin["config_schema"], plugin["public_jobs"]) == (config, jobs)


def test_a_stateless_plugin_without_config_installs(client: FlaskClient, world: World) -> None:
    text = manifest(name="Stateless", stateless=True, config=[])

    plugin = installed(client, world, {"plugin.json": text, "index.js": "c"})

    assert stored_plugin(client, plugin["id"])["is_stateless"] is True


# The source files a sync keeps.


def sources(client: FlaskClient, plugin_id: int) -> Any:
    return client.get(PLUGINS + f"{plugin_id}/source/", headers=AUTH).get_json()


@pytest.mark.parametrize(
    ("files", "index"),
    [
        ({"index.js": "js", "index.ts": "ts"}, "js"),
        ({"index.ts": "ts"}, "ts"),
    ],
    ids=["index-js-first", "index-ts"],
)
def test_the_main_file_is_kept_as_index_ts(
    client: FlaskClient, world: World, files: dict[str, str], index: str
) -> None:
    plugin = installed(client, world, {"plugin.json": manifest(name="M"), **files})

    assert sources(client, plugin["id"]) == {
        "plugin.json": '{"name": "M"}',
        "index.ts": index,
    }


def test_the_main_file_plugin_json_names_is_kept_as_index_ts(
    client: FlaskClient, world: World
) -> None:
    text = manifest(name="M", main="lib/main.js")
    files = {"plugin.json": text, "lib/main.js": "main", "index.js": "not this"}

    plugin = installed(client, world, files)

    assert sources(client, plugin["id"])["index.ts"] == "main"


@pytest.mark.parametrize("name", ["frontend.tsx", "site.ts"])
def test_a_frontend_or_site_plugin_needs_no_main_file(
    client: FlaskClient, world: World, name: str
) -> None:
    plugin = installed(client, world, {"plugin.json": manifest(name="F"), name: "ui"})

    assert sources(client, plugin["id"]) == {"plugin.json": '{"name": "F"}', name: "ui"}
    stored = stored_plugin(client, plugin["id"])["source_files"][name]
    assert stored == {"source": "ui", "status": None, "transpiled": None, "error": None}


def test_an_upgrade_removes_the_files_the_new_release_lacks(
    client: FlaskClient, world: World
) -> None:
    first = {"plugin.json": manifest(name="U"), "frontend.tsx": "ui", "site.ts": "site"}
    plugin = installed(client, world, first)
    url = "https://github.com/someone/pinned-plugin"
    upstream.publish_release(
        world.store, url, "v3", {"plugin.json": manifest(name="U"), "index.ts": "ts"}
    )

    client.post(PLUGINS + f"{plugin['id']}/upgrade/", headers=AUTH)

    assert sources(client, plugin["id"]) == {"plugin.json": '{"name": "U"}', "index.ts": "ts"}


# `file:` plugins, read from the plugins directory.


def local_client(tmp_path: Path, folder: str, files: dict[str, str]) -> FlaskClient:
    where = tmp_path / "plugins" / folder
    where.mkdir(parents=True)
    for name, text in files.items():
        (where / name).write_text(text, "utf-8")
    return app_with(tmp_path, plugins_dir=tmp_path / "plugins").test_client()


def assert_local_refusal(response: Any, path: str) -> None:
    detail = f"Could not load plugin.json from: {path}"
    assert (response.status_code, response.json) == (
        400,
        error("validation_error", "invalid_input", detail),
    )


@pytest.mark.parametrize("folder", ["group/pluginX", "pluginX"])
def test_a_local_plugin_without_a_name_is_named_after_its_folder(
    tmp_path: Path, folder: str
) -> None:
    files = {"plugin.json": manifest(description="Local."), "index.js": "js", "site.ts": "s"}
    client = local_client(tmp_path, folder, files)

    response = install(client, f"file:{folder}/")

    assert response.status_code == 201
    plugin = response.json
    assert (plugin["name"], plugin["plugin_type"], plugin["url"]) == (
        "pluginX",
        "local",
        f"file:{folder}/",
    )
    assert (plugin["tag"], plugin["latest_tag"]) == (None, None)
    assert sources(client, plugin["id"]) == {
        "plugin.json": '{"description": "Local."}',
        "site.ts": "s",
        "index.ts": "js",
    }
    stored = stored_plugin(client, plugin["id"])
    assert (stored["tag"], stored["latest_tag"], stored["url"]) == (None, None, f"file:{folder}/")


def test_a_local_plugin_reads_each_file_it_keeps(tmp_path: Path) -> None:
    files = {
        "plugin.json": manifest(name="L"),
        "index.ts": "ts",
        "frontend.tsx": "ui",
        "other.js": "not read",
    }
    client = local_client(tmp_path, "local", files)

    plugin = install(client, "file:local").json

    assert sources(client, plugin["id"]) == {
        "plugin.json": '{"name": "L"}',
        "frontend.tsx": "ui",
        "index.ts": "ts",
    }


def test_a_local_plugin_s_text_is_read_as_utf_8(tmp_path: Path) -> None:
    client = local_client(tmp_path, "local", {"plugin.json": manifest(name="Ünï"), "index.js": "é"})

    plugin = install(client, "file:local").json

    assert plugin["name"] == "Ünï"
    assert sources(client, plugin["id"])["index.ts"] == "é"


def test_a_local_folder_without_plugin_json_is_refused(tmp_path: Path) -> None:
    client = local_client(tmp_path, "local", {"index.js": "js"})

    response = install(client, "file:local")

    assert_local_refusal(response, "local/plugin.json")


def test_bytes_that_are_not_utf_8_are_read_as_replacement_characters(tmp_path: Path) -> None:
    client = local_client(tmp_path, "local", {"plugin.json": manifest(name="L")})
    (tmp_path / "plugins" / "local" / "index.js").write_bytes(b"ok \xff")

    plugin = install(client, "file:local").json

    assert sources(client, plugin["id"])["index.ts"] == "ok \ufffd"


# The upstream: what PostHog fetches, and the 500s of what it cannot.

EMPTY = "https://github.com/someone/empty-plugin"
TAXONOMY = "https://github.com/PostHog/taxonomy-plugin"


def empty_archive_client(tmp_path: Path) -> FlaskClient:
    extra = {
        "plugin_archives": [{"url": EMPTY, "releases": []}],
        "plugins": [plugin(20, ORG_ID, "Empty Plugin", owner="someone", tag="1" * 40)],
    }
    return app_with(tmp_path, extra).test_client()


def test_a_repository_without_releases_has_no_latest_release(tmp_path: Path) -> None:
    client = empty_archive_client(tmp_path)

    response = client.get(PLUGINS + "20/check_for_updates/", headers=AUTH)

    assert_500_because(
        client, response, f"could not get the latest release of {EMPTY}: it has none"
    )


def test_a_ref_of_a_repository_without_releases_cannot_be_downloaded(tmp_path: Path) -> None:
    client = empty_archive_client(tmp_path)

    response = install(client, EMPTY + "/tree/main")

    assert_500_because(
        client, response, f"could not download {EMPTY} at 'main': it has no releases"
    )


def test_an_unreachable_repository_is_a_500_the_journal_explains(client: FlaskClient) -> None:
    client.post("/_mock/upstream/reachability", json={"url": TAXONOMY, "unreachable": True})

    response = client.post(PLUGINS + "2/upgrade/", headers=AUTH)

    assert_500_because(
        client,
        response,
        f"{TAXONOMY} is unreachable (set through /_mock/upstream), "
        "so PostHog's request to it fails",
    )


def test_a_ref_that_is_no_release_or_branch_serves_the_latest_release(
    client: FlaskClient,
) -> None:
    client.delete(PLUGINS + "2/", headers=AUTH)

    response = install(client, TAXONOMY + "/tree/nobranch")

    assert (response.status_code, response.json["tag"]) == (201, "nobranch")
    assert last_notes(client) == [
        f"'nobranch' is not a release or branch of {TAXONOMY}; serving its latest release's files"
    ]


def test_a_file_given_as_a_json_value_reads_as_that_value_serialized(
    client: FlaskClient, world: World
) -> None:
    files: dict[str, Any] = {"plugin.json": {"name": "Inline"}, "index.js": {"code": [1]}}

    plugin = installed(client, world, files)

    assert sources(client, plugin["id"])["index.ts"] == '{\n    "code": [\n        1\n    ]\n}'


def test_a_url_without_an_archive_installs_a_made_up_plugin(client: FlaskClient) -> None:
    plugin = install(client, "https://github.com/someone/made-up-plugin").json

    assert sources(client, plugin["id"]) == {
        "plugin.json": '{"name": "made-up-plugin", "description": "", '
        '"url": "https://github.com/someone/made-up-plugin", "config": []}',
        "index.ts": "export function processEvent(event) {\n    return event\n}\n",
    }


def test_a_local_plugin_holds_the_fields_of_any_other_plugin(tmp_path: Path) -> None:
    client = local_client(tmp_path, "local", {"plugin.json": manifest(name="L"), "index.js": "j"})

    plugin = install(client, "file:local").json

    assert sorted(stored_plugin(client, plugin["id"])) == sorted(stored_plugin(client, 1))


def test_a_folder_outside_whose_plugin_json_links_inside_is_refused(tmp_path: Path) -> None:
    client = local_client(tmp_path, "good", {"plugin.json": manifest(name="Inside")})
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "plugin.json").symlink_to(tmp_path / "plugins" / "good" / "plugin.json")

    response = install(client, "file:../outside")

    assert_local_refusal(response, "../outside/plugin.json")


# update_source: the source file's name column.


def test_a_source_file_name_may_be_as_long_as_its_column(client: FlaskClient) -> None:
    name = "n" * 200

    response = client.patch(PLUGINS + "2/update_source/", json={name: "x"}, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json()[name] == "x"


def test_a_longer_source_file_name_is_a_500_the_journal_explains(
    client: FlaskClient, world: World
) -> None:
    before = world.store.export()

    response = client.patch(PLUGINS + "2/update_source/", json={"n" * 201: "x"}, headers=AUTH)

    assert_500_because(client, response, "a source file name longer than 200")
    assert world.store.export() == before


def test_a_commit_named_by_an_abbreviated_sha_installs_that_release(client: FlaskClient) -> None:
    client.delete(PLUGINS + "2/", headers=AUTH)

    response = install(client, TAXONOMY + "/commit/7e9f1a2")

    assert (response.status_code, response.json["tag"]) == (201, "7e9f1a2")
    assert last_notes(client) == []


def test_a_prefix_shorter_than_an_abbreviated_sha_names_no_release(client: FlaskClient) -> None:
    client.delete(PLUGINS + "2/", headers=AUTH)

    response = install(client, TAXONOMY + "/tree/7e9f")

    assert (response.status_code, response.json["tag"]) == (201, "7e9f")
    assert last_notes(client) == [
        f"'7e9f' is not a release or branch of {TAXONOMY}; serving its latest release's files"
    ]


def test_an_upgrade_reads_the_plugin_type_anew(client: FlaskClient) -> None:
    response = client.post(PLUGINS + "1/upgrade/", headers=AUTH)

    assert (response.status_code, response.get_json()["plugin_type"]) == (200, "custom")


def test_publishing_to_a_url_without_an_archive_stores_its_made_up_release(
    client: FlaskClient,
) -> None:
    url = "https://github.com/someone/new-plugin"
    files = {"plugin.json": manifest(name="New"), "index.js": "js"}

    client.post("/_mock/upstream/releases", json={"url": url, "tag": "v2", "files": files})

    archives = control(client, "/_mock/snapshot")["plugin_archives"]
    (archive,) = [archive for archive in archives if archive["url"] == url]
    made_up = archive["releases"][0]
    assert made_up["files"] == {
        "plugin.json": '{\n    "name": "new-plugin",\n    "description": "",\n'
        '    "url": "https://github.com/someone/new-plugin",\n    "config": []\n}',
        "index.ts": "export function processEvent(event) {\n    return event\n}\n",
    }
    assert archive["releases"][1] == {"tag": "v2", "files": files}


def test_a_url_without_an_archive_is_reachable_and_made_up(client: FlaskClient) -> None:
    url = "https://www.npmjs.com/package/never-published"

    response = client.post("/_mock/upstream/reachability", json={"url": url, "unreachable": False})

    assert response.get_json() == {
        "url": url,
        "releases": ["1.0.0"],
        "latest_tag": "1.0.0",
        "unreachable": False,
        "made_up": True,
    }


def test_the_repository_list_keeps_its_order_whatever_ids_its_entries_carry(
    client: FlaskClient,
) -> None:
    entries = [
        {"name": "Second", "url": "https://github.com/a/second", "id": 2},
        {"name": "First", "url": "https://github.com/a/first", "id": 1},
    ]

    client.put("/_mock/upstream/repository", json=entries)

    listed = client.get(PLUGINS + "repository/", headers=AUTH).get_json()
    assert [entry["name"] for entry in listed] == ["Second", "First"]
