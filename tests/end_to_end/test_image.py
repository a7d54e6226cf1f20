"""The image, built from the Dockerfile and run with podman or docker: the API answers, the
health check passes, /_mock/ needs the control token, the state survives a new container on
/data as a named volume and as a bind mount, and a /data it cannot write stops it with one
line that says what to do. Skipped, with the reason, where neither engine can run.

The first run here builds the image (and, where python:3.12-slim cannot be pulled, a
stand-in base image, kept by its tag for later runs).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.end_to_end.container_engine import Engine, Unavailable, base_image, find_engine

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "image-test-control-token"
IMAGE_UID = 10001
PLUGINS = "/api/organizations/00000000-0000-4000-8000-000000000001/plugins/"
AUTH = {"Authorization": "Bearer phx_mock_personal_api_key"}
HELLO = {"url": "https://github.com/PostHog/helloworldplugin"}
START_TIMEOUT = 60
# One tag per checkout, so that checkouts built side by side do not take each other's image.
TAG = f"localhost/mock-posthog-test:{hashlib.sha256(str(ROOT).encode()).hexdigest()[:12]}"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    try:
        return find_engine(tmp_path_factory.mktemp("engine"))
    except Unavailable as reason:
        pytest.skip(f"the image test needs podman or docker: {reason}")


@pytest.fixture(scope="module")
def image(engine: Engine) -> str:
    try:
        base = base_image(engine)
    except Unavailable as reason:
        pytest.skip(f"no base image to build on: {reason}")
    previous = image_id(engine)
    build = ["build", *engine.build_format(), "--build-arg", f"BASE_IMAGE={base}"]
    engine.run(*build, "-t", TAG, str(ROOT), timeout=1200)
    if previous and previous != image_id(engine):  # the last run's image, untagged now
        engine.run("rmi", previous, check=False)
    return TAG


def image_id(engine: Engine) -> str | None:
    found = engine.run("image", "inspect", "--format", "{{.Id}}", TAG, check=False)
    return found.stdout.strip() if found.returncode == 0 else None


class Container:
    def __init__(self, engine: Engine, name: str) -> None:
        self.engine, self.name = engine, name

    @property
    def url(self) -> str:
        mapped = self.engine.run("port", self.name, "8010").stdout.split()[0]
        return f"http://{mapped.replace('0.0.0.0', '127.0.0.1')}"

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                if call(self.url + "/_mock/health")[0] == 200:
                    return
            except (OSError, AssertionError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"the container never got ready: {self.logs()}")

    def logs(self) -> str:
        done = self.engine.run("logs", self.name, check=False)
        return done.stdout + done.stderr

    def stop(self) -> None:
        self.engine.run("rm", "--force", "--time", "5", self.name, check=False, timeout=60)


@pytest.fixture
def start(engine: Engine, image: str) -> Iterator[Any]:
    started: list[Container] = []

    def run(*options: str) -> Container:
        name = f"mock-posthog-test-{os.getpid()}-{len(started)}"
        engine.run("rm", "--force", name, check=False)
        environment = ["-e", f"MOCK_POSTHOG_CONTROL_TOKEN={TOKEN}"]
        engine.run(
            "run", "-d", "--name", name, "-p", "127.0.0.1::8010", *environment, *options, image
        )
        container = Container(engine, name)
        started.append(container)
        container.wait_ready()
        return container

    yield run
    for container in started:
        container.stop()


def call(
    url: str, method: str = "GET", body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    sent = {**(headers or {}), **({"Content-Type": "application/json"} if data else {})}
    request = urllib.request.Request(url, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read() or b"null")
    except urllib.error.HTTPError as refusal:
        return refusal.code, json.loads(refusal.read() or b"null")


def plugin_count(container: Container) -> int:
    status, body = call(container.url + PLUGINS, headers=AUTH)
    assert status == 200, body
    return int(body["count"])


def test_the_image_answers_passes_its_health_check_and_guards_the_control_plane(
    engine: Engine, start: Any
) -> None:
    container = start()

    assert plugin_count(container) == 3
    if engine.podman:
        assert engine.run("healthcheck", "run", container.name, check=False).returncode == 0
    else:
        assert healthy_in_docker(engine, container)
    status, refusal = call(container.url + "/_mock/requests")
    assert (status, refusal["code"]) == (401, "control_token_required")
    status, journal = call(
        container.url + "/_mock/requests", headers={"X-Mock-PostHog-Token": TOKEN}
    )
    assert (status, journal["count"]) == (200, 1)
    user = engine.run("exec", container.name, "id", "-u").stdout.strip()
    assert user == str(IMAGE_UID)


def healthy_in_docker(engine: Engine, container: Container) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        state = engine.run("inspect", "--format", "{{.State.Health.Status}}", container.name)
        if state.stdout.strip() == "healthy":
            return True
        time.sleep(0.5)
    return False


def test_state_survives_a_new_container_on_a_named_volume(engine: Engine, start: Any) -> None:
    volume = f"mock-posthog-test-{os.getpid()}"
    engine.run("volume", "create", volume)
    try:
        mount = ["-v", f"{volume}:/data", "-e", "MOCK_POSTHOG_DATA=/data/world.json"]
        first = start(*mount)
        assert call(first.url + PLUGINS, "POST", HELLO, AUTH)[0] == 201
        first.stop()

        assert plugin_count(start(*mount)) == 4
    finally:
        engine.run("volume", "rm", "--force", volume, check=False)


def test_state_survives_a_new_container_on_a_bind_mounted_data(
    engine: Engine, start: Any, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    mount = ["-v", f"{data}:/data", "-e", "MOCK_POSTHOG_DATA=/data/world.json"]
    if os.geteuid() == 0:
        os.chown(data, IMAGE_UID, 0)  # as the image's user, which owns it now
    else:
        mount += ["--user", f"{os.getuid()}:{os.getgid()}"]  # as the directory's owner
        mount += ["--userns=keep-id"] if engine.podman else []
    first = start(*mount)
    assert call(first.url + PLUGINS, "POST", HELLO, AUTH)[0] == 201
    first.stop()

    assert plugin_count(start(*mount)) == 4
    assert json.loads((data / "world.json").read_text())["plugins"]["4"]["name"] == "Hello World"


def test_a_data_directory_it_cannot_write_stops_it_with_one_line(
    engine: Engine, image: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)  # this user's, not the image's uid

    run = engine.run(
        "run",
        "--rm",
        "-v",
        f"{data}:/data",
        "-e",
        "MOCK_POSTHOG_DATA=/data/world.json",
        "-e",
        f"MOCK_POSTHOG_CONTROL_TOKEN={TOKEN}",
        image,
        check=False,
        timeout=60,
    )

    lines = own_lines(run.stderr)
    assert run.returncode == 2, run.stderr
    assert lines == [
        "mock-posthog: refusing the data file: /data/world.json: its directory /data is not "
        f"writable by uid {IMAGE_UID} (gid 0), which this process runs as; give uid {IMAGE_UID} "
        "write access "
        f"to it (chown {IMAGE_UID} on the host), or run the container as its owner with "
        '--user "$(stat -c %u:%g DIRECTORY)"'
    ]
    assert "Traceback" not in run.stderr


def test_the_image_refuses_to_start_without_a_control_token(engine: Engine, image: str) -> None:
    run = engine.run("run", "--rm", image, check=False, timeout=60)

    assert run.returncode == 2
    (line,) = own_lines(run.stderr)
    assert line.startswith(
        "mock-posthog: refusing to serve the control plane /_mock/ without a token on 0.0.0.0"
    )


def own_lines(stderr: str) -> list[str]:
    """The container's own lines: podman adds its own about health-check timers it cannot set
    up without systemd, which are harmless."""
    return [line for line in stderr.splitlines() if not line.startswith("time=")]
