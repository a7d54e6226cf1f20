"""What a resource's handler gets and may give back: the call, authenticated and resolved,
and a reply for what is not a plain JSON body with the route's status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Request

from mock_posthog.contract.operations import Route
from mock_posthog.posthog.auth import Caller
from mock_posthog.posthog.notes import note
from mock_posthog.posthog.parsers import RequestBody
from mock_posthog.world.store import Record
from mock_posthog.world.world import World


@dataclass(slots=True)
class Reply:
    """A response that is not a plain JSON body with the route's status. Not frozen, though
    nothing changes one: a frozen dataclass's __init__ costs several times as much, and
    every write answers with one."""

    body: Any = None
    status: int = 200
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    encoded: bytes | None = None  # the body's JSON, when made beforehand (the same bytes)


@dataclass
class Call:
    """What a handler gets: the request, already authenticated and resolved."""

    route: Route
    world: World
    args: dict[str, str]
    query: Any  # werkzeug MultiDict: `get` gives the first value, `getlist` all
    body: RequestBody  # parsed when first read, as PostHog's views read it
    caller: Caller
    organization: Record
    project: Record | None
    request: Request

    @property
    def url(self) -> str:
        """The request's whole URL, for paging links (made only when a handler asks)."""
        return self.request.url

    @property
    def store(self) -> Any:
        return self.world.store

    @property
    def data(self) -> Any:
        return self.body.data

    def note(self, text: str) -> None:
        note(text)
