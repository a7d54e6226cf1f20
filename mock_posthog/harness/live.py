"""A live server for code that needs a real socket (any HTTP client, a subprocess in another
language), and a handle that drives it through its /_mock/ control plane.

    server = LiveServer.start()         # `mock-posthog serve --port 0` on 127.0.0.1
    server.base_url, server.api_key
    server.faults.add(route="plugins_list", status=503)
    server.assert_called("GET", "/api/organizations/@current/plugins/")
    server.reset(); server.stop()

Only the standard library speaks to the control plane, so nothing else need be installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import IO, Any

from mock_posthog.harness.handle import DEFAULT_API_KEY, Assertions
from mock_posthog.harness.transport import POSTHOG_HOSTS, intercept
from mock_posthog.http.faults import Fault
from mock_posthog.http.journal import Entry, JournalView
from mock_posthog.http.namespace_selectors import HEADER as NAMESPACE_HEADER
from mock_posthog.http.namespace_selectors import PREFIX as NAMESPACE_PREFIX
from mock_posthog.settings import ENV_PREFIX
from mock_posthog.world import snapshots
from mock_posthog.world.clock import isoformat, parse_timestamp

START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0


class ControlError(RuntimeError):
    """The control plane refused a request; the message carries its answer."""


class Control:
    """JSON over HTTP to one server's /_mock/ routes."""

    def __init__(
        self, base_url: str, token: str | None = None, namespace: str | None = None
    ) -> None:
        self.base_url = base_url
        self.token = token  # the server's control token, when it requires one
        self.namespace = namespace  # every request goes to this namespace, when set

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data is not None else {}
        if self.token:
            headers["X-Mock-PostHog-Token"] = self.token
        if self.namespace:
            headers[NAMESPACE_HEADER] = self.namespace
        request = urllib.request.Request(
            f"{self.base_url}/_mock{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                content = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise ControlError(f"{method} /_mock{path} answered {error.code}: {detail}") from None
        return json.loads(content) if content else None


class RemoteJournal(JournalView):
    def __init__(self, control: Control) -> None:
        self._control = control
        self._evicted = 0

    def entries(self) -> list[Entry]:
        answer = self._control.call("GET", "/requests")
        self._evicted = answer["evicted"]
        return [Entry.from_dict(entry) for entry in answer["results"]]

    @property
    def evicted(self) -> int:
        return self._evicted

    def clear(self) -> None:
        self._control.call("DELETE", "/requests")


class RemoteFaults:
    """The same calls as `faults.Faults`, made over HTTP."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def add(self, **spec: Any) -> Fault:
        return _fault(self._control.call("POST", "/faults", spec))

    def all(self) -> list[Fault]:
        return [_fault(fault) for fault in self._control.call("GET", "/faults")["results"]]

    def remove(self, fault_id: int) -> bool:
        try:
            self._control.call("DELETE", f"/faults/{fault_id}")
        except ControlError:
            return False
        return True

    def clear(self) -> None:
        self._control.call("DELETE", "/faults")


def _fault(data: Mapping[str, Any]) -> Fault:
    return Fault(**data)


class RemoteClock:
    """The same calls as `clock.Clock`, made over HTTP."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def now(self) -> datetime:
        return parse_timestamp(self._control.call("GET", "/clock")["now"])

    @property
    def frozen(self) -> bool:
        return bool(self._control.call("GET", "/clock")["frozen"])

    def freeze(self, at: datetime | None = None) -> None:
        self._control.call("POST", "/clock/freeze", {"at": isoformat(at) if at else None})

    def advance(self, delta: timedelta) -> None:
        self._control.call("POST", "/clock/advance", {"seconds": delta.total_seconds()})

    def unfreeze(self) -> None:
        self._control.call("POST", "/clock/unfreeze", {})


class LiveServer(Assertions):
    """A running `mock-posthog serve` and the handle that drives it; with `namespace`, one
    namespace of it: control requests send its header, and `base_url` carries its path prefix,
    so that API requests made from it (by any client, in any process) reach it too."""

    def __init__(
        self,
        process: subprocess.Popen[str] | None,
        base_url: str,
        log: IO[str] | None,
        api_key: str,
        control_token: str | None = None,
        namespace: str | None = None,
    ) -> None:
        self.process = process  # None: a server this handle did not start
        self.server_url = base_url
        self.namespace = namespace
        self.base_url = f"{base_url}{NAMESPACE_PREFIX}{namespace}" if namespace else base_url
        self.api_key = api_key
        self.log = log
        self.control = Control(base_url, control_token, namespace)
        self._journal = RemoteJournal(self.control)
        self.faults = RemoteFaults(self.control)
        self.clock = RemoteClock(self.control)
        self._fixture_files = snapshots.FixtureFiles()

    @property
    def journal(self) -> RemoteJournal:  # type: ignore[override]
        return self._journal

    @classmethod
    def start(cls, arguments: Sequence[str] = (), api_key: str = DEFAULT_API_KEY) -> LiveServer:
        """Start a server on 127.0.0.1 and a free port. MOCK_POSTHOG_* variables of this
        process are not passed on: the server is configured by `arguments` alone."""
        environment = {
            name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)
        }
        # The server's log lives as long as the server; `stop` closes it.
        log = tempfile.TemporaryFile("w+", prefix="mock-posthog-", suffix=".log")  # noqa: SIM115
        command = [sys.executable, "-m", "mock_posthog.cli", "serve", "--host", "127.0.0.1"]
        process = subprocess.Popen(
            [*command, "--port", "0", *arguments],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=environment,
        )
        base_url = _first_line(process, log)
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        return cls(process, base_url, log, api_key, _control_token(arguments))

    @classmethod
    def connect(
        cls,
        url: str,
        control_token: str | None = None,
        namespace: str | None = None,
        api_key: str = DEFAULT_API_KEY,
    ) -> LiveServer:
        """A handle on a server already running at `url` (a container, say)."""
        return cls(None, url.rstrip("/"), None, api_key, control_token, namespace)

    def stop(self) -> None:
        """Stop the server this handle started; a connected one is left running."""
        if self.process is None or self.log is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def server_log(self) -> str:
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read()

    # The same calls as the in-process handle, over HTTP. The upstream, plugin log entries,
    # recorded jobs and delivery metrics have no methods here yet: reach them through their
    # /_mock/ routes (`self.control.call`).

    def url(self, path: str) -> str:
        return self.base_url + path

    def environ(self) -> dict[str, str]:
        """Variables that point a subprocess's PostHog client at this server."""
        return {
            "POSTHOG_HOST": self.base_url,
            "POSTHOG_API_HOST": self.base_url,
            "POSTHOG_PERSONAL_API_KEY": self.api_key,
            "MOCK_POSTHOG_URL": self.base_url,
        }

    @contextmanager
    def intercept(self, hosts: tuple[str, ...] = POSTHOG_HOSTS) -> Iterator[LiveServer]:
        """Within the block, `requests` and `httpx` calls to PostHog's hosts come here."""
        with intercept(base_url=self.base_url, hosts=hosts):
            yield self

    def reset(self) -> None:
        self.control.call("POST", "/reset")

    def seed_uuids(self, seed: int | None) -> None:
        self.control.call("PUT", "/uuids", {"seed": seed})

    def rate_limit(self, enabled: bool, rates: Sequence[str] | None = None) -> None:
        self.control.call("PUT", "/rate_limit", {"enabled": enabled, "rates": rates})

    def snapshot(self) -> snapshots.Tables:
        return self.control.call("GET", "/snapshot")

    def export(self) -> snapshots.Tables:
        return self.snapshot()

    def restore(self, source: Mapping[str, Any] | str | os.PathLike[str]) -> None:
        if isinstance(source, Mapping):
            self.control.call("POST", "/snapshot", dict(source))
        else:
            self.load_fixtures(source)

    def load_fixtures(self, *paths: str | os.PathLike[str], extend: bool = False) -> None:
        """As `MockPostHog.load_fixtures`: files are read and checked here, then loaded."""
        self.restore(self._fixture_files.merged(paths, extend, self._seed_tables))

    def _seed_tables(self) -> snapshots.Tables:
        return self.control.call("GET", "/snapshot?of=seed")


def _first_line(process: subprocess.Popen[str], log: IO[str]) -> str:
    """The address the server prints once it listens; its log when it never does."""
    assert process.stdout is not None
    found: list[str] = []
    reader = threading.Thread(target=lambda: found.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(START_TIMEOUT)
    line = found[0].strip() if found else ""
    if not line.startswith("http://"):
        process.kill()
        process.wait()
        log.seek(0)
        raise RuntimeError(f"mock-posthog serve did not start:\n{log.read()}")
    return line


def _control_token(arguments: Sequence[str]) -> str | None:
    """The `--control-token` among the server's arguments, which control requests send."""
    for index, argument in enumerate(arguments):
        if argument.startswith("--control-token="):
            return argument.split("=", 1)[1]
        if argument == "--control-token" and index + 1 < len(arguments):
            return arguments[index + 1]
    return None


def _drain(stream: IO[str] | None) -> None:
    if stream is not None:
        for _ in stream:
            pass
