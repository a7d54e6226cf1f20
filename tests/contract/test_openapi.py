"""GET /api/schema/ and `mock-posthog openapi`: a valid OpenAPI document of what is served."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from flask.testing import FlaskClient
from openapi_spec_validator import validate

from mock_posthog.contract import openapi, schemas
from mock_posthog.posthog.api import ROUTES
from tests.conftest import AUTH


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


# Each route's statuses: the success, what every route can answer (401, 403, 404, 429), what
# reading a body can give (400, 413, 415), and the 400s and 500s PostHog answers there.
STATUSES = {
    "plugins_list": ["200", "401", "403", "404", "429"],
    "plugins_create": ["201", "400", "401", "403", "404", "413", "415", "429", "500"],
    "plugins_retrieve": ["200", "401", "403", "404", "429"],
    "plugins_update": ["200", "400", "401", "403", "404", "413", "415", "429"],
    "plugins_partial_update": ["200", "400", "401", "403", "404", "413", "415", "429"],
    "plugins_destroy": ["204", "400", "401", "403", "404", "413", "415", "429"],
    "plugins_check_for_updates_retrieve": ["200", "401", "403", "404", "429", "500"],
    "plugins_source_retrieve": ["200", "401", "403", "404", "429"],
    "plugins_update_source_partial_update": [
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
        "429",
        "500",
    ],
    "plugins_upgrade_create": ["200", "400", "401", "403", "404", "413", "415", "429", "500"],
    "plugins_activity_retrieve": ["200", "401", "403", "404", "429", "500"],
    "plugins_repository_retrieve": ["200", "401", "403", "404", "429"],
    "plugin_configs_list": ["200", "401", "403", "404", "429", "500"],
    "plugin_configs_create": ["201", "400", "401", "403", "404", "413", "415", "429", "500"],
    "plugin_configs_retrieve": ["200", "401", "403", "404", "429", "500"],
    "plugin_configs_update": ["200", "400", "401", "403", "404", "413", "415", "429", "500"],
    "plugin_configs_partial_update": [
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
        "429",
        "500",
    ],
    "plugin_configs_destroy": ["204", "400", "401", "403", "404", "413", "415", "429", "500"],
    "plugin_configs_rearrange_partial_update": [
        "200",
        "400",
        "401",
        "403",
        "404",
        "413",
        "415",
        "429",
        "500",
    ],
    "plugin_configs_logs_list": ["200", "400", "401", "403", "404", "429", "500"],
    "plugin_configs_frontend_retrieve": ["200", "401", "403", "404", "429"],
    "plugin_configs_job_create": ["200", "400", "401", "403", "404", "413", "415", "429", "500"],
}
# The legacy router answers as the project routes do, logs aside.
STATUSES.update(
    {
        name.replace("plugin_configs_", "plugin_config_", 1): statuses
        for name, statuses in list(STATUSES.items())
        if name.startswith("plugin_configs_") and name != "plugin_configs_logs_list"
    }
)


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for methods in document["paths"].values()
        for operation in methods.values()
    }


def test_each_route_documents_the_statuses_it_can_answer(client: FlaskClient) -> None:
    operations = _operations(client.get("/api/schema/").json)
    assert {name: list(operation["responses"]) for name, operation in operations.items()} == (
        STATUSES
    )


def test_every_documented_500_names_its_causes(client: FlaskClient) -> None:
    operations = _operations(client.get("/api/schema/").json)
    for route in ROUTES:
        responses = operations[route.operation_id]["responses"]
        assert ("500" in responses) == bool(route.server_errors)
        for cause in route.server_errors:
            assert f"\n- {cause}" in responses["500"]["description"]
    logs = operations["plugin_configs_logs_list"]["responses"]
    assert logs["400"]["description"] == (
        "PostHog's validation error, when:\n- `limit` is not an integer"
    )


def test_bodiless_answers_are_documented_without_content(client: FlaskClient) -> None:
    operations = _operations(client.get("/api/schema/").json)
    destroy = operations["plugin_configs_destroy"]["responses"]
    assert destroy["204"] == {"description": "No body."}
    assert "content" not in destroy["404"]
    assert destroy["404"]["description"].endswith("with no body at all.")
    assert operations["plugin_configs_job_create"]["responses"]["200"] == {
        "description": "No body."
    }
    assert operations["plugins_retrieve"]["responses"]["404"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
    }


def test_the_frontend_is_documented_as_javascript(client: FlaskClient) -> None:
    operations = _operations(client.get("/api/schema/").json)
    assert operations["plugin_configs_frontend_retrieve"]["responses"]["200"]["content"] == {
        "application/javascript": {"schema": {"type": "string"}}
    }


def test_refusals_document_their_headers(client: FlaskClient) -> None:
    responses = _operations(client.get("/api/schema/").json)["plugins_list"]["responses"]
    assert responses["401"]["headers"]["WWW-Authenticate"]["schema"] == {
        "type": "string",
        "const": "Bearer",
    }
    assert responses["429"]["headers"]["Retry-After"]["required"] is True


def test_activity_and_logs_document_their_query_parameters(client: FlaskClient) -> None:
    operations = _operations(client.get("/api/schema/").json)
    activity = operations["plugins_activity_retrieve"]["parameters"]
    assert [(p["name"], p["in"]) for p in activity] == [
        ("organization_id", "path"),
        ("limit", "query"),
        ("page", "query"),
    ]
    logs = {p["name"]: p for p in operations["plugin_configs_logs_list"]["parameters"]}
    assert list(logs) == [
        "project_id",
        "plugin_config_id",
        "limit",
        "offset",
        "after",
        "before",
        "search",
        "type_filter",
    ]
    assert logs["type_filter"]["schema"] == {
        "type": "array",
        "items": {"enum": ["DEBUG", "LOG", "INFO", "WARN", "ERROR"]},
    }
    assert logs["type_filter"]["explode"] is True
    configs = operations["plugin_configs_list"]["parameters"]
    assert [p["name"] for p in configs] == ["project_id", "limit", "offset"]


def test_every_schema_file_has_a_title_of_its_own() -> None:
    titles = [schemas.document(name).get("title") for name in schemas.names()]
    assert None not in titles
    assert len(set(titles)) == len(titles)
    assert set(openapi.components()) == {title for title in titles if title != "Fixture file"}


def test_every_operation_in_the_document_is_served(client: FlaskClient) -> None:
    """Each path and method answers from its route: never the 404 of an unknown endpoint or a
    405, and always with a status the document lists for it."""
    document = client.get("/api/schema/").json
    for path, methods in document["paths"].items():
        url = path.format(
            organization_id="@current", project_id="@current", id=1, plugin_config_id=1
        )
        for method, operation in methods.items():
            response = client.open(url, method=method.upper(), headers=AUTH)
            assert response.status_code in {int(status) for status in operation["responses"]}, (
                method,
                path,
                response.status_code,
            )
            assert response.get_json(silent=True) != {
                "type": "invalid_request",
                "code": "not_found",
                "detail": "Endpoint not found.",
                "attr": None,
            }


def _schemas_in(node: Any) -> list[dict[str, Any]]:
    """Every schema-like node of a document: each object that has a `type`."""
    if isinstance(node, list):
        return [found for item in node for found in _schemas_in(item)]
    if not isinstance(node, dict):
        return []
    found = [node] if "type" in node else []
    return found + [schema for value in node.values() for schema in _schemas_in(value)]


def test_every_array_in_both_documents_says_what_it_holds(client: FlaskClient) -> None:
    for url in ("/api/schema/", "/_mock/openapi.json"):
        arrays = [
            schema
            for schema in _schemas_in(client.get(url).json)
            if "array" in (schema["type"] if isinstance(schema["type"], list) else [schema["type"]])
        ]
        assert arrays, url
        assert [schema for schema in arrays if "items" not in schema] == [], url


def test_the_pages_are_standalone_with_typed_results(client: FlaskClient) -> None:
    components = client.get("/api/schema/").json["components"]["schemas"]
    assert "Page" not in components
    for page, item in (
        ("PaginatedPluginList", "Plugin"),
        ("PaginatedPluginConfigList", "PluginConfig"),
        ("PaginatedPluginLogEntryList", "PluginLogEntry"),
    ):
        assert "allOf" not in components[page]
        assert components[page]["required"] == ["count", "next", "previous", "results"]
        assert components[page]["properties"]["results"] == {
            "type": "array",
            "items": {"$ref": f"#/components/schemas/{item}"},
        }


def test_json_is_the_first_request_body_and_each_form_has_its_own(client: FlaskClient) -> None:
    operations = _operations(client.get("/api/schema/").json)
    source = operations["plugins_update_source_partial_update"]["requestBody"]["content"]
    assert list(source) == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
    assert source["application/json"] == {
        "schema": {"$ref": "#/components/schemas/PluginSourceUpdate"}
    }
    assert source["multipart/form-data"]["schema"]["allOf"][0] == {
        "$ref": "#/components/schemas/PluginSourceFormUpdate"
    }
    for operation in operations.values():
        content = operation.get("requestBody", {}).get("content", {})
        assert list(content)[:1] in ([], ["application/json"])
