"""The emulated API: one module per resource, each with its ROUTES."""

from __future__ import annotations

from mock_posthog.posthog.api import (
    legacy_plugin_configs,
    plugin_actions,
    plugin_config_actions,
    plugin_configs,
    plugin_logs,
    plugins,
)

ROUTES = [
    *plugins.ROUTES,
    *plugin_actions.ROUTES,
    *plugin_configs.ROUTES,
    *plugin_logs.ROUTES,
    *plugin_config_actions.ROUTES,
    *legacy_plugin_configs.ROUTES,
]
