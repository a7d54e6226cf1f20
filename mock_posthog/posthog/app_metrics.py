"""App metrics: the delivery counts PostHog keeps per plugin config (in ClickHouse), from which
a config's `delivery_rate_24h` is computed. PostHog has no API that writes them; fixtures, the
control plane and `set_delivery_metrics` do.

A row is `{"team_id", "plugin_config_id", "successes", "successes_on_retry", "failures",
"timestamp"}`; a row without a timestamp always counts as recent.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mock_posthog.posthog import records
from mock_posthog.world.clock import parse_timestamp
from mock_posthog.world.store import Store

WINDOW = timedelta(hours=24)


def delivery_rates(store: Store, project_id: int, now: datetime) -> dict[int, float]:
    """By config id, as TeamPluginsDeliveryRateQuery computes it: successes (retries included)
    over all attempts in the last 24 hours, 1 when a config's rows count nothing at all.
    Configs without rows are absent."""
    since = now - WINDOW
    tallies: dict[int, tuple[int, int]] = {}
    for row in records.app_metrics_of_project(store, project_id):
        stamp = row.get("timestamp")
        if stamp is not None and parse_timestamp(stamp) <= since:
            continue
        success, total = tallies.get(row["plugin_config_id"], (0, 0))
        ok = row["successes"] + row.get("successes_on_retry", 0)
        tallies[row["plugin_config_id"]] = (success + ok, total + ok + row["failures"])
    return {
        config_id: success / total if total > 0 else 1.0
        for config_id, (success, total) in tallies.items()
    }


def set_delivery_metrics(
    store: Store, plugin_config_id: int, successes: int, failures: int
) -> None:
    """Replace a config's metrics with these counts, recent whatever the clock says."""
    for name, value in (("successes", successes), ("failures", failures)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    config = records.plugin_config(store, plugin_config_id)
    if config is None:
        raise LookupError(f"no plugin config has id {plugin_config_id}")
    with store.transaction():
        records.delete_rows_of_config(store, records.APP_METRICS, plugin_config_id)
        store.insert(
            records.APP_METRICS,
            {
                "team_id": config["team_id"],
                "plugin_config_id": plugin_config_id,
                "successes": successes,
                "successes_on_retry": 0,
                "failures": failures,
                "timestamp": None,
            },
        )
