"""The whole world as a fixture file: GET /_mock/snapshot gives it, POST /_mock/snapshot loads
one in its place (checked as a fixture file; a bad one changes nothing)."""

from __future__ import annotations

from typing import Any

from flask import request

from mock_posthog.contract.errors import ValidationFailed
from mock_posthog.control.blueprint import control, json_body, world
from mock_posthog.http import secrets
from mock_posthog.world import snapshots
from mock_posthog.world.fixtures import FixtureError


@control.get("/snapshot")
def snapshot() -> dict[str, Any]:
    """The world now, with each table's next id under `sequences`; with `?of=seed`, the world
    a reset goes back to; with `?redacted=1`, without a key, token or secret value, to share."""
    current = world()
    store = snapshots.seed_store(current) if request.args.get("of") == "seed" else current.store
    tables = snapshots.export_with_sequences(store)
    if _flag("redacted"):  # for sharing: every key, token and secret value out
        return secrets.of(store).value(tables)  # type: ignore[no-any-return]
    return tables


def _flag(name: str) -> bool:
    raw = request.args.get(name)
    if raw is None:
        return False
    if raw not in ("0", "1", "true", "false"):
        raise ValidationFailed(f"{name} must be 1 or 0.", attr=name)
    return raw in ("1", "true")


@control.post("/snapshot")
def restore() -> dict[str, Any]:
    data = json_body()
    try:
        snapshots.load(world().store, data, "snapshot")
    except FixtureError as error:
        raise ValidationFailed(f"{error.path}: {error.message}", attr=error.path) from None
    return {"status": "restored", "tables": world().store.counts()}
