"""The isolation matrix (posthog-api-behaviour.md §C1): every route of the route table, aimed
at organization B's data by every kind of caller who must not reach it, gets PostHog's exact
refusal and leaves the world as it was. The cases are generated from ROUTES, so a new route
is in the matrix the day it is added.

Callers: no key, a revoked key, the key of an inactive user, a member of organization A only,
a member of no organization, and members of B whose key is scoped to organization A, to
project A, to the wrong scope, or to plugin:read on a write. B's owner, sending the same
requests, gets through: the refusals come from who calls, not from what they send."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_posthog.contract.operations import Route
from mock_posthog.posthog.api import ROUTES
from tests.conftest import error
from tests.security.isolation_world import (
    B_SECRET,
    BODIES,
    CONFIG_B,
    INACTIVE_OWNER,
    MEMBER_OF_A,
    NON_MEMBER,
    ORG_A,
    ORG_B,
    OTHER_SCOPES,
    OWNER_B,
    PLUGIN_B,
    PROJECT_A,
    PROJECT_B,
    READ_ONLY,
    REVOKED,
    SCOPED_TO_ORG_A,
    SCOPED_TO_PROJECT_A,
    b_url,
    isolation_app,
    url,
)

Expected = tuple[int, dict[str, Any]]

NOT_PROVIDED = error(
    "authentication_error", "not_authenticated", "Authentication credentials were not provided."
)
INVALID_KEY = error(
    "authentication_error",
    "authentication_failed",
    "Personal API key found in request Authorization header is invalid.",
)
NOT_A_MEMBER = error(
    "authentication_error",
    "permission_denied",
    "You do not have permission to perform this action.",
)
NO_KEY_ACCESS = error(
    "authentication_error",
    "permission_denied",
    "This action does not support Personal API Key access",
)
ORG_ROUTE_WITH_PROJECTS = error(
    "authentication_error",
    "permission_denied",
    "API keys with scoped projects are only supported on project-based endpoints.",
)
NOT_B_ORGANIZATION = error(
    "authentication_error",
    "permission_denied",
    f"API key does not have access to the requested organization: ID {ORG_B}.",
)
NOT_B_PROJECT = error(
    "authentication_error",
    "permission_denied",
    f"API key does not have access to the requested project: ID {PROJECT_B}.",
)
NOT_FOUND = error("invalid_request", "not_found", "Not found.")
SERVER_ERROR = error("server_error", "error", "A server error occurred.")
EMPTY_LOGS = {"count": 0, "next": None, "previous": None, "results": []}

READ_ACTIONS = ("list", "retrieve")
WRITE_ACTIONS = ("create", "update", "partial_update", "destroy")


def missing_scope(scope: str) -> dict[str, Any]:
    return error(
        "authentication_error", "permission_denied", f"API key missing required scope '{scope}'"
    )


def scoped(route: Route, refusal: dict[str, Any]) -> Expected:
    """A key with scopes: a custom action refuses it before anything else is looked at."""
    if route.action not in READ_ACTIONS + WRITE_ACTIONS:
        return 403, NO_KEY_ACCESS
    return 403, refusal


def expected_refusal(caller: str, route: Route) -> Expected:
    """PostHog's refusal, by who calls and what kind of route it is."""
    write = route.action in WRITE_ACTIONS
    if caller == "no key":
        return 401, NOT_PROVIDED
    if caller in (REVOKED, INACTIVE_OWNER):
        return 401, INVALID_KEY
    if caller in (MEMBER_OF_A, NON_MEMBER):
        return 403, NOT_A_MEMBER
    if caller == SCOPED_TO_ORG_A:
        return scoped(route, NOT_B_ORGANIZATION)
    if caller == SCOPED_TO_PROJECT_A:
        on_project = route.parent == "project"
        return scoped(route, NOT_B_PROJECT if on_project else ORG_ROUTE_WITH_PROJECTS)
    if caller == OTHER_SCOPES:
        return scoped(route, missing_scope("plugin:write" if write else "plugin:read"))
    assert caller == READ_ONLY, caller  # on writes and custom actions only
    return scoped(route, missing_scope("plugin:write"))


CALLERS = [
    "no key",
    REVOKED,
    INACTIVE_OWNER,
    MEMBER_OF_A,
    NON_MEMBER,
    SCOPED_TO_ORG_A,
    SCOPED_TO_PROJECT_A,
    OTHER_SCOPES,
]


# The routes that name the organization or project they act on; the legacy router names
# none (it acts on the caller's own project), so B cannot be aimed at through its path.
NAMING_ROUTES = [route for route in ROUTES if not route.legacy]


def cases() -> Iterator[Any]:
    for route in NAMING_ROUTES:
        callers = [*CALLERS, *([READ_ONLY] if route.action not in READ_ACTIONS else [])]
        for caller in callers:
            yield pytest.param(route, caller, id=f"{route.operation_id}-{caller}")


def headers(caller: str) -> dict[str, str]:
    return {} if caller == "no key" else {"Authorization": f"Bearer {caller}"}


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """One world for every refusal: each request is checked to change nothing at all."""
    return isolation_app(tmp_path_factory.mktemp("isolation"))


@pytest.mark.parametrize(("route", "caller"), list(cases()))
def test_every_route_refuses_every_caller_who_does_not_belong(
    shared_app: Flask, route: Route, caller: str
) -> None:
    store = shared_app.extensions["mock_posthog"].world.store
    before = store.snapshot()

    response = shared_app.test_client().open(
        b_url(route),
        method=route.method,
        json=BODIES.get(route.operation_id),
        headers=headers(caller),
    )

    assert (response.status_code, response.json) == expected_refusal(caller, route)
    if response.status_code == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert store.snapshot() == before
    assert B_SECRET not in response.get_data(as_text=True)


def test_the_matrix_covers_the_whole_route_table() -> None:
    covered = {param.values[0].operation_id for param in cases()}  # type: ignore[union-attr]
    assert covered == {route.operation_id for route in NAMING_ROUTES}
    assert len(NAMING_ROUTES) >= 22  # the 20 documented routes and PUT on both detail routes


@pytest.mark.parametrize(
    "route", NAMING_ROUTES, ids=[route.operation_id for route in NAMING_ROUTES]
)
def test_the_owner_of_b_gets_through_with_the_same_requests(tmp_path: Path, route: Route) -> None:
    client = isolation_app(tmp_path).test_client()

    response = client.open(
        b_url(route),
        method=route.method,
        json=BODIES.get(route.operation_id),
        headers=headers(OWNER_B),
    )

    assert response.status_code == route.status


# Organization A's member, in A's own organization and project, naming B's plugin and config.
THROUGH_A: dict[str, Expected] = {
    "plugins_retrieve": (404, NOT_FOUND),
    "plugins_update": (404, NOT_FOUND),
    "plugins_partial_update": (404, NOT_FOUND),
    "plugins_destroy": (404, NOT_FOUND),
    "plugins_check_for_updates_retrieve": (404, NOT_FOUND),
    "plugins_source_retrieve": (404, NOT_FOUND),
    "plugins_update_source_partial_update": (404, NOT_FOUND),
    "plugins_upgrade_create": (404, NOT_FOUND),
    "plugin_configs_retrieve": (404, NOT_FOUND),
    "plugin_configs_update": (404, NOT_FOUND),
    "plugin_configs_partial_update": (404, NOT_FOUND),
    # §3.17: PostHog looks the config up directly, and DoesNotExist is its generic 500.
    "plugin_configs_destroy": (500, SERVER_ERROR),
    # §3.14: logs filter by the path's project, and do not check that the config exists.
    "plugin_configs_logs_list": (200, EMPTY_LOGS),
    "plugin_configs_frontend_retrieve": (404, NOT_FOUND),
    "plugin_configs_job_create": (404, NOT_FOUND),
}
# The legacy router, on A's member's own project, refuses B's config as the project route does.
THROUGH_A.update(
    {
        name.replace("plugin_configs_", "plugin_config_", 1): expected
        for name, expected in list(THROUGH_A.items())
        if name.startswith("plugin_configs_") and name != "plugin_configs_logs_list"
    }
)


def routes_with_ids() -> list[Route]:
    return [route for route in ROUTES if "{id}" in route.path or "{plugin_config_id}" in route.path]


def test_every_route_that_takes_an_id_is_tried_with_the_other_organizations_id() -> None:
    assert set(THROUGH_A) == {route.operation_id for route in routes_with_ids()}


@pytest.mark.parametrize(
    "route", routes_with_ids(), ids=[route.operation_id for route in routes_with_ids()]
)
def test_b_objects_named_through_a_are_not_found(shared_app: Flask, route: Route) -> None:
    store = shared_app.extensions["mock_posthog"].world.store
    before = store.snapshot()

    response = shared_app.test_client().open(
        url(route, ORG_A, PROJECT_A, PLUGIN_B, CONFIG_B),
        method=route.method,
        json=BODIES.get(route.operation_id),
        headers=headers(MEMBER_OF_A),
    )

    assert (response.status_code, response.json) == THROUGH_A[route.operation_id]
    assert store.snapshot() == before


def test_rearranging_through_a_with_b_plugin_ids_leaves_b_alone(shared_app: Flask) -> None:
    store = shared_app.extensions["mock_posthog"].world.store
    before = store.snapshot()

    response = shared_app.test_client().patch(
        f"/api/projects/{PROJECT_A}/plugin_configs/rearrange/",
        json={"orders": {str(PLUGIN_B): 7}},
        headers=headers(MEMBER_OF_A),
    )

    assert response.status_code == 200
    assert [(config["id"], config["order"]) for config in response.json] == [(1, 1)]
    assert store.snapshot() == before
