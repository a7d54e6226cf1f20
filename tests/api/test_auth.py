"""Who may call (posthog-api-behaviour.md §C1): personal API keys from the header, the body or
the query string, membership, the organization's plugins_access_level, and key scopes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_posthog.contract.errors import PermissionDenied
from mock_posthog.posthog import auth
from mock_posthog.world.world import World
from tests.conftest import API_KEY, AUTH, ORG_ID, PLUGINS, error
from tests.worlds import (
    OTHER_AUTH,
    OTHER_ORG_ID,
    TAXONOMY,
    access_level,
    app_with,
    other_organization,
    plugins_url,
)

NOT_PROVIDED = error(
    "authentication_error", "not_authenticated", "Authentication credentials were not provided."
)
NOT_A_MEMBER = error(
    "authentication_error",
    "permission_denied",
    "You do not have permission to perform this action.",
)
INSUFFICIENT = error(
    "authentication_error",
    "permission_denied",
    "Your organization's plugin access level is insufficient.",
)
NO_GLOBAL = error(
    "authentication_error", "permission_denied", "This organization can't manage global plugins!"
)
NOT_FOUND = error("invalid_request", "not_found", "Not found.")
UNSUPPORTED = error(
    "authentication_error",
    "permission_denied",
    "This action does not support Personal API Key access",
)


def invalid_key(source: str) -> dict[str, Any]:
    detail = f"Personal API key found in request {source} is invalid."
    return error("authentication_error", "authentication_failed", detail)


def missing_scope(scope: str) -> dict[str, Any]:
    return error(
        "authentication_error", "permission_denied", f"API key missing required scope '{scope}'"
    )


# Where the key comes from.


def test_no_credentials_is_401_with_www_authenticate(client: FlaskClient) -> None:
    response = client.get(PLUGINS)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json == NOT_PROVIDED


@pytest.mark.parametrize(
    ("request_args", "source"),
    [
        ({"headers": {"Authorization": "Bearer phx_wrong"}}, "Authorization header"),
        ({"json": {"personal_api_key": "phx_wrong", "plugin_type": "source"}}, "body"),
        ({"data": {"personal_api_key": "phx_wrong", "plugin_type": "source"}}, "body"),
        ({"query_string": {"personal_api_key": "phx_wrong"}}, "query string"),
        ({"query_string": {"personal_api_key": ""}}, "query string"),
        ({"json": {"personal_api_key": ""}}, "body"),
    ],
    ids=["header", "json-body", "form-body", "query", "empty-query", "empty-body"],
)
def test_a_wrong_key_is_401_naming_where_it_was_found(
    client: FlaskClient, request_args: dict[str, Any], source: str
) -> None:
    response = client.post(PLUGINS, **request_args)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json == invalid_key(source)


@pytest.mark.parametrize(
    "request_args",
    [
        {"json": {"personal_api_key": API_KEY, "plugin_type": "source", "name": "n"}},
        {"data": {"personal_api_key": API_KEY, "plugin_type": "source", "name": "n"}},
        {
            "json": {"plugin_type": "source", "name": "n"},
            "query_string": {"personal_api_key": API_KEY},
        },
    ],
    ids=["json-body", "form-body", "query"],
)
def test_a_right_key_works_from_the_body_and_the_query_string(
    client: FlaskClient, request_args: dict[str, Any]
) -> None:
    response = client.post(PLUGINS, **request_args)

    assert response.status_code == 201


def test_only_the_first_key_found_is_tried(client: FlaskClient) -> None:
    """Header, then body, then query string: a later right key does not rescue a wrong one."""
    wrong_header = client.get(
        PLUGINS,
        headers={"Authorization": "Bearer phx_wrong"},
        query_string={"personal_api_key": API_KEY},
    )
    wrong_body = client.post(
        PLUGINS, json={"personal_api_key": "phx_wrong"}, query_string={"personal_api_key": API_KEY}
    )
    right_header = client.get(PLUGINS, headers=AUTH, query_string={"personal_api_key": "phx_wrong"})

    assert (wrong_header.status_code, wrong_header.json) == (
        401,
        invalid_key("Authorization header"),
    )
    assert (wrong_body.status_code, wrong_body.json) == (401, invalid_key("body"))
    assert right_header.status_code == 200


@pytest.mark.parametrize(
    "authorization", [f"bearer {API_KEY}", f"Token {API_KEY}", f"Bearer{API_KEY}", "Bearer x"]
)
def test_anything_but_bearer_and_a_key_counts_as_no_credentials(
    client: FlaskClient, authorization: str
) -> None:
    response = client.get(PLUGINS, headers={"Authorization": authorization})

    assert (response.status_code, response.json) == (401, NOT_PROVIDED)


def test_the_key_of_an_inactive_user_is_invalid(tmp_path: Path) -> None:
    inactive = {
        "users": [
            {
                "id": 1,
                "email": "mock.user@example.com",
                "organization_ids": [ORG_ID],
                "current_project_id": 1,
                "is_active": False,
            }
        ]
    }
    client = app_with(tmp_path, inactive).test_client()

    response = client.get(PLUGINS, headers=AUTH)

    assert (response.status_code, response.json) == (401, invalid_key("Authorization header"))


# Membership.


@pytest.fixture
def two_organizations(tmp_path: Path) -> Flask:
    return app_with(tmp_path, other_organization())


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", plugins_url()),
        ("POST", plugins_url()),
        ("GET", plugins_url(ORG_ID, 2)),
        ("PATCH", plugins_url(ORG_ID, 2)),
        ("PUT", plugins_url(ORG_ID, 2)),
        ("DELETE", plugins_url(ORG_ID, 2)),
    ],
)
def test_a_non_member_is_403(two_organizations: Flask, method: str, url: str) -> None:
    world: World = two_organizations.extensions["mock_posthog"].world
    before = world.store.export()

    response = two_organizations.test_client().open(
        url, method=method, json={"plugin_type": "source", "name": "x"}, headers=OTHER_AUTH
    )

    assert (response.status_code, response.json) == (403, NOT_A_MEMBER)
    assert world.store.export() == before


# plugins_access_level: 0 none, 3 config, 6 install, 9 root.

OK = None  # the route's success
LOW = (403, INSUFFICIENT)
NOT_ROOT = (403, NO_GLOBAL)
HIDDEN = (404, NOT_FOUND)
SOURCE_PLUGIN = {"plugin_type": "source", "name": "mine"}
ACCESS_CASES = [
    # (method, url, body, {level: (status, body) expected, or OK})
    ("GET", plugins_url(), None, {0: LOW, 3: OK, 6: OK, 9: OK}),
    ("POST", plugins_url(), SOURCE_PLUGIN, {0: LOW, 3: LOW, 6: OK, 9: OK}),
    (
        "POST",
        plugins_url(),
        {**SOURCE_PLUGIN, "is_global": True},
        {0: LOW, 3: LOW, 6: NOT_ROOT, 9: OK},
    ),
    ("GET", plugins_url(ORG_ID, 2), None, {0: LOW, 3: HIDDEN, 6: OK, 9: OK}),
    (
        "PATCH",
        plugins_url(ORG_ID, 2),
        {"description": "d"},
        {0: LOW, 3: LOW, 6: OK, 9: OK},
    ),
    (
        "PUT",
        plugins_url(ORG_ID, 2),
        {"description": "d"},
        {0: LOW, 3: LOW, 6: OK, 9: OK},
    ),
    (
        "PATCH",
        plugins_url(ORG_ID, 2),
        {"is_global": True},
        {0: LOW, 3: LOW, 6: NOT_ROOT, 9: OK},
    ),
    (
        "PATCH",
        plugins_url(ORG_ID, 2),
        {"is_global": False},
        {0: LOW, 3: LOW, 6: NOT_ROOT, 9: OK},
    ),
    (
        "PUT",
        plugins_url(ORG_ID, 2),
        {"is_global": False},
        {0: LOW, 3: LOW, 6: NOT_ROOT, 9: OK},
    ),
    ("DELETE", plugins_url(ORG_ID, 2), None, {0: LOW, 3: LOW, 6: OK, 9: OK}),
]
SUCCESS = {"GET": 200, "POST": 201, "PATCH": 200, "PUT": 200, "DELETE": 204}


@pytest.mark.parametrize(
    ("method", "url", "body", "level", "expected"),
    [
        (method, url, body, level, expected)
        for method, url, body, by_level in ACCESS_CASES
        for level, expected in by_level.items()
    ],
)
def test_access_levels(
    tmp_path: Path, method: str, url: str, body: Any, level: int, expected: Any
) -> None:
    app = app_with(tmp_path, access_level(level))
    world: World = app.extensions["mock_posthog"].world
    before = world.store.export()

    response = app.test_client().open(url, method=method, json=body, headers=AUTH)

    if expected is OK:
        assert response.status_code == SUCCESS[method]
    else:
        assert (response.status_code, response.json) == expected
        assert world.store.export() == before


# Scoped keys.


def add_key(world: World, value: str, **fields: Any) -> dict[str, str]:
    world.store.insert(
        "personal_api_keys",
        {
            "value": value,
            "user_id": 1,
            "label": "",
            "scopes": None,
            "scoped_organizations": None,
            "scoped_teams": None,
            **fields,
        },
    )
    return {"Authorization": f"Bearer {value}"}


CRUD = [
    ("GET", plugins_url(), None, 200),
    ("GET", plugins_url(ORG_ID, 2), None, 200),
    ("POST", plugins_url(), SOURCE_PLUGIN, 201),
    ("PATCH", plugins_url(ORG_ID, 2), {"description": "d"}, 200),
    ("PUT", plugins_url(ORG_ID, 2), {"description": "d"}, 200),
    ("DELETE", plugins_url(ORG_ID, 2), None, 204),
]


@pytest.mark.parametrize(("method", "url", "body", "status"), CRUD)
@pytest.mark.parametrize("scopes", [["plugin:write"], ["*"], ["feature_flag:read", "plugin:write"]])
def test_write_or_star_scopes_reach_every_crud_route(
    client: FlaskClient,
    world: World,
    scopes: list[str],
    method: str,
    url: str,
    body: Any,
    status: int,
) -> None:
    headers = add_key(world, "phx_scoped", scopes=scopes)

    response = client.open(url, method=method, json=body, headers=headers)

    assert response.status_code == status


@pytest.mark.parametrize(("method", "url", "body", "status"), CRUD)
def test_a_read_scope_reads_but_does_not_write(
    client: FlaskClient, world: World, method: str, url: str, body: Any, status: int
) -> None:
    headers = add_key(world, "phx_reader", scopes=["plugin:read"])
    before = world.store.export()

    response = client.open(url, method=method, json=body, headers=headers)

    if method == "GET":
        assert response.status_code == status
    else:
        assert (response.status_code, response.json) == (403, missing_scope("plugin:write"))
        assert world.store.export() == before


def test_a_key_without_plugin_scopes_cannot_read(client: FlaskClient, world: World) -> None:
    headers = add_key(world, "phx_flags", scopes=["feature_flag:read", "feature_flag:write"])

    response = client.get(PLUGINS, headers=headers)

    assert (response.status_code, response.json) == (403, missing_scope("plugin:read"))


def test_scoped_organizations_must_list_the_organization(client: FlaskClient, world: World) -> None:
    elsewhere = add_key(world, "phx_elsewhere", scopes=["*"], scoped_organizations=[OTHER_ORG_ID])
    here = add_key(world, "phx_here", scopes=["*"], scoped_organizations=[ORG_ID])

    refused = client.get(PLUGINS, headers=elsewhere)
    allowed = client.get(PLUGINS, headers=here)

    detail = f"API key does not have access to the requested organization: ID {ORG_ID}."
    assert (refused.status_code, refused.json) == (
        403,
        error("authentication_error", "permission_denied", detail),
    )
    assert allowed.status_code == 200


def test_scoped_teams_refuse_organization_endpoints(client: FlaskClient, world: World) -> None:
    headers = add_key(world, "phx_project_only", scopes=["*"], scoped_teams=[1])

    response = client.get(PLUGINS, headers=headers)

    detail = "API keys with scoped projects are only supported on project-based endpoints."
    assert (response.status_code, response.json) == (
        403,
        error("authentication_error", "permission_denied", detail),
    )


def test_a_legacy_key_is_not_held_to_its_scoped_organizations(
    client: FlaskClient, world: World
) -> None:
    """PostHog checks scoped_organizations and scoped_teams only for keys that have scopes."""
    headers = add_key(
        world, "phx_legacy", scopes=None, scoped_organizations=[OTHER_ORG_ID], scoped_teams=[2]
    )

    response = client.get(PLUGINS, headers=headers)

    assert response.status_code == 200


def test_a_scoped_key_is_refused_a_method_with_no_action(client: FlaskClient, world: World) -> None:
    """No action means no required scope: PostHog's scope check refuses before the 405."""
    headers = add_key(world, "phx_star", scopes=["*"])

    response = client.put(PLUGINS, json={}, headers=headers)

    assert (response.status_code, response.json) == (403, UNSUPPORTED)


def test_the_scope_check_comes_before_membership(two_organizations: Flask) -> None:
    world: World = two_organizations.extensions["mock_posthog"].world
    headers = add_key(world, "phx_outsider", user_id=2, scopes=["feature_flag:read"])

    response = two_organizations.test_client().get(PLUGINS, headers=headers)

    assert (response.status_code, response.json) == (403, missing_scope("plugin:read"))


def test_a_scoped_key_sees_the_same_plugin_a_legacy_key_sees(
    client: FlaskClient, world: World
) -> None:
    headers = add_key(world, "phx_reader", scopes=["plugin:read"])

    response = client.get(plugins_url(ORG_ID, 2), headers=headers)

    assert response.json == TAXONOMY


# ProjectMembershipNecessaryPermissions: object routes need a project somewhere.

PROJECTLESS_ORG = "00000000-0000-4000-8000-000000000003"
PROJECTLESS = {
    "organizations": [{"id": PROJECTLESS_ORG, "name": "No Projects"}],
    "users": [{"id": 7, "email": "new@example.com", "organization_ids": [PROJECTLESS_ORG]}],
    "personal_api_keys": [{"value": "phx_projectless", "user_id": 7}],
    "plugins": [{"id": 9, "organization_id": PROJECTLESS_ORG, "name": "theirs"}],
}
PROJECTLESS_AUTH = {"Authorization": "Bearer phx_projectless"}


@pytest.mark.parametrize("method", ["GET", "PATCH", "PUT", "DELETE"])
def test_a_user_without_any_project_cannot_reach_a_plugin(tmp_path: Path, method: str) -> None:
    client = app_with(tmp_path, PROJECTLESS).test_client()

    response = client.open(
        plugins_url(PROJECTLESS_ORG, 9), method=method, json={"name": "x"}, headers=PROJECTLESS_AUTH
    )

    detail = "You don't belong to any organization that has a project."
    assert (response.status_code, response.json) == (
        403,
        error("authentication_error", "permission_denied", detail),
    )


def test_a_user_without_any_project_still_lists_and_installs(tmp_path: Path) -> None:
    client = app_with(tmp_path, PROJECTLESS).test_client()

    listed = client.get(plugins_url(PROJECTLESS_ORG), headers=PROJECTLESS_AUTH)
    created = client.post(
        plugins_url(PROJECTLESS_ORG), json=SOURCE_PLUGIN, headers=PROJECTLESS_AUTH
    )

    assert (listed.status_code, listed.json["count"], created.status_code) == (200, 2, 201)


def test_a_user_without_a_current_project_has_their_organizations_first(tmp_path: Path) -> None:
    """PostHog's user.team falls back to the first project of the current organization."""
    moved = {
        "users": [
            {
                "id": 1,
                "email": "mock.user@example.com",
                "organization_ids": [ORG_ID],
                "current_project_id": None,
            }
        ]
    }
    client = app_with(tmp_path, moved).test_client()

    response = client.get(plugins_url("@current", 2), headers=AUTH)

    assert (response.status_code, response.json) == (200, TAXONOMY)


def test_current_project_falls_back_to_the_first_project_of_the_organization(
    tmp_path: Path,
) -> None:
    """The project routes' `@current` is PostHog's user.team as well."""
    second_project = {"projects": [{"id": 5, "organization_id": ORG_ID}]}
    world: World = app_with(tmp_path, second_project).extensions["mock_posthog"].world
    user = {**world.store.get("users", 1), "current_project_id": None}  # type: ignore[dict-item]
    caller = auth.Caller(user=user, key={"value": API_KEY, "scopes": None})

    assert auth.resolve_project(world.store, caller, "@current")["id"] == 1
    assert auth.current_project(world.store, auth.Caller(user={"id": 9}, key={})) is None


@pytest.mark.parametrize(
    ("scoped_teams", "refusal"),
    [([1], None), ([2, 3], "API key does not have access to the requested project: ID 1.")],
)
def test_scoped_teams_on_a_project_route(scoped_teams: list[int], refusal: str | None) -> None:
    """The project routes come with later issues; the check they will run is this one."""
    key = {"value": "phx_k", "scopes": ["plugin:read"], "scoped_teams": scoped_teams}
    caller = auth.Caller(user={"id": 1}, key=key)
    organization, project = {"id": ORG_ID}, {"id": 1, "organization_id": ORG_ID}

    if refusal is None:
        auth.check_key_scopes(caller, "list", organization, project)
    else:
        with pytest.raises(PermissionDenied, match=re.escape(refusal)):
            auth.check_key_scopes(caller, "list", organization, project)
