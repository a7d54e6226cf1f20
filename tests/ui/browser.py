"""Headless Chromium from Debian's package, driven by Playwright: a fresh profile each time,
nothing reached but the server under test. The browser tests and tools/screenshot.py share it."""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGUMENTS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTH, HEIGHT = 1280, 860


def unavailable() -> str | None:
    """Why no browser can be driven here, or None."""
    if CHROMIUM is None:
        return "chromium is not installed (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "playwright is not installed (pip install -e '.[test]')"
    return None


def sync_api_or_skip() -> Any:
    """Playwright's sync API, for a test module; the module is skipped where there is none."""
    import pytest  # the screenshot tool runs without pytest

    reason = unavailable()
    if reason:
        pytest.skip(reason, allow_module_level=True)
    return pytest.importorskip("playwright.sync_api")


@contextmanager
def browser_context(width: int = WIDTH, height: int = HEIGHT) -> Iterator[Any]:
    """A Playwright BrowserContext on its own fresh profile; closed, with it, when done."""
    from playwright.sync_api import sync_playwright  # only where a browser is driven

    profile = tempfile.mkdtemp(prefix="mock-posthog-chromium-")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                headless=True,
                args=ARGUMENTS,
                viewport={"width": width, "height": height},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
