"""The plugin handlers' rules pinned where a slip would pass unnoticed: who may make a plugin
global, the ids a plugin path finds, the project a detail route needs, the scope each CRUD
action asks of a key, what an install stores, and the 500 of an install without a URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.api.journal_notes import assert_500_because
from tests.conftest import AUTH, ORG_ID, PLUGINS, error
from tests.worlds import (
    access_level,
    app_from_tables,
    app_with,
    bearer,
    default_tables,
    key,
    organization,
    plugin,
    user,
)

INSTALL, ROOT = 6, 9
NOT_FOUND = error("invalid_request", "not_found", "Not found.")
CANNOT_MANAGE_GLOBAL = error(
    "authentication_error", "permission_denied", "This organization can't manage global plugins!"
)
FROZEN = "2024-01-02T03:04:05Z"


def at_level(tmp_path: Path, level: int) -> FlaskClient:
    return app_with(tmp_path, access_level(level)).test_client()


# is_global: ROOT's alone. An install is refused only `true`; a change any value at all.


def test_an_install_asking_to_be_global_below_root_is_refused(
    tmp_path: Path,
) -> None:
    client = at_level(tmp_path, INSTALL)

    response = client.post(PLUGINS, json={"plugin_type": "source", "is_global": True}, headers=AUTH)

    assert (response.status_code, response.json) == (403, CANNOT_MANAGE_GLOBAL)
    assert [item["id"] for item in client.get(PLUGINS, headers=AUTH).json["results"]] == [1, 2, 3]


def test_an_install_asking_to_be_local_below_root_is_made(tmp_path: Path) -> None:
    client = at_level(tmp_path, INSTALL)

    response = client.post(
        PLUGINS, json={"plugin_type": "source", "is_global": False}, headers=AUTH
    )

    assert response.status_code == 201
    assert response.json["is_global"] is False


def test_an_install_asking_to_be_global_at_root_is_made(client: FlaskClient) -> None:
    response = client.post(PLUGINS, json={"plugin_type": "source", "is_global": True}, headers=AUTH)

    assert response.status_code == 201
    assert response.json["is_global"] is True


@pytest.mark.parametrize("value", [True, False])
def test_a_change_naming_is_global_below_root_is_refused_whatever_its_value(
    tmp_path: Path, value: bool
) -> None:
    client = at_level(tmp_path, INSTALL)

    response = client.patch(f"{PLUGINS}2/", json={"is_global": value}, headers=AUTH)

    assert (response.status_code, response.json) == (403, CANNOT_MANAGE_GLOBAL)
    assert client.get(f"{PLUGINS}2/", headers=AUTH).json["is_global"] is False


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_a_change_without_is_global_below_root_is_made(tmp_path: Path, method: str) -> None:
    client = at_level(tmp_path, INSTALL)

    response = client.open(f"{PLUGINS}2/", method=method, json={"name": "Renamed"}, headers=AUTH)

    assert response.status_code == 200
    assert (response.json["id"], response.json["name"]) == (2, "Renamed")


# The ids a plugin path finds: those PostHog's integer id column can hold.


def test_a_plugin_id_beyond_the_integer_column_finds_nothing(tmp_path: Path) -> None:
    largest, beyond = 2**31 - 1, 2**31
    extras = [
        plugin(number, ORG_ID, f"P{number}", owner="x", tag="1" * 40)
        for number in (largest, beyond)
    ]
    client = app_with(tmp_path, {"plugins": extras}).test_client()

    found = client.get(f"{PLUGINS}{largest}/", headers=AUTH)
    missing = client.get(f"{PLUGINS}{beyond}/", headers=AUTH)

    assert (found.status_code, found.json["id"]) == (200, 2147483647)
    assert (missing.status_code, missing.json) == (404, NOT_FOUND)


def test_a_plugin_restored_under_id_0_is_not_found_by_its_path(client: FlaskClient) -> None:
    state = client.get("/_mock/state").json
    state["plugins"]["0"] = {**state["plugins"]["2"], "id": 0}
    assert client.put("/_mock/state", json=state).status_code == 200

    response = client.get(f"{PLUGINS}0/", headers=AUTH)

    assert (response.status_code, response.json) == (404, NOT_FOUND)


# A detail route needs a project (ProjectMembershipNecessaryPermissions), the list does not,
# and activity is the project's.

PROJECTLESS_ORG_ID = "00000000-0000-4000-8000-000000000003"
PROJECTLESS_PLUGINS = f"/api/organizations/{PROJECTLESS_ORG_ID}/plugins/"
PROJECTLESS_KEY = "phx_projectless_key"


@pytest.fixture
def projectless(tmp_path: Path) -> FlaskClient:
    """An organization without any project, its one member, and a plugin of its own."""
    tables = default_tables()
    tables["organizations"].append(organization(PROJECTLESS_ORG_ID, "Projectless"))
    tables["users"].append(user(4, [PROJECTLESS_ORG_ID], None))
    tables["personal_api_keys"].append(key(PROJECTLESS_KEY, 4))
    tables["plugins"].append(plugin(40, PROJECTLESS_ORG_ID, "Own", owner="x", tag="1" * 40))
    return app_from_tables(tmp_path, tables).test_client()


def test_a_caller_without_any_project_cannot_reach_a_plugin(projectless: FlaskClient) -> None:
    response = projectless.get(f"{PROJECTLESS_PLUGINS}40/", headers=bearer(PROJECTLESS_KEY))

    assert (response.status_code, response.json) == (
        403,
        error(
            "authentication_error",
            "permission_denied",
            "You don't belong to any organization that has a project.",
        ),
    )


def test_a_caller_without_any_project_lists_the_plugins(projectless: FlaskClient) -> None:
    response = projectless.get(PROJECTLESS_PLUGINS, headers=bearer(PROJECTLESS_KEY))

    assert response.status_code == 200
    assert [item["id"] for item in response.json["results"]] == [1, 40]


def test_a_caller_without_any_project_cannot_read_activity(projectless: FlaskClient) -> None:
    response = projectless.get(f"{PROJECTLESS_PLUGINS}activity/", headers=bearer(PROJECTLESS_KEY))

    assert_500_because(
        projectless, response, "the caller has no project, and PostHog reads request.user.team.id"
    )


# Keys with scopes: each CRUD action names the scope it needs, and plugin:write covers reading.


def scoped(tmp_path: Path, scope: str) -> tuple[FlaskClient, dict[str, str]]:
    tables = default_tables()
    tables["personal_api_keys"].append(key("phx_scoped", 1, scopes=[scope]))
    return app_from_tables(tmp_path, tables).test_client(), bearer("phx_scoped")


CRUD = [
    ("GET", PLUGINS, None, 200),
    ("POST", PLUGINS, {"plugin_type": "source", "name": "Scoped"}, 201),
    ("GET", f"{PLUGINS}2/", None, 200),
    ("PUT", f"{PLUGINS}2/", {"name": "Put"}, 200),
    ("PATCH", f"{PLUGINS}2/", {"name": "Patched"}, 200),
    ("DELETE", f"{PLUGINS}3/", None, 204),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), CRUD)
def test_a_key_scoped_to_writing_plugins_does_every_crud_action(
    tmp_path: Path, method: str, path: str, body: Any, status: int
) -> None:
    client, headers = scoped(tmp_path, "plugin:write")

    assert client.open(path, method=method, json=body, headers=headers).status_code == status


@pytest.mark.parametrize(("method", "path", "body", "status"), CRUD)
def test_a_key_scoped_to_reading_plugins_only_reads(
    tmp_path: Path, method: str, path: str, body: Any, status: int
) -> None:
    client, headers = scoped(tmp_path, "plugin:read")

    response = client.open(path, method=method, json=body, headers=headers)

    if method == "GET":
        assert response.status_code == 200
    else:
        assert (response.status_code, response.json) == (
            403,
            error(
                "authentication_error",
                "permission_denied",
                "API key missing required scope 'plugin:write'",
            ),
        )


# What an install stores, and its 500 without a URL.


def test_a_source_install_stores_a_whole_plugin_record(client: FlaskClient) -> None:
    client.post("/_mock/clock/freeze", json={"at": FROZEN})

    response = client.post(PLUGINS, json={"plugin_type": "source"}, headers=AUTH)

    assert response.status_code == 201
    assert client.get("/_mock/state").json["plugins"]["4"] == {
        "id": 4,
        "organization_id": ORG_ID,
        "plugin_type": "source",
        "name": None,
        "description": None,
        "url": None,
        "icon": None,
        "config_schema": {},
        "tag": None,
        "latest_tag": None,
        "latest_tag_checked_at": None,
        "is_global": False,
        "is_stateless": False,
        "capabilities": {},
        "metrics": {},
        "public_jobs": {},
        "source_files": {},
        "created_at": FROZEN,
        "updated_at": FROZEN,
    }


@pytest.mark.parametrize("body", [{"plugin_type": "custom", "url": None}, {"url": 5}])
def test_an_install_without_a_url_is_a_500_the_journal_explains(
    client: FlaskClient, world: World, body: dict[str, Any]
) -> None:
    before = world.store.export()

    response = client.post(PLUGINS, json=body, headers=AUTH)

    assert_500_because(client, response, f"a non-source plugin needs a `url`, got {body['url']!r}")
    assert world.store.export() == before


# How a plugin shows its organization when a restored state names none that exists.


def test_a_plugin_of_an_organization_that_is_gone_shows_no_organization_name(
    client: FlaskClient,
) -> None:
    state = client.get("/_mock/state").json
    gone = "00000000-0000-4000-8000-0000000000ff"
    state["plugins"]["1"]["organization_id"] = gone
    assert client.put("/_mock/state", json=state).status_code == 200

    first = client.get(PLUGINS, headers=AUTH).json["results"][0]

    assert (first["id"], first["organization_id"], first["organization_name"]) == (1, gone, "")
