"""One `/api/` request on its way through the mock: when it came, the route it is for, its
body as the route read it, what was noted about it and whether its connection drops. The
journal records it once it is answered.

Code deep in a handler notes things without being handed the exchange (`note`), so the
request being answered is also kept in a context variable: each server thread has its own.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from flask import Request

if TYPE_CHECKING:  # routing builds exchanges' routes and bodies, and imports this module
    from mock_posthog.http.payload import RequestBody
    from mock_posthog.http.routing import Route

log = logging.getLogger("mock_posthog")


@dataclass(slots=True)
class Exchange:
    request: Request
    began: float  # time.perf_counter() as the request came in, before any fault's latency
    moment: datetime  # the world clock's time as it came in: the journal entry's `time`
    route: Route | None = None  # None for a path or method no route serves
    body: RequestBody | None = None  # set once the pipeline reads the request
    notes: list[str] = field(default_factory=list)
    dropped: bool = False  # a fault drops the connection instead of answering


_CURRENT: ContextVar[Exchange | None] = ContextVar("mock_posthog_exchange", default=None)


@contextmanager
def answering(exchange: Exchange) -> Iterator[Exchange]:
    """While the body runs, `note` writes to this exchange."""
    token = _CURRENT.set(exchange)
    try:
        yield exchange
    finally:
        _CURRENT.reset(token)


def note(text: str) -> None:
    """Say something about this request in the log and the journal (a quirk that applied,
    the reason for a 500): the user reading a failing test learns why."""
    exchange = _CURRENT.get()
    if exchange is not None:
        exchange.notes.append(text)
    log.info("note: %s", text)
