"""GET /_mock/openapi.json: the control plane's own OpenAPI document.

The control plane is not PostHog's API, so it is not in `/api/schema/` (PostHog's own schema
route, from which clients generate SDKs): its routes take no personal API key, refuse
upstream changes in their own `{"error"}` shape, and change the world under the API. The
document is built from the app's URL map, so that every control route is in it; what each
one takes and answers is described here, by Flask endpoint. The inspector's pages under
/_mock/ui/ are for a browser, not for clients, and are left out.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from flask import Flask, current_app, request

from mock_posthog.contract import openapi, schemas
from mock_posthog.control.blueprint import control
from mock_posthog.control.components import COMPONENTS
from mock_posthog.control.descriptions import (
    ERROR,
    OPERATIONS,
    UPSTREAM_REFUSAL,
    ControlOperation,
)
from mock_posthog.version import __version__

PREFIX = "/_mock/"
PAGES = "/_mock/ui/"  # the inspector: pages for a browser, not part of the control API


def document(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if not rule.rule.startswith(PREFIX) or rule.rule.startswith(PAGES):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(app, rule, method)
    return openapi.open_objects(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "mock-posthog control plane",
                "version": __version__,
                "description": (
                    "What tests and developers do to the emulator itself, under /_mock/. "
                    "PostHog's emulated API is described at /api/schema/."
                ),
            },
            "paths": paths,
            "components": {
                "schemas": {**openapi.components(), **_fixture_components(), **COMPONENTS}
            },
        }
    )


def _operation(app: Flask, rule: Any, method: str) -> dict[str, Any]:
    spec = OPERATIONS.get(rule.endpoint)
    view = app.view_functions[rule.endpoint]
    docstring = (view.__doc__ or "").strip()
    operation: dict[str, Any] = {
        "operationId": rule.endpoint.split(".", 1)[-1],
        "tags": ["mock-posthog control"],
        "summary": spec.summary if spec else docstring.split("\n", 1)[0],
        "parameters": _parameters(rule, spec),
        "responses": _responses(spec),
    }
    if docstring:
        operation["description"] = docstring
    if spec and spec.request is not None:
        operation["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": spec.request, "example": spec.example}},
        }
    return operation


def _parameters(rule: Any, spec: ControlOperation | None) -> list[dict[str, Any]]:
    parameters = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer"} if converter == "int" else {"type": "string"},
            "example": 1,
        }
        for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule.rule)
    ]
    for param in spec.query if spec else ():
        parameters.append(
            {
                "name": param.name,
                "in": "query",
                "required": False,
                "schema": param.schema,
                "description": param.description,
            }
        )
    return parameters


def _responses(spec: ControlOperation | None) -> dict[str, Any]:
    if spec is None:
        return {"200": {"description": "Not described yet."}}
    success: dict[str, Any] = {"description": spec.summary}
    if spec.response is not None:
        success["content"] = {"application/json": {"schema": spec.response}}
    responses = {str(spec.status): success}
    for status in spec.errors:
        responses[str(status)] = {
            "description": "Refused, in PostHog's envelope.",
            "content": {"application/json": {"schema": ERROR}},
        }
    for status in spec.upstream_errors:
        responses[str(status)] = {
            "description": "Refused, with the reason (409: the release exists).",
            "content": {"application/json": {"schema": UPSTREAM_REFUSAL}},
        }
    return dict(sorted(responses.items()))


def _fixture_components() -> dict[str, Any]:
    """The fixture file's schema as components: `FixtureFile` and `Fixture.<record>`.

    A record that is only another schema file is referred to by that file's component, not
    copied under a second name (generators would make two classes of one name). An object or
    list default moves into the description: generators refuse it beside `null`."""
    fixtures = schemas.document("fixtures.json")
    definitions = fixtures.get("$defs", {})
    aliases = {
        name: definition["$ref"]
        for name, definition in definitions.items()
        if set(definition) == {"$ref"} and definition["$ref"].endswith(".json")
    }

    def component_reference(reference: str) -> str:
        name = reference.rsplit("/", 1)[-1]
        if reference.startswith("#/$defs/") and name not in aliases:
            return "#/components/schemas/Fixture." + name
        return "#/components/schemas/" + openapi.component_name(aliases.get(name, reference))

    def converted(node: Any) -> Any:
        if isinstance(node, dict):
            result = {
                key: converted(value)
                for key, value in node.items()
                if key not in ("$id", "$schema", "$defs")
            }
            reference = node.get("$ref")
            if isinstance(reference, str):
                result["$ref"] = component_reference(reference)
            if isinstance(node.get("default"), dict | list):
                default = orjson.dumps(result.pop("default")).decode()
                result["description"] = " ".join(
                    filter(None, (node.get("description"), f"Default `{default}`."))
                )
            return result
        if isinstance(node, list):
            return [converted(item) for item in node]
        return node

    components = {"FixtureFile": converted(fixtures)}
    for name, definition in definitions.items():
        if name not in aliases:
            components[f"Fixture.{name}"] = converted(definition)
    return components


@control.get("/openapi.json")
def control_document() -> dict[str, Any]:
    """The control plane's OpenAPI document, with this server's address."""
    body = document(current_app)
    body["servers"] = [{"url": request.host_url.rstrip("/")}]
    return body
