"""How a handle's requests reach the emulator: through the Flask test client in this process,
or over HTTP to a live server. Every handle operation is written once, against `Transport`.

Both answer with a werkzeug `TestResponse` (`.status_code`, `.headers`, `.json`, `.data`), so
a test reads an answer the same way whichever handle sent it. `headers` are sent on every
request, control or API: a namespace, say, is `headers={"X-Mock-PostHog-Namespace": name}`.
"""

from __future__ import annotations

import http.client
import io
import sys
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any
from urllib.parse import urlsplit

from flask.testing import FlaskClient
from werkzeug.datastructures import Headers
from werkzeug.test import EnvironBuilder, TestResponse
from werkzeug.wrappers import Request

from mock_posthog.harness.hosts import DROPPED_MESSAGE, POSTHOG_HOSTS, rebase
from mock_posthog.harness.intercept import intercept
from mock_posthog.harness.strict import Guard

TIMEOUT = 30.0
# Set by the HTTP client itself, from the URL and the body it sends.
_HOP_HEADERS = frozenset({"host", "content-length", "connection", "transfer-encoding"})

HeaderList = Sequence[tuple[str, str]]


class Transport(ABC):
    """One request in, one answer out; and the interception of client libraries' requests."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        control_token: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.control_token = control_token  # sent with control requests when set

    def url(self, path: str) -> str:
        """`path` under the base URL; a whole URL as it is."""
        return path if "://" in path else self.base_url + path

    def send(self, method: str, url: str, headers: HeaderList, body: bytes) -> TestResponse:
        """`url` (a path under the base URL, or a whole URL) with `headers` and then this
        transport's own; a connection dropped without an answer raises ConnectionAbortedError."""
        given = {name.lower() for name, _ in headers}
        extra = [(name, value) for name, value in self.headers.items() if name.lower() not in given]
        return self._send(method, self.url(url), [*headers, *extra], body)

    def open(
        self,
        method: str,
        url: str,
        *,
        json: Any = None,
        data: Any = None,
        query: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> TestResponse:
        """A request given as the Flask test client takes it: `json`, `data` (a dict is a
        form; with files, multipart) and `query` encoded as it encodes them."""
        parts = urlsplit(self.url(url))
        origin = f"{parts.scheme}://{parts.netloc}"
        built = EnvironBuilder(
            parts.path,
            base_url=origin,
            method=method,
            json=json,
            data=data,
            query_string=parts.query if query is None else query,
            headers=list((headers or {}).items()),
        ).get_request()
        query_string = built.query_string.decode("ascii")
        whole = origin + parts.path + (f"?{query_string}" if query_string else "")
        return self.send(method, whole, list(built.headers.items()), built.get_data())

    def control(self, method: str, path: str, headers: HeaderList, body: bytes) -> TestResponse:
        """A request for the control plane (`path` under /_mock/), as `send` sends it."""
        return self.send(method, path, headers, body)

    @abstractmethod
    def _send(self, method: str, url: str, headers: HeaderList, body: bytes) -> TestResponse: ...

    @abstractmethod
    def intercept(
        self, hosts: tuple[str, ...] = POSTHOG_HOSTS, strict: bool = False
    ) -> AbstractContextManager[Guard]:
        """Client libraries' requests for `hosts` come here within the block."""


class InProcessTransport(Transport):
    """The whole app behind the Flask test client: no socket."""

    def __init__(self, client: FlaskClient, base_url: str, **options: object) -> None:
        super().__init__(base_url, **options)  # type: ignore[arg-type]
        self.client = client

    def open(
        self, method: str, url: str, *, query: Any = None, headers: Any = None, **body: Any
    ) -> TestResponse:
        # The test client encodes `json` and `data` itself: no second encoding.
        sent = {**self.headers, **(headers or {})}
        return self.client.open(
            self.url(url), method=method, query_string=query, headers=sent, **body
        )

    def _send(self, method: str, url: str, headers: HeaderList, body: bytes) -> TestResponse:
        parts = urlsplit(url)
        return self.client.open(
            parts.path,
            base_url=f"{parts.scheme}://{parts.netloc}",
            query_string=parts.query,
            method=method,
            headers=[(name, value) for name, value in headers if name.lower() != "host"],
            data=body,
        )

    def control(self, method: str, path: str, headers: HeaderList, body: bytes) -> TestResponse:
        """Straight into the app's WSGI callable: a control request needs none of what the
        test client adds (cookies, redirects, a full environ), and a test's setup makes one or
        two of them, so this halves what the handle costs a test."""
        path_info, _, query = path.partition("?")
        environ: dict[str, Any] = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path_info,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "localhost",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in [*headers, *self.headers.items()]:
            key = name.upper().replace("-", "_")
            environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
        started: list[Any] = []

        def start_response(status: str, fields: list[tuple[str, str]], *_: Any) -> Any:
            started.append((status, fields))

        answer = self.client.application(environ, start_response)
        try:
            content = b"".join(answer)
        finally:
            getattr(answer, "close", lambda: None)()
        status, fields = started[0][0], started[0][1]
        return TestResponse([content], status, Headers(fields), Request(environ))

    def intercept(
        self, hosts: tuple[str, ...] = POSTHOG_HOSTS, strict: bool = False
    ) -> AbstractContextManager[Guard]:
        return intercept(self.send, hosts=hosts, strict=strict)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to show, as the test client shows it, not one to follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


# No proxy from the environment: the live server is on this machine, and nothing else is
# to be reached.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _KeepRedirects)


class HttpTransport(Transport):
    """urllib to a live server at `base_url`; whole URLs for another host are sent to it."""

    def __init__(self, base_url: str, timeout: float = TIMEOUT, **options: object) -> None:
        super().__init__(base_url, **options)  # type: ignore[arg-type]
        self.timeout = timeout

    def _send(self, method: str, url: str, headers: HeaderList, body: bytes) -> TestResponse:
        request = urllib.request.Request(
            rebase(url, self.base_url),
            data=body if body or method not in ("GET", "HEAD", "DELETE") else None,
            method=method,
            headers={name: value for name, value in headers if name.lower() not in _HOP_HEADERS},
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as answer:
                return _test_response(method, url, answer.status, answer.reason, answer)
        except urllib.error.HTTPError as error:
            return _test_response(method, url, error.code, error.reason, error)
        except (http.client.RemoteDisconnected, ConnectionResetError) as error:
            raise ConnectionAbortedError(DROPPED_MESSAGE) from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, http.client.RemoteDisconnected | ConnectionResetError):
                raise ConnectionAbortedError(DROPPED_MESSAGE) from error
            raise

    def intercept(
        self, hosts: tuple[str, ...] = POSTHOG_HOSTS, strict: bool = False
    ) -> AbstractContextManager[Guard]:
        return intercept(
            self.send, hosts=hosts, strict=strict, base_url=self.base_url, headers=self.headers
        )


def _test_response(
    method: str,
    url: str,
    status: int,
    reason: str,
    answer: http.client.HTTPResponse | urllib.error.HTTPError,
) -> TestResponse:
    """The answer read whole, in the shape the Flask test client gives. A connection that a
    fault drops may end after the status line (granian cannot close one unanswered)."""
    try:
        content = answer.read()
    except (http.client.IncompleteRead, ConnectionResetError) as error:
        raise ConnectionAbortedError(DROPPED_MESSAGE) from error
    headers = Headers(list(answer.headers.items()))
    request = Request(EnvironBuilder(url, method=method).get_environ())
    return TestResponse([content], f"{status} {reason}", headers, request)
