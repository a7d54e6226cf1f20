"""PostHog's hosts, and how a request for one is sent to the mock instead: what every
client library's interception shares."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from werkzeug.test import TestResponse

POSTHOG_HOSTS = ("app.posthog.com", "us.posthog.com", "eu.posthog.com")
DROPPED_MESSAGE = "Server disconnected without sending a response."

# A transport's `send`: method, URL, headers, body in; the answer out (ConnectionAbortedError
# when a fault drops the connection).
Send = Callable[[str, str, Sequence[tuple[str, str]], bytes], "TestResponse"]


def is_posthog(url: str, hosts: tuple[str, ...]) -> bool:
    return (urlsplit(str(url)).hostname or "") in hosts


def rebase(url: str, base_url: str) -> str:
    """`https://us.posthog.com/api/x?y` on `http://127.0.0.1:8010` gives
    `http://127.0.0.1:8010/api/x?y`."""
    base = base_url.rstrip("/")
    if str(url).startswith(base + "/"):  # already there: a base URL may carry a path prefix
        return str(url)
    parts = urlsplit(str(url))
    return base + parts.path + (f"?{parts.query}" if parts.query else "")
