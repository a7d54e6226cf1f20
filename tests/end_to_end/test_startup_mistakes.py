"""The first mistakes a user makes starting `mock-posthog serve`: each is one line on stderr
that names the option or the variable and what it accepts, exit status 2, no traceback, and
nothing logged before it as if the server were up."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from tests.end_to_end.cli_run import environment, refused

BOOLEAN = "one of 1/true/yes/on/0/false/no/off"


@pytest.mark.parametrize(
    ("args", "env", "line"),
    [
        (
            ["--port", "70000"],
            {},
            "mock-posthog: --port '70000': expected a port number from 0 to 65535",
        ),
        (
            ["--journal-limit", "-1"],
            {},
            "mock-posthog: --journal-limit '-1': expected a whole number, 0 or more",
        ),
        (
            [],
            {"MOCK_POSTHOG_PORT": "abc"},
            "mock-posthog: MOCK_POSTHOG_PORT='abc': expected a port number from 0 to 65535",
        ),
        (
            [],
            {"MOCK_POSTHOG_LOG_LEVEL": "LOUD"},
            "mock-posthog: MOCK_POSTHOG_LOG_LEVEL='LOUD': "
            "expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL",
        ),
        (
            [],
            {"MOCK_POSTHOG_RATE_LIMIT": "maybe"},
            f"mock-posthog: MOCK_POSTHOG_RATE_LIMIT='maybe': expected {BOOLEAN}",
        ),
        (
            [],
            {"MOCK_POSTHOG_VALIDATE_RESPONSES": "enabled"},
            f"mock-posthog: MOCK_POSTHOG_VALIDATE_RESPONSES='enabled': expected {BOOLEAN}",
        ),
        (
            [],
            {"MOCK_POSTHOG_MAX_BODY_BYTES": "0"},
            "mock-posthog: MOCK_POSTHOG_MAX_BODY_BYTES='0': "
            "expected a whole number of bytes, at least 1",
        ),
        (
            ["--host", "no-such-host.invalid"],
            {},
            "mock-posthog: --host / MOCK_POSTHOG_HOST 'no-such-host.invalid': the name does not "
            "resolve (expected an IP address or a host name that resolves)",
        ),
        (
            ["--port", "8010", "--bogus"],
            {},
            "mock-posthog: unrecognized arguments: --bogus (see mock-posthog --help)",
        ),
    ],
    ids=[
        "port-out-of-range",
        "negative-journal-limit",
        "port-variable-not-a-number",
        "unknown-log-level",
        "boolean-rate-limit",
        "boolean-validate-responses",
        "zero-body-limit",
        "host-does-not-resolve",
        "unknown-flag",
    ],
)
def test_a_mistake_is_one_line_and_exit_2(args: list[str], env: dict[str, str], line: str) -> None:
    finished = refused(["serve", "--port", "0", *args], env)

    assert (finished.returncode, finished.stderr, finished.stdout) == (2, line + "\n", "")


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def test_a_busy_port_is_one_line_before_anything_is_logged(busy_port: int) -> None:
    finished = refused(["serve", "--port", str(busy_port)])

    assert finished.returncode == 2
    assert finished.stderr == (
        f"mock-posthog: cannot listen on 127.0.0.1:{busy_port}: address already in use "
        "(another server? use --port 0 for a free port)\n"
    )
    assert finished.stdout == ""


def test_the_port_of_a_running_server_is_busy_for_a_second_one() -> None:
    with LiveServer.start() as first:
        port = int(first.base_url.rsplit(":", 1)[1])
        finished = refused(["serve", "--port", str(port)])
        assert finished.returncode == 2
        assert finished.stderr == (
            f"mock-posthog: cannot listen on 127.0.0.1:{port}: address already in use "
            "(another server? use --port 0 for a free port)\n"
        )
        assert requests.get(f"{first.base_url}/_mock/health", timeout=5).status_code == 200


def test_an_unknown_variable_is_named_with_the_nearest_known_one() -> None:
    with LiveServer.start(env=environment({"MOCK_POSTHOG_FIXTURE": "world.json"})) as served:
        assert served.stop() == 0
        log = served.server_log()
    assert log.splitlines()[0] == (
        "mock-posthog: warning: MOCK_POSTHOG_FIXTURE is not a variable mock-posthog reads "
        "(did you mean MOCK_POSTHOG_FIXTURES?); it is ignored"
    )


def test_the_first_lines_say_the_world_the_data_file_and_the_guard(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    with LiveServer.start(["--data", str(data)], env=environment()) as served:
        assert served.stop() == 0
        lines = [line.split(" ", 3)[3] for line in served.server_log().splitlines()[:3]]
    assert lines[0].endswith(": serving the default world (fixtures/default.json)")
    assert lines[1] == (
        f"data file {data}, locked by this server (PID in {data.parent / '.state.json.lock'})"
    )
    assert lines[2] == (
        "the control plane /_mock/ is open: 127.0.0.1 is loopback, reachable from here only"
    )


def test_without_a_data_file_the_log_says_the_state_is_in_memory() -> None:
    with LiveServer.start(env=environment({"MOCK_POSTHOG_CONTROL_TOKEN": "s3cret"})) as served:
        assert served.stop() == 0
        lines = [line.split(" ", 3)[3] for line in served.server_log().splitlines()[:3]]
    assert lines[1:] == [
        "no data file: the state lives in memory and ends with the server",
        "the control plane /_mock/ requires the control token",
    ]
