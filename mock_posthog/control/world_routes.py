"""Health and reset."""

from __future__ import annotations

from typing import Any

from mock_posthog.control import blueprint
from mock_posthog.control.blueprint import control
from mock_posthog.control.control_token import has_token
from mock_posthog.version import __version__


@control.get("/health")
def health() -> tuple[dict[str, Any], int]:
    """Ready or not; with the control token (or none required), the version and counts too."""
    world = blueprint.world()
    status = 200 if world.ready else 503
    if not has_token():
        return {"status": "ok" if world.ready else "starting"}, status
    return {
        "status": "ok" if world.ready else "starting",
        "version": __version__,
        "tables": world.store.counts(),
    }, status


@control.post("/reset")
def reset() -> dict[str, Any]:
    blueprint.instance().reset()
    return {"status": "reset", "tables": blueprint.world().store.counts()}
