"""The request journal: GET /_mock/requests (with filters), DELETE /_mock/requests."""

from __future__ import annotations

from typing import Any

from flask import request

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.control.blueprint import control, instance
from mock_posthog.http.journal import Match

_DIGITS = 9


@control.get("/requests")
def list_requests() -> dict[str, Any]:
    """Oldest first. Filters: method, path (a pattern), route, status, and `last` (only the
    latest N of the matching entries). Pages: `limit` entries after the id `since`;
    `next_since` is the `since` of the next page, null on the last one."""
    journal = instance().journal
    wanted = Match.of(
        request.args.get("method"),
        request.args.get("path"),
        route=request.args.get("route"),
        status=_integer("status"),
    )
    limit = _integer("limit")
    if limit == 0:
        raise ValidationFailed("limit must be at least 1.", attr="limit")
    found, more = journal.page(_integer("since") or 0, limit, wanted, _integer("last"))
    return {
        "count": len(found),
        "evicted": journal.evicted,
        "bytes": journal.size,
        "next_since": found[-1].id if more else None,
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
