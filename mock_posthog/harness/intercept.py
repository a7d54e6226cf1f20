"""Send client code's requests for PostHog's hosts to the mock without changing the code.

`intercept(...)` patches `requests` (every Session) and `httpx` (every Client and
AsyncClient), whichever are installed, and `http.client` (so `urllib.request` too), so that a
request for `https://us.posthog.com/...` (or app., eu.) goes to the mock instead: in-process
through the Flask test client, or to a live server. Requests for any other host are
untouched, unless `strict`: then they fail, as does any connection that does not reach the
mock (see strict.py). Leaving the block undoes the patch.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager

from mock_posthog.harness import http_client_transport
from mock_posthog.harness import strict as strict_mode
from mock_posthog.harness.hosts import POSTHOG_HOSTS, Send
from mock_posthog.harness.strict import Guard

_CLIENT_LIBRARIES = {"requests": "requests_transport", "httpx": "httpx_transport"}


@contextmanager
def intercept(
    send: Send,
    *,
    hosts: tuple[str, ...] = POSTHOG_HOSTS,
    strict: bool = False,
    base_url: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Iterator[Guard]:
    """Route `hosts` to `send`; with the `base_url` of a live server, requests and httpx send
    there over their own sockets (with `headers` added), so timeouts and latency are real."""
    guard = strict_mode.Guard(strict, hosts, base_url)
    with ExitStack() as stack:
        for library, module in _CLIENT_LIBRARIES.items():
            if importlib.util.find_spec(library) is not None:
                patch = importlib.import_module(f"{__package__}.{module}").patch
                stack.enter_context(patch(send, base_url, dict(headers or {}), guard))
        stack.enter_context(http_client_transport.patch(send, guard))
        if strict:
            stack.enter_context(strict_mode.guard_sockets(guard))
        yield guard
