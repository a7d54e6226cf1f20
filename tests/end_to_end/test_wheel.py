"""The wheel carries everything: built from the repo, installed into a fresh virtual
environment, served from a directory that has nothing of the repo in it."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import AUTH, ORG_ID

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str | Path) -> None:
    subprocess.run([str(part) for part in command], check=True, capture_output=True, timeout=300)


def test_wheel_installs_into_a_fresh_venv_and_serves_the_default_world(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", wheels, ROOT)
    (wheel,) = wheels.glob("mock_posthog-*.whl")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=True)
    run(environment / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    with LiveServer.start(
        command=[str(environment / "bin" / "mock-posthog")], cwd=elsewhere
    ) as served:
        health = requests.get(f"{served.base_url}/_mock/health", timeout=5)
        assert health.status_code == 200
        listed = requests.get(
            f"{served.base_url}/api/organizations/{ORG_ID}/plugins/", headers=AUTH, timeout=5
        )
        assert listed.status_code == 200
        assert listed.json()["count"] == 3
        page = requests.get(f"{served.base_url}/_mock/ui/", timeout=5)
        assert page.status_code == 200
        files = re.findall(r'"(/_mock/ui/static/[^"]+)"', page.text)
        assert len(files) == 7  # the stylesheet and the six scripts
        assert [requests.get(served.base_url + file, timeout=5).status_code for file in files] == [
            200
        ] * len(files)
        assert served.stop() == 0
