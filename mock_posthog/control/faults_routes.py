"""Faults and the rate limit: /_mock/faults (GET, POST, DELETE), /_mock/faults/<id> (DELETE),
/_mock/rate_limit (GET, PUT)."""

from __future__ import annotations

from typing import Any

from flask import current_app

from mock_posthog.contract.errors import NotFound, ValidationFailed
from mock_posthog.control.blueprint import control, instance, json_object
from mock_posthog.http import routing
from mock_posthog.http.faults import FaultError
from mock_posthog.http.ratelimit import Rate


@control.get("/faults")
def list_faults() -> dict[str, Any]:
    return {"results": [fault.as_dict() for fault in instance().faults.all()]}


@control.post("/faults")
def add_fault() -> tuple[dict[str, Any], int]:
    spec = json_object()
    known = {route.operation_id for route in routing.app_routes(current_app)}
    if spec.get("route") is not None and spec["route"] not in known:
        raise ValidationFailed(
            f"Unknown route {spec['route']!r}; routes are: {', '.join(sorted(known))}.",
            attr="route",
        )
    try:
        fault = instance().faults.add(**spec)
    except FaultError as error:
        raise ValidationFailed(str(error), attr=error.field) from None
    return fault.as_dict(), 201


@control.delete("/faults")
def clear_faults() -> tuple[str, int]:
    instance().faults.clear()
    return "", 204


@control.delete("/faults/<int:fault_id>")
def remove_fault(fault_id: int) -> tuple[str, int]:
    if not instance().faults.remove(fault_id):
        raise NotFound(f"No fault has id {fault_id}.")
    return "", 204


@control.get("/rate_limit")
def rate_limit() -> dict[str, Any]:
    limiter = instance().rate_limit
    return {"enabled": limiter.enabled, "rates": [str(rate) for rate in limiter.rates]}


@control.put("/rate_limit")
def configure_rate_limit() -> dict[str, Any]:
    """`{"enabled": true}` turns on PostHog's limits; `"rates": ["5/minute"]` replaces them."""
    body = json_object()
    enabled = body.get("enabled")
    if not isinstance(enabled, bool):
        raise ValidationFailed("enabled must be true or false.", attr="enabled")
    rates = body.get("rates")
    try:
        parsed = [Rate.parse(text) for text in rates] if rates is not None else None
    except (TypeError, ValueError) as error:
        raise ValidationFailed(str(error), attr="rates") from None
    instance().rate_limit.configure(enabled, parsed)
    return rate_limit()
