"""The benchmark still works: its smoke run (tiny sizes, one run each, no moto) exits 0 and
prints its table. It asserts no timing: the figures are read by people, in bench/README.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_benchmark_smoke_run_prints_its_table() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("mock-posthog benchmark on ")
    assert lines[1].split()[:3] == ["section", "measurement", "median"]
    sections = {line.split("  ")[0] for line in lines[3:]}
    assert sections == {
        "startup",
        "in-process",
        "throughput",
        "server",
        "growth",
        "persistence",
        "memory",
        "namespaces",
    }


def instructions(*arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "bench" / "instructions.py"), *arguments]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_instruction_count_makes_its_requests_and_each_is_answered() -> None:
    # The part callgrind runs: a non-2xx answer would stop it with the status line.
    for call in ("get", "list", "post"):
        made = instructions("--child", call, "3")
        assert made.returncode == 0, made.stderr


def test_the_instruction_count_refuses_an_unknown_call() -> None:
    refused = instructions("--calls", "put")
    assert refused.returncode == 2
    assert "unknown call 'put': choose from get, list, post" in refused.stderr
