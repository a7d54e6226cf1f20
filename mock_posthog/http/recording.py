"""What the journal keeps of a request: taken from the exchange once the API has answered,
cheaply, and made into an Entry (redacted, the response decoded) when the journal is read.
API keys, tokens and secret config values never reach an entry."""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

import orjson
from flask import Request
from werkzeug.datastructures import EnvironHeaders, MultiDict
from werkzeug.exceptions import HTTPException

from mock_posthog.contract.errors import ApiError
from mock_posthog.contract.operations import BODY_METHODS
from mock_posthog.http import redaction, secrets
from mock_posthog.http.answer import Answer, mimetype_of
from mock_posthog.http.exchange import Exchange
from mock_posthog.posthog import auth
from mock_posthog.posthog.parsers import RequestBody, parse
from mock_posthog.world.clock import isoformat
from mock_posthog.world.store import Store

REDACTED = redaction.REDACTED
BODY_LIMIT = 64 * 1024  # larger bodies are recorded as a size, not kept
RESPONSE_LIMIT = 256 * 1024
_ENTRY_OVERHEAD = 512  # what an entry holds besides its bodies: its objects, its small fields
_HEADER_BYTES = 64  # a header's name and a short value, with its place in a dict or a list


@dataclass(frozen=True)
class Entry:
    """One request as the mock saw it. `status` is None when the connection was dropped."""

    id: int
    time: str
    duration_ms: float
    method: str
    path: str
    route: str | None
    query: dict[str, Any]
    headers: dict[str, str]
    body: Any
    status: int | None
    response: Any
    response_headers: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The entry's fields, sharing its values: dataclasses.asdict would copy them by
        recursion, which a body nested deeper than the recursion limit allows breaks."""
        return {name.name: getattr(self, name.name) for name in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        values: dict[str, Any] = {name.name: data.get(name.name) for name in fields(cls)}
        return cls(**values)

    def describe(self) -> str:
        """One line: `#3 POST /api/.../plugins/?limit=1 -> 400 "detail" [plugins_create]`."""
        query = "&".join(f"{key}={value}" for key, value in self.query.items())
        status = "connection dropped" if self.status is None else str(self.status)
        line = f"#{self.id} {self.method} {self.path}{'?' + query if query else ''} -> {status}"
        if isinstance(self.response, dict) and "detail" in self.response:
            line += f" {self.response['detail']!r}"
        if self.route:
            line += f" [{self.route}]"
        return line + "".join(f"\n      note: {note}" for note in self.notes)


def recorded(store: Store, exchange: Exchange, answer: Answer) -> Recorded:
    """The exchange and what it answered (nothing, when its connection drops). Only what the
    request still holds is copied now; redaction and decoding wait until the journal is
    read."""
    this = exchange.request
    body, parsed = _request_body(this, exchange.body)
    dropped = exchange.dropped
    return Recorded(
        moment=exchange.moment,
        seconds=time.perf_counter() - exchange.began,
        method=this.method,
        path=this.path,
        route=exchange.route.operation_id if exchange.route else None,
        query=this.args,
        headers=_headers(this.environ),
        body=body,
        parsed=parsed,
        secrets=secrets.of(store),  # the world's now, as the request found it
        status=None if dropped else answer.status,
        response=None if dropped else _response_content(answer.body),
        response_headers=None if dropped else answer.headers,
        notes=exchange.notes,
    )


def _headers(environ: Mapping[str, Any]) -> dict[str, Any]:
    """The environ's header items, as werkzeug's EnvironHeaders reads them."""
    return {name: environ[name] for name in _header_names(tuple(environ))}


@functools.lru_cache(maxsize=256)
def _header_names(names: tuple[str, ...]) -> tuple[str, ...]:
    """Which of an environ's keys are headers. Kept by the keys: a client sends the same
    headers request after request, and the environ holds about twenty keys more."""
    return tuple(name for name in names if name.startswith("HTTP_") or name in _HEADER_KEYS)


# Every secret value the world holds, for the server's log filter.
key_values = secrets.known_values


_HEADER_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")  # the WSGI environ's headers without HTTP_


@dataclass(slots=True, kw_only=True)
class Recorded:
    """A request as `_record` took it, before redaction and decoding."""

    id: int = 0  # set by the journal
    moment: datetime  # when it came, rendered as the entry's `time`
    seconds: float  # how long it took, rendered as the entry's `duration_ms`
    method: str
    path: str
    route: str | None
    query: MultiDict[str, str]
    headers: dict[str, Any]  # the environ's header items, as werkzeug's EnvironHeaders reads them
    body: Any
    parsed: bool  # False: `body` is the text of a body the API could not parse
    secrets: secrets.Secrets
    status: int | None
    response: bytes | str | None  # the content, or what stands for it
    response_headers: list[tuple[str, str]] | None
    notes: list[str]

    def size(self) -> int:
        """About the bytes this request and its answer hold, counted cheaply: what the journal
        bounds its size by."""
        headers = self.headers
        body = self.body
        sent = int(headers.get("CONTENT_LENGTH") or 0) or (len(body) if type(body) is str else 0)
        # A WSGI environ's header values are strings (PEP 3333); a header's name, and each of
        # the answer's few short headers, count as a header's usual size.
        answer, answer_headers = self.response, self.response_headers
        return (
            _ENTRY_OVERHEAD
            + len(self.path)
            + sent
            + sum(map(len, headers.values()))
            + _HEADER_BYTES * (len(headers) + (len(answer_headers) if answer_headers else 0))
            + (len(answer) if answer is not None else 0)
            + (sum(map(len, self.notes)) if self.notes else 0)
        )

    def entry(self) -> Entry:
        headers = EnvironHeaders(self.headers)
        hidden = self.secrets
        return Entry(
            id=self.id,
            time=isoformat(self.moment),
            duration_ms=round(self.seconds * 1000, 3),
            method=self.method,
            path=hidden.text(self.path),
            route=self.route,
            query=hidden.query(self.query.to_dict(flat=False)),
            headers=hidden.headers(headers.items()),
            body=hidden.value(self.body) if self.parsed else hidden.text(self.body),
            status=self.status,
            response=None
            if self.response is None
            else _redacted(self.response, mimetype_of(self.response_headers or []), hidden),
            response_headers=hidden.headers(self.response_headers or []),
            notes=[
                hidden.text(note)
                for note in _without_key(
                    self.notes, self.body if self.parsed else None, headers, self.query
                )
            ]
            if self.notes
            else [],
        )


def _request_body(request: Request, read: RequestBody | None) -> tuple[Any, bool]:
    """The body as the route read it and True, parsed here only when the route never did;
    or, when it cannot be parsed, its text and False."""
    environ = request.environ
    if request.method not in BODY_METHODS and not _may_have_a_body(environ):
        return None, True  # what the parser makes of no body on a method that has none
    if (request.content_length or 0) > BODY_LIMIT:
        return f"<{request.content_length} bytes, not recorded>", True
    try:
        parsed = read.parsed() if read is not None and read.was_parsed else parse(request)
    except ApiError:
        parsed = None
    except HTTPException as refused:  # werkzeug's own refusal of the body, e.g. over the limit
        return f"<body not read: {refused.description}>", True
    try:
        raw = request.get_data(cache=True)  # a body the route never read may be over the limit
    except HTTPException as refused:
        return f"<body not read: {refused.description}>", True
    if parsed is None:
        return raw.decode("utf-8", "replace"), False
    if parsed.files:
        files = {name: f"<file {file.filename!r}>" for name, file in parsed.files.items()}
        return {**parsed.data, **files}, True
    return (parsed.data if parsed.data != {} or _sent_a_body(request) else None), True


def _sent_a_body(request: Request) -> bool:
    """Whether the request has body bytes; werkzeug reads none without a Content-Length
    unless the server has already read a chunked body."""
    if not request.content_length and "wsgi.input_terminated" not in request.environ:
        return False
    return bool(request.get_data(cache=True))


def _may_have_a_body(environ: Mapping[str, Any]) -> bool:
    """HTTP/1.1 sends a body only with a Content-Length or a Transfer-Encoding (waitress
    sets the length of a chunked body it has read)."""
    return bool(environ.get("CONTENT_LENGTH")) or "HTTP_TRANSFER_ENCODING" in environ


def _response_content(content: bytes) -> bytes | str:
    """The answer's body as it is (not copied), or its size where it is too large to keep."""
    if len(content) > RESPONSE_LIMIT:
        return f"<{len(content)} bytes, not recorded>"
    return content


def _redacted(content: bytes | str, mimetype: str, hidden: secrets.Secrets) -> Any:
    """The answer decoded, without the world's secrets (in a `next` link, say). JSON is
    redacted as text, which costs a large page little; when that leaves no JSON (a secret
    cut at an escape), value by value."""
    if isinstance(content, bytes) and mimetype == "application/json" and content:
        text = content.decode("utf-8", "replace")
        redacted = hidden.response(text)
        try:
            return orjson.loads(redacted)
        except orjson.JSONDecodeError:
            return _redacted_values(_decoded(content, mimetype), hidden)
    decoded = _decoded(content, mimetype)
    return hidden.response(decoded) if isinstance(decoded, str) else decoded


def _redacted_values(value: Any, hidden: secrets.Secrets) -> Any:
    if isinstance(value, Mapping):
        return {key: _redacted_values(item, hidden) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted_values(item, hidden) for item in value]
    return hidden.response(value) if isinstance(value, str) else value


def _decoded(content: bytes | str, mimetype: str) -> Any:
    if isinstance(content, str):
        return content
    if mimetype == "application/json" and content:
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return content.decode("utf-8", "replace") if content else None


def _without_key(
    notes: list[str], body: Any, headers: auth.HeaderSource, query: Mapping[str, str]
) -> list[str]:
    found = auth.find_key(headers, lambda: body, query)
    if found is None:
        return notes
    return [note.replace(found[0], REDACTED) for note in notes]
