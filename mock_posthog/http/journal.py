"""The request journal: every `/api/` request the mock answered, what it answered and why
(recorded by `recording`, redacted), and the queries and assertions tests make on it.

In server mode the journal keeps the last `journal_limit` requests; in-process it keeps them
all; either way it holds at most about `journal_bytes` (32 MB by default), and counts the ones
it let go. A reset empties it. It is read a page at a time (`since` an id, `limit` entries).
"""

from __future__ import annotations

import difflib
import logging
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mock_posthog.http.matching import path_matches
from mock_posthog.http.recording import Entry, Recorded

NEAREST = 5  # how many near misses an assertion failure lists
log = logging.getLogger("mock_posthog")


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
    """The in-memory journal of one world: at most `limit` entries (0: no limit) and about
    `max_bytes` of requests and answers (0: no limit), the oldest evicted first.

    A request is kept as it was recorded (its headers, its body as parsed, the response's
    bytes) and becomes an Entry (redacted, the response decoded) when the journal is first
    read: recording costs a request little, and a full journal holds bytes, not objects.
    Entries are made outside the lock, so a long read never holds up the requests being
    recorded meanwhile."""

    def __init__(self, limit: int = 0, max_bytes: int = 0) -> None:
        self._entries: deque[tuple[int, Entry | Recorded]] = deque()  # (size, entry)
        self._limit, self._max_bytes = limit, max_bytes
        self._bytes = 0
        self._evicted = 0
        self._next_id = 1
        self._lock = threading.Lock()

    def entries(self) -> list[Entry]:
        return self.page()[0]

    def page(
        self,
        since: int = 0,
        limit: int | None = None,
        wanted: Match | None = None,
        last: int | None = None,
    ) -> tuple[list[Entry], bool]:
        """The entries after id `since` that `wanted` matches (by method, path, route and
        status; of those, only the `last` few when given), the first `limit` of them; and
        whether more follow. Only the entries answered are made."""
        with self._lock:
            kept = [entry for _, entry in self._entries if entry.id > since]
        if wanted is not None:
            kept = [entry for entry in kept if wanted.matches(entry)]  # type: ignore[arg-type]
        if last is not None:
            kept = kept[-last:] if last else []
        more = limit is not None and len(kept) > limit
        chosen = kept[:limit] if limit is not None else kept
        made = [entry if isinstance(entry, Entry) else entry.entry() for entry in chosen]
        if len(made) != sum(isinstance(entry, Entry) for entry in chosen):
            self._keep_made({entry.id: entry for entry in made})
        return made, more

    def _keep_made(self, made: Mapping[int, Entry]) -> None:
        """Keep the entries made in place of their records, so each is made once."""
        with self._lock:
            self._entries = deque(
                (size, made.get(entry.id, entry) if isinstance(entry, Recorded) else entry)
                for size, entry in self._entries
            )

    @property
    def evicted(self) -> int:
        return self._evicted

    @property
    def size(self) -> int:
        """About how many bytes the entries hold."""
        return self._bytes

    def add(self, **values: Any) -> Entry:
        with self._lock:
            entry = Entry(id=self._next_id, **values)
            self._keep(entry, 0)
        return entry

    def record(self, recorded: Recorded) -> None:
        """Keep a request as recorded; it gets the next entry id."""
        size = recorded.size()
        with self._lock:
            recorded.id = self._next_id
            self._keep(recorded, size)

    def _keep(self, entry: Entry | Recorded, size: int) -> None:
        """Append an entry that holds the next id (under the lock), then evict what is over."""
        self._next_id += 1
        self._entries.append((size, entry))
        self._bytes += size
        if len(self._entries) > self._limit > 0 or self._bytes > self._max_bytes > 0:
            self._evict()

    def _evict(self) -> None:
        """The oldest out while there are too many or they hold too much (the latest is
        kept whatever its size: a test looks at the request it just made)."""
        while len(self._entries) > 1 and (
            (self._limit and len(self._entries) > self._limit)
            or (self._max_bytes and self._bytes > self._max_bytes)
        ):
            size, _ = self._entries.popleft()
            self._bytes -= size
            if not self._evicted:
                log.warning(
                    "the journal is full (%s); the oldest requests are evicted from now on and"
                    " GET /_mock/requests counts them",
                    self._limits(),
                )
            self._evicted += 1

    def _limits(self) -> str:
        limits = [f"{self._limit} requests"] if self._limit else []
        return " or ".join([*limits, *([f"{self._max_bytes} bytes"] if self._max_bytes else [])])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self._evicted = 0
            self._next_id = 1
