"""The request journal: every `/api/` request the mock answered, what it answered and why,
with API keys and secret config values redacted; and the assertions tests make on it.

In server mode the journal keeps the last `journal_limit` requests and counts the ones it let
go; in-process it keeps them all. A reset empties it.
"""

from __future__ import annotations

import difflib
import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

import orjson
from flask import Request
from werkzeug.datastructures import EnvironHeaders, MultiDict
from werkzeug.exceptions import HTTPException

from mock_posthog.contract.errors import ApiError
from mock_posthog.contract.operations import BODY_METHODS
from mock_posthog.http import redaction
from mock_posthog.http.answer import Answer
from mock_posthog.http.exchange import Exchange
from mock_posthog.http.matching import path_matches
from mock_posthog.posthog import auth, records
from mock_posthog.posthog.parsers import RequestBody, parse
from mock_posthog.world.clock import isoformat
from mock_posthog.world.store import Store

REDACTED = redaction.REDACTED
CONTROL_HEADER = "x-mock-posthog-token"
QUERY_CREDENTIALS = ("personal_api_key", "token", "api_key")
NEAREST = 5  # how many near misses an assertion failure lists
BODY_LIMIT = 64 * 1024  # larger bodies are recorded as a size, not kept
RESPONSE_LIMIT = 256 * 1024


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
        return asdict(self)

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


@dataclass(frozen=True)
class Match:
    """What a test expects of a request. None means any; `query` and `body` match when the
    request's hold at least these items."""

    method: str | None = None
    path: str | None = None
    route: str | None = None
    status: int | None = None
    query: Mapping[str, Any] | None = None
    body: Mapping[str, Any] | None = None

    @classmethod
    def of(cls, method: str | None, path: str | None, **filters: Any) -> Match:
        query = dict(filters.pop("query", None) or {})
        if path and "?" in path:
            path, _, text = path.partition("?")
            query.update(_parse_query(text))
        return cls(method and method.upper(), path, query=query or None, **filters)

    def matches(self, entry: Entry) -> bool:
        return (
            (self.method is None or entry.method == self.method)
            and (self.path is None or path_matches(self.path, entry.path))
            and (self.route is None or entry.route == self.route)
            and (self.status is None or entry.status == self.status)
            and _contains(entry.query, self.query)
            and _contains(entry.body, self.body)
        )

    def describe(self) -> str:
        words = [self.method or "any method", self.path or "any path"]
        words += [f"{name}={value!r}" for name, value in self._extra().items()]
        return " ".join(words)

    def _extra(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in (
                ("route", self.route),
                ("status", self.status),
                ("query", self.query),
                ("body", self.body),
            )
            if value is not None
        }

    def nearness(self, entry: Entry) -> float:
        wanted = f"{self.method or entry.method} {self.path or entry.path}"
        ratio = difflib.SequenceMatcher(None, wanted, f"{entry.method} {entry.path}").ratio()
        return ratio + (self.route is not None and entry.route == self.route)


def _parse_query(text: str) -> dict[str, str]:
    pairs = (item.partition("=") for item in text.split("&") if item)
    return {key: value for key, _, value in pairs}


def _contains(actual: Any, expected: Mapping[str, Any] | None) -> bool:
    if expected is None:
        return True
    if not isinstance(actual, Mapping):
        return False
    return all(key in actual and _same(actual[key], value) for key, value in expected.items())


def _same(actual: Any, expected: Any) -> bool:
    # A query value is text in the request; a test may write it as a number.
    return actual == expected or (isinstance(actual, str) and actual == str(expected))


class JournalView:
    """Queries and assertions over a list of entries, wherever the entries come from."""

    def entries(self) -> list[Entry]:
        raise NotImplementedError

    @property
    def evicted(self) -> int:
        raise NotImplementedError

    def find(
        self, method: str | None = None, path: str | None = None, **filters: Any
    ) -> list[Entry]:
        """The entries that match, oldest first. Filters: route, status, query, body."""
        expected = Match.of(method, path, **filters)
        return [entry for entry in self.entries() if expected.matches(entry)]

    def call_count(self, method: str | None = None, path: str | None = None, **filters: Any) -> int:
        return len(self.find(method, path, **filters))

    def last(self, method: str | None = None, path: str | None = None, **filters: Any) -> Entry:
        """The latest matching entry; AssertionError when there is none."""
        return self.assert_called(method, path, **filters)

    def assert_called(
        self,
        method: str | None = None,
        path: str | None = None,
        *,
        times: int | None = None,
        **filters: Any,
    ) -> Entry:
        """Fail unless a matching request was made (exactly `times` times, when given);
        return the latest one."""
        __tracebackhide__ = True  # pytest shows the caller, not this helper
        expected = Match.of(method, path, **filters)
        entries = self.entries()
        found = [entry for entry in entries if expected.matches(entry)]
        if not found or (times is not None and len(found) != times):
            wanted = "a call" if times is None else f"{times} call(s)"
            made = f"{len(found)} matching" if found else "none"
            raise AssertionError(
                f"Expected {wanted} to {expected.describe()}, but {made} was made.\n"
                + self._near_misses(expected, entries)
            )
        return found[-1]

    def assert_not_called(
        self, method: str | None = None, path: str | None = None, **filters: Any
    ) -> None:
        __tracebackhide__ = True  # pytest shows the caller, not this helper
        expected = Match.of(method, path, **filters)
        found = [entry for entry in self.entries() if expected.matches(entry)]
        if found:
            listed = "\n".join("  " + entry.describe() for entry in found[-NEAREST:])
            raise AssertionError(
                f"Expected no call to {expected.describe()}, but {len(found)} were made:\n" + listed
            )

    def _near_misses(self, expected: Match, entries: Sequence[Entry]) -> str:
        evicted = f" ({self.evicted} older ones were evicted)" if self.evicted else ""
        if not entries:
            return f"No requests were made{evicted}."
        nearest = sorted(entries, key=expected.nearness, reverse=True)[:NEAREST]
        listed = "\n".join("  " + entry.describe() for entry in nearest)
        return f"{len(entries)} request(s) were made{evicted}; the nearest:\n{listed}"


class Journal(JournalView):
    """The in-memory journal of one world; `limit` 0 keeps every entry.

    A request is kept as it was recorded (its headers, its body as parsed, the response's
    bytes) and becomes an Entry (redacted, the response decoded) when the journal is first
    read: recording costs a request little, and a full journal holds bytes, not objects."""

    def __init__(self, limit: int = 0) -> None:
        self._entries: deque[Entry | Recorded] = deque(maxlen=limit or None)
        self._evicted = 0
        self._next_id = 1
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        with self._lock:
            if not all(isinstance(entry, Entry) for entry in self._entries):
                made = [
                    entry if isinstance(entry, Entry) else entry.entry() for entry in self._entries
                ]
                self._entries.clear()
                self._entries.extend(made)
            return list(self._entries)  # type: ignore[arg-type]  # all made above

    @property
    def evicted(self) -> int:
        return self._evicted

    def add(self, **values: Any) -> Entry:
        entry = self._append(lambda entry_id: Entry(id=entry_id, **values))
        assert isinstance(entry, Entry)
        return entry

    def record(self, recorded: Recorded) -> None:
        """Keep a request as recorded; it gets the next entry id."""

        def numbered(entry_id: int) -> Recorded:
            recorded.id = entry_id
            return recorded

        self._append(numbered)

    def _append(self, make: Callable[[int], Entry | Recorded]) -> Entry | Recorded:
        with self._lock:
            entry = make(self._next_id)
            self._next_id += 1
            if self._entries.maxlen is not None and len(self._entries) == self._entries.maxlen:
                self._evicted += 1
            self._entries.append(entry)
            return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._evicted = 0
            self._next_id = 1


# Recording: once the API has answered.


def record_answer(journal: Journal, store: Store, exchange: Exchange, answer: Answer) -> None:
    """Keep the exchange and what it answered (nothing, when its connection drops). Only
    what the request still holds is copied now; redaction waits until the journal is read."""
    this = exchange.request
    environ = this.environ
    body, parsed = _request_body(this, exchange.body)
    notes = exchange.notes
    # Which config keys are secret, and which keys exist, depends on the world now, so both
    # are settled now; only for what needs them, to keep the common request cheap.
    needs_secrets = not parsed or _has_config(body)
    secret_keys = _secret_config_keys(store.all("plugins")) if needs_secrets else set()
    known = tuple(key_values(store)) if notes or not parsed else ()
    headers = {
        name: value
        for name, value in environ.items()
        if name in _HEADER_KEYS or name.startswith("HTTP_")
    }
    dropped = exchange.dropped
    journal.record(
        Recorded(
            moment=exchange.moment,
            duration_ms=round((time.perf_counter() - exchange.began) * 1000, 3),
            method=this.method,
            path=this.path,
            route=exchange.route.operation_id if exchange.route else None,
            query=this.args,
            headers=headers,
            body=body,
            parsed=parsed,
            secret_keys=secret_keys,
            known_keys=known,
            status=None if dropped else answer.status,
            response=None if dropped else _response_content(answer),
            response_headers=None if dropped else answer.headers,
            notes=notes,
        )
    )


def key_values(store: Store) -> list[str]:
    """Every personal API key the world holds: none of them is ever written out."""
    return [key["value"] for key in store.all(records.PERSONAL_API_KEYS)]


_HEADER_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")  # the WSGI environ's headers without HTTP_


@dataclass(slots=True, kw_only=True)
class Recorded:
    """A request as `_record` took it, before redaction and decoding."""

    id: int = 0  # set by the journal
    moment: datetime  # when it came, rendered as the entry's `time`
    duration_ms: float
    method: str
    path: str
    route: str | None
    query: MultiDict[str, str]
    headers: dict[str, Any]  # the environ's header items, as werkzeug's EnvironHeaders reads them
    body: Any
    parsed: bool  # False: `body` is the text of a body the API could not parse
    secret_keys: set[str]
    known_keys: tuple[str, ...]  # every key the world held, when notes or text may hold one
    status: int | None
    response: tuple[bytes | str, str] | None  # (content or what stands for it, mimetype)
    response_headers: list[tuple[str, str]] | None
    notes: list[str]

    def entry(self) -> Entry:
        headers = EnvironHeaders(self.headers)
        return Entry(
            id=self.id,
            time=isoformat(self.moment),
            duration_ms=self.duration_ms,
            method=self.method,
            path=self.path,
            route=self.route,
            query=redact_query(self.query.to_dict(flat=False)),
            headers=redact_headers(headers.items()),
            body=(
                redact_body(self.body, self.secret_keys)
                if self.parsed
                else redaction.redact_text(self.body, self.secret_keys, self.known_keys)
            ),
            status=self.status,
            response=None if self.response is None else _decoded(*self.response),
            response_headers=dict(self.response_headers or []),
            notes=[
                redaction.redact_text(note, known=self.known_keys)
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


def _response_content(answer: Answer) -> tuple[bytes | str, str]:
    content = answer.body  # as it is, not copied
    if len(content) > RESPONSE_LIMIT:
        return f"<{len(content)} bytes, not recorded>", answer.mimetype
    return content, answer.mimetype


def _decoded(content: bytes | str, mimetype: str) -> Any:
    if isinstance(content, str):
        return content
    if mimetype == "application/json" and content:
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass
    return content.decode("utf-8", "replace") if content else None


def _has_config(body: Any) -> bool:
    return isinstance(body, Mapping) and "config" in body


def _without_key(
    notes: list[str], body: Any, headers: auth.HeaderSource, query: Mapping[str, str]
) -> list[str]:
    found = auth.find_key(headers, lambda: body, query)
    if found is None:
        return notes
    return [note.replace(found[0], REDACTED) for note in notes]


# Redaction.


def redact_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {
        name: REDACTED if name.lower() in ("authorization", "cookie", CONTROL_HEADER) else value
        for name, value in headers
    }


def redact_query(query: Mapping[str, list[str]]) -> dict[str, Any]:
    """Credentials out: the personal API key and the project token PostHog reads from
    `token` or `api_key`."""
    return {
        key: REDACTED if key in QUERY_CREDENTIALS else values[0] if len(values) == 1 else values
        for key, values in query.items()
    }


def redact_body(body: Any, secret_keys: set[str]) -> Any:
    """The body without its API key and without the values of secret config fields, sent as
    `config: {...}` (JSON) or as a `config` form field holding a JSON string."""
    if not isinstance(body, Mapping):
        return body
    redacted = dict(body)
    if "personal_api_key" in redacted:
        redacted["personal_api_key"] = REDACTED
    if isinstance(redacted.get("url"), str):  # a private_token in a plugin URL
        redacted["url"] = redaction.redact_text(redacted["url"])
    config = redacted.get("config")
    if isinstance(config, Mapping):
        redacted["config"] = _redact_config(config, secret_keys)
    elif isinstance(config, str):
        redacted["config"] = _redact_config_text(config, secret_keys)
    return redacted


def _redact_config(config: Mapping[str, Any], secret_keys: set[str]) -> dict[str, Any]:
    return {
        key: REDACTED if key in secret_keys and value is not None else value
        for key, value in config.items()
    }


def _redact_config_text(text: str, secret_keys: set[str]) -> str:
    try:
        config = json.loads(text)
    except (ValueError, RecursionError):
        return redaction.redact_text(text, secret_keys)
    if not isinstance(config, Mapping):
        return text
    return json.dumps(_redact_config(config, secret_keys))


def _secret_config_keys(plugins: Iterable[Mapping[str, Any]]) -> set[str]:
    """Config keys that any plugin's schema marks secret. A key secret in one plugin is hidden
    for all: the journal would rather hide too much than show a secret."""
    keys: set[str] = set()
    for plugin in plugins:
        schema = plugin.get("config_schema") or {}
        items = schema.items() if isinstance(schema, Mapping) else _keyed(schema)
        keys.update(key for key, spec in items if isinstance(spec, Mapping) and spec.get("secret"))
    return keys


def _keyed(schema: Any) -> list[tuple[str, Any]]:
    items = schema if isinstance(schema, list) else []
    return [(item["key"], item) for item in items if isinstance(item, Mapping) and "key" in item]
