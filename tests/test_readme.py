"""The README tells the truth: its generated sections match the code, and its commands are the
ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

from mock_posthog.contract.docs import generated_sections, rewrite
from mock_posthog.posthog.api import ROUTES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text("utf-8")


def test_generated_sections_match_the_code() -> None:
    assert rewrite(README, generated_sections(ROUTES)) == README, (
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
