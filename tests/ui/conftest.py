"""Fixtures of the browser tests: a live server on 127.0.0.1 and a browser, one of each per
module (a module that needs another server overrides `server`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_posthog.harness.live import LiveServer
from tests.ui.browser import browser_context


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    with browser_context() as context:
        yield context
