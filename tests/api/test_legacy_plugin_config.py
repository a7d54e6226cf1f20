"""/api/plugin_config/: PostHog's legacy flat router (LegacyPluginConfigViewSet), which its
frontend calls. The same operations as /api/projects/@current/plugin_configs/ on the key
owner's current project, without `logs` (behaviour doc §C4 "Legacy", §5)."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from tests.api.action_worlds import BOTH_ORGS_KEY, NO_PROJECT_KEY, app_with_world
from tests.conftest import AUTH, error
from tests.plugin_config_support import CONFIG_1, CONFIG_2, FROZEN, FROZEN_TEXT, USER
from tests.worlds import bearer

LEGACY = "/api/plugin_config/"
TAXONOMY_INFO_NAME = "Taxonomy Plugin"


def test_list_is_the_current_projects_configs(client: FlaskClient) -> None:
    response = client.get(LEGACY, headers=AUTH)

    assert response.status_code == 200
    assert response.get_json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [CONFIG_1, CONFIG_2],
    }


def test_list_without_the_trailing_slash_pages_with_absolute_links(client: FlaskClient) -> None:
    body = client.get("/api/plugin_config?limit=1", headers=AUTH).get_json()

    assert body["next"] == "http://localhost/api/plugin_config?limit=1&offset=1"
    assert [config["id"] for config in body["results"]] == [1]


def test_create_retrieve_patch_put_and_delete(client: FlaskClient) -> None:
    created = client.post(LEGACY, json={"plugin": 1, "order": 3, "enabled": True}, headers=AUTH)
    assert created.status_code == 201
    assert created.get_json()["id"] == 3
    assert created.get_json()["team_id"] == 1

    retrieved = client.get(LEGACY + "1/", headers=AUTH)
    assert retrieved.status_code == 200
    assert retrieved.get_json()["plugin_info"]["name"] == TAXONOMY_INFO_NAME

    patched = client.patch(LEGACY + "1", json={"enabled": False}, headers=AUTH)
    assert patched.status_code == 200
    assert patched.get_json()["enabled"] is False

    put = client.put(LEGACY + "1/", json={"plugin": 2, "order": 7}, headers=AUTH)
    assert (put.status_code, put.get_json()["order"]) == (200, 7)

    deleted = client.delete(LEGACY + "2/", headers=AUTH)
    assert (deleted.status_code, deleted.data) == (204, b"")
    assert client.get(LEGACY + "2/", headers=AUTH).get_json()["enabled"] is False


def test_rearrange_is_keyed_by_plugin_id_and_answers_the_enabled_configs(
    client: FlaskClient,
) -> None:
    response = client.patch(LEGACY + "rearrange/", json={"orders": {"2": 5}}, headers=AUTH)

    assert response.status_code == 200
    assert sorted((config["id"], config["order"]) for config in response.get_json()) == [
        (1, 5),
        (2, 2),
    ]


def test_frontend_answers_javascript(client: FlaskClient) -> None:
    response = client.get(LEGACY + "1/frontend/", headers=AUTH)

    assert response.status_code == 200
    assert response.data == b'export function getFrontendApp () { return {"no_frontend": true} }'


def test_job_is_refused_as_on_the_project_route(client: FlaskClient) -> None:
    response = client.post(LEGACY + "1/job/", json={"job": {}}, headers=AUTH)

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "invalid_input", "The job type must be specified!"
    )


def test_logs_are_not_served_on_the_legacy_router(client: FlaskClient) -> None:
    response = client.get(LEGACY + "1/logs/", headers=AUTH)

    assert response.status_code == 404
    assert response.get_json() == error("invalid_request", "not_found", "Endpoint not found.")


def test_no_credentials_is_401(client: FlaskClient) -> None:
    response = client.get(LEGACY)

    assert response.status_code == 401
    assert response.get_json() == error(
        "authentication_error", "not_authenticated", "Authentication credentials were not provided."
    )


def test_it_follows_the_key_owners_current_project(tmp_path: Path) -> None:
    client = app_with_world(tmp_path).test_client()

    mine = client.get(LEGACY, headers=AUTH).get_json()
    theirs = client.get(LEGACY, headers=bearer(BOTH_ORGS_KEY)).get_json()

    assert mine["count"] == 2
    assert theirs == {"count": 0, "next": None, "previous": None, "results": []}
    other = client.get(LEGACY + "1/", headers=bearer(BOTH_ORGS_KEY))
    assert other.get_json() == error("invalid_request", "not_found", "Not found.")


def test_a_user_without_any_project_is_told_the_endpoint_requires_one(tmp_path: Path) -> None:
    """legacy_team_compatibility: parents_query_dict raises a ValidationError, a 400."""
    client = app_with_world(tmp_path).test_client()

    response = client.get(LEGACY, headers=bearer(NO_PROJECT_KEY))

    assert response.status_code == 400
    assert response.get_json() == error(
        "validation_error", "invalid_input", "This endpoint requires a project."
    )


def test_the_journal_names_the_legacy_operation(client: FlaskClient) -> None:
    client.get(LEGACY, headers=AUTH)
    client.patch(LEGACY + "1/", json={"order": 3}, headers=AUTH)

    listed = client.get("/_mock/requests").get_json()["results"]

    assert [entry["route"] for entry in listed] == [
        "plugin_config_list",
        "plugin_config_partial_update",
    ]


def test_the_openapi_document_marks_the_legacy_form_deprecated(client: FlaskClient) -> None:
    paths = client.get("/api/schema/").get_json()["paths"]

    assert sorted(path for path in paths if path.startswith(LEGACY)) == [
        "/api/plugin_config/",
        "/api/plugin_config/rearrange/",
        "/api/plugin_config/{id}/",
        "/api/plugin_config/{id}/frontend/",
        "/api/plugin_config/{id}/job/",
    ]
    listed = paths[LEGACY]["get"]
    assert listed["operationId"] == "plugin_config_list"
    assert listed["deprecated"] is True
    assert "LegacyPluginConfigViewSet" in listed["description"]
    assert sorted(paths["/api/plugin_config/{id}/"]) == ["delete", "get", "patch", "put"]


def test_activity_of_a_legacy_change_is_the_current_projects(client: FlaskClient) -> None:
    world = client.application.extensions["mock_posthog"].world
    world.clock.freeze(FROZEN)
    client.patch(LEGACY + "1/", json={"enabled": False}, headers=AUTH)

    results = client.get("/api/organizations/@current/plugins/activity/", headers=AUTH).get_json()[
        "results"
    ]

    assert results == [
        {
            "user": USER,
            "activity": "disabled",
            "scope": "PluginConfig",
            "item_id": "1",
            "detail": {"name": "Taxonomy Plugin", "changes": [], "trigger": None, "short_id": None},
            "created_at": FROZEN_TEXT,
        }
    ]
