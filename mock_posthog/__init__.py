"""mock-posthog: a local emulator of PostHog's plugin and plugin-config REST API.

The names below load on first use, so that the pytest plugin, which imports this package in
every test run where mock-posthog is installed, costs nothing until a fixture is used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from mock_posthog.version import __version__

if TYPE_CHECKING:
    from mock_posthog.app import create_app
    from mock_posthog.harness.handle import MockPostHog
    from mock_posthog.harness.live import LiveServer
    from mock_posthog.settings import Settings

_EXPORTS = {
    "create_app": "app",
    "MockPostHog": "harness.handle",
    "LiveServer": "harness.live",
    "Settings": "settings",
}

__all__ = ["LiveServer", "MockPostHog", "Settings", "__version__", "create_app"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
