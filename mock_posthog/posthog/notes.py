"""What the emulated PostHog says about the request it is answering (a quirk that applied, the
reason for a 500), for the log and the journal, so the user reading a failing test learns why.

Code deep in a handler notes things without being handed the request, so the notes of the
request being answered are kept in a context variable: each server thread has its own."""

from __future__ import annotations

import logging
from contextvars import ContextVar, Token
from types import TracebackType

log = logging.getLogger("mock_posthog")

_CURRENT: ContextVar[list[str] | None] = ContextVar("mock_posthog_notes", default=None)


class collecting:
    """While the body runs, `note` appends to `notes`. A class rather than a generator: it
    runs on every request, and contextlib's machinery cost a few microseconds of each."""

    __slots__ = ("_token", "notes")

    def __init__(self, notes: list[str]) -> None:
        self.notes = notes
        self._token: Token[list[str] | None] | None = None

    def __enter__(self) -> list[str]:
        self._token = _CURRENT.set(self.notes)
        return self.notes

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)


def note(text: str) -> None:
    """Say something about this request in the log and, while one is answered, its notes."""
    notes = _CURRENT.get()
    if notes is not None:
        notes.append(text)
    log.info("note: %s", text)
