"""The `requests` side of `intercept.intercept`: every Session hands PostHog's hosts to an
adapter that answers in-process or sends to the live server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from mock_posthog.harness.hosts import DROPPED_MESSAGE, Send, is_posthog, rebase
from mock_posthog.harness.strict import Guard


@contextmanager
def patch(
    send: Send, base_url: str | None, headers: dict[str, str], guard: Guard
) -> Iterator[None]:
    adapter = MockAdapter(send) if base_url is None else RebasingAdapter(base_url, headers)
    original = requests.Session.get_adapter

    def get_adapter(session: requests.Session, url: str) -> BaseAdapter:
        if is_posthog(url, guard.hosts):
            return adapter
        guard.check(url)
        return original(session, url)

    requests.Session.get_adapter = get_adapter  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        requests.Session.get_adapter = original  # type: ignore[method-assign, assignment]
        adapter.close()


class MockAdapter(BaseAdapter):
    """Answers through a handle transport's `send`, without a socket."""

    def __init__(self, send: Send) -> None:
        super().__init__()
        self.send_to_mock = send

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        try:
            answer = self.send_to_mock(
                str(request.method),
                str(request.url),
                [
                    (name, value.decode("latin-1") if isinstance(value, bytes) else value)
                    for name, value in request.headers.items()
                ],
                _body_bytes(request.body),
            )
        except ConnectionAbortedError as error:
            raise requests.ConnectionError(DROPPED_MESSAGE, request=request) from error
        response = requests.Response()
        response.status_code = answer.status_code
        response.reason = answer.status.partition(" ")[2]
        response.headers = CaseInsensitiveDict(dict(answer.headers.items()))
        response._content = answer.get_data()
        response.raw = io.BytesIO(response._content)
        response.encoding = get_encoding_from_headers(response.headers)
        response.url = str(request.url)
        response.request = request
        return response

    def close(self) -> None:
        pass


class RebasingAdapter(HTTPAdapter):
    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        super().__init__()
        self.base_url = base_url
        self.headers = headers  # the live handle's own, sent with every request

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        request = request.copy()
        request.url = rebase(str(request.url), self.base_url)
        request.headers.update(self.headers)
        return super().send(request, *args, **kwargs)


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes):
        return body
    if hasattr(body, "read"):
        return body.read()
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in body)
