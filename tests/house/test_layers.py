"""The package's imports run one way, top to bottom, and no module imports itself back
through others: type-only imports and imports inside functions count as imports too.

A layer may import its own modules and any layer below it. `settings` and `version` import
nothing of the package and may be imported from anywhere."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mock_posthog"
# Top to bottom. The entry points compose everything; the app composes the control plane.
LAYERS = [
    ("entry", {"mock_posthog", "mock_posthog.__main__", "mock_posthog.cli"}),
    ("harness", {"mock_posthog.harness"}),
    ("app", {"mock_posthog.app"}),
    ("control", {"mock_posthog.control"}),
    ("http", {"mock_posthog.http"}),
    ("posthog", {"mock_posthog.posthog"}),
    ("world", {"mock_posthog.world"}),
    ("contract", {"mock_posthog.contract"}),
]
BASE = {"mock_posthog.settings", "mock_posthog.version"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that `name` imports, however and wherever it imports them."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            submodules = {f"{target}.{alias.name}" for alias in node.names} & known
            found.update(submodules)
            if len(submodules) < len(node.names):  # a name defined in the module itself
                found.add(target)
    return {module for module in found if module in known and module != name}


def layer_of(module: str) -> int | None:
    """The index of the module's layer in LAYERS, or None for the base modules."""
    if module in BASE:
        return None
    for index, (_, roots) in enumerate(LAYERS):
        if any(
            module == root or module.startswith(root + ".") for root in roots - {"mock_posthog"}
        ):
            return index
    if module in LAYERS[0][1]:
        return 0
    raise AssertionError(f"{module} is in no layer: add it to LAYERS or BASE")


def graph() -> dict[str, set[str]]:
    found = modules()
    return {name: imports_of(name, path, set(found)) for name, path in found.items()}


def test_every_module_is_in_a_layer() -> None:
    for module in modules():
        layer_of(module)


def test_no_import_runs_up_the_layers() -> None:
    upward = []
    for module, imported in graph().items():
        mine = layer_of(module)
        for target in sorted(imported):
            theirs = layer_of(target)
            if (module in BASE and theirs is not None) or (module in BASE and target not in BASE):
                upward.append(f"{module} -> {target} (settings and version import nothing)")
            elif mine is not None and theirs is not None and theirs < mine:
                upward.append(f"{module} ({LAYERS[mine][0]}) -> {target} ({LAYERS[theirs][0]})")
    assert upward == []


def test_no_import_circle() -> None:
    edges = graph()
    circles: list[list[str]] = []
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for target in sorted(edges[module]):
            if state.get(target) == "open":
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert circles == []


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from mock_posthog.http import journal\n", {"mock_posthog.http.journal"}),
        ("from ..world.store import Store\n", {"mock_posthog.world.store"}),
        (
            "if TYPE_CHECKING:\n    from mock_posthog.world.world import World\n",
            {"mock_posthog.world.world"},
        ),
        ("def f():\n    import mock_posthog.app\n", {"mock_posthog.app"}),
    ],
)
def test_the_parser_sees_every_form_of_import(
    tmp_path: Path, source: str, expected: set[str]
) -> None:
    path = tmp_path / "probe.py"
    path.write_text(source)
    assert imports_of("mock_posthog.posthog.probe", path, set(modules())) == expected
