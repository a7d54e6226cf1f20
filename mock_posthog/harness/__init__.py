"""What test authors hold: the in-process and live handles (one interface), the pytest
plugin, and the transports that route requests and httpx to the mock.

May import anything below it: app, control, http, posthog, world, contract."""
