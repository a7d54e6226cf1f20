"""Namespaces: one server, many emulated instances, each a world with its own journal, faults
and rate limit, independent of every other, so that parallel test jobs can share one server.

The default namespace is the instance the app was made with (the only one a data file keeps);
every other is made from the default's seed on its first request, in memory. A restore from
the seed's encoded bytes costs about a millisecond for the default world (bench/run.py
measures it), which is why namespaces share those bytes rather than the records themselves.

The registry keeps the others in least-recently-used order: beyond `max_namespaces` the
least recently used is dropped, and any not used for `namespace_idle_seconds` is dropped when
the registry is next used. Time comes from `now`, which tests replace instead of sleeping.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.http.instance import Instance
from mock_posthog.settings import Settings
from mock_posthog.world.clock import isoformat

NAMESPACES = "mock_posthog.namespaces"  # app.extensions key: the app's Namespaces
DEFAULT = "default"  # the name the default namespace is listed and selected by
_NAME = re.compile(r"[a-z0-9_-]{1,64}")
NAME_RULE = "1 to 64 of a-z, 0-9, _ and -"


def check_name(name: str) -> str:
    """`name`, when it may name a namespace; otherwise a 400 in PostHog's envelope."""
    if _NAME.fullmatch(name) is None:
        raise ValidationFailed(
            f"{name[:80]!r} is not a namespace name: a name is {NAME_RULE}.",
            code="invalid_namespace",
            attr="namespace",
        )
    return name


@dataclass(slots=True)
class Namespace:
    name: str
    instance: Instance
    created: float
    last_used: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "created": _timestamp(self.created),
            "last_used": _timestamp(self.last_used),
            "tables": self.instance.world.store.counts(),
        }


def _timestamp(seconds: float) -> str:
    return isoformat(datetime.fromtimestamp(seconds, UTC))


class Namespaces:
    """The default instance, and the namespaces made beside it."""

    def __init__(
        self, default: Instance, settings: Settings, now: Callable[[], float] = time.time
    ) -> None:
        self.default = default
        self.max_namespaces = settings.max_namespaces
        self.idle_seconds = settings.namespace_idle_seconds
        self.now = now
        # A namespace's world never writes the data file: only the default one persists.
        self._settings = replace(settings, data=None)
        self._started = now()
        self._others: OrderedDict[str, Namespace] = OrderedDict()
        self._lock = threading.Lock()

    def instance(self, name: str) -> Instance:
        """The instance of namespace `name`, made from the seed if it is new."""
        if check_name(name) == DEFAULT:
            return self.default
        now = self.now()
        with self._lock:
            self._expire(now)
            found = self._others.get(name)
            if found is not None:
                found.last_used = now
                self._others.move_to_end(name)
                return found.instance
        # Made outside the lock: requests to namespaces that exist need not wait for it.
        made = Namespace(name, Instance(self._settings, self.default.world.seed), now, now)
        with self._lock:
            kept = self._others.setdefault(name, made)
            self._others.move_to_end(name)
            while len(self._others) > self.max_namespaces:
                self._others.popitem(last=False)
            return kept.instance

    def drop(self, name: str) -> bool:
        """Forget namespace `name`; False when there was none. The default cannot be dropped."""
        if check_name(name) == DEFAULT:
            raise ValidationFailed(
                "The default namespace cannot be dropped: reset it with POST /_mock/reset.",
                code="invalid_namespace",
                attr="namespace",
            )
        with self._lock:
            return self._others.pop(name, None) is not None

    def listing(self) -> dict[str, Any]:
        """Every namespace, the default first, then the least recently used first."""
        now = self.now()
        with self._lock:
            self._expire(now)
            others = [namespace.as_dict() for namespace in self._others.values()]
        default = Namespace(DEFAULT, self.default, self._started, now).as_dict()
        default["last_used"] = None  # not tracked: the default's requests skip the registry
        return {
            "count": len(others) + 1,
            "max_namespaces": self.max_namespaces,
            "namespace_idle_seconds": self.idle_seconds,
            "results": [default, *others],
        }

    def _expire(self, now: float) -> None:
        """Drop the namespaces idle too long: they are the oldest in the order kept."""
        while self._others:
            oldest = next(iter(self._others.values()))
            if now - oldest.last_used < self.idle_seconds:
                return
            self._others.popitem(last=False)
