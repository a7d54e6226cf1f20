"""The `httpx` side of `transport.intercept`: every Client and AsyncClient hands PostHog's
hosts to a transport that answers in-process or sends to the live server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from flask.testing import FlaskClient

from mock_posthog.harness.transport import DROPPED_MESSAGE, is_posthog, rebase, send_in_process


@contextmanager
def patch(
    client: FlaskClient | None, base_url: str | None, hosts: tuple[str, ...]
) -> Iterator[None]:
    transports: tuple[Any, Any] = (
        (FlaskTransport(client), AsyncFlaskTransport(client))
        if client is not None
        else (RebasingTransport(str(base_url)), AsyncRebasingTransport(str(base_url)))
    )
    originals = (httpx.Client._transport_for_url, httpx.AsyncClient._transport_for_url)

    def for_client(session: httpx.Client, url: httpx.URL) -> Any:
        return transports[0] if is_posthog(str(url), hosts) else originals[0](session, url)

    def for_async_client(session: httpx.AsyncClient, url: httpx.URL) -> Any:
        return transports[1] if is_posthog(str(url), hosts) else originals[1](session, url)

    httpx.Client._transport_for_url = for_client  # type: ignore[method-assign, assignment]
    httpx.AsyncClient._transport_for_url = for_async_client  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        httpx.Client._transport_for_url = originals[0]  # type: ignore[method-assign, assignment]
        httpx.AsyncClient._transport_for_url = originals[1]  # type: ignore[method-assign, assignment]
        transports[0].close()


def _answer(client: FlaskClient, request: httpx.Request, body: bytes) -> httpx.Response:
    try:
        answer = send_in_process(
            client, request.method, str(request.url), list(request.headers.multi_items()), body
        )
    except ConnectionAbortedError as error:
        raise httpx.RemoteProtocolError(DROPPED_MESSAGE, request=request) from error
    return httpx.Response(
        answer.status_code,
        headers=list(answer.headers.items()),
        content=answer.get_data(),
        request=request,
    )


class FlaskTransport(httpx.BaseTransport):
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.client, request, request.read())


class AsyncFlaskTransport(httpx.AsyncBaseTransport):
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return _answer(self.client, request, await request.aread())


def _rebased(request: httpx.Request, base_url: str) -> httpx.Request:
    request.url = httpx.URL(rebase(str(request.url), base_url))
    request.headers["Host"] = request.url.netloc.decode("ascii")
    return request


class RebasingTransport(httpx.HTTPTransport):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return super().handle_request(_rebased(request, self.base_url))


class AsyncRebasingTransport(httpx.AsyncHTTPTransport):
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await super().handle_async_request(_rebased(request, self.base_url))
