"""/api/plugin_config/: PostHog's LegacyPluginConfigViewSet, the flat router its frontend
calls. The same operations as /api/projects/@current/plugin_configs/ on the key owner's
current project, minus `logs` (registered on the project router only)."""

from __future__ import annotations

from dataclasses import replace

from mock_posthog.contract.operations import LEGACY_BASE, Route
from mock_posthog.posthog.api import plugin_config_actions, plugin_configs

PROJECT_BASE = plugin_configs.BASE


def legacy(route: Route) -> Route:
    """The legacy twin of a project route: drf-spectacular would name it after the
    `plugin_config` prefix it is registered under."""
    return replace(
        route,
        operation_id=route.operation_id.replace("plugin_configs_", "plugin_config_", 1),
        path=route.path.replace(PROJECT_BASE, LEGACY_BASE, 1),
        legacy=True,
    )


ROUTES = [legacy(route) for route in (*plugin_configs.ROUTES, *plugin_config_actions.ROUTES)]
