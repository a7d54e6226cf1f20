"""Faults that tests switch on to see how client code copes: an error status in PostHog's
envelope, added latency, or a connection dropped without a response.

A fault aims at a route (its operation id) or a path pattern, or at every `/api/` request;
at one method or all; at every matching call, only the nth, or only the first few. Reset
clears them all, and clearing them wakes the requests still sleeping on a fault's latency, so
no fault outlives the test that set it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from http import HTTPStatus
from typing import Any, NoReturn

from mock_posthog.contract.errors import (
    ApiError,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    ServerError,
    Throttled,
    ValidationFailed,
)
from mock_posthog.contract.operations import METHODS
from mock_posthog.http.answer import Answer
from mock_posthog.http.exchange import Exchange
from mock_posthog.http.matching import path_matches
from mock_posthog.posthog.notes import note

# The refusals PostHog gives for these statuses, with its own wording.
_POSTHOG_ERRORS: dict[int, Callable[[str], ApiError]] = {  # from the request's method
    400: lambda method: ValidationFailed(),
    401: lambda method: NotAuthenticated(),
    403: lambda method: PermissionDenied(),
    404: lambda method: NotFound(),
    405: lambda method: MethodNotAllowed(method, []),
}


MAX_LATENCY_MS = 60_000  # a minute: past any client's timeout, short of holding a thread for good


class FaultError(ValueError):
    """A fault spec that cannot be used; the message says which field and why."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass
class Fault:
    id: int = 0
    route: str | None = None  # a route's operation id
    path: str | None = None  # a path pattern (see matching.py)
    method: str | None = None
    nth: int | None = None  # only the nth matching call (1-based)
    times: int | None = None  # only the first `times` matching calls
    status: int | None = None
    detail: str | None = None  # the error's detail; PostHog's wording when None
    retry_after: int = 1  # seconds, for a 429
    latency_ms: int = 0
    drop: bool = False
    seen: int = 0  # matching calls so far
    fired: int = 0  # calls the fault applied to

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any], fault_id: int = 0) -> Fault:
        """A fault from what a test asked for, refused with a FaultError when it makes no sense."""
        unknown = set(spec) - ({field.name for field in fields(cls)} - {"id", "seen", "fired"})
        if unknown:
            raise FaultError(sorted(unknown)[0], f"Unknown fault field {sorted(unknown)[0]!r}.")
        fault = cls(**{**spec, "id": fault_id, "seen": 0, "fired": 0})
        fault.method = fault.method.upper() if isinstance(fault.method, str) else fault.method
        _check(fault)
        return fault

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def aims_at(self, method: str, path: str, route: str | None) -> bool:
        return (
            (self.method is None or self.method == method)
            and (self.route is None or self.route == route)
            and (self.path is None or path_matches(self.path, path))
        )

    def counts_this_call(self) -> bool:
        """Count one matching call; True when the fault applies to it."""
        self.seen += 1
        applies = (self.nth is None or self.seen == self.nth) and (
            self.times is None or self.seen <= self.times
        )
        self.fired += applies
        return applies

    def error(self, method: str) -> ApiError:
        assert self.status is not None
        if self.status == 429:
            return Throttled(self.retry_after)
        if self.status == 500:
            return ServerError(f"fault #{self.id} asked for a 500")
        make = _POSTHOG_ERRORS.get(self.status)
        error = make(method) if make else _generic_error(self.status)
        if self.detail is not None:
            error.detail = self.detail
        return error


def _generic_error(status: int) -> ApiError:
    phrase = HTTPStatus(status).phrase
    error_type = type(
        "InjectedError",
        (ApiError,),
        {
            "status": status,
            "type": "server_error" if status >= 500 else "invalid_request",
            "default_code": "error" if status >= 500 else phrase.lower().replace(" ", "_"),
        },
    )
    return error_type(f"{phrase}.")


def _check(fault: Fault) -> None:
    for name in ("nth", "times", "retry_after", "latency_ms", "status"):
        value = getattr(fault, name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise FaultError(name, f"{name} must be an integer.")
    if not isinstance(fault.drop, bool):
        raise FaultError("drop", "drop must be true or false.")
    for name in ("route", "path", "method", "detail"):
        value = getattr(fault, name)
        if value is not None and not isinstance(value, str):
            raise FaultError(name, f"{name} must be a string.")
    if fault.method is not None and fault.method not in [*METHODS, "HEAD"]:
        raise FaultError("method", f"{fault.method!r} is not an HTTP method.")
    if fault.status is not None and not (400 <= fault.status <= 599 and _known(fault.status)):
        raise FaultError("status", "status must be an HTTP error status, 400 to 599.")
    if fault.status is None and not fault.latency_ms and not fault.drop:
        raise FaultError(None, "A fault needs a status, a latency_ms or drop.")
    if fault.nth is not None and fault.times is not None:
        raise FaultError("nth", "Give nth or times, not both.")
    for name, least in (("nth", 1), ("times", 1), ("latency_ms", 0), ("retry_after", 0)):
        value = getattr(fault, name)
        if value is not None and value < least:
            raise FaultError(name, f"{name} must be at least {least}.")
    if fault.latency_ms > MAX_LATENCY_MS:
        raise FaultError("latency_ms", f"latency_ms must be at most {MAX_LATENCY_MS}.")


def _known(status: int) -> bool:
    return status in HTTPStatus._value2member_map_


# Every world that has, or had since its last clear, a fault with latency: while there is one,
# the server answers each request on a thread of its own (http/serving.py). Weak, so that a
# namespace dropped with its faults leaves it.
_SLEEPING: weakref.WeakSet[Faults] = weakref.WeakSet()


def any_latency() -> bool:
    """Whether a request anywhere in this process may sleep on a fault's latency."""
    return bool(_SLEEPING)


class Faults:
    """The faults of one world, in the order they were added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._next_id = 1
        self._lock = threading.Lock()
        self._cleared = threading.Event()  # set, and replaced, each time the faults are cleared

    def add(self, **spec: Any) -> Fault:
        """Add a fault: `add(route="plugins_list", status=503)`, `add(path="/api/**",
        latency_ms=200)`, `add(method="POST", nth=2, drop=True)`."""
        with self._lock:
            fault = Fault.from_spec(spec, self._next_id)
            self._next_id += 1
            self._faults.append(fault)
            if fault.latency_ms:
                _SLEEPING.add(self)
            return fault

    def all(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            kept = [fault for fault in self._faults if fault.id != fault_id]
            removed = len(kept) != len(self._faults)
            self._faults = kept
            if not any(fault.latency_ms for fault in kept):
                _SLEEPING.discard(self)
            return removed

    def clear(self) -> None:
        """No faults from now on; requests sleeping on a fault's latency wake up."""
        with self._lock:
            self._faults = []
            self._next_id = 1
            _SLEEPING.discard(self)
            self._cleared.set()
            self._cleared = threading.Event()

    def sleep(self, seconds: float) -> bool:
        """Sleep a fault's latency; False when the faults were cleared meanwhile."""
        with self._lock:
            cleared = self._cleared
        return not cleared.wait(seconds)

    def active(self) -> bool:
        """True while any fault is set."""
        return bool(self._faults)

    def firing(self, method: str, path: str, route: str | None) -> list[Fault]:
        """The faults that apply to this call, counting it for every fault aimed at it."""
        with self._lock:
            return [
                fault
                for fault in self._faults
                if fault.aims_at(method, path, route) and fault.counts_this_call()
            ]


# Injection: before the route runs.


def inject(faults: Faults, exchange: Exchange) -> Answer | None:
    """Apply the faults aimed at this request: sleep its latency, then drop its connection
    (the empty answer returned is never sent) or raise its error."""
    if not faults.active():
        return None
    this, route = exchange.request, exchange.route
    firing = faults.firing(this.method, this.path, route.operation_id if route else None)
    latency = sum(fault.latency_ms for fault in firing)
    if latency:
        note(f"fault: {latency} ms of latency added")
        if not faults.sleep(latency / 1000):
            note("fault: the faults were cleared during the latency; answering as usual")
            return None
    for fault in firing:
        if fault.drop:
            note(f"fault #{fault.id}: connection dropped without a response")
            exchange.dropped = True
            return Answer.of(500, content_type=None)
        if fault.status is not None:
            note(f"fault #{fault.id}: answering {fault.status}")
            raise fault.error(this.method)
    return None


def drop_connection(environ: Mapping[str, Any]) -> NoReturn:
    """End the request's connection without a response. The server treats the
    ConnectionError as the client's doing and writes nothing; the Flask test client lets it
    propagate."""
    connection = environ.get("werkzeug.socket")
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    raise ConnectionAbortedError("mock-posthog fault: the connection was dropped")
