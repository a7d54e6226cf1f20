"""What makes a run repeatable: the clock (/_mock/clock: GET; freeze, advance, unfreeze)
and the UUID seed (/_mock/uuids: GET, PUT)."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.control.blueprint import control, json_object, world
from mock_posthog.world.clock import isoformat, parse_timestamp

_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
# The clock stays a day inside the years datetime can hold: the API looks back 24 hours
# (delivery rates), which at year 1 itself would fall off the calendar.
EARLIEST = datetime(1, 1, 2, tzinfo=UTC)
LATEST = datetime(9999, 12, 31, tzinfo=UTC)
_RANGE = f"{isoformat(EARLIEST)} to {isoformat(LATEST)}"


@control.get("/clock")
def clock() -> dict[str, Any]:
    current = world().clock
    return {"now": isoformat(current.now()), "frozen": current.frozen}


@control.post("/clock/freeze")
def freeze() -> dict[str, Any]:
    """Stop the clock now, or at `at` (ISO 8601)."""
    at = json_object().get("at")
    if at is not None and not isinstance(at, str):
        raise ValidationFailed("at must be an ISO 8601 timestamp.", attr="at")
    try:
        moment = parse_timestamp(at).astimezone(UTC) if at else None
    except ValueError:
        raise ValidationFailed(f"{at!r} is not an ISO 8601 timestamp.", attr="at") from None
    except OverflowError:  # in range as written, out of it in UTC
        raise ValidationFailed(f"The clock runs from {_RANGE}.", attr="at") from None
    world().clock.freeze(_in_range(moment, "at"))
    return clock()


def _in_range(moment: datetime | None, attr: str | None) -> datetime | None:
    if moment is not None and not EARLIEST <= moment <= LATEST:
        raise ValidationFailed(f"The clock runs from {_RANGE}.", attr=attr)
    return moment


@control.post("/clock/advance")
def advance() -> dict[str, Any]:
    """Move the clock on by `seconds`, `minutes`, `hours` and `days` (added up); a running
    clock stops there."""
    body = json_object()
    unknown = set(body) - set(_UNITS)
    if unknown or not body:
        raise ValidationFailed(
            "Give seconds, minutes, hours or days.", attr=min(unknown, default=None)
        )
    for unit, value in body.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationFailed(f"{unit} must be a number.", attr=unit)
    seconds = sum(_UNITS[unit] * value for unit, value in body.items())
    current = world().clock
    try:
        if not math.isfinite(seconds):
            raise OverflowError(seconds)
        moment = current.now() + timedelta(seconds=seconds)
    except OverflowError:
        raise ValidationFailed(f"The clock runs from {_RANGE}.", attr=min(body)) from None
    current.freeze(_in_range(moment, min(body)))
    return clock()


@control.post("/clock/unfreeze")
def unfreeze() -> dict[str, Any]:
    world().clock.unfreeze()
    return clock()


@control.get("/uuids")
def uuids() -> dict[str, Any]:
    return {"seed": world().uuids.seed}


@control.put("/uuids")
def seed_uuids() -> dict[str, Any]:
    """`{"seed": 42}`: UUIDs from now on are the seeded sequence; `{"seed": null}`: random."""
    seed = json_object().get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ValidationFailed("seed must be an integer or null.", attr="seed")
    world().uuids.reseed(seed)
    return uuids()
