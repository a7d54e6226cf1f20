"""The control plane beyond loopback: every /_mock/ route wants the control token, `serve`
refuses to listen beyond loopback without one (unless told to), and says on start what guards
/_mock/. The routes are read from the app, so a new control route cannot skip the check.
Sockets are only ever opened on 127.0.0.1: the non-loopback cases run in the Flask test
client or stop before binding."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any

import pytest
import requests
from flask import Flask

from mock_posthog.control.control_token import OPEN_ENDPOINTS, Protection, is_loopback, protection
from mock_posthog.harness.live import LiveServer
from mock_posthog.settings import Settings
from mock_posthog.version import __version__
from tests.conftest import AUTH, PLUGINS, error, make_app
from tests.harness.test_dockerfile import cli, exec_form, instruction
from tests.harness.test_dockerfile import environment as dockerfile_environment

TOKEN = "s3cret-control-token"
HOW = (
    "send it in the X-Mock-PostHog-Token header or as Authorization: Bearer <token> "
    "(it is the server's MOCK_POSTHOG_CONTROL_TOKEN)"
)
REQUIRED = error(
    "authentication_error",
    "control_token_required",
    f"The control plane needs the control token: {HOW}.",
)
INVALID = error(
    "authentication_error",
    "control_token_invalid",
    f"The control token sent is not this server's: {HOW}.",
)
REFUSAL = (
    "mock-posthog: refusing to serve the control plane /_mock/ without a token on 0.0.0.0, "
    "which is not loopback: set MOCK_POSTHOG_CONTROL_TOKEN (or --control-token) to a secret "
    "that control requests send, or turn the protection off on purpose with "
    "--no-control-token or MOCK_POSTHOG_CONTROL_TOKEN=off\n"
)


def control_requests(app: Flask) -> list[tuple[str, str]]:
    """(method, path) of every /_mock/ route but the open ones (health, the inspector's token
    form and files: tests/ui), with its parameters filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/_mock/") or rule.endpoint in OPEN_ENDPOINTS:
            continue
        path = re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


PROTECTED = make_app(host="0.0.0.0", control_token=TOKEN)
CONTROL_REQUESTS = control_requests(PROTECTED)


def test_the_check_covers_the_whole_control_plane() -> None:
    paths = {path for _, path in CONTROL_REQUESTS}
    assert {"/_mock/reset", "/_mock/snapshot", "/_mock/requests", "/_mock/faults"} <= paths
    assert len(CONTROL_REQUESTS) >= 20


@pytest.mark.parametrize(("method", "path"), CONTROL_REQUESTS)
def test_without_the_token_every_control_route_is_refused_and_changes_nothing(
    method: str, path: str
) -> None:
    app = make_app(host="0.0.0.0", control_token=TOKEN)
    world = app.extensions["mock_posthog"].world
    client = app.test_client()
    before = world.store.snapshot()

    missing = client.open(path, method=method, json={})
    wrong = client.open(path, method=method, json={}, headers={"X-Mock-PostHog-Token": "guess"})
    api_key = client.open(path, method=method, json={}, headers=AUTH)

    assert (missing.status_code, missing.json) == (401, REQUIRED)
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert (wrong.status_code, wrong.json) == (401, INVALID)
    assert (api_key.status_code, api_key.json) == (401, INVALID)
    assert world.store.snapshot() == before


@pytest.mark.parametrize(
    "headers", [{"X-Mock-PostHog-Token": TOKEN}, {"Authorization": f"Bearer {TOKEN}"}]
)
def test_the_token_opens_the_control_plane(headers: dict[str, str]) -> None:
    client = make_app(host="0.0.0.0", control_token=TOKEN).test_client()

    reset = client.post("/_mock/reset", headers=headers)
    journal = client.get("/_mock/requests", headers=headers)

    assert (reset.status_code, reset.json["status"]) == (200, "reset")
    assert (journal.status_code, journal.json["count"], journal.json["results"]) == (200, 0, [])


def test_health_without_the_token_says_only_whether_the_server_is_ready() -> None:
    client = make_app(host="0.0.0.0", control_token=TOKEN).test_client()

    anonymous = client.get("/_mock/health")
    wrong = client.get("/_mock/health", headers={"X-Mock-PostHog-Token": "guess"})
    trusted = client.get("/_mock/health", headers={"X-Mock-PostHog-Token": TOKEN})

    assert (anonymous.status_code, anonymous.json) == (200, {"status": "ok"})
    assert (wrong.status_code, wrong.json) == (200, {"status": "ok"})
    assert trusted.status_code == 200
    assert (trusted.json["version"], trusted.json["tables"]["plugins"]) == (__version__, 3)


def test_the_emulated_api_does_not_ask_for_the_control_token() -> None:
    client = make_app(host="0.0.0.0", control_token=TOKEN).test_client()

    assert client.get(PLUGINS, headers=AUTH).status_code == 200


def test_on_loopback_without_a_token_the_control_plane_is_open() -> None:
    client = make_app().test_client()

    assert client.post("/_mock/reset").status_code == 200
    assert client.get("/_mock/health").json["version"] == __version__


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.10", False),
        ("example.internal", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, Protection(token=None, turned_off=False, loopback=True)),
        ({"control_token": TOKEN}, Protection(token=TOKEN, turned_off=False, loopback=True)),
        ({"host": "0.0.0.0"}, Protection(token=None, turned_off=False, loopback=False)),
        (
            {"host": "0.0.0.0", "control_token": "OFF"},
            Protection(token=None, turned_off=True, loopback=False),
        ),
        (
            {"host": "0.0.0.0", "control_token": f" {TOKEN} "},
            Protection(token=TOKEN, turned_off=False, loopback=False),
        ),
    ],
)
def test_protection_follows_the_settings(settings: dict[str, Any], expected: Protection) -> None:
    assert protection(Settings(**settings)) == expected


def test_only_an_unprotected_control_plane_beyond_loopback_is_refused() -> None:
    refused = [
        protection(Settings(**settings)).refused
        for settings in (
            {"host": "0.0.0.0"},
            {"host": "0.0.0.0", "control_token": "off"},
            {"host": "0.0.0.0", "control_token": TOKEN},
            {"host": "127.0.0.1"},
        )
    ]
    assert refused == [True, False, False, False]


def serve(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`serve` that is expected to stop before it binds any socket."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_POSTHOG_")}
    return subprocess.run(
        [sys.executable, "-m", "mock_posthog", "serve", "--port", "0", *arguments],
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_serve_beyond_loopback_without_a_token_refuses_to_start() -> None:
    by_flag = serve("--host", "0.0.0.0")
    by_environment = serve(env={"MOCK_POSTHOG_HOST": "0.0.0.0"})

    for refused in (by_flag, by_environment):
        assert (refused.returncode, refused.stdout) == (2, "")
        assert refused.stderr.endswith(REFUSAL)


def test_the_control_token_is_a_secret_or_off_not_both() -> None:
    both = serve("--control-token", TOKEN, "--no-control-token")

    assert both.returncode == 2
    assert "not allowed with argument" in both.stderr


def test_serve_says_on_start_what_guards_the_control_plane() -> None:
    with LiveServer.start() as served:
        served.stop()
        open_log = served.server_log()
    with LiveServer.start(["--control-token", TOKEN]) as served:
        served.stop()
        token_log = served.server_log()

    assert (
        "the control plane /_mock/ is open: 127.0.0.1 is loopback, reachable from here only"
        in open_log
    )
    assert "the control plane /_mock/ requires the control token" in token_log
    assert TOKEN not in token_log


def test_a_live_server_with_a_token_guards_its_control_plane() -> None:
    with LiveServer.start(env={"MOCK_POSTHOG_CONTROL_TOKEN": TOKEN}) as served:
        refused = requests.post(f"{served.base_url}/_mock/reset", timeout=5)
        allowed = requests.post(
            f"{served.base_url}/_mock/reset", headers={"X-Mock-PostHog-Token": TOKEN}, timeout=5
        )
        port = served.base_url.rsplit(":", 1)[1]
        health = [
            subprocess.run(
                [sys.executable, "-m", "mock_posthog", "health"],
                env={**os.environ, "MOCK_POSTHOG_PORT": port, **extra},
                capture_output=True,
                text=True,
                timeout=30,
            )
            for extra in ({}, {"MOCK_POSTHOG_CONTROL_TOKEN": TOKEN})
        ]

    assert (refused.status_code, refused.json()) == (401, REQUIRED)
    assert allowed.status_code == 200
    assert [(check.returncode, check.stdout) for check in health] == [
        (0, f"{served.base_url}: 200\n")
    ] * 2


def test_the_live_handle_sends_the_token_it_started_the_server_with() -> None:
    server = LiveServer.start(["--control-token", TOKEN])
    try:
        server.reset()
        assert server.export()["organizations"][0]["name"] == "Mock Organization"
    finally:
        server.close()


def test_the_image_without_a_token_refuses_to_start_and_says_how_to_give_one() -> None:
    command = cli(exec_form(instruction("CMD")))  # --host 0.0.0.0: refused before binding
    environment = {k: v for k, v in os.environ.items() if not k.startswith("MOCK_POSTHOG_")}

    refused = subprocess.run(
        command,
        env={**environment, **dockerfile_environment(), "MOCK_POSTHOG_PORT": "0"},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert refused.returncode == 2
    assert refused.stderr.endswith(REFUSAL)
