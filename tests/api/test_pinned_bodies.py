"""Request bodies as PostHog's parsers read them (posthog-api-behaviour.md §C2a): DRF's JSON
parser takes `application/json` alone and refuses a byte-order mark, forms and uploads are read
as Django reads them, and the size limit (the `max_body_bytes` setting) is a hard edge."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import ClientDisconnected
from werkzeug.test import EnvironBuilder, run_wsgi_app

from mock_posthog.world.world import World
from tests.conftest import API_KEY, AUTH, CONFIGS, ORG_ID, PLUGINS, error, make_app
from tests.plugin_config_support import upload
from tests.worlds import TAXONOMY, plugins_url

TAXONOMY_URL = plugins_url(ORG_ID, 2)
LIMIT = 256
TOO_LARGE = error(
    "invalid_request", "request_too_large", "Request body exceeds the limit of 256 bytes."
)


def unsupported(content_type: str) -> dict[str, Any]:
    detail = f'Unsupported media type "{content_type}" in request.'
    return error("invalid_request", "unsupported_media_type", detail)


def test_a_json_body_starting_with_a_utf8_bom_is_a_parse_error(
    client: FlaskClient, world: World
) -> None:
    before = world.store.export()

    response = client.patch(
        TAXONOMY_URL,
        data=b'\xef\xbb\xbf{"name": "Renamed"}',
        content_type="application/json",
        headers=AUTH,
    )

    assert (response.status_code, response.json) == (
        400,
        error(
            "invalid_request",
            "parse_error",
            "JSON parse error - Unexpected UTF-8 BOM (decode using utf-8-sig): "
            "line 1 column 1 (char 0)",
        ),
    )
    assert world.store.export() == before


@pytest.mark.parametrize(
    "content_type",
    [
        "application/merge-patch+json",
        "application/vnd.api+json",
        "application/problem+json; charset=utf-8",
    ],
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_json_suffixed_media_type_is_415_as_drf_parses_application_json_alone(
    client: FlaskClient, world: World, method: str, content_type: str
) -> None:
    before = world.store.export()
    url = PLUGINS if method == "POST" else TAXONOMY_URL

    response = client.open(
        url,
        method=method,
        data=json.dumps({"plugin_type": "source", "name": "Renamed"}),
        content_type=content_type,
        headers=AUTH,
    )

    assert (response.status_code, response.json) == (415, unsupported(content_type))
    assert world.store.export() == before


@pytest.mark.parametrize(
    ("raw", "content_type", "name"),
    [
        (b'{"name": "Renamed"}', "application/json; charset=utf-8", "Renamed"),
        (b"name=Caf%C3%A9+Plugin", "application/x-www-form-urlencoded", "Café Plugin"),
    ],
    ids=["json-with-parameters", "url-encoded"],
)
def test_a_body_of_a_parsed_media_type_is_read(
    client: FlaskClient, raw: bytes, content_type: str, name: str
) -> None:
    response = client.patch(TAXONOMY_URL, data=raw, content_type=content_type, headers=AUTH)

    assert (response.status_code, response.json) == (200, {**TAXONOMY, "name": name})


def padded_patch(size: int) -> bytes:
    """A JSON body changing the description, exactly `size` bytes long."""
    empty = len(json.dumps({"description": ""}).encode())
    return json.dumps({"description": "x" * (size - empty)}).encode()


def test_a_body_of_exactly_the_limit_is_accepted() -> None:
    client = make_app(max_body_bytes=LIMIT).test_client()
    body = padded_patch(LIMIT)
    assert len(body) == LIMIT

    response = client.patch(TAXONOMY_URL, data=body, content_type="application/json", headers=AUTH)

    assert response.status_code == 200
    assert response.json["description"] == json.loads(body)["description"]


def test_a_body_one_byte_over_the_limit_is_413_and_changes_nothing() -> None:
    app = make_app(max_body_bytes=LIMIT)
    world = app.extensions["mock_posthog"].world
    before = world.store.export()
    body = padded_patch(LIMIT + 1)
    assert len(body) == LIMIT + 1

    response = app.test_client().patch(
        TAXONOMY_URL, data=body, content_type="application/json", headers=AUTH
    )

    assert (response.status_code, response.json) == (413, TOO_LARGE)
    assert world.store.export() == before


@pytest.mark.parametrize(
    "content_type", ["application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_a_form_body_is_read_with_the_last_of_repeated_fields(
    client: FlaskClient, content_type: str
) -> None:
    response = client.patch(
        TAXONOMY_URL,
        data={"description": ["first", "last"], "name": "From a form"},
        content_type=content_type,
        headers=AUTH,
    )

    assert (response.status_code, response.json) == (
        200,
        {**TAXONOMY, "name": "From a form", "description": "last"},
    )


ATTACHED = {
    "uid": 1,
    "saved": True,
    "size": 321,
    "name": "geo.mmdb",
    "type": "application/octet-stream",
}


def uploaded_config(client: FlaskClient) -> dict[str, Any]:
    """A config with a file uploaded in a multipart body, as PostHog's frontend sends it."""
    plugin = client.post(
        PLUGINS,
        json={
            "plugin_type": "source",
            "name": "Uploads",
            "config_schema": [{"key": "db", "type": "attachment"}],
        },
        headers=AUTH,
    )
    response = client.post(
        CONFIGS,
        data={
            "plugin": str(plugin.json["id"]),
            "order": "0",
            "add_attachment[db]": upload(b"z" * 321, "geo.mmdb", "application/octet-stream"),
        },
        content_type="multipart/form-data",
        headers=AUTH,
    )
    assert response.status_code == 201
    return response.json


def test_a_file_upload_is_read_from_a_multipart_body(client: FlaskClient) -> None:
    assert uploaded_config(client)["config"] == {"db": ATTACHED}


def test_an_attachment_is_removed_by_a_form_field_but_not_by_a_json_one(
    client: FlaskClient,
) -> None:
    url = f"{CONFIGS}{uploaded_config(client)['id']}/"

    by_json = client.patch(url, json={"remove_attachment[db]": "true"}, headers=AUTH)
    by_form = client.patch(
        url,
        data={"remove_attachment[db]": "true"},
        content_type="application/x-www-form-urlencoded",
        headers=AUTH,
    )

    assert (by_json.status_code, by_json.json["config"]) == (200, {"db": ATTACHED})
    assert (by_form.status_code, by_form.json["config"]) == (200, {})


def test_a_get_reads_no_body_and_takes_the_key_from_the_query_string(
    client: FlaskClient,
) -> None:
    response = client.get(TAXONOMY_URL, query_string={"personal_api_key": API_KEY})

    assert (response.status_code, response.json) == (200, TAXONOMY)


def test_the_journal_keeps_the_text_of_a_body_that_could_not_be_parsed(
    client: FlaskClient,
) -> None:
    client.patch(TAXONOMY_URL, data=b"{bad", content_type="application/json", headers=AUTH)

    entry = client.get("/_mock/requests?last=1").json["results"][0]
    assert (entry["status"], entry["body"]) == (400, "{bad")


def test_json_nested_deeper_than_python_parses_is_posthogs_500_and_the_journal_says_why() -> None:
    client = make_app(max_body_bytes=10**6).test_client()
    nested = '{"name": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}"

    response = client.patch(
        TAXONOMY_URL, data=nested, content_type="application/json", headers=AUTH
    )

    assert (response.status_code, response.json) == (
        500,
        error("server_error", "error", "A server error occurred."),
    )
    assert client.get("/_mock/requests?last=1").json["results"][0]["notes"] == [
        "500 because the JSON body nests deeper than Python's JSON parser follows (RecursionError)"
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"json": {"name": "ignored", "personal_api_key": "phx_wrong"}},
        {"data": {"name": "ignored"}, "content_type": "application/x-www-form-urlencoded"},
        {"data": b"<not json/>", "content_type": "application/xml"},
    ],
    ids=["json", "form", "unsupported-type"],
)
def test_a_delete_with_a_body_deletes_and_ignores_the_body(
    client: FlaskClient, body: dict[str, Any]
) -> None:
    response = client.delete(TAXONOMY_URL, headers=AUTH, **body)

    assert (response.status_code, response.data) == (204, b"")
    assert client.get(TAXONOMY_URL, headers=AUTH).status_code == 404


def test_a_body_shorter_than_its_content_length_is_refused_and_changes_nothing(
    app: Flask, world: World
) -> None:
    before = world.store.export()
    environ = EnvironBuilder(
        path=TAXONOMY_URL, method="PATCH", headers=AUTH, content_type="application/json"
    ).get_environ()
    environ["CONTENT_LENGTH"] = "40"
    environ["wsgi.input"] = io.BytesIO(b'{"name": "Renamed"}')

    answer, status, _ = run_wsgi_app(app, environ)

    detail = "Malformed request: " + ClientDisconnected.description
    assert (status, json.loads(b"".join(answer))) == (
        "400 Bad Request",
        error("invalid_request", "parse_error", detail),
    )
    assert world.store.export() == before
