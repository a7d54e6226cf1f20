"""The project-token quirk of PostHog's routing (behaviour doc §C1): a GET with a `token` or
`api_key` query parameter, or a form body with an `api_key` or `token` field, names a project
by its API token. A wrong one is refused (401); a right one replaces the path's project."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tests.api.action_worlds import app_with_world
from tests.conftest import AUTH, CONFIGS, PLUGINS, error

PROJECT_TOKEN = "phc_mock_project_api_token"  # project 1's, in the default world
WRONG = error(
    "authentication_error", "authentication_failed", "Incorrect authentication credentials."
)


@pytest.mark.parametrize("name", ["token", "api_key"])
@pytest.mark.parametrize("url", [PLUGINS, CONFIGS, "/api/plugin_config/"])
def test_a_wrong_project_token_on_a_get_is_401(client: FlaskClient, name: str, url: str) -> None:
    response = client.get(f"{url}?{name}=phc_wrong", headers=AUTH)

    assert response.status_code == 401
    assert response.get_json() == WRONG
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("name", ["api_key", "token"])
def test_a_wrong_token_in_a_form_body_is_401(client: FlaskClient, name: str) -> None:
    response = client.patch(CONFIGS + "1/", data={"order": "3", name: "nope"}, headers=AUTH)

    assert (response.status_code, response.get_json()) == (401, WRONG)


def test_a_token_in_the_query_of_a_patch_is_not_read(client: FlaskClient) -> None:
    response = client.patch(CONFIGS + "1/?token=phc_wrong", json={"order": 3}, headers=AUTH)

    assert response.status_code == 200


def test_a_right_token_replaces_the_paths_project(tmp_path: Path) -> None:
    client = app_with_world(tmp_path).test_client()

    response = client.get(f"/api/projects/2/plugin_configs/?token={PROJECT_TOKEN}", headers=AUTH)

    assert response.status_code == 200
    assert [config["team_id"] for config in response.get_json()["results"]] == [1, 1]


def test_a_right_token_on_an_unknown_project_still_answers_for_its_own(
    client: FlaskClient,
) -> None:
    response = client.get(
        f"/api/projects/999/plugin_configs/?api_key={PROJECT_TOKEN}", headers=AUTH
    )

    assert response.status_code == 200
    assert response.get_json()["count"] == 2


def test_a_token_needs_a_personal_api_key_too(client: FlaskClient) -> None:
    response = client.get(f"{CONFIGS}?token={PROJECT_TOKEN}")

    assert response.status_code == 401
    assert response.get_json() == error(
        "authentication_error", "not_authenticated", "Authentication credentials were not provided."
    )


def test_an_empty_token_is_no_token(client: FlaskClient) -> None:
    response = client.get(f"{CONFIGS}?token=", headers=AUTH)

    assert response.status_code == 200
