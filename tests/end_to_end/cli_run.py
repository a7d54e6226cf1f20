"""Run `mock-posthog ARGS` to its end (a refusal, --help, check): for what is not a server.
Servers are started with the package's live handle, `LiveServer.start`."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence

from mock_posthog.harness.live import COMMAND

TIMEOUT = 20


def environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This process's variables without any MOCK_POSTHOG_* (the test says which it sets)."""
    kept = {name: value for name, value in os.environ.items() if not name.startswith("MOCK_")}
    return {**kept, **(extra or {})}


def refused(
    args: Sequence[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `mock-posthog ARGS` expecting it to end on its own."""
    return subprocess.run(
        [*COMMAND, *args], capture_output=True, text=True, env=environment(env), timeout=TIMEOUT
    )
