"""A live server for code that needs a real socket (any HTTP client, a subprocess in another
language), and the handle that drives it through its /_mock/ control plane.

    with LiveServer.start() as server:  # `mock-posthog serve --port 0` on 127.0.0.1
        server.base_url, server.api_key
        server.faults.add(route="plugins_list", status=503)
        server.get("/api/organizations/@current/plugins/").status_code   # 503
        server.assert_called("GET", "/api/organizations/@current/plugins/")

Every operation it shares with the in-process handle is in operations.py; here are starting
and stopping the process and reading its log. Only the standard library speaks to the server,
so nothing else need be installed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from mock_posthog.harness.control_client import ControlError
from mock_posthog.harness.operations import DEFAULT_API_KEY, Handle
from mock_posthog.harness.transports import HttpTransport
from mock_posthog.http.namespace_selectors import PREFIX as NAMESPACE_PREFIX
from mock_posthog.settings import ENV_PREFIX

__all__ = ["ControlError", "LiveServer"]

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
COMMAND = (sys.executable, "-m", "mock_posthog")
CONTROL_TOKEN_VARIABLE = f"{ENV_PREFIX}CONTROL_TOKEN"


class LiveServer(Handle):
    """A running `mock-posthog serve` and the handle that drives it; with `namespace`, one
    namespace of it: `base_url` carries the namespace's path prefix, so that every request
    made from it (by the handle, or by any client in any process) reaches that namespace."""

    def __init__(
        self,
        process: subprocess.Popen[str] | None,
        base_url: str,
        log: IO[str] | None,
        api_key: str = DEFAULT_API_KEY,
        control_token: str | None = None,
        headers: Mapping[str, str] | None = None,
        namespace: str | None = None,
    ) -> None:
        """`headers` go with every request this handle sends or intercepts. `process` and
        `log` are None for a server this handle did not start."""
        self.server_url = base_url
        self.namespace = namespace
        if namespace:
            base_url = f"{base_url}{NAMESPACE_PREFIX}{namespace}"
        super().__init__(
            HttpTransport(base_url, headers=headers, control_token=control_token), api_key
        )
        self.process = process
        self.log = log  # the server's stderr

    @classmethod
    def start(
        cls,
        arguments: Sequence[str] = (),
        api_key: str = DEFAULT_API_KEY,
        *,
        env: Mapping[str, str] | None = None,
        data_file: str | os.PathLike[str] | None = None,
        command: Sequence[str] = COMMAND,
        cwd: str | os.PathLike[str] | None = None,
        headers: Mapping[str, str] | None = None,
        host: str | None = "127.0.0.1",
        preexec_fn: Callable[[], object] | None = None,
    ) -> LiveServer:
        """Start `command serve --host 127.0.0.1 --port 0 ARGUMENTS` and wait for its address.
        MOCK_POSTHOG_* variables of this process are not passed on: the server is configured
        by `arguments`, `env` (added to this process's other variables), `data_file` and
        `host` (None: no --host, so the server's default or `env` says)."""
        environment = {
            name: value for name, value in os.environ.items() if not name.startswith(ENV_PREFIX)
        }
        environment.update(env or {})
        if data_file is not None:
            arguments = [*arguments, "--data", str(data_file)]
        # The log goes to a file: a pipe nobody reads fills up and blocks the server.
        log = tempfile.TemporaryFile("w+", prefix="mock-posthog-", suffix=".log")  # noqa: SIM115
        process = subprocess.Popen(
            [*command, "serve", *(["--host", host] if host else []), "--port", "0", *arguments],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=environment,
            cwd=Path(cwd) if cwd is not None else None,
            preexec_fn=preexec_fn,  # a signal disposition to inherit, say
        )
        base_url = _first_line(process, log)
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        token = _control_token(arguments) or environment.get(CONTROL_TOKEN_VARIABLE)
        return cls(process, base_url, log, api_key, token, headers)

    @classmethod
    def connect(
        cls,
        url: str,
        control_token: str | None = None,
        namespace: str | None = None,
        api_key: str = DEFAULT_API_KEY,
    ) -> LiveServer:
        """A handle on a server already running at `url` (a container, say)."""
        return cls(None, url.rstrip("/"), None, api_key, control_token, namespace=namespace)

    def stop(self, stop_signal: int = signal.SIGTERM) -> int | None:
        """End the server with `stop_signal` (killed if it has not ended within
        STOP_TIMEOUT); its exit status. The log stays readable until `close`. A server this
        handle did not start is left running (None)."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.send_signal(stop_signal)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def close(self) -> None:
        """Stop the server if it runs, and drop its log."""
        self.stop()
        if self.log is not None:
            self.log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def server_log(self) -> str:
        """What the server wrote to stderr so far ("" for a server this handle did not start)."""
        if self.log is None:
            return ""
        self.log.seek(0)
        return self.log.read()

    def environ(self) -> dict[str, str]:
        """Variables that point a subprocess's PostHog client at this server."""
        return {
            "POSTHOG_HOST": self.base_url,
            "POSTHOG_API_HOST": self.base_url,
            "POSTHOG_PERSONAL_API_KEY": str(self.api_key),
            "MOCK_POSTHOG_URL": self.base_url,
        }


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
        message = log.read()
        log.close()
        raise RuntimeError(f"mock-posthog serve did not start:\n{message}")
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
