"""The README's generated sections: the routes table and the list of places where PostHog's
published docs disagree with its server. `python -m mock_posthog.docs README.md` rewrites them;
a test fails when the README and the code disagree."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from .routing import Route

ROUTES_MARKER = "routes"
DIFFERENCES_MARKER = "differences"


def differences() -> list[dict[str, Any]]:
    text = resources.files("mock_posthog").joinpath("differences.json").read_text("utf-8")
    return json.loads(text)


def routes_table(routes: Iterable[Route]) -> str:
    lines = [
        "| method | path | operation | PostHog behaviours implemented |",
        "|---|---|---|---|",
    ]
    for route in routes:
        behaviours = "; ".join(route.behaviours) or "as documented"
        lines.append(f"| {route.method} | `{route.path}` | `{route.operation_id}` | {behaviours} |")
    return "\n".join(lines)


def differences_section() -> str:
    lines = ["| where | PostHog's docs say | PostHog's server does (and so does the mock) |"]
    lines.append("|---|---|---|")
    for difference in differences():
        operations = ", ".join(f"`{operation}`" for operation in difference["operations"])
        where = f"{difference['topic']} ({operations})"
        lines.append(f"| {where} | {difference['docs']} | {difference['server']} |")
    return "\n".join(lines)


def generated_sections(routes: Iterable[Route]) -> dict[str, str]:
    return {ROUTES_MARKER: routes_table(routes), DIFFERENCES_MARKER: differences_section()}


def rewrite(text: str, sections: dict[str, str]) -> str:
    for name, content in sections.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        if not rest:
            raise ValueError(f"the README has no {start} marker")
        text = f"{before}{start}\n{content}\n{end}{after}"
    return text


def main(argv: list[str]) -> int:
    from .api import ROUTES

    readme = Path(argv[0] if argv else "README.md")
    readme.write_text(rewrite(readme.read_text("utf-8"), generated_sections(ROUTES)), "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
