"""The emulator's notion of now, which tests can freeze and move."""

from __future__ import annotations

import functools
import threading
from datetime import UTC, datetime, timedelta

import orjson


class Clock:
    """Real time by default; frozen at a given instant once `freeze` is called."""

    def __init__(self) -> None:
        self._frozen_at: datetime | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        # Read without the lock: one attribute read sees the instant before a change or after.
        return self._frozen_at or datetime.now(UTC)

    def freeze(self, at: datetime | None = None) -> None:
        with self._lock:
            self._frozen_at = (at or datetime.now(UTC)).astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._frozen_at = (self._frozen_at or datetime.now(UTC)) + delta

    def unfreeze(self) -> None:
        with self._lock:
            self._frozen_at = None

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None


def isoformat(moment: datetime) -> str:
    """A timestamp as Django REST framework renders it: ISO 8601 with a `Z` suffix, and
    microseconds unless there are none. Written by orjson, in half the time of
    `datetime.isoformat` and the suffix's replacement (every write stamps one)."""
    in_utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)  # the clock's own are
    return orjson.dumps(in_utc, option=orjson.OPT_UTC_Z)[1:-1].decode()


@functools.lru_cache(maxsize=1024)
def rendered_timestamp(text: str) -> str:
    """A stored timestamp as DRF renders it. Kept: the same ones are rendered on every request
    that shows their records."""
    return isoformat(parse_timestamp(text))


def parse_timestamp(text: str) -> datetime:
    """Parse an ISO 8601 timestamp as PostHog accepts it (`Z` allowed; naive means UTC)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
