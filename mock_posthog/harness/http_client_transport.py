"""The `http.client` side of `intercept.intercept`, which `urllib.request` rides on too: a
connection to one of PostHog's hosts gets a socket that never touches the network. What the
client writes to it is read back as one request, sent to the mock, and the mock's answer is
what the client reads.

The patch is on `HTTPConnection` and `HTTPSConnection` themselves, so code that imported them
before the block is covered too. urllib3 (under requests) overrides `connect`, so it is not
affected: requests is routed at its adapter.
"""

from __future__ import annotations

import http.client
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from mock_posthog.harness.hosts import Send
from mock_posthog.harness.strict import Guard


@contextmanager
def patch(send: Send, guard: Guard) -> Iterator[None]:
    base, tls = http.client.HTTPConnection, http.client.HTTPSConnection
    originals = (base.putrequest, base.connect, tls.connect)

    def putrequest(
        connection: http.client.HTTPConnection, method: str, url: str, *args: Any, **kwargs: Any
    ) -> None:
        # `connect` comes after, from the first write: it needs to know where this goes.
        connection._mock_posthog_request = (method, _whole_url(connection, url))  # type: ignore[attr-defined]
        originals[0](connection, method, url, *args, **kwargs)

    def connect_to(original: Any) -> Any:
        def connect(connection: http.client.HTTPConnection) -> None:
            url = getattr(connection, "_mock_posthog_request", ("", _whole_url(connection, "/")))[1]
            if _host(connection) in guard.hosts:
                origin = _whole_url(connection, "")
                connection.sock = MockSocket(send, origin)  # type: ignore[assignment]
                return
            guard.check(url)
            original(connection)

        return connect

    base.putrequest = putrequest  # type: ignore[method-assign, assignment]
    base.connect = connect_to(originals[1])  # type: ignore[method-assign]
    tls.connect = connect_to(originals[2])  # type: ignore[method-assign]
    try:
        yield
    finally:
        base.putrequest, base.connect = originals[0], originals[1]  # type: ignore[method-assign]
        tls.connect = originals[2]  # type: ignore[method-assign]


def _host(connection: http.client.HTTPConnection) -> str:
    """Where the request is for: through a proxy's tunnel, the tunnel's end."""
    return str(getattr(connection, "_tunnel_host", None) or connection.host)


def _whole_url(connection: http.client.HTTPConnection, target: str) -> str:
    if "://" in target:  # a request line sent to a proxy names the whole URL
        return target
    scheme = "https" if isinstance(connection, http.client.HTTPSConnection) else "http"
    port = getattr(connection, "_tunnel_port", None) or connection.port
    default = 443 if scheme == "https" else 80
    netloc = _host(connection) + ("" if port in (None, default) else f":{port}")
    return f"{scheme}://{netloc}{target}"


class MockSocket:
    """Collects what the connection writes; `makefile`, which the response reads from, sends
    it to the mock and gives the answer as HTTP/1.1 bytes."""

    def __init__(self, send: Send, origin: str) -> None:
        self.send = send
        self.origin = origin  # scheme://host of the connection, for a request line's path
        self.written = bytearray()

    def sendall(self, data: bytes) -> None:
        self.written += data

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BytesIO:
        request, self.written = bytes(self.written), bytearray()
        method, target, headers, body = _parse_request(request)
        try:
            url = target if "://" in target else self.origin + target
            answer = self.send(method, url, headers, body)
        except ConnectionAbortedError:
            return io.BytesIO(b"")  # the client reads no status line: RemoteDisconnected
        status = f"HTTP/1.1 {answer.status}\r\n"
        fields = [
            f"{name}: {value}\r\n"
            for name, value in answer.headers.items()
            if name.lower() not in ("content-length", "transfer-encoding", "connection")
        ]
        content = answer.get_data()
        length = f"Content-Length: {len(content)}\r\n\r\n"
        return io.BytesIO("".join([status, *fields, length]).encode("latin-1") + content)

    def settimeout(self, timeout: float | None) -> None:
        pass

    def close(self) -> None:
        pass


def _parse_request(data: bytes) -> tuple[str, str, list[tuple[str, str]], bytes]:
    head, _, rest = data.partition(b"\r\n\r\n")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, target, _ = request_line.split(" ", 2)
    headers = [
        (name.strip(), value.strip()) for name, _, value in (line.partition(":") for line in lines)
    ]
    names = {name.lower(): value for name, value in headers}
    if names.get("transfer-encoding", "").lower() == "chunked":
        body = _unchunked(rest)
    else:
        body = rest[: int(names["content-length"])] if "content-length" in names else rest
    # The body is read whole: its length is known, however it was sent.
    framing = ("transfer-encoding", "content-length")
    kept = [(name, value) for name, value in headers if name.lower() not in framing]
    return method, target, [*kept, ("Content-Length", str(len(body)))] if body else kept, body


def _unchunked(data: bytes) -> bytes:
    body, stream = bytearray(), io.BytesIO(data)
    while size := int(stream.readline().split(b";")[0].strip() or b"0", 16):
        body += stream.read(size)
        stream.readline()  # the CRLF after each chunk
    return bytes(body)
