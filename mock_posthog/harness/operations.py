"""What both handles do, written once against the /_mock/ control plane and PostHog's API,
over whichever transport the handle has: `MockPostHog` (in-process) and `LiveServer` (a
`serve` subprocess) differ only in their transport and in what each holds beside it.

    handle.get(PLUGINS).json            # PostHog's API, with the handle's API key
    handle.faults.add(route="plugins_list", status=503)
    handle.clock.freeze(); handle.clock.advance(timedelta(hours=1))
    handle.assert_called("GET", PLUGINS, status=503)
    saved = handle.snapshot(); ...; handle.restore(saved)
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Self

from werkzeug.test import TestResponse

from mock_posthog.harness.control_client import Control, ControlClock, ControlFaults, ControlJournal
from mock_posthog.harness.hosts import POSTHOG_HOSTS
from mock_posthog.harness.transports import Transport
from mock_posthog.http.journal import Entry
from mock_posthog.world import fixtures, snapshots
from mock_posthog.world.snapshots import Snapshot

POSTHOG_URL = "https://us.posthog.com"
DEFAULT_API_KEY = "phx_mock_personal_api_key"
_DEFAULT = object()  # "the handle's API key", as opposed to None for no key at all


FixtureSource = Snapshot | Mapping[str, Any] | str | os.PathLike[str]


class Handle:
    """The operations of both handles; a subclass gives the transport."""

    def __init__(self, transport: Transport, api_key: str | None = DEFAULT_API_KEY) -> None:
        self.transport = transport
        self.api_key = api_key
        self.control = Control(transport)
        self.journal = ControlJournal(self.control)
        self.faults = ControlFaults(self.control)
        self.clock = ControlClock(self.control)
        self._fixture_files = snapshots.FixtureFiles()

    @property
    def base_url(self) -> str:
        return self.transport.base_url

    # HTTP, as a client of PostHog would send it.

    def url(self, path: str) -> str:
        return self.transport.url(path)

    def request(
        self, method: str, path: str, *, api_key: Any = _DEFAULT, **options: Any
    ) -> TestResponse:
        """`path` under the base URL (or a whole URL); the handle's API key goes in the
        Authorization header unless `api_key` says another, or None for none. `options` are
        `Transport.open`'s: `json`, `data` (a dict is a form; with files, multipart), `query`
        and `headers`, encoded as the Flask test client encodes them."""
        key = self.api_key if api_key is _DEFAULT else api_key
        sent = {"Authorization": f"Bearer {key}"} if key else {}
        sent.update(options.pop("headers", None) or {})
        return self.transport.open(method, self.url(path), headers=sent, **options)

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
    def intercept(
        self, hosts: tuple[str, ...] = POSTHOG_HOSTS, *, strict: bool = False
    ) -> Iterator[Self]:
        """Within the block, requests, httpx, urllib.request and http.client calls to
        PostHog's hosts come here; with `strict`, any other request fails (see strict.py)."""
        with self.transport.intercept(hosts, strict):
            yield self

    # The journal.

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

    # What makes a run repeatable.

    def seed_uuids(self, seed: int | None) -> None:
        """UUIDs from now on follow `seed` (the same on every run); None makes them random."""
        self.control.call("PUT", "/uuids", {"seed": seed})

    def rate_limit(self, enabled: bool, rates: Sequence[str] | None = None) -> None:
        """PostHog's rate limits on or off; `rates` (as "5/minute") replace its own."""
        self.control.call(
            "PUT", "/rate_limit", {"enabled": enabled, "rates": list(rates) if rates else None}
        )

    # The upstream (what PostHog fetches from GitHub, GitLab and npm), plugin log entries,
    # recorded jobs and delivery metrics: what PostHog's API cannot set or show.

    def publish_release(self, url: str, tag: str, files: Mapping[str, Any]) -> None:
        """A new latest release of the plugin at `url`, as if pushed to GitHub, GitLab or npm."""
        self.control.call(
            "POST", "/upstream/releases", {"url": url, "tag": tag, "files": dict(files)}
        )

    def set_unreachable(self, url: str, unreachable: bool = True) -> None:
        self.control.call(
            "POST", "/upstream/reachability", {"url": url, "unreachable": unreachable}
        )

    def set_repository(self, entries: list[dict[str, Any]]) -> None:
        """The plugin repository list that GET plugins/repository passes through."""
        self.control.call("PUT", "/upstream/repository", entries)

    def append_log_entries(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Log entries as the plugin server would write them; defaults filled in."""
        appended: list[dict[str, Any]] = self.control.call("POST", "/plugin_log_entries", entries)
        return appended

    def recorded_jobs(self) -> list[dict[str, Any]]:
        """The jobs that POST plugin_configs/{id}/job accepted, with their job ids."""
        jobs: list[dict[str, Any]] = self.control.call("GET", "/plugin_jobs")
        return jobs

    def set_delivery_metrics(self, plugin_config_id: int, successes: int, failures: int) -> None:
        """What `delivery_rate_24h` is computed from."""
        self.control.call(
            "PUT",
            f"/plugin_configs/{plugin_config_id}/delivery_metrics",
            {"successes": successes, "failures": failures},
        )

    # The world as a whole.

    def reset(self) -> None:
        """The seeded world, an empty journal, no faults, a running clock."""
        self.control.call("POST", "/reset")

    def snapshot(self) -> Snapshot:
        """The exact state, cheap enough for every test's setup; `restore` takes it back."""
        return Snapshot(self.control.send("GET", "/state").get_data())

    def export(self) -> snapshots.Tables:
        """The world in the fixture format, to save as a fixture file."""
        tables: snapshots.Tables = self.control.call("GET", "/snapshot")
        return tables

    def restore(self, source: FixtureSource) -> None:
        """Put back a Snapshot, or load tables in the fixture format, or a fixture file."""
        if isinstance(source, Snapshot):
            self.control.send("PUT", "/state", source.data)
        elif isinstance(source, Mapping):
            self.control.call("POST", "/snapshot", dict(source))
        else:
            self.load_fixtures(source)

    def load_fixtures(self, *paths: str | os.PathLike[str], extend: bool = False) -> None:
        """Replace the world with fixture files merged in order; with `extend`, merge them
        over the seeded world instead. Files are read and checked once per handle."""
        self.restore(self._fixture_files.merged(paths, extend, self._seed_tables))

    def _seed_tables(self) -> snapshots.Tables:
        """The seed's tables; its id sequences stay out, since merged files renumber nothing."""
        seed = self.control.call("GET", "/snapshot?of=seed")
        seed.pop(fixtures.SEQUENCES, None)
        tables: snapshots.Tables = seed
        return tables
