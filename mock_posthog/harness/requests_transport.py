"""The `requests` side of `transport.intercept`: every Session hands PostHog's hosts to an
adapter that answers in-process or sends to the live server."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from flask.testing import FlaskClient
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers

from mock_posthog.harness.transport import DROPPED_MESSAGE, is_posthog, rebase, send_in_process


@contextmanager
def patch(
    client: FlaskClient | None, base_url: str | None, hosts: tuple[str, ...]
) -> Iterator[None]:
    adapter = FlaskAdapter(client) if client is not None else RebasingAdapter(str(base_url))
    original = requests.Session.get_adapter

    def get_adapter(session: requests.Session, url: str) -> BaseAdapter:
        return adapter if is_posthog(url, hosts) else original(session, url)

    requests.Session.get_adapter = get_adapter  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        requests.Session.get_adapter = original  # type: ignore[method-assign, assignment]
        adapter.close()


class FlaskAdapter(BaseAdapter):
    def __init__(self, client: FlaskClient) -> None:
        super().__init__()
        self.client = client

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        try:
            answer = send_in_process(
                self.client,
                str(request.method),
                str(request.url),
                list(request.headers.items()),
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
    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(
        self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
    ) -> requests.Response:
        request = request.copy()
        request.url = rebase(str(request.url), self.base_url)
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
