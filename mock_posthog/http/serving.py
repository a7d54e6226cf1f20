"""The HTTP server of `mock-posthog serve`: waitress, in this one process (the world lives in
its memory), with a pool of threads.

Chosen by measurement (bench/README.md): on two cores, with 10 keep-alive connections, a bare
Flask app answers about three times as many requests under waitress as under werkzeug's
development server, and it starts as fast. A latency fault sleeps in one thread and holds up
only its own request.

This module imports no more than the server, so that the benchmark's bare Flask app can run
under exactly the same server.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from waitress.channel import ClientDisconnected
from waitress.server import create_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Requests served at once. Measured on two cores with 10 keep-alive connections, 16 threads
# use less CPU per request than 8 or 4 (a free thread is always waiting), for a bare Flask
# app and for mock-posthog alike; a latency fault holds up only its own thread.
THREADS = 16
STOP_TIMEOUT = 5.0  # seconds the requests in flight get to finish at a stop


def serve(app: WSGIApp, host: str, port: int, on_listening: Callable[[int], None]) -> None:
    """Serve `app` until SIGTERM or Ctrl-C. `on_listening` gets the port once the socket
    accepts connections (port 0 picks a free one)."""
    listener = _listen(host, port)
    server = create_server(
        _logging_requests(_dropping_connections(app)),
        sockets=[listener],
        threads=THREADS,
        asyncore_use_poll=True,  # no select() limit on the number of connections
    )
    # Requests waiting for a thread are normal here, not worth a warning each.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        on_listening(listener.getsockname()[1])
        server.run()  # returns at SIGTERM or Ctrl-C, once the requests in flight are done
    except (KeyboardInterrupt, SystemExit):  # before the loop started
        server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT)
    finally:
        server.close()
        signal.signal(signal.SIGTERM, previous)


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host`, as werkzeug's server binds one: IPv6 when the host has
    a colon, else IPv4 (so `localhost` is 127.0.0.1), on one port even when it was 0."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host.strip("[]"), port))
        listener.listen(1024)
    except OSError:
        listener.close()
        raise
    return listener


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _dropping_connections(app: WSGIApp) -> WSGIApp:
    """A request that drops its connection (a fault, see faults.py) raises
    ConnectionAbortedError; waitress then closes the socket and writes nothing."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            return app(environ, start_response)
        except ConnectionAbortedError:
            raise ClientDisconnected from None

    return wsgi


def _logging_requests(app: WSGIApp) -> WSGIApp:
    """At DEBUG level (MOCK_POSTHOG_LOG_LEVEL=DEBUG), one line a request on stderr; waitress
    writes none. Off by default: under load, sixteen threads queueing on the log's lock cut
    the throughput by three quarters. Keys in the query string are redacted by the log filter
    (redaction.py)."""
    log = logging.getLogger("mock_posthog.access")
    if not log.isEnabledFor(logging.DEBUG):
        return app

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def logged_start(status: str, headers: Any, *args: Any) -> Any:
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            log.debug('"%s %s" %s', environ.get("REQUEST_METHOD"), target, status.split(" ")[0])
            return start_response(status, headers, *args)

        return app(environ, logged_start)

    return wsgi
