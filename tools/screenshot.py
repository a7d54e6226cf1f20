"""Make the README's picture of the inspector from the default world:
`python tools/screenshot.py [docs/inspector.png]` (needs chromium and the test extra).

A server on 127.0.0.1 with its clock frozen, so that the picture changes only when the page
does, answers a few requests such as client code makes; the inspector shows the one the mock
explained with a note."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the browser launcher is the one the browser tests use

from mock_posthog.harness.handle import DEFAULT_API_KEY  # noqa: E402
from mock_posthog.harness.live import LiveServer  # noqa: E402
from tests.ui.browser import browser_context, unavailable  # noqa: E402

ORGANIZATION = "/api/organizations/@current"
REQUESTS = [  # method, path, JSON body: what a client of PostHog's plugin API sends
    ("GET", f"{ORGANIZATION}/plugins/", None),
    ("GET", "/api/projects/@current/plugin_configs/", None),
    ("PATCH", "/api/projects/@current/plugin_configs/1/", {"enabled": False}),
    ("POST", f"{ORGANIZATION}/plugins/", {"plugin_type": "custom", "name": "Mine"}),
    ("GET", f"{ORGANIZATION}/plugins/404/", None),
    ("GET", "/api/projects/@current/plugin_configs/2/logs/", None),
]
PICKED = 4  # the entry shown open: the 500 with its note


def send(base_url: str, method: str, path: str, body: object) -> None:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        base_url + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {DEFAULT_API_KEY}", "Content-Type": "application/json"},
    )
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as refused:
        refused.close()  # a refusal is part of the picture


def main(argv: list[str]) -> int:
    reason = unavailable()
    if reason:
        print(f"screenshot: {reason}", file=sys.stderr)
        return 2
    target = Path(argv[0]) if argv else ROOT / "docs" / "inspector.png"
    server = LiveServer.start()
    try:
        server.control.call("POST", "/clock/freeze", {"at": "2024-03-04T12:00:00Z"})
        for method, path, body in REQUESTS:
            server.control.call("POST", "/clock/advance", {"seconds": 2})
            send(server.base_url, method, path, body)
        with browser_context(width=1280, height=800) as context:
            page = context.new_page()
            page.goto(f"{server.base_url}/_mock/ui/")
            page.locator(f'#journal tbody tr[data-id="{PICKED}"]').click()
            page.locator("#entry .notes").wait_for()
            page.screenshot(path=str(target))
    finally:
        server.stop()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
