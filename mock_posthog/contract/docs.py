"""The README's generated sections: the routes table, the default world and the list of places
where PostHog's published docs disagree with its server. `python tools/update_readme.py`
rewrites them; a test fails when the README and the code disagree."""

from __future__ import annotations

import json
from collections.abc import Iterable
from importlib import resources
from typing import Any

from mock_posthog.contract.openapi import component_name, error_statuses
from mock_posthog.contract.operations import Route
from mock_posthog.contract.world_table import Tables, world_table

ROUTES_MARKER = "routes"
DIFFERENCES_MARKER = "differences"
WORLD_MARKER = "default-world"
EMULATION_MARKER = "emulation"


def differences() -> dict[str, list[dict[str, Any]]]:
    """The documented differences: `routes` (bodies, parameters and behaviours of operations)
    and `fields` (one aspect of one resource field each) where PostHog's docs and its server
    disagree, and `emulation`, where the mock and PostHog's server do."""
    text = resources.files("mock_posthog.contract").joinpath("differences.json").read_text("utf-8")
    return json.loads(text)


def routes_table(routes: Iterable[Route]) -> str:
    lines = [
        "| method | path | operation | answers | errors | PostHog behaviours implemented |",
        "|---|---|---|---|---|---|",
    ]
    for route in routes:
        behaviours = "; ".join(route.behaviours) or "as documented"
        errors = " ".join(str(status) for status in error_statuses(route))
        lines.append(
            f"| {route.method} | `{route.path}` | `{route.operation_id}` | {_answer(route)} "
            f"| {errors} | {behaviours} |"
        )
    return "\n".join(lines)


def _answer(route: Route) -> str:
    """The success status and what comes with it: `200 PluginConfig`, `204 no body`."""
    if route.response_schema:
        return f"{route.status} {component_name(route.response_schema)}"
    if route.media_type != "application/json":
        return f"{route.status} `{route.media_type}`"
    return f"{route.status} no body"


def differences_section() -> str:
    return "\n\n".join([_route_differences(), _field_differences()])


def _route_differences() -> str:
    lines = ["| where | PostHog's docs say | PostHog's server does (and so does the mock) |"]
    lines.append("|---|---|---|")
    for difference in differences()["routes"]:
        operations = ", ".join(f"`{operation}`" for operation in difference["operations"])
        where = f"{difference['topic']} ({operations})"
        lines.append(f"| {where} | {difference['docs']} | {difference['server']} |")
    return "\n".join(lines)


_ASPECTS = {
    "type": "{}",
    "nullable": "{}",
    "maxLength": "at most {} characters",
    "enum": "one of {}",
    "format": "format {}",
    "items": "items {}",
    "presence": "{}",
}
_NOTHING = {"maxLength": "no length limit", "enum": "any value", "format": "no format"}


def _field_differences() -> str:
    """One row per field: each aspect that differs, as the docs and the server have it."""
    lines = [
        "| resource field | PostHog's docs say "
        "| PostHog's server does (and so does the mock) | why |"
    ]
    lines.append("|---|---|---|---|")
    by_field: dict[str, list[dict[str, Any]]] = {}
    for difference in differences()["fields"]:
        by_field.setdefault(f"{difference['schema']}.{difference['field']}", []).append(difference)
    for field, entries in by_field.items():
        docs = "; ".join(_aspect(entry["aspect"], entry["docs"]) for entry in entries)
        server = "; ".join(_aspect(entry["aspect"], entry["server"]) for entry in entries)
        why = " ".join(entry["note"] for entry in entries)
        lines.append(f"| `{field}` | {docs} | {server} | {why} |")
    return "\n".join(lines)


def _aspect(aspect: str, value: str) -> str:
    if value == "none" and aspect in _NOTHING:
        return _NOTHING[aspect]
    return _ASPECTS[aspect].format(value)


def emulation_section() -> str:
    """Where the mock still does other than PostHog's documented-era server, and why."""
    lines = ["| what | PostHog's server | the mock | why |", "|---|---|---|---|"]
    for entry in differences()["emulation"]:
        cells = (entry["topic"], entry["posthog"], entry["mock"], entry["why"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def generated_sections(routes: Iterable[Route], default_world: Tables) -> dict[str, str]:
    return {
        ROUTES_MARKER: routes_table(routes),
        DIFFERENCES_MARKER: differences_section(),
        EMULATION_MARKER: emulation_section(),
        WORLD_MARKER: world_table(default_world),
    }


def rewrite(text: str, sections: dict[str, str]) -> str:
    for name, content in sections.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        before, _, rest = text.partition(start)
        _, _, after = rest.partition(end)
        if not rest:
            raise ValueError(f"the README has no {start} marker")
        text = f"{before}{start}\n{content}\n{end}{after}"
    return text
