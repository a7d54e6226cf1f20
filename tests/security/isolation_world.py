"""Two organizations, each with a project, a plugin, a config and its logs, and a key of every
kind aimed at the second one (B): the world of the isolation matrix, built with tests/worlds.py,
and the requests aimed at B's data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import Flask

from mock_posthog.contract.operations import Route
from tests.worlds import app_from_tables, key, organization, plugin, project, user

ORG_A = "0000000a-0000-4000-8000-00000000000a"
ORG_B = "0000000b-0000-4000-8000-00000000000b"
PROJECT_A, PROJECT_B = 1, 2
PLUGIN_A, PLUGIN_B = 1, 10
CONFIG_A, CONFIG_B = 1, 20
B_SECRET = "b-organization-secret-value"

# Keys. The owners of every key below but OWNER_B's and MEMBER_OF_A's are members of B, so
# only the key itself (its scopes, its revocation) stands between them and B's data.
OWNER_B = "phx_owner_of_b"
MEMBER_OF_A = "phx_member_of_a_only"
NON_MEMBER = "phx_member_of_nothing"
SCOPED_TO_ORG_A = "phx_scoped_to_organization_a"
SCOPED_TO_PROJECT_A = "phx_scoped_to_project_a"
READ_ONLY = "phx_plugin_read_only"
OTHER_SCOPES = "phx_feature_flags_only"
INACTIVE_OWNER = "phx_of_an_inactive_user"
REVOKED = "phx_revoked_key"  # it was B's owner's; it is no longer in personal_api_keys


def _plugin(plugin_id: int, org_id: str, name: str) -> dict[str, Any]:
    secret_schema = [{"key": "token", "name": "Token", "type": "string", "secret": True}]
    return plugin(
        plugin_id,
        org_id,
        name,
        owner="example",
        tag="0123456789abcdef0123456789abcdef01234567",
        config_schema=secret_schema,
        public_jobs={"Export": {"payload": {}}},
        source_files={
            "plugin.json": {"source": json.dumps({"name": name, "config": secret_schema})},
            "index.ts": {"source": "export function processEvent(e) { return e }"},
            "frontend.tsx": {"source": "export const scene = {}", "status": "TRANSPILED"},
        },
    )


def config(config_id: int, plugin_id: int, project_id: int, secret: str) -> dict[str, Any]:
    return {
        "id": config_id,
        "plugin": plugin_id,
        "team_id": project_id,
        "enabled": True,
        "order": 1,
        "config": {"token": secret},
    }


def log_entry(config_id: int, plugin_id: int, project_id: int, number: int) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{config_id:06d}{number:06d}",
        "team_id": project_id,
        "plugin_id": plugin_id,
        "plugin_config_id": config_id,
        "timestamp": f"2024-03-04T10:00:0{number}Z",
        "source": "PLUGIN",
        "type": "INFO",
        "message": f"log {number} of config {config_id}",
        "instance_id": "6c8d3b7e-0f5a-4b7e-9a1d-2f4e5c6b7a80",
    }


def _user(
    user_id: int, orgs: list[str], project_id: int | None, active: bool = True
) -> dict[str, Any]:
    return user(user_id, orgs, project_id, first_name=f"User {user_id}", is_active=active)


def world() -> dict[str, Any]:
    return {
        "organizations": [
            organization(ORG_A, "Organization A"),
            organization(ORG_B, "Organization B"),
        ],
        "projects": [
            project(PROJECT_A, ORG_A, "Organization A project"),
            project(PROJECT_B, ORG_B, "Organization B project"),
        ],
        "users": [
            _user(1, [ORG_A], PROJECT_A),
            _user(2, [ORG_B], PROJECT_B),
            _user(3, [], None),
            _user(4, [ORG_A, ORG_B], PROJECT_B),
            _user(5, [ORG_B], PROJECT_B, active=False),
        ],
        "personal_api_keys": [
            key(MEMBER_OF_A, 1),
            key(OWNER_B, 2),
            key(NON_MEMBER, 3),
            key(SCOPED_TO_ORG_A, 4, scopes=["*"], scoped_organizations=[ORG_A]),
            key(SCOPED_TO_PROJECT_A, 4, scopes=["*"], scoped_teams=[PROJECT_A]),
            key(READ_ONLY, 4, scopes=["plugin:read"]),
            key(OTHER_SCOPES, 4, scopes=["feature_flag:read", "feature_flag:write"]),
            key(INACTIVE_OWNER, 5),
        ],
        "plugins": [_plugin(PLUGIN_A, ORG_A, "Plugin A"), _plugin(PLUGIN_B, ORG_B, "Plugin B")],
        "plugin_configs": [
            config(CONFIG_A, PLUGIN_A, PROJECT_A, "a-organization-secret-value"),
            config(CONFIG_B, PLUGIN_B, PROJECT_B, B_SECRET),
        ],
        "plugin_log_entries": [
            log_entry(CONFIG_A, PLUGIN_A, PROJECT_A, 1),
            log_entry(CONFIG_B, PLUGIN_B, PROJECT_B, 1),
            log_entry(CONFIG_B, PLUGIN_B, PROJECT_B, 2),
        ],
    }


def isolation_app(folder: Path) -> Flask:
    return app_from_tables(folder, world(), "two-organizations.json")


def url(route: Route, org_id: str, project_id: int, plugin_id: int, config_id: int) -> str:
    values = {
        "organization_id": org_id,
        "project_id": str(project_id),
        "id": str(plugin_id if route.parent == "organization" else config_id),
        "plugin_config_id": str(config_id),
    }
    return re.sub(r"\{(\w+)\}", lambda match: values[match[1]], route.path)


def b_url(route: Route) -> str:
    """The route, aimed at organization B's own data."""
    return url(route, ORG_B, PROJECT_B, PLUGIN_B, CONFIG_B)


# A body that would change B's data, were the request let through (what B's owner sends).
BODIES: dict[str, Any] = {
    "plugins_create": {"plugin_type": "source", "name": "intruder"},
    "plugins_update": {"name": "intruder"},
    "plugins_partial_update": {"name": "intruder"},
    "plugins_update_source_partial_update": {"index.ts": "// intruder"},
    "plugins_upgrade_create": {},
    "plugin_configs_create": {"plugin": PLUGIN_B, "order": 2, "enabled": True},
    "plugin_configs_update": {"plugin": PLUGIN_B, "order": 3, "enabled": False},
    "plugin_configs_partial_update": {"enabled": False},
    "plugin_configs_rearrange_partial_update": {"orders": {str(PLUGIN_B): 7}},
    "plugin_configs_job_create": {"job": {"type": "Export", "payload": {}}},
}
