"""`@current` and unknown ids as PostHog's routing resolves them (posthog-api-behaviour.md §C2,
§C4): the current project and its organization rather than the first membership, and 404s
in PostHog's words for what cannot be found."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.api.test_auth import add_key
from tests.conftest import AUTH, ORG_ID, PLUGINS, error
from tests.worlds import (
    OTHER_ORG_ID,
    OTHER_PROJECT_ID,
    access_level,
    app_with,
    other_organization,
)

PROJECT_NOT_FOUND = error("invalid_request", "not_found", "Project not found.")
ORGANIZATION_NOT_FOUND = error("invalid_request", "not_found", "Organization not found.")
NOT_FOUND = error("invalid_request", "not_found", "Not found.")
# A member of both organizations, the default one listed first, working in the other's project.
SECOND_KEY = "phx_works_in_the_second_organization"
SECOND_AUTH = {"Authorization": f"Bearer {SECOND_KEY}"}
# A member of an organization that has no project.
LONELY_KEY = "phx_member_without_any_project"
LONELY_AUTH = {"Authorization": f"Bearer {LONELY_KEY}"}
EMPTY_ORG_ID = "00000000-0000-4000-8000-000000000003"
NEW_PLUGIN = {"plugin_type": "source", "name": "Mine"}


def second_organization_worker() -> dict[str, Any]:
    return {
        "users": [
            {
                "id": 4,
                "email": "second@example.com",
                "organization_ids": [ORG_ID, OTHER_ORG_ID],
                "current_project_id": OTHER_PROJECT_ID,
            }
        ],
        "personal_api_keys": [{"value": SECOND_KEY, "user_id": 4}],
    }


def projectless_member() -> dict[str, Any]:
    return {
        "organizations": [
            {"id": EMPTY_ORG_ID, "name": "Empty Organization", "plugins_access_level": 9}
        ],
        "users": [{"id": 5, "email": "lonely@example.com", "organization_ids": [EMPTY_ORG_ID]}],
        "personal_api_keys": [{"value": LONELY_KEY, "user_id": 5}],
    }


@pytest.fixture
def two_memberships(tmp_path: Path) -> FlaskClient:
    app = app_with(tmp_path, other_organization(), second_organization_worker())
    return app.test_client()


def test_current_organization_is_the_current_projects_not_the_first_membership(
    two_memberships: FlaskClient,
) -> None:
    created = two_memberships.post(
        "/api/organizations/@current/plugins/", json=NEW_PLUGIN, headers=SECOND_AUTH
    )

    assert created.status_code == 201
    assert (created.json["organization_id"], created.json["organization_name"]) == (
        OTHER_ORG_ID,
        "Other Organization",
    )
    mine = f"/api/organizations/{{}}/plugins/{created.json['id']}/"
    assert two_memberships.get(mine.format(OTHER_ORG_ID), headers=SECOND_AUTH).status_code == 200
    assert two_memberships.get(mine.format(ORG_ID), headers=SECOND_AUTH).status_code == 404


def test_current_project_is_the_users_current_one_not_the_first_organizations(
    two_memberships: FlaskClient,
) -> None:
    listed = two_memberships.get("/api/projects/@current/plugin_configs/", headers=SECOND_AUTH)
    created = two_memberships.post(
        "/api/projects/@current/plugin_configs/",
        json={"plugin": 1, "order": 1},
        headers=SECOND_AUTH,
    )

    assert (listed.status_code, listed.json["count"]) == (200, 0)
    assert (created.status_code, created.json["team_id"]) == (201, OTHER_PROJECT_ID)


@pytest.mark.parametrize(
    "url",
    ["/api/projects/@current/plugin_configs/", "/api/projects/@current/plugin_configs/1/"],
    ids=["list", "detail"],
)
def test_current_project_of_a_user_without_any_project_is_not_found(
    tmp_path: Path, url: str
) -> None:
    client = app_with(tmp_path, projectless_member()).test_client()

    response = client.get(url, headers=LONELY_AUTH)

    assert (response.status_code, response.json) == (404, PROJECT_NOT_FOUND)


def test_current_organization_of_a_user_without_any_project_is_the_first_membership(
    tmp_path: Path,
) -> None:
    client = app_with(tmp_path, projectless_member()).test_client()

    response = client.post(
        "/api/organizations/@current/plugins/", json=NEW_PLUGIN, headers=LONELY_AUTH
    )

    assert (response.status_code, response.json["organization_id"]) == (201, EMPTY_ORG_ID)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_organization_uuid_is_not_found_for_a_valid_key(
    client: FlaskClient, method: str
) -> None:
    url = "/api/organizations/00000000-0000-4000-8000-00000000beef/plugins/"

    response = client.open(url, method=method, json=NEW_PLUGIN, headers=AUTH)

    assert (response.status_code, response.json) == (404, ORGANIZATION_NOT_FOUND)


@pytest.mark.parametrize("project_id", ["9", "0", "-1", "9223372036854775808"])
def test_an_unknown_project_id_is_project_not_found(client: FlaskClient, project_id: str) -> None:
    response = client.get(f"/api/projects/{project_id}/plugin_configs/", headers=AUTH)

    assert (response.status_code, response.json) == (404, PROJECT_NOT_FOUND)


@pytest.mark.parametrize("project_id", ["abc", "1.0", "1a", "current"])
def test_a_non_numeric_project_id_is_not_found(client: FlaskClient, project_id: str) -> None:
    response = client.get(f"/api/projects/{project_id}/plugin_configs/", headers=AUTH)

    assert (response.status_code, response.json) == (404, NOT_FOUND)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_reading_needs_only_the_config_access_level(tmp_path: Path, method: str) -> None:
    client = app_with(tmp_path, access_level(3)).test_client()

    response = client.open("/api/organizations/@current/plugins/", method=method, headers=AUTH)

    assert response.status_code == 200


def test_current_project_is_the_users_even_when_it_is_not_its_organizations_first(
    tmp_path: Path,
) -> None:
    later_project = {
        "projects": [{"id": 3, "organization_id": ORG_ID, "name": "Later"}],
        "users": [
            {
                "id": 4,
                "email": "later@example.com",
                "organization_ids": [ORG_ID],
                "current_project_id": 3,
            }
        ],
        "personal_api_keys": [{"value": SECOND_KEY, "user_id": 4}],
    }
    client = app_with(tmp_path, later_project).test_client()

    created = client.post(
        "/api/projects/@current/plugin_configs/",
        json={"plugin": 1, "order": 1},
        headers=SECOND_AUTH,
    )

    assert (created.status_code, created.json["team_id"]) == (201, 3)


def test_a_project_id_by_number_is_that_project(client: FlaskClient) -> None:
    response = client.get("/api/projects/1/plugin_configs/1/", headers=AUTH)

    assert (response.status_code, response.json["id"], response.json["team_id"]) == (200, 1, 1)


def test_a_read_scoped_key_may_ask_for_options(world: World, client: FlaskClient) -> None:
    """DRF's action for OPTIONS is `metadata`, which PostHog's scopes count as a read."""
    headers = add_key(world, "phx_reads_only", scopes=["plugin:read"])

    answer = client.options(PLUGINS, headers=headers)

    assert answer.status_code == 200
    assert answer.get_json()["name"] == "Plugin List"
