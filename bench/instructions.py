"""Instructions per API request, counted rather than timed: the same three calls as the
`server` section, made by calling mock-posthog's WSGI app directly (no network) with an
environ like the one `serve` builds, under valgrind's callgrind.

    python bench/instructions.py                  # GET a plugin, the default list, POST a config
    python bench/instructions.py --calls get,post --requests 500

A count does not move with the machine's load the way a time does, so two versions of the
code can be compared on a shared machine one after the other. Each call is counted in two
runs of the same process, one making `--requests` more requests than the other after the same
warm-up; the difference, divided by `--requests`, is what one request costs. valgrind must be
on the PATH (Debian's package `valgrind`); the script never installs it.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from typing import Any

API_KEY = "phx_mock_personal_api_key"
WARM_UP = 300
CALLS: dict[str, tuple[str, str, bytes]] = {
    "get": ("GET", "/api/organizations/@current/plugins/1/", b""),
    "list": ("GET", "/api/organizations/@current/plugins/", b""),
    "post": (
        "POST",
        "/api/projects/1/plugin_configs/",
        json.dumps({"plugin": 2, "order": 3, "enabled": False}).encode(),
    ),
}


def environ(method: str, path: str, body: bytes) -> dict[str, Any]:
    """What `serve` hands the app for such a request from wrk (granian's keys)."""
    built: dict[str, Any] = {
        "GATEWAY_INTERFACE": "CGI/1.1",
        "SCRIPT_NAME": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8010",
        "REMOTE_ADDR": "127.0.0.1",
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.input_terminated": True,
        "wsgi.multiprocess": False,
        "wsgi.multithread": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "HTTP_HOST": "127.0.0.1:8010",
        "HTTP_AUTHORIZATION": f"Bearer {API_KEY}",
    }
    if body:
        built["CONTENT_TYPE"] = "application/json"
        built["CONTENT_LENGTH"] = str(len(body))
    return built


def make_requests(call: str, count: int) -> None:
    """The child's part: the warm-up, then `count` requests of `call`."""
    import logging

    from mock_posthog.app import create_app

    logging.disable(logging.WARNING)  # the journal's "full" warning
    app: Callable[..., Any] = create_app().wsgi_app
    method, path, body = CALLS[call]

    def answered(status: str, headers: list[tuple[str, str]]) -> None:
        if not status.startswith("2"):
            sys.exit(f"{method} {path} answered {status}")

    for _ in range(WARM_UP + count):
        app(environ(method, path, body), answered)


def counted(call: str, count: int) -> int:
    """The instructions callgrind counted for a whole child process."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            sys.executable,
            __file__,
            "--child",
            call,
            str(count),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        sys.exit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found[1])


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        make_requests(sys.argv[2], int(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", default="get,list,post", help="of: get, list, post")
    parser.add_argument("--requests", type=int, default=500, help="requests counted per call")
    options = parser.parse_args()
    calls = options.calls.split(",")
    unknown = [call for call in calls if call not in CALLS]
    if unknown:
        parser.error(f"unknown call {unknown[0]!r}: choose from {', '.join(CALLS)}")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not on the PATH (Debian's package `valgrind`)")
    for call in calls:
        difference = counted(call, options.requests) - counted(call, 0)
        method, path, _ = CALLS[call]
        print(f"{method} {path}: {difference // options.requests:,} instructions a request")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
