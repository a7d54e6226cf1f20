"""PostHog's rate limit for personal API keys, off unless asked for.

PostHog throttles requests authenticated with a personal API key with DRF's
`BurstRateThrottle` (480/minute) and `SustainedRateThrottle` (4800/hour), counted per key.
Each is a sliding window over the times of the requests it let through; a refused request is
not counted. The wait it announces is DRF's: the time until the oldest counted request leaves
the window. Time is the world's clock, so a test can move past a limit instead of sleeping.
"""

from __future__ import annotations

import math
import re
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from mock_posthog.contract.errors import Throttled
from mock_posthog.world.clock import Clock

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """DRF's notation: `480/minute`, `4800/hour`, `10/s`."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*([smhd])[a-z]*\s*", text)
        if match is None or int(match.group(1)) < 1:
            raise ValueError(f"{text!r} is not a rate like '480/minute'")
        return cls(int(match.group(1)), _PERIODS[match.group(2)])

    def __str__(self) -> str:
        names = {seconds: name for name, seconds in _PERIODS.items()}
        unit = {"s": "second", "m": "minute", "h": "hour", "d": "day"}[names[self.seconds]]
        return f"{self.count}/{unit}"


POSTHOG_RATES = (Rate(480, 60), Rate(4800, 3600))


class RateLimiter:
    def __init__(self, clock: Clock, enabled: bool = False) -> None:
        self._clock = clock
        self._default_enabled = enabled
        self.enabled = enabled
        self.rates: tuple[Rate, ...] = POSTHOG_RATES
        self._history: dict[tuple[Rate, str], deque[float]] = {}
        self._lock = threading.Lock()

    def configure(self, enabled: bool, rates: Iterable[Rate] | None = None) -> None:
        with self._lock:
            self.enabled = enabled
            self.rates = tuple(rates) if rates is not None else self.rates
            self._history.clear()

    def reset(self) -> None:
        self.configure(self._default_enabled, POSTHOG_RATES)

    def check(self, key: str) -> None:
        """Count a request made with `key`, or raise Throttled with DRF's wait."""
        if not self.enabled:
            return
        now = self._clock.now().timestamp()
        with self._lock:
            waits = [wait for rate in self.rates if (wait := self._allow(rate, key, now))]
        if waits:
            raise Throttled(math.ceil(max(waits)))

    def _allow(self, rate: Rate, key: str, now: float) -> float | None:
        """None when `rate` lets the request through (and counts it); else the wait."""
        history = self._history.setdefault((rate, key), deque())
        while history and history[-1] <= now - rate.seconds:
            history.pop()
        if len(history) < rate.count:
            history.appendleft(now)
            return None
        return max(rate.seconds - (now - history[-1]), 0.001)
