"""The emulated API: one module per resource, each with its ROUTES."""

from __future__ import annotations

from . import plugin_actions, plugins

ROUTES = [*plugins.ROUTES, *plugin_actions.ROUTES]
