"""Mutation testing of one module: does its area's test suite notice when the code is wrong?

    python tools/mutate.py mock_posthog/posthog/auth.py
    python tools/mutate.py mock_posthog/posthog/pagination.py --timeout 60 --budget 1800
    python tools/mutate.py mock_posthog/posthog/parsers.py --tests tests/api/test_pinned_bodies.py

Each mutant is one small change to the module (a comparison turned round, `and` for `or`, a
constant changed, a `not` dropped, a statement skipped, a result replaced by None). Every mutant
runs against the test files of the module's area (AREAS below, or --tests) in a temporary copy
of the repository, so an interrupted run leaves the working tree as it was. A mutant that the
tests fail on (or that runs past --timeout) is killed; one they pass on survives. The score
counts the mutants listed in tools/equivalent_mutants.md (changes no input can tell apart from
the original) apart. Not part of CI: it prints the score and every survivor with its line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mutants import Mutant, mutants, mutated_source

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT_FILE = ROOT / "tools" / "equivalent_mutants.md"
PLUGIN_TESTS = (
    "tests/api/test_plugins_crud.py",
    "tests/api/test_plugin_fields.py",
    "tests/api/test_plugin_actions.py",
    "tests/api/test_plugin_activity.py",
    "tests/api/test_upstream.py",
)
CONFIG_TESTS = (
    "tests/api/test_plugin_configs.py",
    "tests/api/test_plugin_config_secrets.py",
    "tests/api/test_plugin_jobs.py",
    "tests/api/test_plugin_logs.py",
    "tests/api/test_rearrange.py",
    "tests/test_plugin_config_fixtures.py",
)
CONFIG_ACTION_TESTS = (
    "tests/api/test_pinned_plugin_config_actions.py",
    "tests/api/test_plugin_jobs.py",
    "tests/api/test_frontend.py",
)
LOG_TESTS = ("tests/api/test_pinned_plugin_logs.py", "tests/api/test_plugin_logs.py")
# The config handlers' own pinned files first, then the config area's.
PLUGIN_CONFIGS_TESTS = (
    "tests/api/test_pinned_plugin_configs.py",
    "tests/api/test_pinned_plugin_config_docs.py",
    *CONFIG_TESTS,
)
PINNED_HANDLERS_TESTS = "tests/api/test_pinned_plugin_handlers.py"
PINNED_DOCUMENT_TESTS = "tests/api/test_pinned_plugin_document.py"  # the route tables, as served
PINNED_FILES_TESTS = "tests/api/test_pinned_plugin_files.py"
BODY_TESTS = ("tests/api/test_pinned_bodies.py", "tests/api/test_errors_and_routing.py")
# The test files that cover each rule module: its area, not the whole suite. The quick, pointed
# files come first: the run stops at the first failing test.
AREAS: dict[str, tuple[str, ...]] = {
    "mock_posthog/posthog/auth.py": (
        "tests/api/test_pinned_auth.py",
        "tests/api/test_auth.py",
        "tests/api/test_project_token.py",  # a project API token in the query or a form
        "tests/api/test_legacy_plugin_config.py",  # the legacy router's project
        "tests/api/test_permission_order.py",
        "tests/harness/test_journal.py",  # the notes a refused key leaves
    ),
    "mock_posthog/posthog/pagination.py": (
        "tests/api/test_pinned_pagination.py",
        "tests/api/test_pagination.py",
        "tests/api/test_plugin_logs.py",  # the one page whose items are rendered
    ),
    "mock_posthog/posthog/parsers.py": BODY_TESTS,
    "mock_posthog/http/payload.py": (*BODY_TESTS, "tests/end_to_end/test_bodies.py"),
    "mock_posthog/posthog/api/plugins.py": (
        PINNED_HANDLERS_TESTS,
        PINNED_DOCUMENT_TESTS,
        *PLUGIN_TESTS,
        "tests/api/test_errors_and_routing.py",  # the bodies a plugin's serializer refuses
    ),
    "mock_posthog/posthog/api/plugin_actions.py": (
        "tests/api/test_pinned_plugin_actions.py",
        PINNED_HANDLERS_TESTS,
        PINNED_DOCUMENT_TESTS,
        *PLUGIN_TESTS,
    ),
    "mock_posthog/posthog/api/plugin_attachments.py": (
        "tests/api/test_pinned_plugin_attachments.py",
        "tests/api/test_plugin_config_secrets.py",
        "tests/api/test_pinned_bodies.py",
        "tests/api/test_plugin_configs.py",
    ),
    "mock_posthog/posthog/api/plugin_config_actions.py": CONFIG_ACTION_TESTS,
    "mock_posthog/posthog/api/plugin_logs.py": LOG_TESTS,
    "mock_posthog/posthog/api/plugin_configs.py": PLUGIN_CONFIGS_TESTS,
    "mock_posthog/posthog/api/plugin_config_rendering.py": PLUGIN_CONFIGS_TESTS,
    "mock_posthog/posthog/api/plugin_config_activity.py": PLUGIN_CONFIGS_TESTS,
    "mock_posthog/posthog/api/legacy_plugin_configs.py": (
        "tests/api/test_pinned_plugin_config_docs.py",
        "tests/api/test_legacy_plugin_config.py",
    ),
    "mock_posthog/posthog/upstream.py": (PINNED_FILES_TESTS, "tests/api/test_upstream.py"),
    "mock_posthog/posthog/plugin_urls.py": (
        PINNED_FILES_TESTS,
        "tests/api/test_pinned_plugin_urls.py",
        "tests/api/test_upstream.py",
        "tests/api/test_plugins_crud.py",
    ),
    "mock_posthog/posthog/plugin_files.py": (
        PINNED_FILES_TESTS,
        "tests/api/test_upstream.py",
        "tests/api/test_plugin_actions.py",
        "tests/api/test_plugins_crud.py",
        "tests/api/test_frontend.py",
        "tests/security/test_plugin_paths.py",
        "tests/unit/test_fixtures.py",
    ),
}
COPY_IGNORES = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.egg-info"
)


def equivalent_changes(module: str) -> set[str]:
    """The changes tools/equivalent_mutants.md lists for `module`: lines of the form
    - `module` `original → mutated`: why"""
    if not EQUIVALENT_FILE.exists():
        return set()
    pattern = re.compile(r"^- `([^`]+)` `(.+?)`(?::| —| -)")
    found = set()
    for line in EQUIVALENT_FILE.read_text("utf-8").splitlines():
        match = pattern.match(line)
        if match and match[1] == module:
            found.add(match[2])
    return found


TRACE_PLUGIN = Path(__file__).with_name("mutation_trace_plugin.py")


def trace_tests(copy: Path, module: str, tests: tuple[str, ...], timeout: float) -> dict:
    """Run the tests on the unmutated copy, tracing the module: {test id: lines it ran}."""
    shutil.copy(TRACE_PLUGIN, copy / TRACE_PLUGIN.name)
    out = copy / "mutate-trace.json"
    extra = {"MUTATE_TARGET": str(copy / module), "MUTATE_TRACE_OUT": str(out)}
    if run_tests(copy, ("-p", TRACE_PLUGIN.stem, *tests), timeout, extra) != "passed":
        sys.exit("mutate: the tests fail on the unmutated code; fix them first")
    traced: dict[str, list[int]] = json.loads(out.read_text("utf-8"))
    traced.pop("<outside>", None)  # import time: every test depends on it
    return {test: set(lines) for test, lines in traced.items()}


def tests_reaching(mutant: Mutant, traced: dict, area: tuple[str, ...]) -> tuple[str, ...]:
    """The tests that run the mutated line, and the area's files none of whose tests ran the
    module in this process (they may run it in a server they start); all of the area's when
    that is nothing (code run at import time), so nothing is called a survivor untried."""
    reaching = tuple(test for test, lines in traced.items() if lines & mutant.reached_on)
    traced_files = {test.split("::", 1)[0] for test in traced}
    elsewhere = tuple(file for file in area if file not in traced_files)
    return (*reaching, *elsewhere) or area


def copy_repository(into: Path) -> Path:
    copy = into / "repo"
    shutil.copytree(ROOT, copy, ignore=COPY_IGNORES)
    return copy


def run_tests(
    copy: Path, tests: tuple[str, ...], timeout: float, extra: dict[str, str] | None = None
) -> str:
    """'passed', 'failed' or 'timeout': the tests against the copy's code."""
    environment = {
        **os.environ,
        "PYTHONPATH": str(copy),  # the copy's package before the installed (editable) one
        "PYTHONDONTWRITEBYTECODE": "1",  # a mutant must never run from a stale .pyc
        # Hypothesis's and schemathesis's plugins cost most of pytest's start: load only ours.
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        **(extra or {}),
    }
    # One process per mutant: the ini's `-n auto` needs xdist, which autoload-off leaves out.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-x",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
    ]
    command += ["-p", "mock_posthog.harness.pytest_plugin", *tests]
    try:
        done = subprocess.run(
            command, cwd=copy, env=environment, capture_output=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return "timeout"
    return "passed" if done.returncode == 0 else "failed"


def check_copy_is_imported(copy: Path) -> None:
    code = "import mock_posthog, sys; sys.stdout.write(mock_posthog.__file__)"
    environment = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", code], cwd=copy, env=environment, capture_output=True, text=True
    ).stdout
    if not Path(where).resolve().is_relative_to(copy.resolve()):
        sys.exit(f"mutate: the tests would import mock_posthog from {where}, not the copy")


def run(
    module: str, tests: tuple[str, ...], timeout: float, budget: float, lines: set[int] | None
) -> int:
    source = (ROOT / module).read_text("utf-8")
    found = [mutant for mutant in mutants(source) if lines is None or mutant.line in lines]
    equivalent = equivalent_changes(module)
    print(f"{module}: {len(found)} mutants, tests: {' '.join(tests)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="mutate-") as scratch:
        copy = copy_repository(Path(scratch))
        check_copy_is_imported(copy)
        traced = trace_tests(copy, module, tests, timeout * 5)
        target = copy / module
        started = time.monotonic()
        survivors, skipped, killed = [], [], 0
        for mutant in found:
            if time.monotonic() - started > budget:
                skipped.append(mutant)
                continue
            target.write_text(mutated_source(source, mutant.index), "utf-8")
            outcome = run_tests(copy, tests_reaching(mutant, traced, tests), timeout)
            target.write_text(source, "utf-8")
            if outcome == "passed":
                survivors.append(mutant)
            else:
                killed += 1
            print("." if outcome != "passed" else "S", end="", flush=True)
    print()
    return report(module, killed, survivors, skipped, equivalent)


def report(
    module: str,
    killed: int,
    survivors: list[Mutant],
    skipped: list[Mutant],
    equivalent: set[str],
) -> int:
    real = [mutant for mutant in survivors if mutant.change not in equivalent]
    listed = len(survivors) - len(real)
    counted = killed + len(real)
    score = 100.0 * killed / counted if counted else 100.0
    for mutant in real:
        print(f"survived: {module}:{mutant.line}: {mutant.change}")
    if skipped:
        print(f"not run (over the time budget): {len(skipped)} mutants")
    print(
        f"{module}: {killed} killed, {len(real)} survived, {listed} equivalent (listed), "
        f"score {score:.1f}% of non-equivalent mutants"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", help="the module's path, e.g. mock_posthog/posthog/auth.py")
    parser.add_argument("--tests", nargs="+", help="test files (default: the module's area)")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per mutant")
    parser.add_argument("--budget", type=float, default=1800, help="seconds for the whole run")
    parser.add_argument("--lines", help="only the mutants on these lines, e.g. 53,105-112")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    options = parser.parse_args(argv)
    # A plain kill still unwinds, so the temporary copy is removed.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    module = options.module
    if options.list:
        for mutant in mutants((ROOT / module).read_text("utf-8")):
            print(f"{module}:{mutant.line}: {mutant.change}")
        return 0
    tests = tuple(options.tests or AREAS.get(module, ()))
    if not tests:
        parser.error(f"no test area known for {module}: name the test files with --tests")
    return run(module, tests, options.timeout, options.budget, line_set(options.lines))


def line_set(spec: str | None) -> set[int] | None:
    """'53,105-112' as the set of those lines; None (every line) without a spec."""
    if not spec:
        return None
    lines: set[int] = set()
    for part in spec.split(","):
        first, _, last = part.partition("-")
        lines.update(range(int(first), int(last or first) + 1))
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
