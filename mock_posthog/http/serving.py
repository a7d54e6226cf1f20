"""The HTTP server of `mock-posthog serve`: granian's Rust HTTP server and its WSGI interface,
run in this one process (the world lives in its memory), the app called on one Python
thread, and a request that may block on a thread of its own.

Chosen by measurement (bench/README.md): on two cores, with 10 keep-alive connections, the
same app costs less than half the CPU per request under granian as under waitress with 16
threads, and answers more requests a second; with hundreds of idle or slow connections open
it still answers everyone, at no thread's cost. granian's own process manager runs the app in
worker processes and, given port 0, cannot say which port was bound; so this module drives
granian's worker in process instead, on a socket it binds itself: the port is known before
the address is printed, a second server on a busy port is refused (no SO_REUSEPORT), and the
signals, the exit status and the data file's lock are this process's.

One thread, because every request that moves the interpreter from one thread to another
costs more than the request itself: with granian's single-thread runner a GET costs three
quarters and a POST about half the CPU it costs with two threads or more (bench/README.md).
But on one thread a request that sleeps on a fault's latency would hold every other, the
control plane's too. So while `serve`'s caller says a request may sleep (a fault with latency
anywhere in the process), each request's body is read on granian's thread (granian's input
cannot be read from another) and the request is answered on a thread of its own: granian lets
its callback return before the answer is written, and takes the answer from that thread. A
client that sends its body slowly holds the others while it is read, as on any one-thread
server.

This module imports no more than the server, so that the benchmark's bare Flask app can run
under exactly the same server.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
import socket
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import Any, NoReturn

from granian import _granian
from granian._futures import _new_cbscheduler
from granian.http import HTTP1Settings
from granian.wsgi import Response, ResponseIterWrap

from mock_posthog.http.streams import read_at_most

# granian's compiled module; its type stubs lag behind it (2.8's worker also takes an IPC
# handle and a metrics pair), so it is used untyped. The version is pinned in pyproject.toml.
_native: Any = _granian
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Python threads granian runs the app on: one, its fastest runner (bench/README.md).
THREADS = 1
BACKLOG = 1024
DROPPED = "mock-posthog fault: the connection was dropped"
STOP_TIMEOUT = 5.0  # seconds the requests in flight get to finish at a stop
_BASE_ENVIRON: dict[str, Any] = {
    "GATEWAY_INTERFACE": "CGI/1.1",
    "SCRIPT_NAME": "",
    "SERVER_SOFTWARE": "mock-posthog (granian)",
    "wsgi.errors": sys.stderr,
    "wsgi.input_terminated": True,  # granian's input ends at the body's end
    "wsgi.multiprocess": False,
    "wsgi.multithread": True,
    "wsgi.run_once": False,
    "wsgi.version": (1, 0),
}


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on `host`, IPv6 when the host has a colon, else IPv4 (so
    `localhost` is 127.0.0.1), on one port even when it was 0. Raises socket.gaierror for a
    host that does not resolve, OSError (EADDRINUSE) for a port in use: without SO_REUSEPORT
    a second server cannot share the port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM)[0][4]
    listener = socket.socket(family, socket.SOCK_STREAM)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError:
        listener.close()
        raise
    return listener


def serve(
    app: WSGIApp,
    listener: socket.socket,
    on_listening: Callable[[int], None],
    may_sleep: Callable[[], bool] = lambda: False,
    max_body: int = 10 * 1024 * 1024,
) -> None:
    """Serve `app` on `listener` until SIGINT or SIGTERM, whatever this process inherited for
    them (a job started in the background of a shell ignores SIGINT). `on_listening` gets the
    port once the socket accepts connections; the requests in flight finish before it
    returns. While `may_sleep()`, every request is answered on a thread of its own, its body
    read first up to `max_body` bytes (the app refuses a longer one)."""
    port = listener.getsockname()[1]
    stop, drained = threading.Event(), threading.Event()
    shutdown = _native.WorkerSignal()
    shutdown.add_cb(drained.set)

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    logging.getLogger("_granian.utils").addFilter(_not_a_dropped_connection)
    previous = {number: signal.signal(number, stopping) for number in _STOP_SIGNALS}
    try:
        worker = _native.WSGIWorker(
            1,  # worker id
            (None, _native.SocketHolder(listener.detach(), False, BACKLOG)),
            None,  # no IPC: there is no parent process
            1,  # Rust threads: the Python threads are the ceiling
            512,  # Rust blocking threads
            THREADS,
            30,  # seconds before an idle Python thread ends
            BACKLOG,  # requests waiting for a Python thread
            "auto",  # HTTP/1.1, and HTTP/2 when a client asks for it
            HTTP1Settings(),
            None,
            None,  # no static files
            False,  # no TLS
            None,
            None,
            None,
            "tls13",
            None,
            [],
            False,
            (None, None),  # no metrics
        )
        loop = asyncio.new_event_loop()  # never runs: WSGI calls are made from threads
        callback = _callback(_dropping_connections(app), may_sleep, max_body)
        scheduler = _new_cbscheduler(loop, callback, True)
        # The server's threads start with the stop signals blocked, so the kernel delivers
        # them to this thread, whose wait they interrupt; the wait also wakes now and then,
        # in case one is delivered elsewhere (Python runs handlers in this thread only).
        signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            worker.serve_mtr(scheduler, loop, shutdown)  # returns at once; Rust serves
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        on_listening(port)
        while not stop.wait(0.5):
            pass
        shutdown.set()
        drained.wait(STOP_TIMEOUT)  # set once the server has finished its requests
        loop.close()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def end_process(status: int) -> NoReturn:
    """End the process that ran `serve`, once everything it keeps is saved, without Python's
    finalization. granian's Rust threads outlive `serve`, and one that touches the
    interpreter while it finalizes panics where it cannot unwind, which aborts the process
    (SIGABRT, in about a third of stops under load). granian's own workers end the same way:
    they are child processes, which end with os._exit."""
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or a closed stream: nothing is left to lose.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


def _callback(
    app: WSGIApp, may_sleep: Callable[[], bool], max_body: int
) -> Callable[[Any, Any], int]:
    """What granian calls for each request: the WSGI environ built from granian's scope on
    a fixed base (not from os.environ, which holds the control token), the answer handed
    back whole when it is a list. A request that may wait is answered on a thread of its own
    (a daemon: a stop does not wait for a minute of latency), and 0 stands for its status,
    which only granian's access log would read."""
    log = logging.getLogger("mock_posthog.access")
    debug = log.isEnabledFor(logging.DEBUG)

    def run(protocol: Any, scope: dict[str, Any]) -> int:
        environ = _BASE_ENVIRON | scope
        if may_sleep():
            _read_body_now(environ, max_body)
            threading.Thread(target=answer, args=(protocol, environ), daemon=True).start()
            return 0
        return answer(protocol, environ)

    def answer(protocol: Any, environ: dict[str, Any]) -> int:
        response = Response()
        body = app(environ, response)
        if isinstance(body, list):
            protocol.response_bytes(response.status, response.headers, b"".join(body))
        else:
            protocol.response_iter(response.status, response.headers, ResponseIterWrap(body))
        if debug:  # keys in the query string are redacted by the log filter (redaction.py)
            query = environ.get("QUERY_STRING")
            target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
            log.debug('"%s %s" %s', environ.get("REQUEST_METHOD"), target, response.status)
        return int(response.status)

    return run


def _read_body_now(environ: dict[str, Any], limit: int) -> None:
    """Read the body here and hand it on in memory: of its declared length when that is
    within `limit` (one over it is refused unread), of a chunked body one byte past `limit`
    at most, so that the app sees a longer one as too long."""
    declared, stream = environ.get("CONTENT_LENGTH", ""), environ["wsgi.input"]
    if declared.isdigit():
        length = int(declared)
        if length > limit:
            return
        body = stream.read(length) if length else b""
    elif "HTTP_TRANSFER_ENCODING" in environ:
        body = read_at_most(stream, limit + 1)
    else:
        return
    environ["wsgi.input"] = io.BytesIO(body)


def _dropping_connections(app: WSGIApp) -> WSGIApp:
    """A request that drops its connection (a fault, see faults.py) raises
    ConnectionAbortedError. granian offers no way to close a connection unanswered, so the
    answer's body fails before its first byte: the server then closes the connection, and
    the client sees it end before a whole response."""

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            return app(environ, start_response)
        except ConnectionAbortedError:
            start_response("500 Internal Server Error", [("Content-Length", "1")])
            return _broken()

    return wsgi


def _not_a_dropped_connection(record: logging.LogRecord) -> bool:
    """granian logs an answer's failing body with its traceback; a dropped connection is a
    fault asked for, which faults.py has noted already."""
    return DROPPED not in record.getMessage()


def _broken() -> Iterator[bytes]:
    raise ConnectionAbortedError(DROPPED)
    yield b""  # a generator: it raises when the server reads it, not when it is made
