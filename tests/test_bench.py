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
