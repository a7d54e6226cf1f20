"""Reading a request's input stream, for the pipeline and the server alike (no more imports
than the standard library, so the server stays as light as its benchmark needs)."""

from __future__ import annotations

from typing import IO, Any


def read_at_most(stream: IO[bytes] | Any, size: int) -> bytes:
    """Up to `size` bytes of `stream`, fewer where it ends first."""
    parts: list[bytes] = []
    left = size
    while left > 0:
        part = stream.read(left)
        if not part:
            break
        parts.append(part)
        left -= len(part)
    return b"".join(parts)
