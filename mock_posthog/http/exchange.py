"""One `/api/` request on its way through the mock: when it came, the route it is for, its
body as the route read it, what was noted about it and whether its connection drops. The
journal records it once it is answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Request

from mock_posthog.contract.operations import Route
from mock_posthog.posthog.parsers import RequestBody


@dataclass(slots=True)
class Exchange:
    request: Request
    began: float  # time.perf_counter() as the request came in, before any fault's latency
    moment: datetime  # the world clock's time as it came in: the journal entry's `time`
    route: Route | None = None  # None for a path or method no route serves
    body: RequestBody | None = None  # set once the pipeline reads the request
    notes: list[str] = field(default_factory=list)
    dropped: bool = False  # a fault drops the connection instead of answering
