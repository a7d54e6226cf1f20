"""The request as the pipeline reads it: a body of known length in one read, within the
server's size limit."""

from __future__ import annotations

import io
from functools import cached_property, lru_cache
from typing import IO, Any

from flask import Request
from werkzeug.datastructures import EnvironHeaders, ImmutableMultiDict, MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.utils import get_content_length
from werkzeug.utils import cached_property as reading_property

from mock_posthog.http.streams import read_at_most


class ApiRequest(Request):
    """Flask's request, reading a body of known length with one read of exactly its size.

    werkzeug reads every body through a stream that allocates 64 KB for each read, and reads
    twice when the server says it ends the input itself, as waitress does: a tenth of what a
    small POST cost. A body without a Content-Length (chunked) is read as werkzeug reads it;
    the size limit and a body cut short are refused as werkzeug refuses them. A chunked body
    is read up to one byte past the limit: werkzeug's limit on an input the server ends
    itself passes a truncated body on under some servers (granian's) instead of refusing it.

    What werkzeug's request works out of the environ as it is made, it works out here when
    first read, but the method, the path and the headers: most API requests never read the
    server's address, the root path, the scheme, the query's bytes or the client's address,
    and making them was a twentieth of what a GET cost."""

    def __init__(self, environ: dict[str, Any]) -> None:
        self.environ = environ
        self.shallow = False
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.path = _path(environ.get("PATH_INFO") or "")
        self.headers = EnvironHeaders(environ)

    @cached_property
    def scheme(self) -> str:  # type: ignore[override]
        return str(self.environ.get("wsgi.url_scheme", "http"))

    @cached_property
    def server(self) -> tuple[str, int | None] | None:  # type: ignore[override]
        """(SERVER_NAME, SERVER_PORT), the port None where it is not a number (a socket's)."""
        name = self.environ.get("SERVER_NAME")
        if name is None:
            return None
        port = self.environ.get("SERVER_PORT")
        if port is None:
            return name, None
        try:
            return name, int(port)
        except ValueError:
            return name, None

    @cached_property
    def root_path(self) -> str:  # type: ignore[override]
        return _wsgi_text(self.environ.get("SCRIPT_NAME") or "").rstrip("/")

    @cached_property
    def query_string(self) -> bytes:  # type: ignore[override]
        return str(self.environ.get("QUERY_STRING", "")).encode("latin1")

    @cached_property
    def remote_addr(self) -> str | None:  # type: ignore[override]
        return self.environ.get("REMOTE_ADDR")

    @cached_property
    def args(self) -> MultiDict[str, str]:
        """The query string's parameters; most API requests have none, which werkzeug would
        still parse."""
        if not self.environ.get("QUERY_STRING"):
            return _NO_ARGS
        return super().args

    # The headers a body is read by, from the environ itself: werkzeug's look-up through its
    # headers view, and its parsing of the same few content types again on every request,
    # were a tenth of what a small POST cost. functools' cached_property, not werkzeug's: it
    # is read from the request's dict once made, where werkzeug's runs on every read. Not for
    # the stream, which may read a socket: in Python 3.11 functools holds one lock for every
    # request while it makes a value, so a slow upload would hold every other thread's.

    @cached_property
    def content_length(self) -> int | None:
        environ = self.environ
        declared, encoding = environ.get("CONTENT_LENGTH"), environ.get("HTTP_TRANSFER_ENCODING")
        if encoding is None and declared is not None and declared.isascii() and declared.isdigit():
            return int(declared)  # the usual case, without werkzeug's regular expression
        return get_content_length(declared, encoding)

    def _parse_content_type(self) -> None:
        if not hasattr(self, "_parsed_content_type"):
            self._parsed_content_type = _content_type(self.environ.get("CONTENT_TYPE", ""))

    @reading_property
    def stream(self) -> IO[bytes]:
        length = self.content_length
        limit = self.max_content_length
        if length is None and limit is not None and "HTTP_TRANSFER_ENCODING" in self.environ:
            body = read_at_most(self.environ["wsgi.input"], limit + 1)
            if len(body) > limit:
                raise RequestEntityTooLarge()
            return io.BytesIO(body)
        if length is None:
            return super().stream
        if limit is not None and length > limit:
            raise RequestEntityTooLarge()
        body = self.environ["wsgi.input"].read(length) if length else b""
        if len(body) < length:
            raise ClientDisconnected()
        return io.BytesIO(body)


_NO_ARGS: ImmutableMultiDict[str, str] = ImmutableMultiDict()  # shared: nothing can change it


def _path(raw: str) -> str:
    """PATH_INFO as werkzeug reads it: its latin-1 text read again as UTF-8, with one leading
    slash. The usual path is ASCII with one already, and is itself."""
    if raw.isascii() and raw.startswith("/") and not raw.startswith("//"):
        return raw
    return "/" + _wsgi_text(raw).lstrip("/")


def _wsgi_text(raw: str) -> str:
    """A WSGI environ's text (bytes as latin-1, PEP 3333) read as UTF-8, as werkzeug does."""
    return raw.encode("latin1").decode("utf-8", "replace")


@lru_cache(maxsize=256)
def _content_type(header: str) -> tuple[str, dict[str, str]]:
    """A Content-Type header parsed as werkzeug parses it. Shared by every request that sends
    the same header, so its parameters must be treated as read-only."""
    return parse_options_header(header)
