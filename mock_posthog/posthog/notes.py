"""What the emulated PostHog says about the request it is answering (a quirk that applied, the
reason for a 500), for the log and the journal, so the user reading a failing test learns why.

Code deep in a handler notes things without being handed the request, so the notes of the
request being answered are kept in a context variable: each server thread has its own."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

log = logging.getLogger("mock_posthog")

_CURRENT: ContextVar[list[str] | None] = ContextVar("mock_posthog_notes", default=None)


@contextmanager
def collecting(notes: list[str]) -> Iterator[list[str]]:
    """While the body runs, `note` appends to `notes`."""
    token = _CURRENT.set(notes)
    try:
        yield notes
    finally:
        _CURRENT.reset(token)


def note(text: str) -> None:
    """Say something about this request in the log and, while one is answered, its notes."""
    notes = _CURRENT.get()
    if notes is not None:
        notes.append(text)
    log.info("note: %s", text)
