"""The sidecar image: Docker cannot build here, so the Dockerfile is read and what it runs is
run: its command starts the server the CLI provides, and its health check asks that server's
/_mock/health."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from mock_posthog.settings import Settings

DOCKERFILE = Path(__file__).parents[2] / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    pairs = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def instruction(name: str) -> str:
    found = [arguments for instruction, arguments in instructions() if instruction == name]
    assert len(found) == 1, f"expected one {name} in the Dockerfile, found {len(found)}"
    return found[0]


def exec_form(arguments: str) -> list[str]:
    parsed = json.loads(arguments)
    assert isinstance(parsed, list), "use the exec form, so SIGTERM reaches the server"
    return parsed


def environment() -> dict[str, str]:
    variables: dict[str, str] = {}
    for name, arguments in instructions():
        if name == "ENV":
            variables.update(re.findall(r"(\w+)=(\S+)", arguments))
    return variables


def cli(arguments: list[str]) -> list[str]:
    """How the image's `mock-posthog` runs here: the same entry point."""
    assert arguments[0] == "mock-posthog"
    return [sys.executable, "-m", "mock_posthog.cli", *arguments[1:]]


def test_the_mock_posthog_command_is_the_clis_entry_point() -> None:
    scripts = {script.name: script.value for script in entry_points(group="console_scripts")}
    assert scripts["mock-posthog"] == "mock_posthog.cli:main"


def test_the_image_serves_on_all_addresses_on_the_default_port() -> None:
    assert exec_form(instruction("CMD")) == ["mock-posthog", "serve", "--host", "0.0.0.0"]
    assert instruction("EXPOSE") == str(Settings().port) == "8010"
    assert environment()["MOCK_POSTHOG_PORT"] == "8010"


@pytest.fixture
def served() -> Iterator[str]:
    """The image's command as the CLI runs it, on loopback and a free port for the test."""
    command = cli(exec_form(instruction("CMD")))
    command[command.index("--host") + 1] = "127.0.0.1"
    variables = {**os.environ, **environment(), "MOCK_POSTHOG_PORT": "0"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=variables)
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(10)


def test_the_health_check_passes_against_the_served_image(served: str) -> None:
    health = instruction("HEALTHCHECK")
    check = exec_form(health.split("CMD", 1)[1].strip())
    port = served.rsplit(":", 1)[1]

    passing = subprocess.run(
        cli(check), env={**os.environ, "MOCK_POSTHOG_PORT": port}, capture_output=True, text=True
    )

    assert re.match(r"--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ ", health)
    assert (passing.returncode, passing.stdout) == (0, f"http://127.0.0.1:{port}: 200\n")


def test_the_health_check_fails_when_nothing_answers() -> None:
    check = cli(["mock-posthog", "health", "--url", "http://127.0.0.1:9"])

    failing = subprocess.run(check, capture_output=True, text=True)

    assert failing.returncode == 1
    assert failing.stdout.startswith("http://127.0.0.1:9: not ready")


def test_the_base_image_is_a_build_argument_declared_before_from() -> None:
    names = [name for name, _ in instructions()]
    assert names[:2] == ["ARG", "FROM"]
    assert instruction("ARG") == "BASE_IMAGE=python:3.12-slim"
    assert instruction("FROM") == "${BASE_IMAGE}"


def test_the_dependencies_are_installed_in_a_layer_before_the_source() -> None:
    steps = [(name, arguments) for name, arguments in instructions() if name in ("COPY", "RUN")]
    assert steps[0] == ("COPY", "pyproject.toml ./")
    assert "pip install -r requirements.txt" in steps[1][1]
    assert steps[2:6] == [
        ("COPY", "README.md ./"),
        ("COPY", "schemas ./schemas"),
        ("COPY", "fixtures ./fixtures"),
        ("COPY", "mock_posthog ./mock_posthog"),
    ]
    assert "pip install --no-deps ." in steps[6][1]


def test_the_image_runs_as_a_numeric_non_root_uid_that_owns_data() -> None:
    user = instruction("USER")
    assert user.isdigit() and int(user) != 0
    setup = steps_running("useradd")
    assert f"--uid {user}" in setup
    assert f"chown {user}:0 /data" in setup


def steps_running(command: str) -> str:
    (found,) = [
        arguments for name, arguments in instructions() if name == "RUN" and command in arguments
    ]
    return found


def test_caches_virtualenvs_and_test_output_stay_out_of_the_build_context() -> None:
    ignored = (DOCKERFILE.parent / ".dockerignore").read_text().splitlines()
    for entry in (".mypy_cache", ".hypothesis", ".venv", ".pytest_cache", "build", "dist", ".git"):
        assert entry in ignored
    assert "**/__pycache__" in ignored
