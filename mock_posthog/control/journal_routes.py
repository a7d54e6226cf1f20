"""The request journal: GET /_mock/requests (with filters), DELETE /_mock/requests."""

from __future__ import annotations

from typing import Any

from flask import request

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.control.blueprint import control, instance

_DIGITS = 9


@control.get("/requests")
def list_requests() -> dict[str, Any]:
    """Oldest first. Filters: method, path (a pattern), route, status, and `last` (only the
    latest N of the matching entries)."""
    journal = instance().journal
    status = _integer("status")
    found = journal.find(
        request.args.get("method"),
        request.args.get("path"),
        route=request.args.get("route"),
        status=status,
    )
    last = _integer("last")
    if last is not None:
        found = found[-last:] if last else []
    return {
        "count": len(found),
        "evicted": journal.evicted,
        "results": [entry.as_dict() for entry in found],
    }


@control.delete("/requests")
def clear_requests() -> tuple[str, int]:
    instance().journal.clear()
    return "", 204


def _integer(name: str) -> int | None:
    """A whole number in ASCII digits (`"²".isdigit()` holds, `int("²")` fails), of at most
    nine: more than the journal holds, and short of what `int` refuses to read."""
    raw = request.args.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= _DIGITS):
        raise ValidationFailed(f"{name} must be a whole number below 10**{_DIGITS}.", attr=name)
    return int(raw)
