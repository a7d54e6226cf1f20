"""wrk as the `server` section's load generator, where it is on the PATH.

The Python generator (`bench/load.py`) shares the machine's cores with the servers it loads
and stops near 5,000 req/s whatever answers; wrk (C, epoll, one process) costs a fraction of
that per request, so the servers' own differences show. The request (method, path, headers,
body) is the same `Call` the Python generator sends, written into a Lua script in a temporary
file; the script's `done` prints wrk's counts as one JSON line. The result has the shape
`load.py` prints, so the caller cannot tell the two apart except by name.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

NAME = "wrk"
PYTHON_NAME = "Python load.py"
# Two threads for ten connections: one per core of the machines this is measured on; more
# threads than cores only take turns with the servers.
THREADS = 2
CONNECTIONS = 10
MARK = "wrk-result "

DONE = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
      .. '"status": %d, "timeout": %d}\\n',
    MARK, summary.requests, summary.duration, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def lua_string(text: str) -> str:
    """`text` as a Lua string literal: every byte but ASCII letters and digits as a decimal
    escape of three digits, which every Lua version (wrk's LuaJIT included) reads alike."""
    kept = (
        chr(b) if chr(b).isascii() and chr(b).isalnum() else f"\\{b:03d}" for b in text.encode()
    )
    return '"' + "".join(kept) + '"'


def script(call: Any) -> str:
    lines = [f"MARK = {lua_string(MARK)}", f"wrk.method = {lua_string(call.method)}"]
    if call.body:
        # wrk.format adds the Content-Length of the body itself.
        lines.append(f"wrk.body = {lua_string(call.body)}")
    lines += [
        f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in call.headers
    ]
    return "\n".join(lines) + "\n" + DONE


def load(call: Any, port: int, seconds: float) -> dict[str, Any]:
    """One wrk run of `call` against 127.0.0.1:`port`, as `load.py` reports one. wrk takes
    whole seconds; it has no warm-up, so every request of the run is counted."""
    duration = max(1, math.ceil(seconds))
    with tempfile.TemporaryDirectory(prefix="mock-posthog-wrk-") as folder:
        path = Path(folder) / "request.lua"
        path.write_text(script(call))
        finished = subprocess.run(
            [
                "wrk",
                f"--threads={THREADS}",
                f"--connections={CONNECTIONS}",
                f"--duration={duration}s",
                "--timeout=10s",
                f"--script={path}",
                f"http://127.0.0.1:{port}{call.path}",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 30,
        )
    return result(finished.stdout)


def result(output: str) -> dict[str, Any]:
    lines = [line for line in output.splitlines() if line.startswith(MARK)]
    if not lines:
        raise RuntimeError(f"wrk printed no result: {output[-500:]!r}")
    counts = json.loads(lines[-1].removeprefix(MARK))
    socket_errors = sum(counts[kind] for kind in ("connect", "read", "write", "timeout"))
    errors = counts["status"] + socket_errors
    seconds = counts["duration_us"] / 1e6
    return {
        "requests": counts["requests"],
        "seconds": seconds,
        "rps": (counts["requests"] - counts["status"]) / seconds,  # successful answers only
        "errors": errors,
        "statuses": {
            "below 400": counts["requests"] - counts["status"],
            "400 or above": counts["status"],
            "socket errors": socket_errors,
        },
    }


def chosen(options: Any) -> str:
    """The generator the section uses: wrk where it is installed, except in the smoke run,
    which stays quick and needs nothing outside Python."""
    return NAME if available() and not options.smoke else PYTHON_NAME


def load_call(generator: str, call: Any, port: int, options: Any) -> dict[str, Any]:
    if generator == NAME:
        return load(call, port, options.seconds)
    answered: dict[str, Any] = call.load(port, options)
    return answered
