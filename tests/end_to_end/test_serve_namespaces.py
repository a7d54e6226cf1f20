"""`serve` and namespaces through a real server: the flags, their refusal when they are not
whole numbers, a data file whose directory is missing refused in one line, and a key's
namespace suffix kept out of the log."""

from __future__ import annotations

import subprocess
import sys

import requests

from mock_posthog.harness.live import LiveServer

API_KEY = "phx_mock_personal_api_key"
PLUGINS = "/api/organizations/@current/plugins/"


def serve(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mock_posthog", "serve", "--port", "0", *arguments],
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_namespace_flags_are_reported_in_the_listing() -> None:
    with LiveServer.start(["--max-namespaces", "7", "--namespace-idle-seconds", "60"]) as served:
        listing = requests.get(served.base_url + "/_mock/namespaces", timeout=10).json()

    assert (listing["max_namespaces"], listing["namespace_idle_seconds"]) == (7, 60)


def test_a_namespace_flag_that_is_not_a_whole_number_is_refused_in_one_line() -> None:
    refused = serve("--max-namespaces", "-1")

    assert refused.returncode == 2
    assert refused.stderr == (
        "mock-posthog: --max-namespaces '-1': expected a whole number, 0 or more\n"
    )


def test_the_key_suffix_never_reaches_the_log() -> None:
    with LiveServer.start([], env={"MOCK_POSTHOG_LOG_LEVEL": "DEBUG"}) as served:
        by_header = requests.get(
            served.base_url + PLUGINS,
            headers={"Authorization": f"Bearer {API_KEY}~hidden-namespace"},
            timeout=10,
        )
        by_query = requests.get(
            served.base_url + PLUGINS,
            params={"personal_api_key": f"{API_KEY}~hidden-namespace"},
            timeout=10,
        )
        listing = requests.get(served.base_url + "/_mock/namespaces", timeout=10).json()
        served.stop()
        log = served.server_log()

    assert (by_header.status_code, by_query.status_code) == (200, 200)
    assert [entry["name"] for entry in listing["results"]] == ["default", "hidden-namespace"]
    assert PLUGINS in log  # the requests were logged
    assert "hidden-namespace" not in log
