"""The README tells the truth: its generated sections match the code, and its commands are the
ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from mock_posthog.contract.docs import generated_sections, rewrite
from mock_posthog.contract.world_table import world_table
from mock_posthog.posthog.api import ROUTES
from mock_posthog.world.fixtures import default_world

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_generated_sections_match_the_code() -> None:
    assert rewrite(README, generated_sections(ROUTES, default_world())) == README, (
        "README.md is stale: run `python tools/update_readme.py`"
    )


def test_every_route_is_in_the_routes_table() -> None:
    for route in ROUTES:
        assert f"| {route.method} | `{route.path}` | `{route.operation_id}` |" in README


def test_the_routes_table_gives_each_routes_answer_and_errors() -> None:
    assert (
        "| DELETE | `/api/projects/{project_id}/plugin_configs/{id}/` | `plugin_configs_destroy` "
        "| 204 no body | 400 401 403 404 413 415 429 500 |"
    ) in README
    assert (
        "| GET | `/api/projects/{project_id}/plugin_configs/{id}/frontend/` "
        "| `plugin_configs_frontend_retrieve` | 200 `application/javascript` | 401 403 404 429 |"
    ) in README


def test_the_differences_list_each_disagreeing_field() -> None:
    assert (
        "| `PluginConfig.plugin_info` | string; not nullable | Plugin; nullable "
        "| The config's plugin, rendered as a Plugin. Filled in retrieve only, null everywhere "
        "else. |"
    ) in README
    assert (
        "| `Plugin.latest_tag` | not nullable; no length limit | nullable; at most 800 characters |"
    ) in README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    test_command = next(command for command in commands if "pytest" in command)
    ci_script = (ROOT / ".ci" / "run").read_text("utf-8").strip().splitlines()
    assert ci_script[-1] == test_command


def test_the_serve_command_serves_the_default_world() -> None:
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert any(command.endswith("pip install . && mock-posthog serve") for command in commands)


def test_the_default_world_table_says_what_the_default_world_holds() -> None:
    assert "| plugin log entries | 3 of config 1, 2 of config 2 |" in README
    assert (
        "| plugin configs | `1` Taxonomy Plugin in project 1 (order 1, enabled, delivery rate "
        "0.98), `2` Hello Source in project 1 (order 2, enabled) |"
    ) in README


def test_the_world_table_describes_any_world() -> None:
    world = {
        "organizations": [{"id": "org-a", "name": "A", "plugins_access_level": 3}],
        "projects": [{"id": 7, "organization_id": "org-a", "name": "Seven", "api_token": "phc_7"}],
        "personal_api_keys": [{"value": "phx_k", "user_id": 2, "scopes": ["plugin:read"]}],
        "plugins": [
            {
                "id": 4,
                "name": "Npm One",
                "plugin_type": "custom",
                "url": "https://www.npmjs.com/package/one",
                "tag": "1.0.0",
                "config_schema": [{"key": "token", "secret": True}],
            }
        ],
        "plugin_configs": [{"id": 9, "plugin": 4, "team_id": 7, "enabled": False, "order": 3}],
        "plugin_archives": [
            {
                "url": "https://www.npmjs.com/package/one",
                "releases": [{"tag": "1.0.0"}, {"tag": "1.1.0"}],
            }
        ],
    }
    table = world_table(world)
    assert '| organization | `org-a`, "A", `plugins_access_level` 3 (config) |' in table
    assert "| personal API key | `phx_k`, user 2's, scopes `plugin:read` |" in table
    assert (
        "| plugins | `4` Npm One (custom, from npm, a newer release is waiting upstream, "
        "a secret config field) |"
    ) in table
    assert "| plugin configs | `9` Npm One in project 7 (order 3, disabled) |" in table
    assert (
        "| upstream | archives of 1 plugins (2 releases), and a plugin repository list of 0"
        in table
    )
