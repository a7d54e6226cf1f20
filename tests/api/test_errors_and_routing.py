"""Errors and routing as PostHog's (posthog-api-behaviour.md §C2, §C4): the envelope with
PostHog's wording for every refusal, the optional trailing slash, `@current`, PUT beside PATCH.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.posthog.api import plugins
from mock_posthog.world.world import World
from tests.conftest import AUTH, ORG_ID, PLUGINS, error, make_app
from tests.worlds import (
    OTHER_AUTH,
    OTHER_ORG_ID,
    TAXONOMY,
    access_level,
    app_with,
    other_organization,
    plugins_url,
)

NOT_FOUND = error("invalid_request", "not_found", "Not found.")
ORGANIZATION_NOT_FOUND = error("invalid_request", "not_found", "Organization not found.")
ENDPOINT_NOT_FOUND = error("invalid_request", "not_found", "Endpoint not found.")
SERVER_ERROR = error("server_error", "error", "A server error occurred.")
UNKNOWN_ORG = "00000000-0000-4000-8000-00000000dead"


def refusal(response: Any) -> tuple[int, Any]:
    return response.status_code, response.json


# 404s.


@pytest.mark.parametrize("plugin_id", ["abc", "-2", "99", "2147483648", "9" * 30])
@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_an_id_that_is_no_plugin_is_not_found(
    client: FlaskClient, world: World, method: str, plugin_id: str
) -> None:
    before = world.store.export()

    response = client.open(plugins_url(ORG_ID, plugin_id), method=method, json={}, headers=AUTH)

    assert refusal(response) == (404, NOT_FOUND)
    assert world.store.export() == before


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_unknown_organization_is_not_found(client: FlaskClient, method: str) -> None:
    response = client.open(plugins_url(UNKNOWN_ORG), method=method, json={}, headers=AUTH)

    assert refusal(response) == (404, ORGANIZATION_NOT_FOUND)


def test_current_without_any_organization_is_not_found(tmp_path: Path) -> None:
    loner = {
        "users": [{"id": 9, "email": "alone@example.com"}],
        "personal_api_keys": [{"value": "phx_alone", "user_id": 9}],
    }
    client = app_with(tmp_path, loner).test_client()

    response = client.get(plugins_url("@current"), headers={"Authorization": "Bearer phx_alone"})

    assert refusal(response) == (404, ORGANIZATION_NOT_FOUND)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/nothing-here/"),
        ("GET", "/api/organizations/"),
        ("POST", f"/api/organizations/{ORG_ID}/widgets/"),
        ("GET", f"/api/organizations/{ORG_ID}/plugins/2/nothing/"),
        ("DELETE", "/api/"),
    ],
)
def test_an_unknown_api_path_is_endpoint_not_found(
    client: FlaskClient, method: str, path: str
) -> None:
    response = client.open(path, method=method, headers=AUTH)

    assert refusal(response) == (404, ENDPOINT_NOT_FOUND)


def test_an_unknown_path_outside_the_api_is_json_too(client: FlaskClient) -> None:
    response = client.get("/nothing-here")

    assert refusal(response) == (404, NOT_FOUND)


# 405.

LIST_ALLOW = "GET, POST, HEAD, OPTIONS"
DETAIL_ALLOW = "GET, PUT, PATCH, DELETE, HEAD, OPTIONS"


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("PUT", PLUGINS, LIST_ALLOW),
        ("PATCH", PLUGINS, LIST_ALLOW),
        ("DELETE", PLUGINS, LIST_ALLOW),
        ("POST", plugins_url(ORG_ID, 2), DETAIL_ALLOW),
    ],
)
def test_a_method_the_route_lacks_is_405_with_allow(
    client: FlaskClient, world: World, method: str, url: str, allow: str
) -> None:
    before = world.store.export()

    response = client.open(url, method=method, json={}, headers=AUTH)

    detail = f'Method "{method}" not allowed.'
    assert refusal(response) == (405, error("invalid_request", "method_not_allowed", detail))
    assert response.headers["Allow"] == allow
    assert world.store.export() == before


def test_head_answers_as_get_without_a_body(client: FlaskClient) -> None:
    response = client.head(PLUGINS, headers=AUTH)

    assert response.status_code == 200
    assert response.data == b""


def test_head_has_the_headers_of_the_get(client: FlaskClient) -> None:
    got = client.get(plugins_url(ORG_ID, 1), headers=AUTH)

    response = client.head(plugins_url(ORG_ID, 1), headers=AUTH)

    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(got.data))


def test_a_204_has_no_body_and_no_content_headers(client: FlaskClient) -> None:
    response = client.delete(plugins_url(ORG_ID, 2), headers=AUTH)

    assert response.status_code == 204
    assert response.data == b""
    assert "Content-Type" not in response.headers
    assert "Content-Length" not in response.headers


# Bodies that cannot be read.


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain; charset=utf-8", "application/xml"]
)
def test_an_unsupported_body_type_is_415(
    client: FlaskClient, world: World, content_type: str
) -> None:
    before = world.store.export()

    response = client.post(PLUGINS, data="name=x", content_type=content_type, headers=AUTH)

    detail = f'Unsupported media type "{content_type}" in request.'
    assert refusal(response) == (415, error("invalid_request", "unsupported_media_type", detail))
    assert world.store.export() == before


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"{bad", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        (
            b'{"name": "\xff"}',
            "'utf-8' codec can't decode byte 0xff in position 10: invalid start byte",
        ),
    ],
    ids=["syntax", "invalid-utf-8"],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_body_that_is_not_json_is_a_parse_error(
    client: FlaskClient, world: World, method: str, raw: bytes, reason: str
) -> None:
    before = world.store.export()
    url = PLUGINS if method == "POST" else plugins_url(ORG_ID, 2)

    response = client.open(
        url, method=method, data=raw, content_type="application/json", headers=AUTH
    )

    detail = f"JSON parse error - {reason}"
    assert refusal(response) == (400, error("invalid_request", "parse_error", detail))
    assert world.store.export() == before


def test_a_multipart_body_without_a_boundary_is_a_parse_error(client: FlaskClient) -> None:
    response = client.post(
        PLUGINS, data=b"name=x", content_type="multipart/form-data", headers=AUTH
    )

    detail = "Multipart form parse error - Invalid boundary in multipart: None"
    assert refusal(response) == (400, error("invalid_request", "parse_error", detail))


def test_an_empty_json_body_is_an_empty_change(client: FlaskClient) -> None:
    response = client.patch(
        plugins_url(ORG_ID, 2), data=b"", content_type="application/json", headers=AUTH
    )

    assert (response.status_code, response.json) == (200, TAXONOMY)


# 400 field errors.


def invalid(attr: str | None, code: str, detail: str) -> dict[str, Any]:
    return error("validation_error", code, detail, attr)


FIELD_ERRORS = [
    (
        {"name": "x" * 201},
        invalid("name", "max_length", "Ensure this field has no more than 200 characters."),
    ),
    (
        {"tag": "t" * 201},
        invalid("tag", "max_length", "Ensure this field has no more than 200 characters."),
    ),
    (
        {"icon": "i" * 801},
        invalid("icon", "max_length", "Ensure this field has no more than 800 characters."),
    ),
    ({"is_global": "maybe"}, invalid("is_global", "invalid_input", "Must be a valid boolean.")),
    ({"is_global": None}, invalid("is_global", "null", "This field may not be null.")),
    (
        {"plugin_type": "bad"},
        invalid("plugin_type", "invalid_choice", '"bad" is not a valid choice.'),
    ),
    ({"plugin_type": 5}, invalid("plugin_type", "invalid_choice", '"5" is not a valid choice.')),
    ({"name": True}, invalid("name", "invalid_input", "Not a valid string.")),
    ({"description": ["a"]}, invalid("description", "invalid_input", "Not a valid string.")),
    ({"config_schema": None}, invalid("config_schema", "null", "This field may not be null.")),
    ({"capabilities": None}, invalid("capabilities", "null", "This field may not be null.")),
    (
        {"is_global": "maybe", "plugin_type": "bad"},
        invalid("plugin_type", "invalid_choice", '"bad" is not a valid choice.'),
    ),
    (
        [{"name": "x"}],
        invalid(None, "invalid_input", "Invalid data. Expected a dictionary, but got list."),
    ),
    ("name", invalid(None, "invalid_input", "Invalid data. Expected a dictionary, but got str.")),
    (None, invalid(None, "null", "No data provided")),
]


@pytest.mark.parametrize(("body", "expected"), FIELD_ERRORS)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_bad_field_is_400_naming_it(
    client: FlaskClient, world: World, method: str, body: Any, expected: dict[str, Any]
) -> None:
    before = world.store.export()
    url = PLUGINS if method == "POST" else plugins_url(ORG_ID, 2)
    if method == "POST" and isinstance(body, dict):
        body = {"plugin_type": "source", **body}

    response = client.open(
        url, method=method, data=json.dumps(body), content_type="application/json", headers=AUTH
    )

    assert refusal(response) == (400, expected)
    assert world.store.export() == before


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ({"is_global": "true"}, {"is_global": True}),
        ({"is_global": 1.0}, {"is_global": True}),
        ({"is_global": "off"}, {"is_global": False}),
        ({"name": "  spaced  "}, {"name": "spaced"}),
        ({"name": 42}, {"name": "42"}),
        ({"metrics": None, "public_jobs": None}, {"metrics": None, "public_jobs": None}),
        ({"plugin_type": ""}, {"plugin_type": ""}),
    ],
)
def test_values_are_coerced_as_drf_fields_coerce_them(
    client: FlaskClient, sent: dict[str, Any], kept: dict[str, Any]
) -> None:
    response = client.patch(plugins_url(ORG_ID, 2), json=sent, headers=AUTH)

    assert (response.status_code, response.json) == (200, {**TAXONOMY, **kept})


# 500.


def test_an_unexpected_failure_is_the_generic_500_and_writes_nothing(
    client: FlaskClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(plugins, "render_plugin", broken)
    before = world.store.export()

    response = client.post(PLUGINS, json={"plugin_type": "source", "name": "n"}, headers=AUTH)

    assert refusal(response) == (500, SERVER_ERROR)
    assert world.store.export() == before


def test_a_body_over_the_limit_is_refused_in_the_envelope() -> None:
    client = make_app(max_body_bytes=64).test_client()

    response = client.post(PLUGINS, json={"name": "x" * 100}, headers=AUTH)

    assert response.status_code == 413
    assert set(response.json) == {"type", "code", "detail", "attr"}


# Routing.


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("GET", f"/api/organizations/{ORG_ID}/plugins", None, 200),
        (
            "POST",
            f"/api/organizations/{ORG_ID}/plugins",
            {"plugin_type": "source", "name": "n"},
            201,
        ),
        ("GET", f"/api/organizations/{ORG_ID}/plugins/2", None, 200),
        ("PATCH", f"/api/organizations/{ORG_ID}/plugins/2", {"description": "d"}, 200),
        ("PUT", f"/api/organizations/{ORG_ID}/plugins/2", {"description": "d"}, 200),
        ("DELETE", f"/api/organizations/{ORG_ID}/plugins/2", None, 204),
    ],
)
def test_the_trailing_slash_is_optional_with_no_redirect(
    client: FlaskClient, method: str, url: str, body: Any, status: int
) -> None:
    response = client.open(url, method=method, json=body, headers=AUTH)

    assert response.status_code == status
    assert "Location" not in response.headers


def test_current_is_the_organization_of_the_key_owners_project(tmp_path: Path) -> None:
    client = app_with(tmp_path, other_organization()).test_client()
    mine = client.post(
        plugins_url(OTHER_ORG_ID), json={"plugin_type": "source", "name": "n"}, headers=OTHER_AUTH
    )

    response = client.get(plugins_url("@current", mine.json["id"]), headers=OTHER_AUTH)

    assert response.status_code == 200
    assert (response.json["organization_id"], response.json["organization_name"]) == (
        OTHER_ORG_ID,
        "Other Organization",
    )


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
def test_put_changes_a_plugin_as_patch_does(client: FlaskClient, method: str) -> None:
    response = client.open(
        plugins_url(ORG_ID, 2), method=method, json={"description": "changed"}, headers=AUTH
    )

    assert (response.status_code, response.json) == (200, {**TAXONOMY, "description": "changed"})
    assert client.get(plugins_url(ORG_ID, 2), headers=AUTH).json["description"] == "changed"


def test_organization_ids_match_without_case_or_dashes(client: FlaskClient) -> None:
    response = client.get(plugins_url(ORG_ID.upper().replace("-", ""), 2), headers=AUTH)

    assert (response.status_code, response.json) == (200, TAXONOMY)


# When the body is read: PostHog parses it only when a step needs it.

BAD_JSON = {"data": b"{bad", "content_type": "application/json"}
PARSE_ERROR = error(
    "invalid_request",
    "parse_error",
    "JSON parse error - Expecting property name enclosed in double quotes: "
    "line 1 column 2 (char 1)",
)


@pytest.mark.parametrize(
    ("url", "headers", "expected"),
    [
        (
            PLUGINS,
            {"Authorization": "Bearer phx_wrong"},
            (
                401,
                error(
                    "authentication_error",
                    "authentication_failed",
                    "Personal API key found in request Authorization header is invalid.",
                ),
            ),
        ),
        (plugins_url(UNKNOWN_ORG), AUTH, (404, ORGANIZATION_NOT_FOUND)),
        (
            plugins_url(OTHER_ORG_ID),
            AUTH,
            (
                403,
                error(
                    "authentication_error",
                    "permission_denied",
                    "You do not have permission to perform this action.",
                ),
            ),
        ),
        (PLUGINS, {}, (400, PARSE_ERROR)),
    ],
    ids=["bad-key", "unknown-org", "not-a-member", "key-looked-for-in-the-body"],
)
def test_a_broken_body_is_read_after_the_key_from_the_header_and_the_organization(
    tmp_path: Path, url: str, headers: dict[str, str], expected: tuple[int, Any]
) -> None:
    client = app_with(tmp_path, other_organization()).test_client()

    response = client.post(url, headers=headers, **BAD_JSON)

    assert refusal(response) == expected


@pytest.mark.parametrize(
    "body",
    [BAD_JSON, {"data": "x", "content_type": "text/plain"}],
    ids=["bad-json", "unsupported-type"],
)
def test_a_broken_body_is_read_after_the_access_level(tmp_path: Path, body: Any) -> None:
    client = app_with(tmp_path, access_level(3)).test_client()

    response = client.post(PLUGINS, headers=AUTH, **body)

    assert refusal(response) == (
        403,
        error(
            "authentication_error",
            "permission_denied",
            "Your organization's plugin access level is insufficient.",
        ),
    )


def test_a_delete_never_reads_its_body(client: FlaskClient) -> None:
    response = client.delete(plugins_url(ORG_ID, 2), headers=AUTH, **BAD_JSON)

    assert response.status_code == 204


@pytest.mark.parametrize(
    ("charset", "raw"),
    [
        ("latin-1", '{"name": "Café"}'.encode("latin-1")),
        ("no-such-charset", b'{"name": "Caf\xc3\xa9"}'),
    ],
)
def test_a_json_body_is_read_in_its_charset_or_utf_8_if_unknown(
    client: FlaskClient, charset: str, raw: bytes
) -> None:
    response = client.patch(
        plugins_url(ORG_ID, 2),
        data=raw,
        content_type=f"application/json; charset={charset}",
        headers=AUTH,
    )

    assert (response.status_code, response.json) == (200, {**TAXONOMY, "name": "Café"})


def test_each_request_is_read_in_its_own_charset(client: FlaskClient) -> None:
    """The same media type with another charset, one request after the other."""
    names = []
    for charset, raw in (
        ("latin-1", '{"name": "Café"}'.encode("latin-1")),
        ("utf-8", '{"name": "Café"}'.encode()),
        ("latin-1", '{"name": "Crème"}'.encode("latin-1")),
    ):
        response = client.patch(
            plugins_url(ORG_ID, 2),
            data=raw,
            content_type=f"application/json; charset={charset}",
            headers=AUTH,
        )
        names.append((response.status_code, response.json["name"]))

    assert names == [(200, "Café"), (200, "Café"), (200, "Crème")]
