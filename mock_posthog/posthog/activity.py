"""The activity log: entries as PostHog writes them for plugins and plugin configs, shared by
every route that writes one and by GET plugins/activity that shows them.

An entry is stored as `{"id", "team_id", "organization_id", "user": {"first_name", "email"},
"scope", "activity", "item_id", "detail": {"name", "changes", "trigger", "short_id"},
"created_at"}`; `render` gives the shape the API returns, `page` the page GET plugins/activity
answers.
"""

from __future__ import annotations

import math
import re
from typing import Any

from mock_posthog.contract.errors import ServerError
from mock_posthog.posthog import records
from mock_posthog.world.clock import parse_timestamp
from mock_posthog.world.store import Record, Store

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
    entries = [
        entry
        for entry in records.activity_of_team(store, team_id)
        if entry["scope"] in ("Plugin", "PluginConfig")
    ]
    # Stored in write order; the sort is stable, so entries of the same instant stay as written,
    # as PostHog's tests with a frozen clock expect.
    return sorted(entries, key=lambda entry: parse_timestamp(entry["created_at"]), reverse=True)


def render(entry: Record) -> dict[str, Any]:
    """The six keys of PostHog's 2023 ActivityLogSerializer, and nothing else: its own tests
    compare whole `results` lists, so the stored `id` stays out of the answer."""
    return {
        "user": entry["user"],
        "activity": entry["activity"],
        "scope": entry["scope"],
        "item_id": entry["item_id"],
        "detail": entry["detail"],
        "created_at": entry["created_at"],
    }


def team_of(store: Store, user: Record) -> int | None:
    """The user's project as PostHog's `User.team` finds it: the current one, else the first
    project of the user's organization, else none."""
    if user.get("current_project_id") is not None:
        return int(user["current_project_id"])
    member_of = user.get("organization_ids") or []
    projects = records.projects_of_organization(store, member_of[0]) if member_of else []
    return projects[0]["id"] if projects else None


def paging(query: Any) -> tuple[int, int]:
    """`limit` (default 10) and `page` (default 1) as PostHog reads them: Django's query dict
    gives the last of repeated values, and `int()` of anything else fails."""
    return _query_int(query, "limit", "10"), _query_int(query, "page", "1")


def _query_int(query: Any, name: str, default: str) -> int:
    values = query.getlist(name)
    raw = values[-1] if values else default
    try:
        return int(raw)
    except ValueError:
        raise ServerError(
            f"`{name}={raw}` is not an integer, and PostHog calls int() on it"
        ) from None


def page(entries: list[Record], url: str, limit: int, number: int) -> dict[str, Any]:
    """One page of entries as Django's Paginator cuts it, with PostHog's links."""
    shown, has_next = _django_page(entries, limit, number)
    return {
        "results": [render(entry) for entry in shown],
        "next": _page_link(url, number + 1, limit) if has_next else None,
        "previous": _page_link(url, number - 1, limit) if number > 1 else None,
        "total_count": len(entries),
    }


def _django_page(entries: list[Record], limit: int, number: int) -> tuple[list[Record], bool]:
    if limit <= 0:
        # Django divides by it (0) or slices with it (negative): both raise.
        raise ServerError(f"limit={limit}: Django's Paginator needs a positive page size")
    pages = math.ceil(max(1, len(entries)) / limit)
    if number < 1 or number > pages:
        raise ServerError(f"page={number}: Django's Paginator has pages 1 to {pages} here")
    start = (number - 1) * limit
    return entries[start : start + limit], number < pages


def _page_link(url: str, number: int, limit: int) -> str:
    """format_query_params_absolute_url: the request's URL with `page` and `limit` set in
    place when present with digits, appended otherwise."""
    for name, value in (("page", number), ("limit", limit)):
        present = re.compile(rf"([&?]{name}=)(\d+)")
        if present.search(url):
            url = present.sub(rf"\g<1>{value}", url)
        else:
            url += ("&" if "?" in url else "?") + f"{name}={value}"
    return url
