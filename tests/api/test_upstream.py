"""The offline upstream: installs from GitHub, GitLab and npm URLs as PostHog reads them
(behaviour doc §3.2), and /_mock/upstream and its Python twins, which change what the
upstream holds while the server runs."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.posthog import upstream
from mock_posthog.world.fixtures import FixtureError
from mock_posthog.world.world import World
from tests.conftest import AUTH, ORG_ID, PLUGINS, error, make_app

HELLO = "https://github.com/PostHog/helloworldplugin"
HELLO_TAG = "0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e"
HELLO_CONFIG = [
    {
        "key": "greeting",
        "name": "What to say",
        "type": "string",
        "default": "Hello world",
        "required": False,
    }
]
TAXONOMY = "https://github.com/PostHog/taxonomy-plugin"
OLD_TAG = "7e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b"
NEW_TAG = "c4f2a9e81b7d6053e2a1f9c8b7d6e5f4a3b2c1d0"
GITLAB = "https://gitlab.com/mock-group/mock-plugin"
NPM = "https://www.npmjs.com/package/posthog-mock-plugin"
SERVER_ERROR = error("server_error", "error", "A server error occurred.")


def hello_plugin(**changes: Any) -> dict[str, Any]:
    return {
        "id": 4,
        "plugin_type": "custom",
        "name": "Hello World",
        "description": "Greet every event with a property of your choice.",
        "url": HELLO,
        "icon": None,
        "config_schema": HELLO_CONFIG,
        "tag": HELLO_TAG,
        "latest_tag": HELLO_TAG,
        "is_global": False,
        "organization_id": ORG_ID,
        "organization_name": "Mock Organization",
        "capabilities": {},
        "metrics": {},
        "public_jobs": {},
        **changes,
    }


def install(client: FlaskClient, url: str, **fields: Any) -> Any:
    return client.post(PLUGINS, json={"url": url, **fields}, headers=AUTH)


def plugin_json(**manifest: Any) -> str:
    return json.dumps(manifest)


# Installing: tag and latest_tag as PostHog sets them for each kind of URL.


@pytest.mark.parametrize(
    ("url", "tag"),
    [
        (HELLO, HELLO_TAG),
        (HELLO + "/", HELLO_TAG),
        ("https://www.github.com/PostHog/helloworldplugin", HELLO_TAG),
        (HELLO + f"/commit/{HELLO_TAG}", HELLO_TAG),
        (HELLO + "/tree/main", "main"),
        (HELLO + "/releases/tag/v1.2.0", "v1.2.0"),
        (HELLO + "/archive/0d1e2f3.zip", "0d1e2f3"),
        (HELLO + "/archive/v1.2.0.tar.gz", "v1.2.0"),
    ],
)
def test_a_github_url_installs_at_its_ref_or_the_latest_release(
    client: FlaskClient, url: str, tag: str
) -> None:
    response = install(client, url)

    assert response.status_code == 201
    assert response.json == hello_plugin(url=url, tag=tag, latest_tag=tag)


def test_a_private_token_is_accepted_kept_and_hidden(client: FlaskClient, world: World) -> None:
    response = install(client, HELLO + "?private_token=s3cret")

    assert response.status_code == 201
    assert response.json == hello_plugin()
    assert world.store.get("plugins", 4)["url"] == HELLO + "?private_token=s3cret"
    again = install(client, HELLO)
    assert again.status_code == 400
    assert again.json == error(
        "validation_error", "invalid_input", f'Plugin from URL "{HELLO}" already installed!'
    )


def test_an_install_asked_as_repository_stays_repository(client: FlaskClient) -> None:
    response = install(client, HELLO, plugin_type="repository")

    assert response.json["plugin_type"] == "repository"


def test_an_install_creates_the_source_files_from_the_archive(client: FlaskClient) -> None:
    install(client, HELLO)

    response = client.get(PLUGINS + "4/source/", headers=AUTH)

    assert response.json == {
        "plugin.json": (
            '{"name": "Hello World", "description": "Greet every event with a property of your '
            'choice.", "url": "https://github.com/PostHog/helloworldplugin", "main": "index.js", '
            '"config": [{"key": "greeting", "name": "What to say", "type": "string", '
            '"default": "Hello world", "required": false}]}'
        ),
        "index.ts": (
            "export function processEvent(event, { config }) {\n"
            "    event.properties = { ...event.properties, greeting: config.greeting }\n"
            "    return event\n"
            "}\n"
        ),
    }


def test_a_commit_url_installs_that_release(client: FlaskClient) -> None:
    response = install(client, TAXONOMY + f"/commit/{OLD_TAG}")

    assert response.status_code == 201
    assert response.json["tag"] == OLD_TAG
    assert response.json["description"] == "Standardize your event names into a single pattern."


@pytest.mark.parametrize(
    ("url", "name", "tag"),
    [
        (GITLAB, "mock-plugin", "e9d53938f5e4eeb4337f7dbae420bf661e63bb78"),
        (GITLAB + "/-/tree/v2", "mock-plugin", "v2"),
        (GITLAB + "/-/commit/abc1234", "mock-plugin", "abc1234"),
        (NPM, "posthog-mock-plugin", "1.0.0"),
        (NPM + "/v/2.1.0", "posthog-mock-plugin", "2.1.0"),
        ("https://www.npmjs.com/package/@posthog/mock-plugin", "@posthog/mock-plugin", "1.0.0"),
    ],
)
def test_gitlab_and_npm_urls_without_an_archive_install_a_made_up_one(
    client: FlaskClient, url: str, name: str, tag: str
) -> None:
    response = install(client, url + "?private_token=abc")

    assert response.status_code == 201
    assert response.json == hello_plugin(
        name=name, description="", url=url, config_schema=[], tag=tag, latest_tag=tag
    )


def test_a_published_gitlab_release_installs(client: FlaskClient, world: World) -> None:
    upstream.publish_release(
        world.store,
        GITLAB,
        "v3",
        {"plugin.json": plugin_json(name="GitLab One", config=[]), "index.ts": "export {}"},
    )

    response = install(client, GITLAB)

    assert response.json["name"] == "GitLab One"
    assert response.json["tag"] == "v3"


@pytest.mark.parametrize(
    "url",
    [
        "https://bitbucket.org/someone/plugin",
        "https://www.npmjs.com/package/lodash.merge",
        HELLO + "/pulls",
        HELLO + "?private_token=a?b",
        GITLAB + "/-/tree",
        "not a url",
    ],
)
def test_a_url_posthog_cannot_parse_answers_500(
    client: FlaskClient, world: World, url: str
) -> None:
    before = world.store.export()

    response = install(client, url)

    assert response.status_code == 500
    assert response.json == SERVER_ERROR
    assert world.store.export() == before


def test_the_500_of_an_invalid_url_names_the_reason(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mock_posthog"):
        install(client, "https://bitbucket.org/someone/plugin")

    assert "is not a GitHub, GitLab or npm URL" in caplog.text


@pytest.mark.parametrize(
    ("files", "status", "body"),
    [
        (
            {"index.js": "code"},
            400,
            error("validation_error", "invalid_input", "Could not find plugin.json in the plugin"),
        ),
        (
            {"plugin.json": "{}", "index.js": "code"},
            400,
            error("validation_error", "invalid_input", "Could not find plugin.json in the plugin"),
        ),
        (
            {"plugin.json": plugin_json(name="S", stateless=True, config=[{"key": "a"}])},
            400,
            error("validation_error", "invalid_input", "Stateless plugins cannot have a config!"),
        ),
        ({"plugin.json": "{broken", "index.js": "code"}, 500, SERVER_ERROR),
        (
            {"plugin.json": plugin_json(description="no name"), "index.js": "code"},
            500,
            SERVER_ERROR,
        ),
        ({"plugin.json": plugin_json(name="N", main="dist/main.js")}, 500, SERVER_ERROR),
    ],
)
def test_an_archive_posthog_cannot_use_is_refused(
    client: FlaskClient, world: World, files: dict[str, str], status: int, body: dict
) -> None:
    url = "https://github.com/someone/broken-plugin"
    upstream.publish_release(world.store, url, "v2", files)
    before = world.store.export()

    response = install(client, url)

    assert response.status_code == status
    assert response.json == body
    assert world.store.export() == before


# /_mock/upstream: publishing releases.


def test_a_published_release_is_found_by_check_for_updates_and_upgrade(
    client: FlaskClient,
) -> None:
    manifest = plugin_json(name="Taxonomy Plugin 3", description="Third.", main="index.js")
    release = {"url": TAXONOMY, "tag": "v3", "files": {"plugin.json": manifest, "index.js": "v3"}}

    published = client.post("/_mock/upstream/releases", json=release)
    checked = client.get(PLUGINS + "2/check_for_updates/", headers=AUTH)
    upgraded = client.post(PLUGINS + "2/upgrade/", headers=AUTH)

    assert published.status_code == 201
    assert published.json == {
        "url": TAXONOMY,
        "releases": [OLD_TAG, NEW_TAG, "v3"],
        "latest_tag": "v3",
        "unreachable": False,
        "made_up": False,
    }
    assert (checked.json["plugin"]["tag"], checked.json["plugin"]["latest_tag"]) == (OLD_TAG, "v3")
    assert upgraded.json["tag"] == "v3"
    assert upgraded.json["name"] == "Taxonomy Plugin 3"
    assert client.get(PLUGINS + "2/source/", headers=AUTH).json["index.ts"] == "v3"


def test_publishing_to_a_url_without_an_archive_keeps_its_made_up_release(
    client: FlaskClient,
) -> None:
    url = "https://github.com/someone/unknown-plugin"
    files = {"plugin.json": {"name": "Inline JSON"}, "index.js": "export {}"}
    release = {"url": url, "tag": "v2", "files": files}

    response = client.post("/_mock/upstream/releases", json=release)

    assert response.status_code == 201
    assert response.json == {
        "url": url,
        "releases": ["c307ea3ef9297be7a768fc1bbf73f326bdc18089", "v2"],
        "latest_tag": "v2",
        "unreachable": False,
        "made_up": False,
    }
    assert install(client, url).json["name"] == "Inline JSON"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (
            {"url": TAXONOMY, "tag": OLD_TAG, "files": {}},
            409,
            f"{TAXONOMY} already has a release '{OLD_TAG}'",
        ),
        (
            {"url": TAXONOMY + "/tree/main", "tag": "v3", "files": {}},
            400,
            f"'{TAXONOMY}/tree/main' names the ref 'main'; publish to {TAXONOMY} itself",
        ),
        (
            {"url": "https://example.com/plugin", "tag": "v3", "files": {}},
            400,
            "'https://example.com/plugin' is not a GitHub, GitLab or npm URL: "
            "Must be a GitHub/GitLab repository or npm package URL!",
        ),
        (
            {"url": TAXONOMY, "tag": "has space", "files": {}},
            400,
            "$.tag: 'has space' does not match '^[A-Za-z0-9_./-]{1,200}$'",
        ),
        (
            {"url": TAXONOMY, "tag": "v3", "files": "index.js"},
            400,
            "$.files: 'index.js' is not of type 'object'",
        ),
        (
            {"url": TAXONOMY, "tag": "v3"},
            400,
            "the body needs exactly url, tag, files; missing files",
        ),
        (
            {"url": TAXONOMY, "tag": "v3", "files": {}, "latest": True},
            400,
            "the body needs exactly url, tag, files; unknown latest",
        ),
        (
            ["not", "an", "object"],
            400,
            "the body must be a JSON object with url, tag, files "
            "(and Content-Type: application/json)",
        ),
    ],
)
def test_a_release_that_cannot_be_published_is_refused_with_the_reason(
    client: FlaskClient, world: World, body: Any, status: int, message: str
) -> None:
    before = world.store.export()

    response = client.post("/_mock/upstream/releases", json=body)

    assert response.status_code == status
    assert response.json == {"error": message}
    assert world.store.export() == before


def test_the_upstream_can_be_read(client: FlaskClient) -> None:
    response = client.get("/_mock/upstream")

    assert response.status_code == 200
    assert [archive["url"] for archive in response.json["archives"]] == [
        "https://github.com/PostHog/posthog-plugin-geoip",
        TAXONOMY,
        HELLO,
    ]
    assert response.json["archives"][1]["releases"] == [OLD_TAG, NEW_TAG]
    assert [entry["name"] for entry in response.json["repository"]] == [
        "GeoIP",
        "Taxonomy Plugin",
        "Hello World",
    ]


def test_reset_brings_the_seeded_upstream_back(client: FlaskClient) -> None:
    release = {"url": TAXONOMY, "tag": "v3", "files": {"plugin.json": plugin_json(name="T")}}
    client.post("/_mock/upstream/releases", json=release)

    client.post("/_mock/reset")

    checked = client.get(PLUGINS + "2/check_for_updates/", headers=AUTH)
    assert checked.json["plugin"]["latest_tag"] == NEW_TAG


# /_mock/upstream: reachability.


def test_an_unreachable_upstream_fails_what_posthog_fetches(
    client: FlaskClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    made = client.post("/_mock/upstream/reachability", json={"url": TAXONOMY, "unreachable": True})
    before = world.store.export()

    with caplog.at_level(logging.INFO, logger="mock_posthog"):
        checked = client.get(PLUGINS + "2/check_for_updates/", headers=AUTH)
    upgraded = client.post(PLUGINS + "2/upgrade/", headers=AUTH)
    installed = install(client, TAXONOMY + f"/commit/{OLD_TAG}")

    assert made.status_code == 200
    assert made.json["unreachable"] is True
    for response in (checked, upgraded, installed):
        assert (response.status_code, response.json) == (500, SERVER_ERROR)
    assert f"{TAXONOMY} is unreachable" in caplog.text
    assert world.store.export() == before


def test_a_url_with_a_ref_is_checked_without_asking_the_upstream(client: FlaskClient) -> None:
    pinned = install(client, TAXONOMY + f"/commit/{OLD_TAG}").json
    client.post("/_mock/upstream/reachability", json={"url": TAXONOMY, "unreachable": True})

    response = client.get(PLUGINS + f"{pinned['id']}/check_for_updates/", headers=AUTH)

    assert response.status_code == 200
    assert response.json["plugin"]["latest_tag"] == OLD_TAG


def test_an_upstream_reachable_again_answers_again(client: FlaskClient) -> None:
    client.post("/_mock/upstream/reachability", json={"url": TAXONOMY, "unreachable": True})

    made = client.post(
        "/_mock/upstream/reachability", json={"url": TAXONOMY + "/", "unreachable": False}
    )

    assert made.json["unreachable"] is False
    assert client.get(PLUGINS + "2/check_for_updates/", headers=AUTH).status_code == 200


def test_a_url_without_an_archive_can_be_made_unreachable(client: FlaskClient) -> None:
    client.post("/_mock/upstream/reachability", json={"url": NPM, "unreachable": True})

    assert install(client, NPM).status_code == 500


def test_reachability_must_be_a_boolean(client: FlaskClient) -> None:
    response = client.post("/_mock/upstream/reachability", json={"url": NPM, "unreachable": "yes"})

    assert response.status_code == 400
    assert response.json == {"error": "`unreachable` must be true or false, not 'yes'"}


# /_mock/upstream: the repository list.


def test_the_repository_list_can_be_replaced(client: FlaskClient) -> None:
    entries = [{"name": "Only One", "url": NPM, "maintainer": "community", "extra": [1, 2]}]

    replaced = client.put("/_mock/upstream/repository", json=entries)

    assert replaced.status_code == 200
    assert replaced.json == entries
    assert client.get(PLUGINS + "repository/", headers=AUTH).json == entries
    assert client.get("/_mock/upstream/repository").json == entries


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([{"name": "No URL"}], "$[0].url: 'url' is a required property"),
        ([{"name": "Bad", "url": 5}], "$[0].url: 5 is not of type 'string'"),
        (
            {"name": "Not a list", "url": NPM},
            "the body must be a JSON array of repository entries (Content-Type: application/json)",
        ),
    ],
)
def test_a_bad_repository_list_is_refused_with_the_reason(
    client: FlaskClient, world: World, body: Any, message: str
) -> None:
    before = world.store.export()

    response = client.put("/_mock/upstream/repository", json=body)

    assert response.status_code == 400
    assert response.json == {"error": message}
    assert world.store.export() == before


# The same controls in Python.


def test_the_python_controls_change_what_the_api_answers(client: FlaskClient, world: World) -> None:
    files = {"plugin.json": plugin_json(name="Nine"), "index.ts": "export {}"}
    upstream.publish_release(world.store, HELLO, "v9", files)
    upstream.set_repository(world.store, [{"name": "Nine", "url": HELLO}])

    installed = install(client, HELLO)
    upstream.set_unreachable(world.store, HELLO, True)
    checked = client.get(PLUGINS + f"{installed.json['id']}/check_for_updates/", headers=AUTH)

    assert (installed.json["name"], installed.json["tag"]) == ("Nine", "v9")
    assert checked.status_code == 500
    assert client.get(PLUGINS + "repository/", headers=AUTH).json == [
        {"name": "Nine", "url": HELLO}
    ]


@pytest.mark.parametrize(
    ("control", "message"),
    [
        (
            lambda store: upstream.publish_release(store, "nowhere", "v1", {}),
            "'nowhere' is not a GitHub, GitLab or npm URL",
        ),
        (
            lambda store: upstream.publish_release(store, HELLO, "v1", {"index.ts": 5}),
            "$.files[\"index.ts\"]: 5 is not of type 'string', 'object', 'array'",
        ),
        (lambda store: upstream.set_unreachable(store, 5, True), "`url` must be a string"),
        (
            lambda store: upstream.set_repository(store, [{"url": HELLO}]),
            "$[0].name: 'name' is a required property",
        ),
    ],
)
def test_the_python_controls_refuse_bad_input_and_change_nothing(
    world: World, control: Any, message: str
) -> None:
    before = world.store.export()

    with pytest.raises(upstream.UpstreamError, match="^" + re.escape(message)):
        control(world.store)

    assert world.store.export() == before


# Fixture files.


def test_a_fixture_archive_with_a_ref_in_its_url_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "archives.json"
    path.write_text(
        json.dumps({"plugin_archives": [{"url": HELLO + "/tree/main", "releases": []}]})
    )

    with pytest.raises(FixtureError) as refused:
        make_app(fixtures=(path,))

    assert refused.value.path == "$.plugin_archives[0].url"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.npmjs.com/package/posthog.plugin",
        "https://www.npmjs.com/package/@posthog/plugin.js",
        "https://www.npmjs.com/package/posthog-plugin/v/1.0.0/extra",
    ],
)
def test_an_npm_url_whose_name_has_a_dot_is_no_plugin_url(client: FlaskClient, url: str) -> None:
    """parse_npm_url's pattern takes `[@a-z0-9_-]` names only: PostHog's parse_url then raises
    its plain exception, a 500."""
    response = install(client, url)

    assert response.status_code == 500
    assert response.json == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }


def test_a_tree_url_keeps_the_branch_as_its_tag_and_installs_the_branch_head(
    client: FlaskClient,
) -> None:
    """The documented era's parse_github_url takes the ref after /tree/ as the tag, and the
    archive downloaded is that branch's head: here the default world's `v1` branch."""
    url = "https://github.com/PostHog/taxonomy-plugin/tree/v1"
    client.delete(f"/api/organizations/{ORG_ID}/plugins/2/", headers=AUTH)

    response = install(client, url)

    assert response.status_code == 201
    assert (response.json["tag"], response.json["latest_tag"]) == ("v1", "v1")
    assert response.json["description"] == "Standardize your event names into a single pattern."
    assert [field["key"] for field in response.json["config_schema"]] == ["defaultNamingConvention"]
