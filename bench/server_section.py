"""The `server` section of bench/run.py: the WSGI server `serve` runs on, measured against
the others side by side in one run.

Five servers run at once, each loaded in turn (who goes first changes from run to run) with
10 keep-alive connections (from wrk where it is installed, else from `bench/load.py`; the rows
name which): mock-posthog as `serve` runs it (granian), mock-posthog's same app
under waitress with raised limits, a bare Flask app answering the same bytes under waitress
with 16 threads (what `serve` equalled on waitress) and under granian, and a raw WSGI callable
answering the same bytes under granian (the ceiling). Then, with 300 slow sockets open (each
has sent half a request head), the latency of a normal GET, for mock-posthog on each server.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import sys
import time
from collections.abc import Iterator
from typing import Any

import run as bench
import wrk_load

CALLS = {
    "GET a plugin": bench.Call(
        "GET a plugin", "GET", bench.PLUGIN, headers=tuple(bench.AUTH.items())
    ),
    "GET the default list": bench.Call(
        "GET the default list", "GET", bench.PLUGINS, headers=tuple(bench.AUTH.items())
    ),
    "POST a plugin config": bench.Call(
        "POST a plugin config",
        "POST",
        bench.CONFIGS,
        body=json.dumps({"plugin": 2, "order": 3, "enabled": False}),
        headers=(*bench.AUTH.items(), ("Content-Type", "application/json")),
    ),
}
# Targets of issue: mock-posthog against the bare app on waitress 16 threads, per call.
AGAINST_WAITRESS = {"GET a plugin": 2.5, "GET the default list": 2.5, "POST a plugin config": 2.0}
BARE = str(bench.HERE / "bare_app.py")


def commands(responses: str) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "mock": bench.serve_command(),
        "mock on waitress": [python, BARE, "--mock", "--server", "waitress"],
        "bare on waitress": [python, BARE, responses, "--server", "waitress"],
        "bare": [python, BARE, responses],
        "raw": [python, BARE, responses, "--raw"],
    }


NAMES = {
    "mock on waitress": "mock-posthog on waitress (16 threads, 1,000 connections)",
    "bare on waitress": "bare Flask on waitress (16 threads)",
    "bare": "bare Flask on granian",
    "raw": "raw WSGI on granian (the ceiling)",
}


def section_server(options: Any, report: Any) -> None:
    responses = options.workdir / "server-responses.json"
    with bench.running("mock-posthog", bench.serve_command()) as mock:
        mock.wait_healthy()
        responses.write_text(
            json.dumps([bench.answer_of(mock.port, call) for call in CALLS.values()])
        )
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(bench.running(name, command))
            for name, command in commands(str(responses)).items()
        }
        for server in servers.values():
            server.wait_healthy()
        generator = wrk_load.chosen(options)
        rps, cpu = throughput(options, servers, generator)
        for label in CALLS:
            report_throughput(report, label, generator, rps, cpu)
        for name in ("mock", "mock on waitress"):
            latency = behind_slow_sockets(options, servers[name].port)
            report.add(
                bench.Row(
                    "server",
                    f"GET a plugin with {options.scale(300, 20)} slow sockets open, "
                    + ("mock-posthog (granian)" if name == "mock" else NAMES[name]),
                    latency,
                    "s",
                    target="< 50 ms (median)" if name == "mock" else "(for reading)",
                    met=latency < 0.05 if name == "mock" else None,
                    runs=options.scale(20, 3),
                )
            )


def throughput(
    options: Any, servers: dict[str, Any], generator: str
) -> tuple[dict[tuple[str, str], list[float]], dict[tuple[str, str], list[float]]]:
    rps: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    names = list(servers)
    for run in range(max(options.runs, 5) if not options.smoke else 1):
        for label, call in CALLS.items():
            turn = run % len(names)
            for name in names[turn:] + names[:turn]:
                server = servers[name]
                used = server.cpu_seconds()
                result = wrk_load.load_call(generator, call, server.port, options)
                used = server.cpu_seconds() - used
                if result["errors"]:
                    raise RuntimeError(f"{name} {label}: {result['statuses']}")
                rps.setdefault((name, label), []).append(result["rps"])
                cpu.setdefault((name, label), []).append(used / max(result["requests"], 1) * 1e6)
    return rps, cpu


def report_throughput(
    report: Any,
    label: str,
    generator: str,
    rps: dict[tuple[str, str], list[float]],
    cpu: dict[tuple[str, str], list[float]],
) -> None:
    title = f"{label} ({generator})"  # the rows say which load generator measured them
    mine = rps["mock", label]
    runs = len(mine)
    for name, least in (
        ("bare on waitress", AGAINST_WAITRESS[label]),
        ("bare", 1.0),
        ("mock on waitress", None),
        ("raw", None),
    ):
        theirs = rps[name, label]
        paired = bench.median(
            [ours / max(other, 1e-9) for ours, other in zip(mine, theirs, strict=True)]
        )
        report.add(
            bench.Row(
                "server",
                f"{title}, mock-posthog (granian) vs",
                bench.median(mine),
                "req/s",
                NAMES[name],
                bench.median(theirs),
                f">= {least:g}x" if least is not None else "(for reading)",
                paired >= least if least is not None else None,
                runs,
                paired,
            )
        )
    for name in ("bare", "mock on waitress", "bare on waitress", "raw"):
        report.add(
            bench.Row(
                "server",
                f"{title}: server CPU per request, mock-posthog (granian) vs",
                bench.median(cpu["mock", label]),
                "us",
                NAMES[name],
                bench.median(cpu[name, label]),
                "(for reading)",
                runs=runs,
            )
        )


@contextlib.contextmanager
def slow_sockets(port: int, count: int) -> Iterator[list[socket.socket]]:
    """Connections that have sent half a request head and wait, as slow clients do."""
    opened: list[socket.socket] = []
    try:
        for _ in range(count):
            connection = socket.create_connection(("127.0.0.1", port), timeout=5)
            connection.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            opened.append(connection)
        yield opened
    finally:
        for connection in opened:
            connection.close()


def behind_slow_sockets(options: Any, port: int) -> float:
    """The median seconds of a GET on a new connection; a GET that gets no answer within 2 s
    counts as 2 s."""
    samples = []
    with slow_sockets(port, options.scale(300, 20)):
        for _ in range(options.scale(20, 3)):
            started = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                connection.request("GET", bench.PLUGIN, headers=bench.AUTH)
                connection.getresponse().read()
                samples.append(time.perf_counter() - started)
            except OSError:
                samples.append(2.0)
            finally:
                connection.close()
    return bench.median(samples)
