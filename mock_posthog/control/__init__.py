"""The /_mock/ control plane: everything a test or a developer does to the emulator itself."""

from __future__ import annotations

from flask import Blueprint

control = Blueprint("mock_control", __name__, url_prefix="/_mock")

# Each module registers its routes on the blueprint when imported.
from . import plugin_config_routes, upstream_routes, world_routes  # noqa: E402, F401
