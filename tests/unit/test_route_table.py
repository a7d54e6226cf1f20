"""The route table finds a path's routes as Django's URL patterns would: a fixed segment
before a placeholder, an optional trailing slash, a placeholder never empty."""

from __future__ import annotations

import pytest

from mock_posthog.http.routing import RouteTable, route_for
from mock_posthog.posthog.api import ROUTES

TABLE = RouteTable(ROUTES)
ORG = "/api/organizations/@current"


def operation(path: str, method: str = "GET") -> str | None:
    matched = TABLE.match(path)
    if matched is None:
        return None
    route = route_for(matched[0], method)
    return route.operation_id if route else None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"{ORG}/plugins/repository/", "plugins_repository_retrieve"),
        (f"{ORG}/plugins/activity/", "plugins_activity_retrieve"),
        (f"{ORG}/plugins/7/", "plugins_retrieve"),
        # "activity" is fixed only where a route has it; one segment deeper it is an id.
        (f"{ORG}/plugins/activity/source/", "plugins_source_retrieve"),
        ("/api/projects/1/plugin_configs/9/logs/", "plugin_configs_logs_list"),
        ("/api/projects/1/plugin_configs/9/frontend/", "plugin_configs_frontend_retrieve"),
    ],
)
def test_a_fixed_segment_wins_over_a_placeholder(path: str, expected: str) -> None:
    assert operation(path) == expected


def test_the_trailing_slash_is_optional() -> None:
    assert operation(f"{ORG}/plugins") == "plugins_list"
    assert operation(f"{ORG}/plugins/3") == "plugins_retrieve"


@pytest.mark.parametrize(
    "path",
    [
        f"{ORG}/plugins//",
        "/api/organizations//plugins/",
        f"{ORG}/plugins/3/unknown/",
        f"{ORG}/plugins/3//",
        "/api/projects/1/plugin_configs/9/logs/extra/",
        "/api/unknown/",
    ],
)
def test_a_path_no_route_has_matches_nothing(path: str) -> None:
    assert TABLE.match(path) is None


def test_placeholders_are_the_segments_as_written() -> None:
    matched = TABLE.match("/api/projects/12/plugin_configs/abc/logs/")

    assert matched is not None
    assert matched[1] == {"project_id": "12", "plugin_config_id": "abc"}


def test_a_path_has_its_routes_by_method_and_head_is_get() -> None:
    matched = TABLE.match(f"{ORG}/plugins/3/")

    assert matched is not None
    assert sorted(matched[0]) == ["DELETE", "GET", "PATCH", "PUT"]
    assert operation(f"{ORG}/plugins/3/", "HEAD") == "plugins_retrieve"
    assert operation(f"{ORG}/plugins/3/", "POST") is None


def test_every_route_is_in_the_table_once() -> None:
    listed = [route.operation_id for route in TABLE.routes()]

    assert sorted(listed) == sorted(route.operation_id for route in ROUTES)
