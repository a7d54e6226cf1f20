"""What PostHog's plugin server does and its API cannot: write a config's log entries, show the
jobs PostHog would have enqueued, set the delivery metrics behind `delivery_rate_24h`."""

from __future__ import annotations

from typing import Any

from mock_posthog.contract.errors import NotFound, ValidationFailed
from mock_posthog.control.blueprint import control, json_body, world
from mock_posthog.posthog import records
from mock_posthog.posthog.api.plugin_config_actions import recorded_jobs
from mock_posthog.posthog.api.plugin_logs import append_log_entries
from mock_posthog.posthog.app_metrics import delivery_rates, set_delivery_metrics


def _json_body() -> Any:
    body = json_body(force=False)
    if body is None:
        raise ValidationFailed("Send a JSON body.")
    return body


@control.post("/plugin_log_entries")
def add_log_entries() -> tuple[list[dict[str, Any]], int]:
    """A JSON array of entries, or one entry; answers what was stored."""
    body = _json_body()
    return append_log_entries(world(), body if isinstance(body, list) else [body]), 201


@control.get("/plugin_jobs")
def list_recorded_jobs() -> list[dict[str, Any]]:
    return recorded_jobs(world().store)


@control.put("/plugin_configs/<int:plugin_config_id>/delivery_metrics")
def put_delivery_metrics(plugin_config_id: int) -> dict[str, Any]:
    """`{"successes": n, "failures": m}`: the config's counts for the last 24 hours."""
    body = _json_body()
    if not isinstance(body, dict) or not {"successes", "failures"} <= body.keys():
        raise ValidationFailed('Send {"successes": <int>, "failures": <int>}.')
    current = world()
    try:
        set_delivery_metrics(current.store, plugin_config_id, body["successes"], body["failures"])
    except LookupError as error:
        raise NotFound(f"{str(error).capitalize()}.") from None
    except ValueError as error:
        raise ValidationFailed(f"{str(error).capitalize()}.") from None
    config = records.plugin_config(current.store, plugin_config_id) or {}
    rates = delivery_rates(current.store, config.get("team_id", 0), current.clock.now())
    return {
        "plugin_config_id": plugin_config_id,
        "successes": body["successes"],
        "failures": body["failures"],
        "delivery_rate_24h": rates.get(plugin_config_id),
    }
