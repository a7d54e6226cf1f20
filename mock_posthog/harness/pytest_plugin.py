"""pytest fixtures for code that talks to PostHog; installing mock-posthog registers them.

- `posthog`: the in-process handle (no socket), on a fresh default world for every test.
- `posthog_intercept`: the same, with `requests` and `httpx` calls to app./us./eu.posthog.com
  sent to it, so client code runs unchanged.
- `posthog_live`: a real server on 127.0.0.1, one per session (per xdist worker), reset
  before every test; `posthog_live_intercept` and `posthog_live_env` point clients at it.
- `posthog_sidecar`: a server someone else runs (a container in CI), named by MOCK_POSTHOG_URL
  (its control token in MOCK_POSTHOG_CONTROL_TOKEN): each test gets a namespace of its own,
  fresh from the seed and dropped afterwards, so that `pytest -n 8` can share one server.
  Skipped when MOCK_POSTHOG_URL is not set.
- `@pytest.mark.posthog_fixtures("world.json", ..., extend=False)`: the test's own fixture
  files (relative to the test file), replacing the default world, or merged over it.

Override `posthog_settings` (a dict of Settings' fields) or `posthog_live_args` (CLI flags)
in a conftest.py to configure them. mock-posthog itself is imported only when a fixture is
used, so the plugin costs nothing to test runs that use none.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from mock_posthog.harness.handle import MockPostHog
    from mock_posthog.harness.live import LiveServer

MARKER = "posthog_fixtures"
SIDECAR_URL = "MOCK_POSTHOG_URL"
SIDECAR_TOKEN = "MOCK_POSTHOG_CONTROL_TOKEN"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*paths, extend=False): load these fixture files (relative to the test file) "
        "into mock-posthog's world for this test; with extend=True, merge them over the "
        "default world instead of replacing it.",
    )


@pytest.fixture(scope="session")
def posthog_settings() -> dict[str, Any]:
    """Settings of the in-process emulator, as keyword arguments of `Settings`."""
    return {}


@pytest.fixture(scope="session")
def posthog_session(posthog_settings: dict[str, Any]) -> MockPostHog:
    """The in-process emulator, built once per session; `posthog` resets it for each test."""
    from mock_posthog.harness.handle import MockPostHog

    return MockPostHog(**posthog_settings)


@pytest.fixture
def posthog(posthog_session: MockPostHog, request: pytest.FixtureRequest) -> MockPostHog:
    """The in-process handle on a fresh world: requests, store, clock, journal, faults."""
    return _fresh(posthog_session, request)


@pytest.fixture
def posthog_intercept(posthog: MockPostHog) -> Iterator[MockPostHog]:
    """`posthog`, with requests/httpx calls to PostHog's hosts sent to it."""
    with posthog.intercept():
        yield posthog


@pytest.fixture(scope="session")
def posthog_live_args() -> list[str]:
    """Extra `mock-posthog serve` flags for the live server."""
    return []


@pytest.fixture(scope="session")
def posthog_live_server(posthog_live_args: list[str]) -> Iterator[LiveServer]:
    """One `mock-posthog serve --port 0` on 127.0.0.1 for the session (per xdist worker)."""
    from mock_posthog.harness.live import LiveServer

    server = LiveServer.start(posthog_live_args)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def posthog_live(posthog_live_server: LiveServer, request: pytest.FixtureRequest) -> LiveServer:
    """The live server, reset for this test: `base_url`, `api_key`, journal, faults, clock."""
    return _fresh(posthog_live_server, request)


@pytest.fixture
def posthog_live_intercept(posthog_live: LiveServer) -> Iterator[LiveServer]:
    """`posthog_live`, with requests/httpx calls to PostHog's hosts sent to it."""
    with posthog_live.intercept():
        yield posthog_live


@pytest.fixture
def posthog_live_env(posthog_live: LiveServer, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """POSTHOG_HOST, POSTHOG_PERSONAL_API_KEY and MOCK_POSTHOG_URL set to the live server, for
    subprocesses; returns them."""
    variables = posthog_live.environ()
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables


@pytest.fixture
def posthog_sidecar(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The server at MOCK_POSTHOG_URL, in a namespace of this test's own: the same handle as
    `posthog_live` (`base_url` carries the namespace's path prefix)."""
    from mock_posthog.harness.live import ControlError, LiveServer

    url = os.environ.get(SIDECAR_URL, "").strip()
    if not url:
        pytest.skip(
            f"posthog_sidecar needs a running mock-posthog server: set {SIDECAR_URL} to its "
            f"address (and {SIDECAR_TOKEN} to its control token, when it requires one)"
        )
    token = os.environ.get(SIDECAR_TOKEN, "").strip() or None
    handle = LiveServer.connect(url, token, namespace=namespace_name(request.node.name))
    try:
        yield _fresh(handle, request)
    finally:
        with contextlib.suppress(ControlError):  # already gone: evicted, or idle too long
            handle.control.call("DELETE", f"/namespaces/{handle.namespace}")


def namespace_name(test_name: str) -> str:
    """A name no other test (on any worker, in any job) picks: the test's name, made to fit
    the naming rule, and random characters."""
    readable = re.sub(r"[^a-z0-9_-]+", "-", test_name.lower()).strip("-")[:40]
    return f"{readable}-{secrets.token_hex(6)}"


Handle = TypeVar("Handle", "MockPostHog", "LiveServer")


def _fresh(handle: Handle, request: pytest.FixtureRequest) -> Handle:
    """The handle reset, with the test's marked fixture files loaded."""
    handle.reset()
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return handle
    if not marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} needs at least one fixture file")
    here = Path(request.node.path).parent
    paths = [path if Path(path).is_absolute() else here / path for path in marker.args]
    handle.load_fixtures(*paths, extend=bool(marker.kwargs.get("extend", False)))
    return handle
