"""The activity log: entries as PostHog writes them for plugins and plugin configs, shared by
every route that writes one and by GET plugins/activity that shows them.

An entry is stored as `{"id", "team_id", "organization_id", "user": {"first_name", "email"},
"scope", "activity", "item_id", "detail": {"name", "changes", "trigger", "short_id"},
"created_at"}`; `render` gives the shape the API returns.
"""

from __future__ import annotations

from typing import Any

from . import records
from .clock import parse_timestamp
from .store import Record, Store

SECRET_PLACEHOLDER = "**************** POSTHOG SECRET FIELD ****************"


def change(kind: str, action: str, field: str | None, before: Any, after: Any) -> dict[str, Any]:
    """One entry of `detail.changes`."""
    return {"type": kind, "action": action, "field": field, "before": before, "after": after}


def log_activity(
    store: Store,
    *,
    user: Record,
    organization_id: str,
    team_id: int,
    scope: str,
    activity: str,
    item_id: int | str,
    name: str | None,
    created_at: str,
    entry_id: str,
    changes: list[dict[str, Any]] | None = None,
    trigger: dict[str, Any] | None = None,
) -> Record:
    return store.insert(
        records.ACTIVITY_LOG,
        {
            "id": entry_id,
            "team_id": team_id,
            "organization_id": organization_id,
            "user": {"first_name": user.get("first_name", ""), "email": user.get("email")},
            "scope": scope,
            "activity": activity,
            "item_id": str(item_id),
            "detail": {"name": name, "changes": changes, "trigger": trigger, "short_id": None},
            "created_at": created_at,
        },
    )


def entries_of_team(store: Store, team_id: int) -> list[Record]:
    """The team's plugin and plugin-config entries, newest first; ties keep the order written."""
    entries = store.find(
        records.ACTIVITY_LOG,
        lambda entry: entry["team_id"] == team_id and entry["scope"] in ("Plugin", "PluginConfig"),
    )
    # Stored in write order; the sort is stable, so entries of the same instant stay as written,
    # as PostHog's tests with a frozen clock expect.
    return sorted(entries, key=lambda entry: parse_timestamp(entry["created_at"]), reverse=True)


def render(entry: Record) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "user": entry["user"],
        "activity": entry["activity"],
        "scope": entry["scope"],
        "item_id": entry["item_id"],
        "detail": entry["detail"],
        "created_at": entry["created_at"],
    }
