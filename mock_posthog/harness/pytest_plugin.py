"""pytest fixtures for code that talks to PostHog; installing mock-posthog registers them.

- `posthog`: the in-process handle (no socket), on a fresh default world for every test.
- `posthog_intercept`: the same, with `requests` and `httpx` calls to app./us./eu.posthog.com
  sent to it, so client code runs unchanged.
- `posthog_live`: a real server on 127.0.0.1, one per session (per xdist worker), reset
  before every test; `posthog_live_intercept` and `posthog_live_env` point clients at it.
- `@pytest.mark.posthog_fixtures("world.json", ..., extend=False)`: the test's own fixture
  files (relative to the test file), replacing the default world, or merged over it.

Override `posthog_settings` (a dict of Settings' fields) or `posthog_live_args` (CLI flags)
in a conftest.py to configure them. mock-posthog itself is imported only when a fixture is
used, so the plugin costs nothing to test runs that use none.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from mock_posthog.harness.handle import MockPostHog
    from mock_posthog.harness.live import LiveServer

MARKER = "posthog_fixtures"


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
        server.close()


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
