"""What the API answers, as its WSGI call writes it: a status, the headers and the whole body.

Every API response is small and made at once, so werkzeug's Response (header objects,
iterator wrappers, checks on each call) is more than it needs: an Answer is written with one
call to `start_response`, which saves about 15 µs of a request's 100 to 200 (bench/README.md).
It is written as PostHog's Django stack writes a response: Django's reason phrase, headers in
the order given, then the content type, then the length (except for a 204, which has none),
and no body for a HEAD.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from flask import Response
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.test import run_wsgi_app

JSON = "application/json"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]

# Django writes the reason phrase of Python's http.HTTPStatus (`201 Created`); Python 3.13 renamed
# two of them, which PostHog's Python of the documented era still wrote the old way.
_PHRASES = {status.value: status.phrase for status in HTTPStatus}
_PHRASES |= {413: "Request Entity Too Large", 422: "Unprocessable Entity"}
_STATUS_LINES = {
    code: f"{code} {_PHRASES.get(code, phrase)}" for code, phrase in HTTP_STATUS_CODES.items()
}
# What Django's SecurityMiddleware and XFrameOptionsMiddleware add to every response of
# PostHog's, with their default settings.
SECURITY_HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)

# The headers `Answer.of` writes itself, as it names them.
_BODY_HEADERS = frozenset({"Content-Type", "Content-Length"})


@dataclass(slots=True)
class Answer:
    """What the API answers, as the server writes it. Not a frozen dataclass, though nothing
    changes one once made: a frozen one's __init__ costs four times as much, and a request
    makes two."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""

    @classmethod
    def of(
        cls,
        status: int,
        body: bytes | str = b"",
        content_type: str | None = JSON,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        content = body.encode() if isinstance(body, str) else body
        listed = list(headers.items()) if headers else []
        if content_type is not None:
            listed.append(("Content-Type", content_type))
        if status != 204:
            listed.append(("Content-Length", str(len(content))))
        return cls(status, listed, content)

    @classmethod
    def from_app(cls, app: WSGIApp, environ: dict[str, Any]) -> Answer:
        """What another WSGI app (Flask's own dispatch) answers, read whole."""
        chunks, status, headers = run_wsgi_app(app, environ, buffered=True)  # and closed
        return cls(int(status.split(" ", 1)[0]), headers.to_wsgi_list(), b"".join(chunks))

    def with_headers(self, extra: Iterable[tuple[str, str]]) -> Answer:
        """The same answer with `extra` headers (never a content type or length) added where
        it has none of that name."""
        headers = self.headers
        if all(name in _BODY_HEADERS for name, _ in headers):  # the usual: what `of` wrote
            return Answer(self.status, [*headers, *extra], self.body)
        present = {name.lower() for name, _ in headers}
        added = [header for header in extra if header[0].lower() not in present]
        return Answer(self.status, self.headers + added, self.body) if added else self

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status_line(self.status), self.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.body]

    def response(self) -> Response:
        """The same answer as a Flask Response, for Flask's own error handlers."""
        response = Response(self.body, status=self.status, headers=self.headers)
        if not any(name.lower() == "content-type" for name, _ in self.headers):
            del response.headers["Content-Type"]  # Flask's default type, which we never gave
        return response


def mimetype_of(headers: Iterable[tuple[str, str]]) -> str:
    """The content type of these headers without its parameters, lower-cased ("" when there
    is none)."""
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower()
    return ""


def status_line(status: int) -> str:
    return _STATUS_LINES.get(status) or f"{status} Unknown Status Code"
