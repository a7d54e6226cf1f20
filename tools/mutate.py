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
import ast
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

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
BODY_TESTS = ("tests/api/test_pinned_bodies.py", "tests/api/test_errors_and_routing.py")
# The test files that cover each rule module: its area, not the whole suite. The quick, pointed
# files come first: the run stops at the first failing test.
AREAS: dict[str, tuple[str, ...]] = {
    "mock_posthog/posthog/auth.py": ("tests/api/test_pinned_auth.py", "tests/api/test_auth.py"),
    "mock_posthog/posthog/pagination.py": (
        "tests/api/test_pinned_pagination.py",
        "tests/api/test_pagination.py",
        "tests/api/test_plugin_logs.py",  # the one page whose items are rendered
    ),
    "mock_posthog/posthog/parsers.py": BODY_TESTS,
    "mock_posthog/http/payload.py": (*BODY_TESTS, "tests/end_to_end/test_bodies.py"),
    "mock_posthog/posthog/api/plugins.py": PLUGIN_TESTS,
    "mock_posthog/posthog/api/plugin_actions.py": PLUGIN_TESTS,
    "mock_posthog/posthog/api/plugin_configs.py": CONFIG_TESTS,
    "mock_posthog/posthog/api/plugin_config_actions.py": CONFIG_TESTS,
    "mock_posthog/posthog/upstream.py": ("tests/api/test_upstream.py",),
    "mock_posthog/posthog/plugin_urls.py": ("tests/api/test_upstream.py",),
    "mock_posthog/posthog/plugin_files.py": (
        "tests/api/test_upstream.py",
        "tests/api/test_plugin_actions.py",
    ),
}
COPY_IGNORES = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "*.egg-info"
)
COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
BINARY_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.Mult,
    ast.Pow: ast.Mult,
}
DELETABLE = (ast.Expr, ast.Raise, ast.AugAssign, ast.Delete, ast.Continue, ast.Break)


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    change: str  # "original → mutated", the key equivalent_mutants.md lists it by
    reached_on: frozenset[int]  # a test that runs any of these lines runs the mutated code


class Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order, counting the places a mutation can go. With `target`
    set, the target-th place is changed; every walk lists the places it saw."""

    def __init__(self, target: int = -1) -> None:
        self.target = target
        self.seen: list[Mutant] = []
        self.statement_line = 0  # the first line of the statement being walked

    def _point(self, node: ast.AST, original: str, mutated: str) -> bool:
        index = len(self.seen)
        line = getattr(node, "lineno", 0)
        lines = range(line, (getattr(node, "end_lineno", None) or line) + 1)
        reached_on = frozenset((self.statement_line, *lines))
        self.seen.append(Mutant(index, line, f"{original} → {mutated}", reached_on))
        return index == self.target

    # What is never mutated: imports, annotations, docstrings, type-checking blocks.
    def visit_Import(self, node: ast.Import) -> ast.AST:
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        return node

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return node

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def _body_without_docstring(self, body: list[ast.stmt]) -> list[ast.stmt]:
        first = body[0] if body else None
        is_docstring = (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)
        )
        rest = body[1:] if is_docstring else body
        return body[:1] * is_docstring + self._statements(rest)

    def _statements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        result: list[ast.stmt] = []
        for statement in body:
            self.statement_line = statement.lineno
            is_deletable = isinstance(statement, DELETABLE) and not (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            )
            if is_deletable and self._point(statement, _short(statement), "pass"):
                result.append(ast.copy_location(ast.Pass(), statement))
                continue
            visited = self.visit(statement)
            result.extend(visited if isinstance(visited, list) else [visited])
        return result

    def visit_Module(self, node: ast.Module) -> ast.AST:
        node.body = self._body_without_docstring(node.body)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = self._body_without_docstring(node.body)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.args.defaults = [self.visit(default) for default in node.args.defaults]
        node.args.kw_defaults = [
            self.visit(default) if default is not None else None
            for default in node.args.kw_defaults
        ]
        node.body = self._body_without_docstring(node.body)
        return node

    def visit_If(self, node: ast.If) -> ast.AST:
        if _is_type_checking(node.test):
            return node
        node.test = self.visit(node.test)
        node.body = self._statements(node.body)
        node.orelse = self._statements(node.orelse)
        return node

    def _generic_statements(self, node: ast.AST) -> ast.AST:
        for field_name, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                setattr(node, field_name, self._statements(value))
            elif isinstance(value, ast.AST):
                setattr(node, field_name, self.visit(value))
            elif isinstance(value, list):
                setattr(node, field_name, [self.visit(item) for item in value])
        return node

    visit_For = visit_While = visit_With = visit_Try = _generic_statements
    visit_ExceptHandler = _generic_statements

    # The mutations.
    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for position, operator in enumerate(node.ops):
            swapped = COMPARE_SWAPS.get(type(operator))
            if swapped is None:
                continue
            original = ast.unparse(node)
            changed = ast.Compare(node.left, list(node.ops), node.comparators)
            changed.ops[position] = swapped()
            if self._point(node, original, ast.unparse(changed)):
                return ast.copy_location(changed, node)
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        changed = ast.BoolOp(other, node.values)
        if self._point(node, ast.unparse(node), ast.unparse(changed)):
            return ast.copy_location(changed, node)
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not | ast.USub) and self._point(
            node, ast.unparse(node), ast.unparse(node.operand)
        ):
            return node.operand
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swapped = BINARY_SWAPS.get(type(node.op))
        if swapped is None:
            return node
        changed = ast.BinOp(node.left, swapped(), node.right)
        if self._point(node, ast.unparse(node), ast.unparse(changed)):
            return ast.copy_location(changed, node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # The literal parts only: a format spec must stay one.
        node.values = [
            self.visit(value) if isinstance(value, ast.Constant) else value for value in node.values
        ]
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, bool):
            mutated: object = not value
        elif isinstance(value, int):
            mutated = value + 1
        elif isinstance(value, str):
            mutated = f"XX{value}XX"
        else:
            return node
        if self._point(node, repr(value), repr(mutated)):
            return ast.copy_location(ast.Constant(mutated), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        is_none = isinstance(node.value, ast.Constant) and node.value.value is None
        returns_something = node.value is not None and not is_none
        if returns_something and self._point(node, _short(node), "return None"):
            return ast.copy_location(ast.Return(ast.Constant(None)), node)
        return node


def _is_type_checking(test: ast.expr) -> bool:
    return "TYPE_CHECKING" in ast.unparse(test)


def _short(node: ast.AST) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= 70 else text[:67] + "..."


def mutants(source: str) -> list[Mutant]:
    walker = Mutator()
    walker.visit(ast.parse(source))
    return walker.seen


def mutated_source(source: str, index: int) -> str:
    tree = Mutator(index).visit(ast.parse(source))
    return ast.unparse(ast.fix_missing_locations(tree))


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


# A pytest plugin, written into the copy for the run on the unmutated code: which lines of the
# module each test runs, so that each mutant runs only the tests that reach it.
TRACE_PLUGIN = """
import json, os, sys, threading
import pytest

TARGET = os.path.realpath(os.environ["MUTATE_TARGET"])
_files = {}
_hits = {}
_current = ["<outside>"]

def _is_target(code):
    name = code.co_filename
    if name not in _files:
        _files[name] = os.path.realpath(name) == TARGET
    return _files[name]

def _local(frame, event, arg):
    if event == "line":
        _hits.setdefault(_current[0], set()).add(frame.f_lineno)
    return _local

def _global(frame, event, arg):
    if _is_target(frame.f_code):
        _hits.setdefault(_current[0], set()).add(frame.f_lineno)
        return _local
    return None

sys.settrace(_global)
threading.settrace(_global)

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _current[0] = item.nodeid
    yield
    _current[0] = "<outside>"

def pytest_sessionfinish(session):
    sys.settrace(None)
    with open(os.environ["MUTATE_TRACE_OUT"], "w") as out:
        json.dump({test: sorted(lines) for test, lines in _hits.items()}, out)
"""
TRACE_MODULE = "mutate_trace_plugin"


def trace_tests(copy: Path, module: str, tests: tuple[str, ...], timeout: float) -> dict:
    """Run the tests on the unmutated copy, tracing the module: {test id: lines it ran}."""
    (copy / f"{TRACE_MODULE}.py").write_text(TRACE_PLUGIN, "utf-8")
    out = copy / "mutate-trace.json"
    extra = {"MUTATE_TARGET": str(copy / module), "MUTATE_TRACE_OUT": str(out)}
    if run_tests(copy, ("-p", TRACE_MODULE, *tests), timeout, extra) != "passed":
        sys.exit("mutate: the tests fail on the unmutated code; fix them first")
    traced: dict[str, list[int]] = json.loads(out.read_text("utf-8"))
    traced.pop("<outside>", None)  # import time: every test depends on it
    return {test: set(lines) for test, lines in traced.items()}


def tests_reaching(mutant: Mutant, traced: dict, area: tuple[str, ...]) -> tuple[str, ...]:
    """The tests that run the mutated line; all of the area's when none does (code run at
    import time, or only in another process), so nothing is called a survivor untried."""
    reaching = tuple(test for test, lines in traced.items() if lines & mutant.reached_on)
    return reaching or area


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
    command = [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider"]
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
