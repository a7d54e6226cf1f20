"""Paging links keep blank query parameters, as DRF's `replace_query_param` and
`remove_query_param` do (they parse the query with `keep_blank_values=True`), and the paging
parameters are documented in the words of PostHog's schema (DRF's LimitOffsetPagination)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, CONFIGS, PLUGINS
from tests.worlds import TAXONOMY


def link(query: str) -> str:
    return f"http://localhost{PLUGINS}?{query}"


def test_next_and_previous_keep_a_blank_parameter(client: FlaskClient) -> None:
    response = client.get(f"{PLUGINS}?search=&limit=1&offset=1", headers=AUTH)

    assert (response.status_code, response.json) == (
        200,
        {
            "count": 3,
            "next": link("limit=1&offset=2&search="),
            "previous": link("limit=1&search="),
            "results": [TAXONOMY],
        },
    )


def test_a_previous_link_past_the_start_keeps_blank_parameters_and_drops_offset(
    client: FlaskClient,
) -> None:
    response = client.get(f"{PLUGINS}?a=&limit=2&offset=1&z=", headers=AUTH)

    assert response.status_code == 200
    assert (response.json["next"], response.json["previous"]) == (
        None,
        link("a=&limit=2&z="),
    )


def test_a_blank_parameter_repeated_is_kept_each_time(client: FlaskClient) -> None:
    response = client.get(f"{PLUGINS}?tag=&tag=x&limit=1", headers=AUTH)

    assert response.status_code == 200
    assert response.json["next"] == link("limit=1&offset=1&tag=&tag=x")


def test_the_paging_parameters_are_documented_as_in_posthogs_schema(client: FlaskClient) -> None:
    document = client.get("/api/schema/").json
    listing = document["paths"]["/api/organizations/{organization_id}/plugins/"]["get"]

    assert listing["parameters"][1:] == [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "schema": {"type": "integer"},
            "description": "Number of results to return per page.",
        },
        {
            "name": "offset",
            "in": "query",
            "required": False,
            "schema": {"type": "integer"},
            "description": "The initial index from which to return the results.",
        },
    ]


@pytest.mark.parametrize(
    ("query", "count", "next_link", "previous_link", "ids"),
    [
        ("limit=1", 2, "limit=1&offset=1", None, [1]),
        ("limit=1&offset=1", 2, None, "limit=1", [2]),
        ("offset=1", 2, None, "limit=100", [2]),
    ],
)
def test_the_configs_list_is_paged_the_same_way(
    client: FlaskClient,
    query: str,
    count: int,
    next_link: str | None,
    previous_link: str | None,
    ids: list[int],
) -> None:
    response = client.get(f"{CONFIGS}?{query}", headers=AUTH)

    configs = f"http://localhost{CONFIGS}?"
    assert response.status_code == 200
    assert (
        response.json["count"],
        response.json["next"],
        response.json["previous"],
        [config["id"] for config in response.json["results"]],
    ) == (
        count,
        next_link and configs + next_link,
        previous_link and configs + previous_link,
        ids,
    )
