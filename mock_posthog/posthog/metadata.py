"""OPTIONS as DRF answers it on PostHog's view sets: SimpleMetadata's body (the view's name and
description, what it renders and parses, and for PUT and POST the serializer's fields), once
the request has passed authentication, the permission classes and the throttles.

A field's description is what SimpleMetadata.get_field_info writes for the field ModelSerializer
builds from PostHog's model: `type` (its label_lookup: JSONField and method fields are plain
`field`), `required`, `read_only`, `label`, the length and value limits, and `choices` for a
writable choice field. PUT and POST are listed only where the caller could use them: DRF runs
the permission checks (and, for PUT, the object lookup) again for each and leaves out a method
they refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_posthog.contract.errors import ApiError
from mock_posthog.contract.operations import Route
from mock_posthog.posthog import auth
from mock_posthog.posthog.api.plugin_configs import config_of_call
from mock_posthog.posthog.api.plugins import visible_plugin
from mock_posthog.posthog.call import Call

Field = dict[str, Any]
RENDERS = ["application/json"]  # PostHog's DEFAULT_RENDERER_CLASSES: JSONRenderer only
PARSES = ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]
_INT32 = {"min_value": -2147483648, "max_value": 2147483647}


def _field(kind: str, label: str, *, required: bool = False, read_only: bool = False) -> Field:
    return {"type": kind, "required": required, "read_only": read_only, "label": label}


def _choices(values: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"value": value, "display_name": value} for value in values]


PLUGIN_FIELDS: dict[str, Field] = {
    "id": _field("integer", "ID", read_only=True),
    "plugin_type": {
        **_field("choice", "Plugin type"),
        "choices": _choices(("local", "custom", "repository", "source")),
    },
    "name": {**_field("string", "Name"), "max_length": 200},
    "description": _field("string", "Description"),
    "url": _field("field", "Url", read_only=True),
    "icon": {**_field("string", "Icon"), "max_length": 800},
    "config_schema": _field("field", "Config schema"),
    "tag": {**_field("string", "Tag"), "max_length": 200},
    "latest_tag": _field("string", "Latest tag", read_only=True),
    "is_global": _field("boolean", "Is global"),
    "organization_id": _field("field", "Organization id", read_only=True),
    "organization_name": _field("field", "Organization name", read_only=True),
    "capabilities": _field("field", "Capabilities"),
    "metrics": _field("field", "Metrics"),
    "public_jobs": _field("field", "Public jobs"),
}
PLUGIN_CONFIG_FIELDS: dict[str, Field] = {
    "id": _field("integer", "ID", read_only=True),
    "plugin": _field("field", "Plugin", required=True),  # a related field: no choices
    "enabled": _field("boolean", "Enabled"),
    "order": {**_field("integer", "Order", required=True), **_INT32},
    "config": _field("field", "Config", read_only=True),
    "error": _field("field", "Error"),
    "team_id": _field("field", "Team id", read_only=True),
    "plugin_info": _field("field", "Plugin info", read_only=True),
    "delivery_rate_24h": _field("field", "Delivery rate 24h", read_only=True),
    "created_at": _field("datetime", "Created at", read_only=True),
}
_STANDARD = {"list": "List", "create": "List", "retrieve": "Instance", "update": "Instance"}
_STANDARD |= {"partial_update": "Instance", "destroy": "Instance"}


def view_set(route: Route) -> str:
    """The view set's name as DRF's get_view_name spaces its class name."""
    if route.legacy:
        return "Legacy Plugin Config"
    if route.parent == "organization":
        return "Plugin"
    return "Plugin Log Entry" if "{plugin_config_id}" in route.path else "Plugin Config"


def view_name(route: Route) -> str:
    """`<view set> List` or `<view set> Instance` on the router's routes; an extra action's
    name is its function's, as Django's pretty_name writes it."""
    suffix = _STANDARD.get(route.action)
    if suffix is not None:
        return f"{view_set(route)} {suffix}"
    return route.action.replace("_", " ").capitalize()


def serializer_fields(route: Route) -> dict[str, Field] | None:
    name = view_set(route)
    if name == "Plugin":
        return PLUGIN_FIELDS
    return None if name == "Plugin Log Entry" else PLUGIN_CONFIG_FIELDS


def _check_use(call: Call) -> None:
    """What DRF runs again before listing a method: the permission classes, and for PUT the
    object lookup with its object permissions. Raises where the caller could not use it."""
    if call.route.parent == "organization":
        auth.check_plugins_access(call.organization, call.route.method)
    if call.route.method == "PUT" and call.route.parent == "organization":
        visible_plugin(call)
    elif call.route.method == "PUT":
        config_of_call(call, call.args["id"])


def metadata(path_routes: dict[str, Route], call_for: Callable[[Route], Call]) -> dict[str, Any]:
    """The OPTIONS body of a path; `call_for(route)` is the request as a call of that route."""
    any_route = next(iter(path_routes.values()))
    body: dict[str, Any] = {
        "name": view_name(any_route),
        "description": "",  # none of PostHog's plugin view sets or actions has a docstring
        "renders": RENDERS,
        "parses": PARSES,
    }
    actions = {}
    fields = serializer_fields(any_route)
    for method in ("PUT", "POST"):
        route = path_routes.get(method)
        if route is None or fields is None:
            continue
        try:
            _check_use(call_for(route))
        except ApiError:
            continue
        actions[method] = fields
    if actions:
        body["actions"] = actions
    return body
