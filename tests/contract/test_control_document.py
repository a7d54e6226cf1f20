"""GET /_mock/openapi.json: the control plane's own OpenAPI document, apart from PostHog's."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from mock_posthog.control.document import OPERATIONS, PAGES
from tests.conftest import make_app

HTTP_METHODS = {"get", "put", "post", "patch", "delete"}


def control_rules(client: FlaskClient) -> set[tuple[str, str]]:
    """Every control route the app serves, from its URL map: (METHOD, OpenAPI path)."""
    return {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/_mock/") and not rule.rule.startswith(PAGES)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in HTTP_METHODS
    ]


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/_mock/openapi.json")
    assert response.status_code == 200
    return response.json


def test_the_control_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)
    assert document["info"]["title"] == "mock-posthog control plane"
    assert document["servers"] == [{"url": "http://localhost"}]


def test_every_control_route_is_in_it(client: FlaskClient, document: dict[str, Any]) -> None:
    documented = {(method, path) for method, path, _ in operations(document)}
    assert documented == control_rules(client)
    assert ("POST", "/_mock/reset") in documented
    assert ("DELETE", "/_mock/faults/{fault_id}") in documented


def test_every_control_route_is_described(client: FlaskClient) -> None:
    """A new control route fails here until OPERATIONS says what it takes and answers."""
    endpoints = {
        rule.endpoint
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/_mock/") and not rule.rule.startswith(PAGES)
    }
    assert endpoints == set(OPERATIONS)


def test_the_api_document_holds_no_control_route(client: FlaskClient) -> None:
    paths = client.get("/api/schema/").json["paths"]
    assert [path for path in paths if not path.startswith("/api/")] == []


def test_every_control_operation_answers_as_documented(document: dict[str, Any]) -> None:
    """Each operation, on a fresh default world holding one fault, with its documented example:
    and one namespace beside it: its documented success status and a body that matches its
    documented schema."""
    for method, path, operation in operations(document):
        client = make_app().test_client()
        added = client.post("/_mock/faults", json={"route": "plugins_list", "status": 503})
        assert added.status_code == 201
        in_namespace = client.get("/_mock/health", headers={"X-Mock-PostHog-Namespace": "job-1"})
        assert in_namespace.status_code == 200
        url = path.format(fault_id=1, plugin_config_id=1, name="job-1")
        content = operation.get("requestBody", {}).get("content", {}).get("application/json")
        body = {"json": content["example"]} if content else {}

        response = client.open(url, method=method, **body)

        (status, success), *_ = (
            (code, answer) for code, answer in operation["responses"].items() if code < "400"
        )
        assert response.status_code == int(status), (method, path, response.json)
        schema = success.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            assert response.data == b"", (method, path)
            continue
        validator = Draft202012Validator({**schema, "components": document["components"]})
        errors = [error.message for error in validator.iter_errors(response.json)]
        assert errors == [], (method, path)


def test_the_cli_prints_the_same_control_document(document: dict[str, Any]) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "mock_posthog", "openapi", "--control"],
        capture_output=True,
        text=True,
        check=True,
    )
    del document["servers"]
    assert json.loads(printed.stdout) == document
