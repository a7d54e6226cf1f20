"""Fixtures of the browser tests: a live server on 127.0.0.1 and a browser for each module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_posthog.harness.live import LiveServer


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer.start()
    try:
        yield live
    finally:
        live.stop()
