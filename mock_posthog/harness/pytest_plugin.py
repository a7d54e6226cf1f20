"""pytest fixtures for code that talks to PostHog; installing mock-posthog registers them.

- `posthog`: the in-process handle (no socket), on a fresh default world for every test.
- `posthog_intercept`: the same, with `requests`, `httpx`, `urllib.request` and `http.client`
  calls to app./us./eu.posthog.com sent to it, so client code runs unchanged.
- strict interception: `@pytest.mark.posthog_intercept(strict=True)` on a test, or a
  `posthog_intercept_strict` fixture returning True in a conftest.py: within the intercepting
  fixtures, a request for any other host, or one to a PostHog host that did not reach the
  mock, raises naming its URL, and fails the test even when the code caught the error.
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
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

if TYPE_CHECKING:
    from mock_posthog.harness.handle import MockPostHog
    from mock_posthog.harness.live import LiveServer
    from mock_posthog.harness.strict import Guard

MARKER = "posthog_fixtures"
SIDECAR_URL = "MOCK_POSTHOG_URL"
SIDECAR_TOKEN = "MOCK_POSTHOG_CONTROL_TOKEN"
INTERCEPT_MARKER = "posthog_intercept"
_GUARD: pytest.StashKey[Guard] = pytest.StashKey()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*paths, extend=False): load these fixture files (relative to the test file) "
        "into mock-posthog's world for this test; with extend=True, merge them over the "
        "default world instead of replacing it.",
    )
    config.addinivalue_line(
        "markers",
        f"{INTERCEPT_MARKER}(strict=False): with strict=True, the posthog_intercept fixtures "
        "fail the test on any request that does not reach mock-posthog, naming its URL.",
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


@pytest.fixture(scope="session")
def posthog_intercept_strict() -> bool:
    """Whether the intercepting fixtures are strict unless a test's marker says otherwise."""
    return False


@pytest.fixture
def posthog_intercept(
    posthog: MockPostHog, posthog_intercept_strict: bool, request: pytest.FixtureRequest
) -> Iterator[MockPostHog]:
    """`posthog`, with requests/httpx/urllib/http.client calls to PostHog's hosts sent to it."""
    with _intercepting(posthog, posthog_intercept_strict, request):
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
def posthog_live_intercept(
    posthog_live: LiveServer, posthog_intercept_strict: bool, request: pytest.FixtureRequest
) -> Iterator[LiveServer]:
    """`posthog_live`, with requests/httpx/urllib/http.client calls to PostHog's hosts sent
    to it."""
    with _intercepting(posthog_live, posthog_intercept_strict, request):
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


@contextmanager
def _intercepting(handle: Handle, strict: bool, request: pytest.FixtureRequest) -> Iterator[None]:
    marker = request.node.get_closest_marker(INTERCEPT_MARKER)
    if marker is not None:
        strict = bool(marker.kwargs.get("strict", strict))
    with handle.transport.intercept(strict=strict) as guard:
        request.node.stash[_GUARD] = guard
        yield


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A test whose code caught a strict refusal fails all the same."""
    report = yield
    guard = item.stash.get(_GUARD, None)
    if report.when == "call" and report.passed and guard is not None and guard.refused:
        report.outcome = "failed"
        report.longrepr = "\n".join(guard.refused)
    return report


def _fresh(handle: Handle, request: pytest.FixtureRequest) -> Handle:
    """The handle reset, with the test's marked fixture files loaded."""
    handle.reset()
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return handle
    if not marker.args:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} needs at least one fixture file")
    from mock_posthog.world.fixtures import FixtureError

    here = Path(request.node.path).parent
    given = {str(here / path): path for path in marker.args}  # resolved -> as written
    try:
        handle.load_fixtures(*given, extend=bool(marker.kwargs.get("extend", False)))
    except OSError as error:  # a file that is not there, or cannot be read
        named = given.get(str(error.filename), error.filename)
        problem = f"{(error.strerror or str(error)).lower()}: {error.filename}"
    except FixtureError as error:  # the first bad field, with its path in the file
        named = given.get(error.source, error.source)
        problem = f"{error.path}: {error.message}"
    else:
        return handle
    # Outside the except clause, so that the one line is all the report shows.
    pytest.fail(f"@pytest.mark.{MARKER}({named!r}): {problem}", pytrace=False)
