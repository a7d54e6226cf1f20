"""mock-posthog: a local emulator of PostHog's plugin and plugin-config REST API."""

from .app import create_app
from .settings import Settings
from .version import __version__

__all__ = ["Settings", "__version__", "create_app"]
