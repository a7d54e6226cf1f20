"""Send client code's requests for PostHog's hosts to the mock without changing the code.

`intercept(...)` patches `requests` (every Session) and `httpx` (every Client and
AsyncClient), whichever are installed, so that a request for `https://us.posthog.com/...`
(or app., eu.) goes to the mock instead: in-process through the Flask test client, or to a
live server. Requests for any other host are untouched; leaving the block undoes the patch.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

POSTHOG_HOSTS = ("app.posthog.com", "us.posthog.com", "eu.posthog.com")
DROPPED_MESSAGE = "Server disconnected without sending a response."
_CLIENT_LIBRARIES = {"requests": "requests_transport", "httpx": "httpx_transport"}


@contextmanager
def intercept(
    *,
    client: FlaskClient | None = None,
    base_url: str | None = None,
    hosts: tuple[str, ...] = POSTHOG_HOSTS,
) -> Iterator[None]:
    """Route `hosts` to the Flask `client`, or to the live server at `base_url`."""
    with ExitStack() as stack:
        for library, module in _CLIENT_LIBRARIES.items():
            if importlib.util.find_spec(library) is not None:
                patch = importlib.import_module(f"{__package__}.{module}").patch
                stack.enter_context(patch(client, base_url, hosts))
        yield


def is_posthog(url: str, hosts: tuple[str, ...]) -> bool:
    return (urlsplit(str(url)).hostname or "") in hosts


def rebase(url: str, base_url: str) -> str:
    """`https://us.posthog.com/api/x?y` on `http://127.0.0.1:8010` gives
    `http://127.0.0.1:8010/api/x?y`."""
    parts = urlsplit(str(url))
    return base_url.rstrip("/") + parts.path + (f"?{parts.query}" if parts.query else "")


def send_in_process(
    client: FlaskClient,
    method: str,
    url: str,
    headers: list[tuple[str, str | bytes]],
    body: bytes,
) -> TestResponse:
    """One request through the whole app, as if to `url`'s host; a dropped connection raises
    ConnectionAbortedError."""
    parts = urlsplit(url)
    return client.open(
        parts.path,
        base_url=f"{parts.scheme}://{parts.netloc}",
        query_string=parts.query,
        method=method,
        headers=[(name, value) for name, value in headers if name.lower() != "host"],
        data=body,
    )
