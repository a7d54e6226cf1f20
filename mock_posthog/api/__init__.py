"""The emulated API: one module per resource, each with its ROUTES."""

from __future__ import annotations

from . import plugins

ROUTES = [*plugins.ROUTES]
