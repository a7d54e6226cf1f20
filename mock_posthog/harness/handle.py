"""The in-process handle: the whole emulator behind the Flask test client, no socket.

    posthog = MockPostHog()
    posthog.get("/api/organizations/@current/plugins/").json
    with posthog.intercept():           # requests/httpx calls to us.posthog.com land here
        my_client.install_plugin(...)
    posthog.assert_called("POST", "/api/organizations/{organization_id}/plugins/", status=201)
    posthog.reset()                     # the seeded world again, in microseconds

Requests go through the whole pipeline (faults, authentication, the route, the journal) as
if sent to PostHog's base URL. Python reaches the same state the routes do: `store`, `world`,
`clock`, `journal`, `faults`, `rate_limit`, snapshots.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from mock_posthog.app import create_app
from mock_posthog.harness.transport import POSTHOG_HOSTS, intercept
from mock_posthog.http.faults import Faults
from mock_posthog.http.instance import Instance
from mock_posthog.http.journal import Entry, JournalView
from mock_posthog.http.ratelimit import RateLimiter
from mock_posthog.posthog import app_metrics, upstream
from mock_posthog.posthog.api import plugin_config_actions, plugin_logs
from mock_posthog.settings import Settings
from mock_posthog.world import snapshots
from mock_posthog.world.clock import Clock
from mock_posthog.world.snapshots import Snapshot, Tables
from mock_posthog.world.store import Store
from mock_posthog.world.world import World

POSTHOG_URL = "https://us.posthog.com"
DEFAULT_API_KEY = "phx_mock_personal_api_key"
_DEFAULT = object()  # "the handle's API key", as opposed to None for no key at all

FixtureSource = Snapshot | Mapping[str, Any] | str | os.PathLike[str]


class Assertions:
    """What both handles say about the journal; `journal` is the handle's."""

    journal: JournalView

    def requests(
        self, method: str | None = None, path: str | None = None, **filters: Any
    ) -> list[Entry]:
        """The journal's entries that match, oldest first."""
        return self.journal.find(method, path, **filters)

    def assert_called(
        self, method: str | None = None, path: str | None = None, **filters: Any
    ) -> Entry:
        """Fail, listing the nearest requests made, unless a matching one was made; filters:
        `route`, `status`, `query`, `body` (subsets) and `times`."""
        __tracebackhide__ = True  # pytest shows the caller, not this helper
        return self.journal.assert_called(method, path, **filters)

    def assert_not_called(
        self, method: str | None = None, path: str | None = None, **filters: Any
    ) -> None:
        __tracebackhide__ = True  # pytest shows the caller, not this helper
        self.journal.assert_not_called(method, path, **filters)

    def call_count(self, method: str | None = None, path: str | None = None, **filters: Any) -> int:
        return self.journal.call_count(method, path, **filters)


class MockPostHog(Assertions):
    def __init__(
        self,
        app: Flask | None = None,
        *,
        base_url: str = POSTHOG_URL,
        api_key: str | None = DEFAULT_API_KEY,
        **settings: Any,
    ) -> None:
        """A handle on `app`, or on a new one made from `settings` (Settings' fields; the
        environment is not read). Responses are checked against their schemas and the
        journal keeps every request unless the settings say otherwise."""
        settings = {"validate_responses": True, "journal_limit": 0, **settings}
        self.app = app or create_app(Settings(**settings))
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.client = self.app.test_client(use_cookies=False)
        self._fixture_files = snapshots.FixtureFiles()

    # What the routes share.

    @property
    def instance(self) -> Instance:
        return self.app.extensions["mock_posthog"]

    @property
    def world(self) -> World:
        return self.instance.world

    @property
    def store(self) -> Store:
        return self.world.store

    @property
    def clock(self) -> Clock:
        return self.world.clock

    @property
    def journal(self) -> JournalView:  # type: ignore[override]
        return self.instance.journal

    @property
    def faults(self) -> Faults:
        return self.instance.faults

    @property
    def rate_limit(self) -> RateLimiter:
        return self.instance.rate_limit

    def seed_uuids(self, seed: int | None) -> None:
        """UUIDs from now on follow `seed` (the same on every run); None makes them random."""
        self.world.uuids.reseed(seed)

    # The upstream (what PostHog fetches from GitHub, GitLab and npm), plugin log entries,
    # recorded jobs and delivery metrics: what PostHog's API cannot set or show.

    def publish_release(self, url: str, tag: str, files: Mapping[str, Any]) -> None:
        """A new latest release of the plugin at `url`, as if pushed to GitHub, GitLab or npm."""
        upstream.publish_release(self.store, url, tag, dict(files))

    def set_unreachable(self, url: str, unreachable: bool = True) -> None:
        upstream.set_unreachable(self.store, url, unreachable)

    def set_repository(self, entries: list[dict[str, Any]]) -> None:
        """The plugin repository list that GET plugins/repository passes through."""
        upstream.set_repository(self.store, entries)

    def append_log_entries(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Log entries as the plugin server would write them; defaults filled in."""
        return plugin_logs.append_log_entries(self.world, entries)

    def recorded_jobs(self) -> list[dict[str, Any]]:
        """The jobs that POST plugin_configs/{id}/job accepted, with their job ids."""
        return plugin_config_actions.recorded_jobs(self.store)

    def set_delivery_metrics(self, plugin_config_id: int, successes: int, failures: int) -> None:
        """What `delivery_rate_24h` is computed from."""
        app_metrics.set_delivery_metrics(self.store, plugin_config_id, successes, failures)

    # HTTP, as a client of PostHog would send it.

    def url(self, path: str) -> str:
        return path if "://" in path else self.base_url + path

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        data: Any = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        api_key: Any = _DEFAULT,
    ) -> TestResponse:
        """`path` under the base URL (or a whole URL); the handle's API key goes in the
        Authorization header unless `api_key` says another, or None for none."""
        key = self.api_key if api_key is _DEFAULT else api_key
        sent = {"Authorization": f"Bearer {key}"} if key else {}
        sent.update(headers or {})
        return self.client.open(
            self.url(path), method=method, json=json, data=data, query_string=query, headers=sent
        )

    def get(self, path: str, **options: Any) -> TestResponse:
        return self.request("GET", path, **options)

    def post(self, path: str, **options: Any) -> TestResponse:
        return self.request("POST", path, **options)

    def put(self, path: str, **options: Any) -> TestResponse:
        return self.request("PUT", path, **options)

    def patch(self, path: str, **options: Any) -> TestResponse:
        return self.request("PATCH", path, **options)

    def delete(self, path: str, **options: Any) -> TestResponse:
        return self.request("DELETE", path, **options)

    @contextmanager
    def intercept(self, hosts: tuple[str, ...] = POSTHOG_HOSTS) -> Iterator[MockPostHog]:
        """Within the block, `requests` and `httpx` calls to PostHog's hosts come here."""
        with intercept(client=self.client, hosts=hosts):
            yield self

    # The world as a whole.

    def reset(self) -> None:
        """The seeded world, an empty journal, no faults, a running clock."""
        self.instance.reset()

    def snapshot(self) -> Snapshot:
        """The exact state, cheap enough for every test's setup; `restore` takes it back."""
        return Snapshot(self.store.snapshot())

    def export(self) -> Tables:
        """The world in the fixture format, to save as a fixture file."""
        return snapshots.export(self.store)

    def restore(self, source: FixtureSource) -> None:
        """Put back a Snapshot, or load tables in the fixture format, or a fixture file."""
        if isinstance(source, Snapshot):
            self.store.restore(source.data)
        elif isinstance(source, Mapping):
            snapshots.load(self.store, source, "restore")
        else:
            self.load_fixtures(source)

    def load_fixtures(self, *paths: str | os.PathLike[str], extend: bool = False) -> None:
        """Replace the world with fixture files merged in order; with `extend`, merge them
        over the seeded world instead. Files are read and checked once per handle."""
        tables = self._fixture_files.merged(paths, extend, self._seed_tables)
        self.store.load(tables)  # type: ignore[arg-type]  # Store.load only reads the records

    def _seed_tables(self) -> Tables:
        return snapshots.seed_tables(self.world)
