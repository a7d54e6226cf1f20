"""The blueprint every control route is on, so that a single `@control.before_request` check
(a control token for servers that listen beyond loopback, say) guards them all; and what the
routes share: the instance they control and the JSON object a request sends."""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Blueprint, current_app, request

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.http.instance import Instance
from mock_posthog.http.namespace_selectors import INSTANCE
from mock_posthog.http.namespaces import NAMESPACES, Namespaces
from mock_posthog.world.world import World

control = Blueprint("mock_control", __name__, url_prefix="/_mock")


def instance() -> Instance:
    """The instance of the namespace the request was sent to: the default one unless the
    request named another."""
    return request.environ.get(INSTANCE) or current_app.extensions["mock_posthog"]


def namespaces() -> Namespaces:
    return current_app.extensions[NAMESPACES]


def world() -> World:
    return instance().world


def json_body(force: bool = True) -> Any:
    """The request's JSON, or None when it sends none (without `force`: no JSON content type).
    JSON the store could not keep (a lone surrogate, nesting deeper than it keeps) is refused
    here, before a route stores part of it; nesting that Python's parser cannot follow, too."""
    if not (force or request.is_json):
        return None
    try:
        data = json.loads(request.get_data(cache=True), parse_constant=_not_json)
    except (ValueError, RecursionError):
        return None
    try:
        orjson.dumps(data)
    except orjson.JSONEncodeError as error:
        if "64-bit" not in str(error):  # a large integer the store keeps as a float
            raise ValidationFailed(f"The body cannot be stored: {error}.") from None
    return data


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def json_object() -> dict[str, Any]:
    """The request's JSON object; an empty body reads as `{}`."""
    if not request.get_data(cache=True):
        return {}
    data = json_body()
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return data
