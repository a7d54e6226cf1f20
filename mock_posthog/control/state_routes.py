"""The store's exact state, for a handle's `snapshot` and `restore`: GET /_mock/state gives it
(ids, id sequences and all, not the fixture format), PUT /_mock/state puts back what GET gave.
Cheaper than a fixture file and exact, so a test's setup can take one and return to it."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.control.blueprint import control, world

_NOT_STATE = "The body must be a state as GET /_mock/state gives it: a JSON object of tables."


@control.get("/state")
def state() -> Response:
    return Response(world().store.snapshot(), mimetype="application/json")


@control.put("/state")
def restore_state() -> dict[str, Any]:
    """A bad body changes nothing."""
    data = request.get_data()
    try:
        tables = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ValidationFailed(_NOT_STATE) from None
    if not isinstance(tables, dict) or not all(isinstance(t, dict) for t in tables.values()):
        raise ValidationFailed(_NOT_STATE)
    world().store.restore(data)
    return {"status": "restored", "tables": world().store.counts()}
