"""The in-process handle: the whole emulator behind the Flask test client, no socket.

    posthog = MockPostHog()
    posthog.get("/api/organizations/@current/plugins/").json
    with posthog.intercept():           # requests/httpx/urllib calls to us.posthog.com land here
        my_client.install_plugin(...)
    posthog.assert_called("POST", "/api/organizations/{organization_id}/plugins/", status=201)
    posthog.reset()                     # the seeded world again, in microseconds

Requests go through the whole pipeline (faults, authentication, the route, the journal) as
if sent to PostHog's base URL. Every operation it shares with the live handle is in
operations.py, over the control plane; what only a handle in this process can reach is here:
the app, its `instance`, the `world` and its `store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from mock_posthog.app import create_app
from mock_posthog.harness.operations import DEFAULT_API_KEY, POSTHOG_URL, Handle
from mock_posthog.harness.transports import InProcessTransport
from mock_posthog.http.instance import Instance
from mock_posthog.settings import Settings
from mock_posthog.world.store import Store
from mock_posthog.world.world import World

__all__ = ["DEFAULT_API_KEY", "POSTHOG_URL", "MockPostHog"]


class MockPostHog(Handle):
    def __init__(
        self,
        app: Flask | None = None,
        *,
        base_url: str = POSTHOG_URL,
        api_key: str | None = DEFAULT_API_KEY,
        headers: Mapping[str, str] | None = None,
        **settings: Any,
    ) -> None:
        """A handle on `app`, or on a new one made from `settings` (Settings' fields; the
        environment is not read). Responses are checked against their schemas and the
        journal keeps every request unless the settings say otherwise. `headers` go with
        every request."""
        settings = {"validate_responses": True, "journal_limit": 0, **settings}
        self.app = app or create_app(Settings(**settings))
        self.client = self.app.test_client(use_cookies=False)
        token = self.instance.world.settings.required_control_token
        transport = InProcessTransport(self.client, base_url, headers=headers, control_token=token)
        super().__init__(transport, api_key)

    # What only this process reaches.

    @property
    def instance(self) -> Instance:
        return self.app.extensions["mock_posthog"]

    @property
    def world(self) -> World:
        return self.instance.world

    @property
    def store(self) -> Store:
        return self.world.store
