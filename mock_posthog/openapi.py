"""The OpenAPI 3.1 document of the emulated API, generated from the route table and the JSON
Schemas in `schemas/`, so that it cannot drift from what the server does."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from . import schemas
from .routing import Route
from .version import __version__

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_DESCRIPTIONS = {
    400: "Invalid body: PostHog's validation error, with the field in `attr`.",
    401: "No personal API key, or one that is not valid.",
    403: "Not a member, a plugin access level too low, or a key without the scope.",
    404: "No such organization, project or object.",
    413: "The body is larger than the server's limit.",
    415: "A content type other than JSON, form or multipart.",
    500: "Where PostHog answers 500 too (see the description).",
}
_PATH_PARAMETERS = {
    "organization_id": ({"type": "string"}, "The organization's UUID, or `@current`."),
    "project_id": ({"type": "string"}, "The project's id, or `@current`."),
    "id": ({"type": "integer"}, "The object's id."),
    "plugin_config_id": ({"type": "integer"}, "The plugin config's id."),
}
# Schema files that describe no part of the API.
_NOT_API = {"fixtures.json"}


def document(routes: Iterable[Route]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "mock-posthog: PostHog plugins and plugin configs",
            "version": __version__,
            "description": (
                "PostHog's plugin and plugin-config API as PostHog's server serves it; where "
                "PostHog's published documents disagree with its server, this follows the server."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": components(),
            "securitySchemes": {
                "PersonalAPIKeyAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API key (`phx_...`).",
                }
            },
        },
        "security": [{"PersonalAPIKeyAuth": []}],
    }


def component_name(file_name: str) -> str:
    return str(schemas.document(file_name).get("title") or file_name.removesuffix(".json"))


def components() -> dict[str, Any]:
    return {
        component_name(name): _as_component(schemas.document(name))
        for name in schemas.names()
        if name not in _NOT_API
    }


def _as_component(node: Any) -> Any:
    """A schema file as a component: file references become component references."""
    if isinstance(node, dict):
        converted = {
            key: _as_component(value)
            for key, value in node.items()
            if key not in ("$id", "$schema")
        }
        reference = node.get("$ref")
        if isinstance(reference, str) and reference.endswith(".json"):
            converted["$ref"] = f"#/components/schemas/{component_name(reference)}"
        return converted
    if isinstance(node, list):
        return [_as_component(item) for item in node]
    return node


def _reference(file_name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{component_name(file_name)}"}


def _operation(route: Route) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": [route.path.split("/")[4]],
        "parameters": _parameters(route),
        "responses": _responses(route),
    }
    if route.behaviours or route.server_errors:
        operation["description"] = _description(route)
    if route.request_schema:
        body = {"schema": _reference(route.request_schema)}
        operation["requestBody"] = {
            "required": False,
            "content": {
                "application/json": body,
                "application/x-www-form-urlencoded": body,
                "multipart/form-data": body,
            },
        }
    return operation


def _description(route: Route) -> str:
    lines = [f"- {behaviour}" for behaviour in route.behaviours]
    lines += [f"- answers 500 when {cause}, as PostHog does" for cause in route.server_errors]
    return "\n".join(lines)


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters = []
    for name in re.findall(r"\{(\w+)\}", route.path):
        schema, description = _PATH_PARAMETERS[name]
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": schema,
                "description": description,
            }
        )
    for param in route.query:
        schema = {"type": "array", "items": param.schema} if param.repeatable else param.schema
        entry = {"name": param.name, "in": "query", "required": False, "schema": schema}
        entry["description"] = param.description
        if param.repeatable:
            entry.update(style="form", explode=True)
        parameters.append(entry)
    return parameters


def _responses(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {str(route.status): _success(route)}
    statuses = [401, 403, 404]
    if route.request_schema:
        statuses = [400, *statuses, 413, 415]
    if route.server_errors:
        statuses.append(500)
    for status in sorted(statuses):
        responses[str(status)] = {
            "description": _ERROR_DESCRIPTIONS[status],
            "content": {"application/json": {"schema": ERROR_REF}},
        }
    return responses


def _success(route: Route) -> dict[str, Any]:
    if route.response_schema is None and route.media_type == "application/json":
        return {"description": "No body."}
    schema = _reference(route.response_schema) if route.response_schema else {"type": "string"}
    return {"description": route.summary, "content": {route.media_type: {"schema": schema}}}
