"""The code stays as clean as the project promises: ruff's checks and formatting, and type
hints that mypy finds true."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("command", [["check", "."], ["format", "--check", "."]])
def test_ruff_is_clean(command: list[str]) -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "ruff", *command], cwd=ROOT, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_the_type_hints_hold() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental"], cwd=ROOT, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
