"""The /_mock/ control plane: everything a test or a developer does to the emulator itself.

May import http, posthog, world, contract, settings and version; never app or harness.
"""

from __future__ import annotations

from mock_posthog.control import (  # noqa: F401  (each registers its routes on the blueprint)
    clock_routes,
    control_token,
    document,
    faults_routes,
    journal_routes,
    namespace_routes,
    plugin_config_routes,
    snapshot_routes,
    state_routes,
    ui,
    upstream_routes,
    world_routes,
)
from mock_posthog.control.blueprint import control

__all__ = ["control"]
