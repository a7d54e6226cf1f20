"""The default world of DESIGN.md's contract, as a new user's first requests see it."""

from __future__ import annotations

from flask.testing import FlaskClient

from mock_posthog import __version__
from mock_posthog.world.world import World
from tests.conftest import API_KEY, AUTH, ORG_ID, PLUGINS
from tests.worlds import GEOIP, HELLO_SOURCE, TAXONOMY, plugins_url


def test_the_first_list_shows_the_three_plugins(client: FlaskClient) -> None:
    response = client.get(PLUGINS, headers=AUTH)

    assert response.status_code == 200
    assert response.json == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [GEOIP, TAXONOMY, HELLO_SOURCE],
    }


def test_the_seeded_organization_project_user_and_key(world: World) -> None:
    seeded = world.store.export()

    assert seeded["organizations"] == [
        {
            "id": "00000000-0000-4000-8000-000000000001",
            "name": "Mock Organization",
            "plugins_access_level": 9,
        }
    ]
    assert [(project["id"], project["organization_id"]) for project in seeded["projects"]] == [
        (1, "00000000-0000-4000-8000-000000000001")
    ]
    (user,) = seeded["users"]
    assert user["organization_ids"] == ["00000000-0000-4000-8000-000000000001"]
    assert user["current_project_id"] == 1
    (key,) = seeded["personal_api_keys"]
    assert key["value"] == "phx_mock_personal_api_key"
    assert key["user_id"] == user["id"]
    assert (key["scopes"], key["scoped_organizations"], key["scoped_teams"]) == (None, None, None)


def test_current_organization_is_the_users_through_project_1(client: FlaskClient) -> None:
    response = client.get(plugins_url("@current"), headers=AUTH)

    assert response.status_code == 200
    assert response.json["count"] == 3


def test_the_key_works_from_the_query_string_too(client: FlaskClient) -> None:
    response = client.get(f"{PLUGINS}?personal_api_key={API_KEY}")

    assert response.status_code == 200


def test_the_organization_is_root_so_it_may_manage_global_plugins(client: FlaskClient) -> None:
    response = client.patch(plugins_url(ORG_ID, 2), json={"is_global": True}, headers=AUTH)

    assert response.status_code == 200
    assert response.json == {**TAXONOMY, "is_global": True}


def test_health_says_ready_with_the_version_and_counts(client: FlaskClient) -> None:
    response = client.get("/_mock/health")

    assert response.status_code == 200
    assert response.json == {
        "status": "ok",
        "version": __version__,
        "tables": {
            "organizations": 1,
            "projects": 1,
            "users": 1,
            "personal_api_keys": 1,
            "plugins": 3,
            "plugin_configs": 2,
            "plugin_log_entries": 5,
            "plugin_archives": 3,
            "plugin_repository": 3,
            "plugin_attachments": 0,
            "app_metrics": 1,
            "plugin_jobs": 0,
        },
    }


def test_reset_brings_back_the_seeded_world(client: FlaskClient, world: World) -> None:
    seeded = world.store.export()
    client.delete(plugins_url(ORG_ID, 2), headers=AUTH)
    client.post(PLUGINS, json={"plugin_type": "source", "name": "new"}, headers=AUTH)

    response = client.post("/_mock/reset")

    assert response.status_code == 200
    assert world.store.export() == seeded
    assert client.get(PLUGINS, headers=AUTH).json["count"] == 3
