"""Strict interception: within `intercept(..., strict=True)` no request leaves for the
network. A request for a host other than PostHog's, or for a PostHog host that does not reach
the mock (a host not intercepted, say `us.i.posthog.com`, or a client library mock-posthog does
not patch), raises `UnmockedRequest` naming its URL, as respx's `assert_all_mocked` does.

Client libraries that mock-posthog patches are refused where their URL is known; anything else
is refused where it looks a name up or opens a socket, so no DNS query and no connection gets
out. Only the live server's own address, when the mock is one, stays reachable. Every refusal
is kept in `Guard.refused`, so that the pytest plugin fails a test even when the code under
test caught the exception.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

INTERCEPTED_CLIENTS = "requests, httpx, urllib.request and http.client"


class UnmockedRequest(AssertionError):
    """A request that strict interception kept from the network."""


@dataclass
class Guard:
    strict: bool
    hosts: tuple[str, ...]
    base_url: str | None = None  # a live server's, the one address requests may reach
    refused: list[str] = field(default_factory=list)

    def allows(self, host: str, port: int | None = None) -> bool:
        if self.base_url is None:
            return False
        own = urlsplit(self.base_url)
        return host == own.hostname and port in (None, own.port)

    def check(self, url: str) -> None:
        """For a request that is not routed to the mock: refused when strict."""
        parts = urlsplit(url)
        if not self.strict or self.allows(parts.hostname or "", parts.port):
            return
        self.refuse(_describe(url, parts.hostname or "", self.hosts))

    def refuse(self, message: str) -> None:
        __tracebackhide__ = True  # pytest shows the request, not this helper
        self.refused.append(message)
        raise UnmockedRequest(message)


def is_posthog_domain(host: str) -> bool:
    return host == "posthog.com" or host.endswith(".posthog.com")


def _describe(url: str, host: str, hosts: tuple[str, ...]) -> str:
    if is_posthog_domain(host):
        return (
            f"mock-posthog strict mode: {url} did not reach the mock: {host} is not among the "
            f"intercepted hosts ({', '.join(hosts)})"
        )
    return (
        f"mock-posthog strict mode: {url} was refused: strict mode lets no request reach a "
        "host other than PostHog's"
    )


def _describe_connection(host: str, port: object) -> str:
    if is_posthog_domain(host):
        return (
            f"mock-posthog strict mode: a connection to {host}:{port} did not reach the mock: "
            f"only {INTERCEPTED_CLIENTS} are intercepted"
        )
    return (
        f"mock-posthog strict mode: a connection to {host}:{port} was refused: strict mode "
        "lets no request reach a host other than PostHog's"
    )


@contextmanager
def guard_sockets(guard: Guard) -> Iterator[None]:
    """Refuse name look-ups and connections to anything but the live server's address."""
    original_lookup, original_connect = socket.getaddrinfo, socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not guard.allows(name):
            guard.refuse(_describe_connection(name, port))
        return original_lookup(host, port, *args, **kwargs)

    def refuse_unless_allowed(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            host, port = address[0], address[1]
            if not guard.allows(host, port):
                guard.refuse(_describe_connection(host, port))

    def connect(sock: socket.socket, address: Any) -> None:
        refuse_unless_allowed(sock, address)
        original_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        refuse_unless_allowed(sock, address)
        return original_connect_ex(sock, address)

    socket.getaddrinfo = lookup
    socket.socket.connect = connect  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        socket.getaddrinfo = original_lookup
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]
