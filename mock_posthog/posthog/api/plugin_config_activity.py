"""Activity entries written by the plugin-config routes, as PostHog words them (§C9)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from mock_posthog.posthog import records
from mock_posthog.posthog.activity import SECRET_PLACEHOLDER, change, log_activity
from mock_posthog.posthog.call import Call
from mock_posthog.world.store import Record


def log_config_activity(
    call: Call,
    config: Record,
    activity: str,
    *,
    scope: str = "PluginConfig",
    changes: list[dict[str, Any]] | None = None,
    trigger: dict[str, Any] | None = None,
) -> None:
    """One entry about `config`, by the caller, in the config's project, named after its plugin."""
    plugin = records.plugin(call.store, config["plugin"]) or {}
    log_activity(
        call.store,
        user=call.caller.user,
        organization_id=call.organization["id"],
        team_id=config["team_id"],
        scope=scope,
        activity=activity,
        item_id=config["id"],
        name=plugin.get("name"),
        created_at=call.world.now(),
        entry_id=call.world.new_uuid(),
        changes=changes,
        trigger=trigger,
    )


def config_changes(
    before: dict[str, Any], after: dict[str, Any], secrets: AbstractSet[str]
) -> list[dict[str, Any]]:
    """dict_changes_between("Plugin", ...) with each secret key's change replaced by a masked,
    field-less one of type PluginConfig."""
    if before == after:
        return []
    changes = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old is None and new is not None:
            action = "created"
        elif new is None and old is not None:
            action = "deleted"
        elif old != new:
            action = "changed"
        else:
            continue
        if key in secrets:
            changes.append(
                change("PluginConfig", action, None, SECRET_PLACEHOLDER, SECRET_PLACEHOLDER)
            )
        else:
            changes.append(change("Plugin", action, key, old, new))
    return changes
