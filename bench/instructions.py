"""Instructions per API request, counted rather than timed: the same three calls as the
`server` section, made by calling mock-posthog's WSGI app directly (no network) with an
environ like the one `serve` builds, under valgrind's callgrind; and, side by side, the bare
Flask app of `bench/bare_app.py` answering the same bytes, counted the same way.

    python bench/instructions.py                  # GET a plugin, the default list, POST a config
    python bench/instructions.py --calls get,post --requests 500
    python bench/instructions.py --cache          # and the cache's misses, simulated

A count does not move with the machine's load the way a time does, so two versions of the
code, or the mock and the bare app, can be compared on a shared machine. Each call is counted
in two runs of the same process, one making `--requests` more requests than the other after
the same warm-up; the difference, divided by `--requests`, is what one request costs. The
warm-up fills the journal (1,000 requests), so that what is counted is the steady state of a
long run, where every request's record evicts the oldest. With `--cache`, callgrind also
simulates the caches, and each line adds the first-level misses and KCachegrind's estimate of
the cycles (instructions + 10 per first-level miss + 100 per last-level miss): memory a
request touches costs time its instructions do not show. valgrind must be on the PATH
(Debian's package `valgrind`); the script never installs it.
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
from concurrent.futures import ThreadPoolExecutor
from typing import Any

API_KEY = "phx_mock_personal_api_key"
WARM_UP = 1300  # past the journal's 1,000 entries
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


def make_requests(call: str, count: int, reference: bool) -> None:
    """The child's part: the warm-up, then `count` requests of `call`, to mock-posthog's app,
    or (`reference`) to the bare Flask app answering what mock-posthog answers."""
    import logging

    from mock_posthog.app import create_app

    logging.disable(logging.WARNING)  # the journal's "full" warning
    app: Callable[..., Any] = create_app().wsgi_app
    method, path, body = CALLS[call]
    if reference:
        app = bare_app(app, method, path, body)

    def answered(status: str, headers: list[tuple[str, str]]) -> None:
        if not status.startswith("2"):
            sys.exit(f"{method} {path} answered {status}")

    for _ in range(WARM_UP + count):
        app(environ(method, path, body), answered)


def bare_app(mock: Callable[..., Any], method: str, path: str, body: bytes) -> Callable[..., Any]:
    """The bare Flask app answering what `mock` answers to this request, as the `server`
    section's bare app answers it."""
    from bare_app import copied_headers, make_app

    answer: dict[str, Any] = {}

    def answered(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"] = int(status.split(" ", 1)[0])
        answer["headers"] = copied_headers(headers)

    content = b"".join(mock(environ(method, path, body), answered))
    spec = {"method": method, "path": path, "content_type": "application/json"}
    return make_app([{**spec, **answer, "body": content.decode()}]).wsgi_app


COUNTS = ("Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")  # callgrind's events


def counted(call: str, count: int, reference: bool, cache: bool) -> dict[str, int]:
    """What callgrind counted for a whole child process, by event."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            *(["--cache-sim=yes"] if cache else []),
            sys.executable,
            __file__,
            "--child",
            call,
            str(count),
            *(["--reference"] if reference else []),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"Collected : ([\d ]+)", done.stderr)
    if found is None:
        sys.exit(f"callgrind printed no count:\n{done.stderr[-2000:]}")
    return dict(zip(COUNTS, map(int, found[1].split()), strict=False))


def per_request(call: str, requests: int, reference: bool, cache: bool) -> dict[str, float]:
    with ThreadPoolExecutor(2) as pool:  # the two runs side by side, one a core
        more, fewer = pool.map(lambda n: counted(call, n, reference, cache), (requests, 0))
    return {event: (more[event] - fewer[event]) / requests for event in more}


def cycles(cost: dict[str, float]) -> float:
    """KCachegrind's cycle estimate."""
    first = cost["I1mr"] + cost["D1mr"] + cost["D1mw"]
    last = cost["ILmr"] + cost["DLmr"] + cost["DLmw"]
    return cost["Ir"] + 10 * first + 100 * last


def line(call: str, mock: dict[str, float], bare: dict[str, float]) -> str:
    method, path, _ = CALLS[call]
    text = (
        f"{method} {path}: {mock['Ir']:,.0f} instructions a request;"
        f" bare Flask {bare['Ir']:,.0f} ({mock['Ir'] / bare['Ir']:.2f}x)"
    )
    if "D1mr" in mock:
        misses = [cost["D1mr"] + cost["D1mw"] for cost in (mock, bare)]
        text += (
            f"; first-level misses {misses[0]:,.0f}, bare {misses[1]:,.0f};"
            f" estimated cycles {cycles(mock):,.0f}, bare {cycles(bare):,.0f}"
            f" ({cycles(mock) / cycles(bare):.2f}x)"
        )
    return text


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        make_requests(sys.argv[2], int(sys.argv[3]), "--reference" in sys.argv[4:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", default="get,list,post", help="of: get, list, post")
    parser.add_argument("--requests", type=int, default=500, help="requests counted per call")
    parser.add_argument("--cache", action="store_true", help="simulate the caches too")
    options = parser.parse_args()
    calls = options.calls.split(",")
    unknown = [call for call in calls if call not in CALLS]
    if unknown:
        parser.error(f"unknown call {unknown[0]!r}: choose from {', '.join(CALLS)}")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not on the PATH (Debian's package `valgrind`)")
    for call in calls:
        mock, bare = (
            per_request(call, options.requests, reference, options.cache)
            for reference in (False, True)
        )
        print(line(call, mock, bare), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
