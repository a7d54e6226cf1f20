"""Conformance with the OpenAPI document PostHog published in 2023 for these routes.

Every path and method there is served by the mock; every operation's success answer, request
body, path and query parameters, and the resources' fields (names, types, nullability, enums,
formats, length limits) agree with the mock's own document, or the disagreement is one of the
documented differences in `mock_posthog/contract/differences.json` (where PostHog's server does
other than its docs say, the mock follows the server). A difference listed there that no longer
exists fails too, so the README's list cannot go stale.

The reference is PostHog's machine-generated document, kept as data in
`tests/reference/posthog-openapi-2023-plugins.yaml` (its first line says where it comes from).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_posthog.contract import openapi
from mock_posthog.contract.docs import differences
from mock_posthog.posthog.api import ROUTES

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "posthog-openapi-2023-plugins.yaml"
# The docs-era parameter names and the mock's (the URL is the same).
PATH_NAMES = {
    "parent_lookup_organization_id": "organization_id",
    "parent_lookup_plugin_config_id": "plugin_config_id",
}
RESOURCES = (
    "Plugin",
    "PluginConfig",
    "PluginLogEntry",
    "PaginatedPluginList",
    "PaginatedPluginConfigList",
    "PaginatedPluginLogEntryList",
)
# drf-spectacular names a request body after its serializer; the mock after what it takes.
# These are the same fields, the writable ones.
REQUEST_BODIES = {
    "Plugin": "PluginRequest",
    "PatchedPlugin": "PluginRequest",
    "PluginConfig": "PluginConfigRequest",
    "PatchedPluginConfig": "PatchedPluginConfigRequest",
}
ASPECTS = ("type", "nullable", "enum", "format", "maxLength", "items")
METHODS = ("get", "put", "post", "patch", "delete")
ANY_BUT_NULL = {"array", "boolean", "number", "object", "string"}


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return yaml.safe_load(REFERENCE.read_text("utf-8"))


@pytest.fixture(scope="module")
def mock() -> dict[str, Any]:
    return openapi.document(ROUTES)


def test_every_documented_operation_is_served(
    reference: dict[str, Any], mock: dict[str, Any]
) -> None:
    routes = {(route.method.lower(), route.path): route for route in ROUTES}
    documented = list(_operations(reference))
    assert len(documented) == 22  # the 20 documented routes, and PUT beside both PATCHes
    for method, path, operation in documented:
        route = routes.get((method, _mock_path(path)))
        assert route is not None, f"{method.upper()} {path} is not served"
        assert route.operation_id == operation["operationId"]
        assert mock["paths"][route.path][method]["operationId"] == route.operation_id


def test_the_resources_agree_or_differ_as_documented(
    reference: dict[str, Any], mock: dict[str, Any]
) -> None:
    found = set()
    for name in RESOURCES:
        docs_fields = _fields(reference["components"]["schemas"][name], reference)
        mock_fields = _fields(mock["components"]["schemas"][name], mock)
        for field in sorted(docs_fields.keys() | mock_fields.keys()):
            docs, server = docs_fields.get(field), mock_fields.get(field)
            if docs is None or server is None:
                found.add((name, field, "presence", _present(docs), _present(server)))
                continue
            for aspect in ASPECTS:
                if docs[aspect] != server[aspect]:
                    found.add((name, field, aspect, docs[aspect], server[aspect]))
    listed = {
        (entry["schema"], entry["field"], entry["aspect"], entry["docs"], entry["server"])
        for entry in differences()["fields"]
    }
    assert sorted(found - listed) == [], "disagreements not in differences.json"
    assert sorted(listed - found) == [], "differences.json lists what no longer differs"


def test_the_operations_agree_or_differ_as_documented(
    reference: dict[str, Any], mock: dict[str, Any]
) -> None:
    found: dict[tuple[str, str], tuple[Any, Any]] = {}
    for method, path, docs_operation in _operations(reference):
        mock_operation = mock["paths"][_mock_path(path)][method]
        name = docs_operation["operationId"]
        for aspect, read in (
            ("response", _answer),
            ("request", _request_body),
            ("query", _query),
            ("path", _path_parameters),
        ):
            docs, server = read(docs_operation), read(mock_operation)
            if aspect == "request":
                docs = REQUEST_BODIES.get(docs, docs)
            if docs != server:
                found[(name, aspect)] = (docs, server)
    listed = {
        (operation, aspect)
        for entry in differences()["routes"]
        for operation in entry["operations"]
        for aspect in entry["aspects"]
    }
    missing = {key: found[key] for key in sorted(found.keys() - listed)}
    assert missing == {}, "disagreements not in differences.json (docs, server)"
    assert sorted(listed - found.keys()) == [], "differences.json lists what no longer differs"


def test_every_documented_difference_names_real_operations() -> None:
    known = {route.operation_id for route in ROUTES}
    for entry in differences()["routes"]:
        assert set(entry["operations"]) <= known, entry["topic"]
        assert set(entry["aspects"]) <= {"response", "request", "query", "path"}, entry["topic"]


# Reading both documents.


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
        if method in METHODS
    ]


def _mock_path(path: str) -> str:
    for docs_name, mock_name in PATH_NAMES.items():
        path = path.replace(f"{{{docs_name}}}", f"{{{mock_name}}}")
    return path


def _answer(operation: dict[str, Any]) -> str:
    """`200 application/json PluginConfig`, `204 no body`: the success status and its body."""
    status, response = next(
        (status, response)
        for status, response in operation["responses"].items()
        if status.startswith("2")
    )
    content = response.get("content")
    if not content:
        return f"{status} no body"
    media_type, body = next(iter(content.items()))
    return f"{status} {media_type} {_name(body['schema'])}"


def _request_body(operation: dict[str, Any]) -> str | None:
    content = operation.get("requestBody", {}).get("content")
    if not content:
        return None
    return _name(content["application/json"]["schema"])


def _query(operation: dict[str, Any]) -> list[str]:
    return sorted(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")


def _path_parameters(operation: dict[str, Any]) -> dict[str, Any]:
    return {
        PATH_NAMES.get(p["name"], p["name"]): p["schema"].get("type")
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }


def _name(schema: dict[str, Any]) -> str:
    reference = schema.get("$ref")
    return reference.rsplit("/", 1)[-1] if reference else json.dumps(schema, sort_keys=True)


def _fields(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each property's shape; `allOf` parts merged, later properties overriding."""
    fields: dict[str, dict[str, Any]] = {}
    for part in schema.get("allOf", []):
        fields.update(_fields(_resolve(part, document), document))
    for name, node in schema.get("properties", {}).items():
        fields[name] = _shape(node, document)
    return fields


def _resolve(node: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return document["components"]["schemas"][_name(node)]
    return node


def _shape(node: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """A field as both documents can say it, each aspect as the README shows it."""
    types, nullable = _types(node)
    enum = node.get("enum")
    items = node.get("items")
    return {
        "type": "any JSON but null" if types == ANY_BUT_NULL else " or ".join(sorted(types)),
        "nullable": "nullable" if nullable or (enum and None in enum) else "not nullable",
        "enum": ", ".join(json.dumps(value) for value in enum) if enum else "none",
        "format": node.get("format", "none"),
        "maxLength": str(node.get("maxLength", "none")),
        "items": _shape(items, document)["type"] if items else "none",
    }


def _types(node: dict[str, Any]) -> tuple[set[str], bool]:
    """The JSON types a field may hold (a referenced schema by its name) and whether it may
    be null: OpenAPI 3.0's `nullable`, 3.1's `null` type, or a null branch."""
    if "$ref" in node:
        return {_name(node)}, False
    for combinator in ("anyOf", "oneOf"):
        if combinator in node:
            branches = [_types(branch) for branch in node[combinator]]
            return set().union(*(types for types, _ in branches)) - {"null"}, any(
                nullable or types == {"null"} for types, nullable in branches
            )
    declared = node.get("type")
    if declared is None and "enum" in node:
        declared = sorted({_json_type(value) for value in node["enum"]})
    if declared is None:
        return {"any JSON"}, True
    declared = {declared} if isinstance(declared, str) else set(declared)
    return declared - {"null"}, "null" in declared or bool(node.get("nullable"))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string"}.get(
        type(value), "object"
    )


def _present(shape: dict[str, Any] | None) -> str:
    return "absent" if shape is None else "present"
