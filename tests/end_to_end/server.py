"""Start `mock-posthog serve` as a real subprocess on 127.0.0.1 and stop it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 20
COMMAND = (sys.executable, "-m", "mock_posthog")


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's variables without any MOCK_POSTHOG_* (the test says which it sets)."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("MOCK_")}
    return {**kept, **(extra or {})}


def refused(
    args: Sequence[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `mock-posthog ARGS` expecting it to end on its own (a refusal, --help)."""
    return subprocess.run(
        [*COMMAND, *args],
        capture_output=True,
        text=True,
        env=environment(env),
        timeout=START_TIMEOUT,
    )


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    log: tempfile._TemporaryFileWrapper[str]

    def log_text(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=10)


def start(
    args: Sequence[str] = (),
    *,
    command: Sequence[str] = COMMAND,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    preexec_fn: Callable[[], object] | None = None,
) -> Served:
    """Run `serve --port 0 ARGS` and wait for its first line, the address."""
    # The log goes to a file: a pipe nobody reads fills up and blocks the server.
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115  (closed by `serving`)
    process = subprocess.Popen(
        [*command, "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        preexec_fn=preexec_fn,
    )
    assert process.stdout is not None
    first_line = process.stdout.readline().strip()
    if not first_line.startswith("http://"):
        process.kill()
        process.wait(timeout=START_TIMEOUT)
        log.seek(0)
        raise AssertionError(f"serve did not print its address: {first_line!r} {log.read()}")
    return Served(process, first_line, log)


@contextmanager
def serving(args: Sequence[str] = (), **kwargs: object) -> Iterator[Served]:
    served = start(args, **kwargs)  # type: ignore[arg-type]
    try:
        yield served
    finally:
        if served.process.poll() is None:
            served.process.kill()
            served.process.wait(timeout=10)
        served.log.close()
