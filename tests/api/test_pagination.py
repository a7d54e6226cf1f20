"""Limit/offset pages as DRF's LimitOffsetPagination renders them (posthog-api-behaviour.md
§C3): default 100, no maximum, fallbacks for bad values, absolute links from the request."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.world.world import World
from tests.conftest import AUTH, ORG_ID, PLUGINS
from tests.worlds import GEOIP, HELLO_SOURCE, TAXONOMY


def link(query: str, host: str = "localhost") -> str:
    return f"http://{host}{PLUGINS}?{query}"


def page(client: FlaskClient, query: str, **headers: str) -> Any:
    response = client.get(f"{PLUGINS}?{query}", headers={**AUTH, **headers})
    assert response.status_code == 200
    return response.json


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "limit=1",
            {"count": 3, "next": link("limit=1&offset=1"), "previous": None, "results": [GEOIP]},
        ),
        (
            "limit=1&offset=1",
            {
                "count": 3,
                "next": link("limit=1&offset=2"),
                "previous": link("limit=1"),
                "results": [TAXONOMY],
            },
        ),
        (
            "limit=1&offset=2",
            {
                "count": 3,
                "next": None,
                "previous": link("limit=1&offset=1"),
                "results": [HELLO_SOURCE],
            },
        ),
        (
            "offset=1",
            {
                "count": 3,
                "next": None,
                "previous": link("limit=100"),
                "results": [TAXONOMY, HELLO_SOURCE],
            },
        ),
        (
            "limit=2&offset=10",
            {"count": 3, "next": None, "previous": link("limit=2&offset=8"), "results": []},
        ),
    ],
    ids=["first", "middle", "last", "offset-only", "past-the-end"],
)
def test_pages_and_their_links(client: FlaskClient, query: str, expected: dict[str, Any]) -> None:
    assert page(client, query) == expected


@pytest.mark.parametrize("limit", ["0", "-1", "abc", "1.5", ""])
def test_a_limit_that_is_not_a_positive_integer_is_the_default(
    client: FlaskClient, limit: str
) -> None:
    assert page(client, f"limit={limit}") == {
        "count": 3,
        "next": None,
        "previous": None,
        "results": [GEOIP, TAXONOMY, HELLO_SOURCE],
    }


@pytest.mark.parametrize("offset", ["-1", "abc", "2.0", ""])
def test_an_offset_that_is_not_a_non_negative_integer_is_zero(
    client: FlaskClient, offset: str
) -> None:
    assert page(client, f"limit=1&offset={offset}") == {
        "count": 3,
        "next": link("limit=1&offset=1"),
        "previous": None,
        "results": [GEOIP],
    }


def test_the_last_of_repeated_limits_counts(client: FlaskClient) -> None:
    """Django's QueryDict gives the last value of a repeated parameter."""
    assert page(client, "limit=5&limit=1")["results"] == [GEOIP]


def test_links_use_the_requests_host(client: FlaskClient) -> None:
    body = page(client, "limit=1&offset=1", Host="posthog.example.com:8443")

    assert body["next"] == link("limit=1&offset=2", host="posthog.example.com:8443")
    assert body["previous"] == link("limit=1", host="posthog.example.com:8443")


def test_other_query_parameters_are_kept_sorted(client: FlaskClient) -> None:
    body = page(client, "zeta=z&limit=1&offset=1&alpha=a%20b&tag=x&tag=y")

    assert body["next"] == link("alpha=a+b&limit=1&offset=2&tag=x&tag=y&zeta=z")
    assert body["previous"] == link("alpha=a+b&limit=1&tag=x&tag=y&zeta=z")


def add_plugins(world: World, how_many: int) -> None:
    for number in range(how_many):
        world.store.insert(
            "plugins",
            {
                "organization_id": ORG_ID,
                "plugin_type": "source",
                "name": f"bulk {number}",
                "is_global": False,
            },
        )


def test_the_default_page_is_100(client: FlaskClient, world: World) -> None:
    add_plugins(world, 100)

    body = page(client, "")

    assert (body["count"], len(body["results"]), body["next"], body["previous"]) == (
        103,
        100,
        link("limit=100&offset=100"),
        None,
    )
    assert body["results"][-1]["name"] == "bulk 96"


def test_there_is_no_maximum_limit(client: FlaskClient, world: World) -> None:
    add_plugins(world, 100)

    body = page(client, "limit=1000")

    assert (body["count"], len(body["results"]), body["next"]) == (103, 103, None)
