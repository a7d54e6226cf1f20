"""Methods no route names (TRACE, QUERY, anything): Django hands every method to PostHog's view,
which authenticates and checks permissions before DRF answers 405. Found by schemathesis: the
mock answered 500."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, ORG_ID, PLUGINS, error
from tests.worlds import plugins_url


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("TRACE", PLUGINS, "GET, POST, HEAD, OPTIONS"),
        ("QUERY", plugins_url(ORG_ID, 2), "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
        ("BREW", "/api/projects/1/plugin_configs/rearrange", "PATCH, OPTIONS"),
    ],
)
def test_an_unknown_method_is_405_with_allow(
    client: FlaskClient, method: str, url: str, allow: str
) -> None:
    response = client.open(url, method=method, headers=AUTH)

    assert response.status_code == 405
    assert response.json == error(
        "invalid_request", "method_not_allowed", f'Method "{method}" not allowed.'
    )
    assert response.headers["Allow"] == allow


def test_an_unknown_method_is_authenticated_first(client: FlaskClient) -> None:
    response = client.open(PLUGINS, method="TRACE")

    assert response.status_code == 401
    assert response.json == error(
        "authentication_error", "not_authenticated", "Authentication credentials were not provided."
    )


def test_an_unknown_method_on_the_control_plane_is_405(client: FlaskClient) -> None:
    response = client.open("/_mock/health", method="TRACE")

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
