"""The /_mock/ control plane: everything a test or a developer does to the emulator itself.

Every control route is on this one blueprint, so a single `@control.before_request` check
(a control token for servers that listen beyond loopback, say) guards them all.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, request

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.world.world import World

control = Blueprint("mock_control", __name__, url_prefix="/_mock")


def world() -> World:
    return current_app.extensions["mock_posthog"]


def json_object() -> dict[str, Any]:
    """The request's JSON object; an empty body reads as `{}`."""
    if not request.get_data(cache=True):
        return {}
    data = request.get_json(force=True, silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed("The body must be a JSON object.")
    return data


from mock_posthog.control import (  # noqa: E402, F401  (each registers its routes on the blueprint)
    clock_routes,
    control_token,
    document,
    faults_routes,
    journal_routes,
    plugin_config_routes,
    snapshot_routes,
    upstream_routes,
    world_routes,
)
