"""Look-ups of the world's records by the keys PostHog uses; one place, so no handler scans.

Each look-up by a field goes through one of the store's indexes, named by the module-level
function that gives a record's key: the first look-up builds it, every write keeps it."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from mock_posthog.world.store import Predicate, Record, Store

ORGANIZATIONS = "organizations"
PROJECTS = "projects"
USERS = "users"
PERSONAL_API_KEYS = "personal_api_keys"
PLUGINS = "plugins"
PLUGIN_CONFIGS = "plugin_configs"
PLUGIN_LOG_ENTRIES = "plugin_log_entries"
PLUGIN_ARCHIVES = "plugin_archives"
PLUGIN_REPOSITORY = "plugin_repository"
ACTIVITY_LOG = "activity_log"
PLUGIN_ATTACHMENTS = "plugin_attachments"
APP_METRICS = "app_metrics"
PLUGIN_JOBS = "plugin_jobs"


# Index keys: what each index files a record under.


def uuid_key(value: Any) -> str:
    """UUIDs compare without case or dashes, as PostHog's UUID fields do."""
    return str(value).lower().replace("-", "")


def _by_uuid(record: Mapping[str, Any]) -> Hashable:
    return uuid_key(record.get("id"))


def _by_organization(record: Mapping[str, Any]) -> Hashable:
    return uuid_key(record.get("organization_id"))


def _by_plugin(record: Mapping[str, Any]) -> Hashable:
    return record.get("plugin")


def _by_team(record: Mapping[str, Any]) -> Hashable:
    return record.get("team_id")


def _by_team_and_plugin(record: Mapping[str, Any]) -> Hashable:
    return record.get("team_id"), record.get("plugin")


def _by_config(record: Mapping[str, Any]) -> Hashable:
    return record.get("plugin_config_id")


def _by_team_and_config(record: Mapping[str, Any]) -> Hashable:
    return record.get("team_id"), record.get("plugin_config_id")


def _by_url(record: Mapping[str, Any]) -> Hashable:
    url = record.get("url")
    return url.rstrip("/") if isinstance(url, str) else url


def _record_id(record: Record) -> Any:
    return record["id"]


def _first(found: list[Record]) -> Record | None:
    return found[0] if found else None


# Look-ups.


def organization(store: Store, organization_id: str) -> Record | None:
    return _first(store.find_by(ORGANIZATIONS, _by_uuid, uuid_key(organization_id)))


def project(store: Store, project_id: int) -> Record | None:
    return store.get(PROJECTS, project_id)


def project_by_token(store: Store, token: str) -> Record | None:
    """Team.objects.get_team_from_token: the project whose API token this is."""
    return _first(store.find(PROJECTS, lambda project: project.get("api_token") == token))


def projects_of_organization(store: Store, organization_id: str) -> list[Record]:
    """The organization's projects, by id."""
    found = store.find_by(PROJECTS, _by_organization, uuid_key(organization_id))
    return sorted(found, key=_record_id)


def user(store: Store, user_id: int) -> Record | None:
    return store.get(USERS, user_id)


def django_int(raw: str) -> int | None:
    """A path value as Django's integer lookups read it: Python's `int()`, which takes any
    Unicode decimal digits (`٣` is 3), surrounding spaces, a sign and underscores, but not
    `²` nor more than 4,300 digits; None where it fails, which DRF's lookup turns into 404."""
    try:
        return int(raw)
    except ValueError:
        return None


def plugin(store: Store, plugin_id: int) -> Record | None:
    return store.get(PLUGINS, plugin_id)


def plugin_exists(store: Store, plugin_id: int) -> bool:
    return store.holds(PLUGINS, plugin_id)


def configs_of_plugin(store: Store, plugin_id: int) -> list[Record]:
    return store.find_by(PLUGIN_CONFIGS, _by_plugin, plugin_id)


def plugin_config(store: Store, config_id: int) -> Record | None:
    return store.get(PLUGIN_CONFIGS, config_id)


def config_of_project(store: Store, project_id: int, config_id: int) -> Record | None:
    config = store.get(PLUGIN_CONFIGS, config_id)
    return config if config is not None and config["team_id"] == project_id else None


def configs_of_project(store: Store, project_id: int) -> list[Record]:
    return store.find_by(PLUGIN_CONFIGS, _by_team, project_id)


def config_of_project_plugin(store: Store, project_id: int, plugin_id: int) -> Record | None:
    return _first(store.find_by(PLUGIN_CONFIGS, _by_team_and_plugin, (project_id, plugin_id)))


def attachments_of_config(store: Store, config_id: int) -> list[Record]:
    found = store.find_by(PLUGIN_ATTACHMENTS, _by_config, config_id)
    return sorted(found, key=_record_id)


def log_entries_of_config(
    store: Store, project_id: int, config_id: int, where: Predicate | None = None
) -> list[Record]:
    """The config's log entries (those `where` accepts, when given)."""
    key = (project_id, config_id)
    return store.find_by(PLUGIN_LOG_ENTRIES, _by_team_and_config, key, where)


def app_metrics_of_project(store: Store, project_id: int) -> list[Record]:
    return store.find_by(APP_METRICS, _by_team, project_id)


def activity_of_team(store: Store, team_id: int) -> list[Record]:
    return store.find_by(ACTIVITY_LOG, _by_team, team_id)


def delete_rows_of_config(store: Store, table: str, config_id: int) -> int:
    """Delete a config's rows of `table` (log entries, attachments, app metrics)."""
    return store.delete_by(table, _by_config, config_id)


def archive(store: Store, url: str) -> Record | None:
    return _first(store.find_by(PLUGIN_ARCHIVES, _by_url, url))


def same_id(left: Any, right: Any) -> bool:
    """UUIDs compare without case or dashes, as PostHog's UUID fields do."""
    if type(left) is str and left == right:  # as most ids compare: written the same way
        return True
    return uuid_key(left) == uuid_key(right)
