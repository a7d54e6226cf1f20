"""The namespaces beside the default one: GET /_mock/namespaces, DELETE /_mock/namespaces/NAME.
Resetting one is POST /_mock/reset sent to it."""

from __future__ import annotations

from typing import Any

from mock_posthog.contract.errors import NotFound
from mock_posthog.control.blueprint import control, namespaces


@control.get("/namespaces")
def namespaces_list() -> dict[str, Any]:
    return namespaces().listing()


@control.delete("/namespaces/<name>")
def drop_namespace(name: str) -> tuple[str, int]:
    if not namespaces().drop(name):
        raise NotFound(f"No namespace is named {name!r}.")
    return "", 204
