"""The /_mock/ control plane as Python calls, over either transport: JSON requests, and the
journal, faults and clock that both handles hold."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from werkzeug.test import TestResponse

from mock_posthog.harness.transports import Transport
from mock_posthog.http.faults import Fault
from mock_posthog.http.journal import Entry, JournalView
from mock_posthog.world.clock import isoformat, parse_timestamp

TOKEN_HEADER = "X-Mock-PostHog-Token"  # the control plane's, see control/control_token.py


class ControlError(RuntimeError):
    """The control plane refused a request; the message carries its answer."""


class Control:
    """JSON to and from one emulator's /_mock/ routes."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """The answer's JSON (None for an empty answer); ControlError for a 4xx or 5xx."""
        answer = self.send(method, path, json.dumps(body).encode() if body is not None else b"")
        return json.loads(answer.get_data()) if answer.get_data() else None

    def send(self, method: str, path: str, body: bytes = b"") -> TestResponse:
        """`body` as it is (JSON, or bytes already JSON); ControlError for a 4xx or 5xx."""
        headers = [("Content-Type", "application/json")] if body else []
        if self.transport.control_token:
            headers.append((TOKEN_HEADER, self.transport.control_token))
        answer = self.transport.control(method, f"/_mock{path}", headers, body)
        if answer.status_code >= 400:
            detail = answer.get_data().decode("utf-8", "replace")
            raise ControlError(f"{method} /_mock{path} answered {answer.status_code}: {detail}")
        return answer


class ControlJournal(JournalView):
    """The journal's queries and assertions, on the entries GET /_mock/requests gives."""

    def __init__(self, control: Control) -> None:
        self._control = control
        self._evicted = 0

    def entries(self) -> list[Entry]:
        answer = self._control.call("GET", "/requests")
        self._evicted = answer["evicted"]
        return [Entry.from_dict(entry) for entry in answer["results"]]

    @property
    def evicted(self) -> int:
        return self._evicted

    def clear(self) -> None:
        self._control.call("DELETE", "/requests")


class ControlFaults:
    """The calls of `faults.Faults`: add, all, remove, clear."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def add(self, **spec: Any) -> Fault:
        """`add(route="plugins_list", status=503)`, `add(path="/api/**", latency_ms=200)`,
        `add(method="POST", nth=2, drop=True)`; ControlError names a bad field."""
        return _fault(self._control.call("POST", "/faults", spec))

    def all(self) -> list[Fault]:
        return [_fault(fault) for fault in self._control.call("GET", "/faults")["results"]]

    def remove(self, fault_id: int) -> bool:
        """Whether there was such a fault."""
        try:
            self._control.call("DELETE", f"/faults/{fault_id}")
        except ControlError:
            return False
        return True

    def clear(self) -> None:
        self._control.call("DELETE", "/faults")


def _fault(data: Mapping[str, Any]) -> Fault:
    return Fault(**data)


class ControlClock:
    """The calls of `clock.Clock`: now, frozen, freeze, advance, unfreeze."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def now(self) -> datetime:
        return parse_timestamp(self._control.call("GET", "/clock")["now"])

    @property
    def frozen(self) -> bool:
        return bool(self._control.call("GET", "/clock")["frozen"])

    def freeze(self, at: datetime | None = None) -> None:
        """Stop the clock now, or at `at`."""
        self._control.call("POST", "/clock/freeze", {"at": isoformat(at) if at else None})

    def advance(self, delta: timedelta) -> None:
        """Move the clock on; a running clock stops there."""
        self._control.call("POST", "/clock/advance", {"seconds": delta.total_seconds()})

    def unfreeze(self) -> None:
        self._control.call("POST", "/clock/unfreeze", {})
