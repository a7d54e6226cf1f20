"""`--help` a user can work from: every command listed, each `serve` option with its
variable and default, the variables that have no flag, and what `check` checks."""

from __future__ import annotations

import pytest

from tests.end_to_end.cli_run import refused

SERVE_OPTIONS = [
    ("--host HOST", "MOCK_POSTHOG_HOST; default: 127.0.0.1"),
    ("--port PORT", "MOCK_POSTHOG_PORT; default: 8010"),
    ("--data FILE", "MOCK_POSTHOG_DATA; default: none: the state lives in memory"),
    ("--fixtures FILE", "MOCK_POSTHOG_FIXTURES; default: the default world"),
    ("--plugins-dir DIR", "MOCK_POSTHOG_PLUGINS_DIR; default: none: file: URLs are refused"),
    ("--validate-responses", "MOCK_POSTHOG_VALIDATE_RESPONSES; default: off"),
    ("--journal-limit N", "MOCK_POSTHOG_JOURNAL_LIMIT; default: 1000"),
    ("--rate-limit", "MOCK_POSTHOG_RATE_LIMIT; default: off"),
    ("--uuid-seed N", "MOCK_POSTHOG_UUID_SEED; default: none: random"),
    ("--control-token TOKEN", "MOCK_POSTHOG_CONTROL_TOKEN; default: none"),
    ("--no-control-token", "MOCK_POSTHOG_CONTROL_TOKEN=off"),
]


def help_text(*command: str) -> str:
    finished = refused([*command, "--help"])
    assert finished.returncode == 0
    assert finished.stderr == ""
    return " ".join(finished.stdout.split())  # as read, whatever the terminal's width


def test_the_top_help_lists_every_command() -> None:
    text = help_text()

    for line in [
        "serve serve the emulated API over HTTP",
        "check validate fixture files without serving",
        "openapi print the OpenAPI document of the API",
        "health exit 0 when a server says it is ready",
    ]:
        assert line in text


@pytest.mark.parametrize(("option", "variable"), SERVE_OPTIONS)
def test_serve_help_gives_each_option_its_variable_and_default(option: str, variable: str) -> None:
    text = help_text("serve")

    after = text.split(f" {option} ", 1)[1]
    assert f"({variable})" in after.split(" --", 1)[0]


def test_serve_help_says_the_first_line_is_the_address_and_lists_the_other_variables() -> None:
    text = help_text("serve")

    assert "The first line on stdout is the address, http://HOST:PORT" in text
    unflagged = text.split("variables with no flag:", 1)[1]
    assert "MOCK_POSTHOG_MAX_BODY_BYTES request bodies above this many bytes get a 413" in (
        unflagged
    )
    assert "default: 10485760 (10 MiB)" in unflagged
    assert "MOCK_POSTHOG_LOG_LEVEL the log on stderr" in unflagged
    assert "one of DEBUG, INFO, WARNING, ERROR, CRITICAL; default: INFO" in unflagged


def test_check_help_says_what_it_checks() -> None:
    text = help_text("check")

    assert "readable JSON" in text
    assert "matches the fixture schema" in text
    assert "every reference names a record one of them holds" in text
    assert "exits 1 when there is an error" in text
