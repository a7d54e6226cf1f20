"""Status lines and headers as PostHog's Django stack writes them: Django's reason phrases,
DRF's Allow on every answer of a view, the security headers of Django's middleware, and the
content types as DRF and Django set them."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.conftest import AUTH, CONFIGS, PLUGINS

SECURITY = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@pytest.mark.parametrize(
    ("method", "path", "body", "status_line"),
    [
        ("GET", PLUGINS, None, "200 OK"),
        ("POST", PLUGINS, {"plugin_type": "source", "name": "x"}, "201 Created"),
        ("DELETE", CONFIGS + "1/", None, "204 No Content"),
        ("PUT", PLUGINS + "2/check_for_updates/", None, "405 Method Not Allowed"),
        ("GET", PLUGINS + "999/", None, "404 Not Found"),
        ("POST", PLUGINS, {"name": "x" * 201}, "400 Bad Request"),
    ],
)
def test_the_status_line_has_djangos_reason_phrase(
    client: FlaskClient, method: str, path: str, body: object, status_line: str
) -> None:
    response = client.open(path, method=method, json=body, headers=AUTH)

    assert response.status == status_line


def test_unauthorized_and_forbidden_phrases(client: FlaskClient) -> None:
    assert client.get(PLUGINS).status == "401 Unauthorized"
    other = "/api/organizations/00000000-0000-4000-8000-00000000000f/plugins/"
    assert client.get(other, headers=AUTH).status == "404 Not Found"


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        (PLUGINS, "GET, POST, HEAD, OPTIONS"),
        (PLUGINS + "2/", "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"),
        (PLUGINS + "2/update_source/", "PATCH, OPTIONS"),
        (CONFIGS + "1/frontend/", "GET, HEAD, OPTIONS"),
    ],
)
def test_every_answer_of_a_view_has_its_allow_header(
    client: FlaskClient, path: str, allow: str
) -> None:
    ok = client.get(path, headers=AUTH)
    refused = client.get(path)

    assert refused.status_code == 401
    assert refused.headers["Allow"] == allow
    assert ok.headers["Allow"] == allow


def test_the_security_headers_are_on_every_api_answer(client: FlaskClient) -> None:
    for response in (
        client.get(PLUGINS, headers=AUTH),
        client.get(PLUGINS),
        client.get("/api/nothing/here/", headers=AUTH),
    ):
        assert {name: response.headers.get(name) for name in SECURITY} == SECURITY


def test_content_types_as_drf_and_django_set_them(client: FlaskClient) -> None:
    json_answer = client.get(PLUGINS, headers=AUTH)
    error_answer = client.get(PLUGINS)
    javascript = client.get(CONFIGS + "1/frontend/", headers=AUTH)
    empty = client.delete(CONFIGS + "1/", headers=AUTH)

    assert json_answer.headers["Content-Type"] == "application/json"
    assert error_answer.headers["Content-Type"] == "application/json"
    assert javascript.headers["Content-Type"] == "application/javascript; charset=UTF-8"
    assert "Content-Type" not in empty.headers
    assert "Vary" not in json_answer.headers  # DRF adds Vary: Accept only with two renderers
