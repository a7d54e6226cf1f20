"""Look-ups of the world's records by the keys PostHog uses; one place, so no handler scans."""

from __future__ import annotations

from typing import Any

from .store import Record, Store

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


def organization(store: Store, organization_id: str) -> Record | None:
    wanted = organization_id.lower().replace("-", "")
    return store.find_one(
        ORGANIZATIONS, lambda org: str(org["id"]).lower().replace("-", "") == wanted
    )


def project(store: Store, project_id: int) -> Record | None:
    return store.get(PROJECTS, project_id)


def projects_of_organization(store: Store, organization_id: str) -> list[Record]:
    """The organization's projects, by id."""
    found = store.find(
        PROJECTS, lambda project: same_id(project["organization_id"], organization_id)
    )
    return sorted(found, key=lambda project: project["id"])


def user(store: Store, user_id: int) -> Record | None:
    return store.get(USERS, user_id)


def personal_api_key(store: Store, value: str) -> Record | None:
    return store.find_one(PERSONAL_API_KEYS, lambda key: key["value"] == value)


def plugin(store: Store, plugin_id: int) -> Record | None:
    return store.get(PLUGINS, plugin_id)


def configs_of_plugin(store: Store, plugin_id: int) -> list[Record]:
    return store.find(PLUGIN_CONFIGS, lambda config: config["plugin"] == plugin_id)


def plugin_config(store: Store, config_id: int) -> Record | None:
    return store.get(PLUGIN_CONFIGS, config_id)


def config_of_project(store: Store, project_id: int, config_id: int) -> Record | None:
    config = store.get(PLUGIN_CONFIGS, config_id)
    return config if config is not None and config["team_id"] == project_id else None


def configs_of_project(store: Store, project_id: int) -> list[Record]:
    return store.find(PLUGIN_CONFIGS, lambda config: config["team_id"] == project_id)


def config_of_project_plugin(store: Store, project_id: int, plugin_id: int) -> Record | None:
    return store.find_one(
        PLUGIN_CONFIGS,
        lambda config: config["team_id"] == project_id and config["plugin"] == plugin_id,
    )


def attachments_of_config(store: Store, config_id: int) -> list[Record]:
    found = store.find(PLUGIN_ATTACHMENTS, lambda entry: entry["plugin_config_id"] == config_id)
    return sorted(found, key=lambda attachment: attachment["id"])


def log_entries_of_config(store: Store, project_id: int, config_id: int) -> list[Record]:
    return store.find(
        PLUGIN_LOG_ENTRIES,
        lambda entry: entry["team_id"] == project_id and entry["plugin_config_id"] == config_id,
    )


def app_metrics_of_project(store: Store, project_id: int) -> list[Record]:
    return store.find(APP_METRICS, lambda row: row.get("team_id") == project_id)


def archive(store: Store, url: str) -> Record | None:
    return store.find_one(PLUGIN_ARCHIVES, lambda entry: entry["url"].rstrip("/") == url)


def same_id(left: Any, right: Any) -> bool:
    """UUIDs compare without case or dashes, as PostHog's UUID fields do."""
    return str(left).lower().replace("-", "") == str(right).lower().replace("-", "")
