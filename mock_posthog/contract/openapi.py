"""The OpenAPI 3.1 document of the emulated API, generated from the route table and the JSON
Schemas in `schemas/`, so that it cannot drift from what the server does."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from mock_posthog.contract import schemas
from mock_posthog.contract.operations import BODY_METHODS, Route
from mock_posthog.version import __version__

ERROR_REF = {"$ref": "#/components/schemas/Error"}
_ERROR_DESCRIPTIONS = {
    400: "A body that cannot be parsed, or PostHog's validation error, with the field in `attr`.",
    401: "No personal API key, or one that is not valid.",
    403: "Not a member, a plugin access level too low, or a key without the scope.",
    404: "No such organization, project or object.",
    413: "The body is larger than the server's limit.",
    415: "A content type other than JSON, form or multipart.",
    429: (
        "Throttled, as PostHog throttles each personal API key (480 requests a minute, 4800 an "
        "hour). Off unless switched on (`--rate-limit`, `PUT /_mock/rate_limit`)."
    ),
    500: "PostHog's generic server error, where PostHog answers 500 too:",
}
_ERROR_HEADERS = {
    401: {
        "WWW-Authenticate": {
            "required": True,
            "description": "`Bearer`: a personal API key is expected.",
            "schema": {"type": "string", "const": "Bearer"},
        }
    },
    429: {
        "Retry-After": {
            "required": True,
            "description": "Seconds until the key may call again.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
}
# Statuses every route can answer: the key, the organization or project, and the throttle.
_ALWAYS = (401, 403, 404, 429)
# Statuses a route that may read a body can answer when it reads one.
_BODY_ERRORS = (400, 413, 415)
_PATH_PARAMETERS = {
    "organization_id": ({"type": "string"}, "The organization's UUID, or `@current`.", "@current"),
    "project_id": ({"type": "string"}, "The project's id, or `@current`.", "@current"),
    "id": ({"type": "integer"}, "The object's id.", None),
    "plugin_config_id": ({"type": "integer"}, "The plugin config's id.", None),
}
LEGACY_NOTE = (
    "The legacy form (PostHog's LegacyPluginConfigViewSet, which its frontend calls): the same "
    "as `/api/projects/@current/plugin_configs/`, on the caller's current project. Not in "
    "PostHog's docs."
)
# Schema files that describe no part of the API.
_NOT_API = {"fixtures.json"}
# What an object schema can say of its fields, and the keys whose values are not schemas.
_FIELDS = {"properties", "additionalProperties", "patternProperties", "$ref", "allOf", "anyOf"}
_VALUES = {"example", "examples", "default", "const", "enum"}
# Bodies whose values a form cannot carry (null), described as a form sends them.
_FORM_SCHEMAS = {"plugin_source_request.json": "plugin_source_form_request.json"}
_FORM_ENCODINGS = {
    "application/x-www-form-urlencoded": "Sent as an HTML form: every value as text.",
    "multipart/form-data": "Sent as multipart form data: values as text, attachments as files.",
}


def document(routes: Iterable[Route]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route)
    info = {
        "title": "mock-posthog: PostHog plugins and plugin configs",
        "version": __version__,
        "description": (
            "PostHog's plugin and plugin-config API as PostHog's server serves it; where "
            "PostHog's published documents disagree with its server, this follows the server."
        ),
    }
    security = {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API key (`phx_...`).",
    }
    return open_objects(
        {
            "openapi": "3.1.0",
            "info": info,
            "paths": paths,
            "components": {
                "schemas": components(),
                "securitySchemes": {"PersonalAPIKeyAuth": security},
            },
            "security": [{"PersonalAPIKeyAuth": []}],
        }
    )


def open_objects(node: Any) -> Any:
    """`node` with each object schema that names no field saying outright that it takes any
    (what JSON Schema means anyway): generators type such an object as an empty one, as
    TypeScript's `Record<string, never>`. Examples and defaults are values, left as they are."""
    if isinstance(node, list):
        return [open_objects(item) for item in node]
    if not isinstance(node, dict):
        return node
    opened = {key: value if key in _VALUES else open_objects(value) for key, value in node.items()}
    for key in ("properties", "patternProperties"):
        if isinstance(node.get(key), dict):  # fields by name, whatever the names
            opened[key] = {name: open_objects(field) for name, field in node[key].items()}
    types = node.get("type")
    is_object = types == "object" or (isinstance(types, list) and "object" in types)
    if is_object and not _FIELDS & node.keys():
        opened["additionalProperties"] = True
    return opened


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
        "tags": ["plugin_configs" if route.legacy else route.path.split("/")[4]],
        "parameters": _parameters(route),
        "responses": _responses(route),
    }
    if route.behaviours:
        operation["description"] = "\n".join(f"- {behaviour}" for behaviour in route.behaviours)
    if route.legacy:
        operation["deprecated"] = True
        operation["description"] = "\n\n".join([LEGACY_NOTE, operation.get("description", "")])
    if route.request_schema:
        operation["requestBody"] = {"required": False, "content": _request_content(route)}
    return operation


def _request_content(route: Route) -> dict[str, Any]:
    """JSON first, the body a client sends by default. Each form encoding's schema is its own
    (an `allOf` of two parts, which generators do not fold into the part it refers to), so that
    a generated client has one body type per encoding and sends the encoding of the type it is
    given, not every encoding at once."""
    assert route.request_schema is not None
    form = _reference(_FORM_SCHEMAS.get(route.request_schema, route.request_schema))
    return {
        "application/json": {"schema": _reference(route.request_schema)},
        **{
            media_type: {"schema": {"allOf": [form, {"description": sent_as}]}}
            for media_type, sent_as in _FORM_ENCODINGS.items()
        },
    }


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = []
    for name in re.findall(r"\{(\w+)\}", route.path):
        schema, description, example = _PATH_PARAMETERS[name]
        parameter = {
            "name": name,
            "in": "path",
            "required": True,
            "schema": schema,
            "description": description,
        }
        if example is not None:
            parameter["example"] = example
        parameters.append(parameter)
    for param in route.query:
        values = {"type": "array", "items": param.schema} if param.repeatable else param.schema
        entry = {"name": param.name, "in": "query", "required": False, "schema": values}
        entry["description"] = param.description
        if param.repeatable:
            entry.update(style="form", explode=True)
        parameters.append(entry)
    return parameters


def error_statuses(route: Route) -> list[int]:
    """The error statuses the route can answer: what every route can, what reading a body can
    give, and the 400s and 500s PostHog answers there."""
    statuses = set(_ALWAYS)
    if route.method in BODY_METHODS:
        statuses.update(_BODY_ERRORS)
    if route.bad_requests:
        statuses.add(400)
    if route.server_errors:
        statuses.add(500)
    return sorted(statuses)


def _responses(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {str(route.status): _success(route)}
    for status in error_statuses(route):
        responses[str(status)] = _error_response(route, status)
    return responses


def _error_response(route: Route, status: int) -> dict[str, Any]:
    description = _ERROR_DESCRIPTIONS[status]
    causes = {400: route.bad_requests, 500: route.server_errors}.get(status, ())
    if status == 400 and route.method not in BODY_METHODS:
        description = "PostHog's validation error, when:"
    elif status == 400 and causes:
        description += " Also when:"
    if causes:
        description = "\n".join([description, *(f"- {cause}" for cause in causes)])
    response: dict[str, Any] = {"description": description}
    if status in route.bare_errors:
        response["description"] += " PostHog answers some of these with no body at all."
    else:
        response["content"] = {"application/json": {"schema": ERROR_REF}}
    if status in _ERROR_HEADERS:
        response["headers"] = _ERROR_HEADERS[status]
    return response


def _success(route: Route) -> dict[str, Any]:
    if route.response_schema is None and route.media_type == "application/json":
        return {"description": "No body."}
    schema = _reference(route.response_schema) if route.response_schema else {"type": "string"}
    return {"description": route.summary, "content": {route.media_type: {"schema": schema}}}
