"""GET /api/schema/ and `mock-posthog openapi`: a valid OpenAPI document of what is served."""

from __future__ import annotations

import json
import subprocess
import sys

from flask.testing import FlaskClient
from openapi_spec_validator import validate

from mock_posthog.api import ROUTES


def test_the_served_document_is_valid_openapi(client: FlaskClient) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    validate(response.json)
    assert response.json["servers"] == [{"url": "http://localhost"}]


def test_every_route_of_the_table_is_in_the_document(client: FlaskClient) -> None:
    paths = client.get("/api/schema").json["paths"]
    for route in ROUTES:
        operation = paths[route.path][route.method.lower()]
        assert operation["operationId"] == route.operation_id
        assert str(route.status) in operation["responses"]


def test_every_operation_names_the_personal_api_key_scheme(client: FlaskClient) -> None:
    document = client.get("/api/schema/").json
    assert document["security"] == [{"PersonalAPIKeyAuth": []}]
    assert document["components"]["securitySchemes"]["PersonalAPIKeyAuth"]["scheme"] == "bearer"


def test_the_list_documents_its_paging_parameters(client: FlaskClient) -> None:
    document = client.get("/api/schema/").json
    listing = document["paths"]["/api/organizations/{organization_id}/plugins/"]["get"]
    assert [parameter["name"] for parameter in listing["parameters"]] == [
        "organization_id",
        "limit",
        "offset",
    ]


def test_the_cli_prints_the_same_document(client: FlaskClient) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "mock_posthog", "openapi"],
        capture_output=True,
        text=True,
        check=True,
    )
    served = client.get("/api/schema/").json
    del served["servers"]
    assert json.loads(printed.stdout) == served
