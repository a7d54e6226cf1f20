"""The `httpx` side of `intercept.intercept`: every Client and AsyncClient hands PostHog's
hosts to a transport that answers in-process or sends to the live server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from mock_posthog.harness.hosts import DROPPED_MESSAGE, Send, is_posthog, rebase
from mock_posthog.harness.strict import Guard


@contextmanager
def patch(
    send: Send, base_url: str | None, headers: dict[str, str], guard: Guard
) -> Iterator[None]:
    transports: tuple[Any, Any] = (
        (MockTransport(send), AsyncMockTransport(send))
        if base_url is None
        else (RebasingTransport(base_url, headers), AsyncRebasingTransport(base_url, headers))
    )
    originals = (httpx.Client._transport_for_url, httpx.AsyncClient._transport_for_url)

    def for_client(session: httpx.Client, url: httpx.URL) -> Any:
        if is_posthog(str(url), guard.hosts):
            return transports[0]
        guard.check(str(url))
        return originals[0](session, url)

    def for_async_client(session: httpx.AsyncClient, url: httpx.URL) -> Any:
        if is_posthog(str(url), guard.hosts):
            return transports[1]
        guard.check(str(url))
        return originals[1](session, url)

    httpx.Client._transport_for_url = for_client  # type: ignore[method-assign, assignment]
    httpx.AsyncClient._transport_for_url = for_async_client  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        httpx.Client._transport_for_url = originals[0]  # type: ignore[method-assign, assignment]
        httpx.AsyncClient._transport_for_url = originals[1]  # type: ignore[method-assign, assignment]
        transports[0].close()


def _answer(send: Send, request: httpx.Request, body: bytes) -> httpx.Response:
    try:
        answer = send(request.method, str(request.url), list(request.headers.multi_items()), body)
    except ConnectionAbortedError as error:
        raise httpx.RemoteProtocolError(DROPPED_MESSAGE, request=request) from error
    return httpx.Response(
        answer.status_code,
        headers=list(answer.headers.items()),
        content=answer.get_data(),
        request=request,
    )


class MockTransport(httpx.BaseTransport):
    """Answers through a handle transport's `send`, without a socket."""

    def __init__(self, send: Send) -> None:
        self.send = send

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.send, request, request.read())


class AsyncMockTransport(httpx.AsyncBaseTransport):
    def __init__(self, send: Send) -> None:
        self.send = send

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.send, request, await request.aread())


def _rebased(request: httpx.Request, base_url: str, headers: dict[str, str]) -> httpx.Request:
    request.url = httpx.URL(rebase(str(request.url), base_url))
    request.headers["Host"] = request.url.netloc.decode("ascii")
    request.headers.update(headers)  # the live handle's own, sent with every request
    return request


class RebasingTransport(httpx.HTTPTransport):
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        super().__init__()
        self.base_url, self.headers = base_url, headers

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return super().handle_request(_rebased(request, self.base_url, self.headers))


class AsyncRebasingTransport(httpx.AsyncHTTPTransport):
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        super().__init__()
        self.base_url, self.headers = base_url, headers

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await super().handle_async_request(_rebased(request, self.base_url, self.headers))
