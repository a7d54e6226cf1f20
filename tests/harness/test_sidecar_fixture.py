"""The `posthog_sidecar` fixture as users get it: a test run under pytest-xdist against one
server this test starts, each test in a namespace of its own, dropped after it; skipped with
its reason when no server is named."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from mock_posthog.harness.pytest_plugin import namespace_name

pytest_plugins = ["pytester"]

TOKEN = "sidecar-control-token"
PLUGINS = "/api/organizations/00000000-0000-4000-8000-000000000001/plugins/"
AUTH = {"Authorization": "Bearer phx_mock_personal_api_key"}

PARALLEL = """
import json, os
import pytest, requests

PLUGINS = "/api/organizations/00000000-0000-4000-8000-000000000001/plugins/"
SOURCE = {"plugin_type": "source", "name": "From the test"}

@pytest.mark.parametrize("n", range(6))
def test_a_namespace_of_its_own(posthog_sidecar, n):
    headers = {"Authorization": f"Bearer {posthog_sidecar.api_key}"}
    for _ in range(n % 3):
        created = requests.post(posthog_sidecar.url(PLUGINS), json=SOURCE, headers=headers)
        assert created.status_code == 201
    assert requests.get(posthog_sidecar.url(PLUGINS), headers=headers).json()["count"] == 3 + n % 3
    assert posthog_sidecar.call_count("POST", PLUGINS) == n % 3
    assert len(posthog_sidecar.export()["plugins"]) == 3 + n % 3
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.path.join(os.environ["RECORDS"], f"{worker}-{n}"), "w") as stream:
        json.dump({"namespace": posthog_sidecar.namespace, "base_url": posthog_sidecar.base_url},
                  stream)

def test_the_clock_and_faults_are_the_namespaces(posthog_sidecar):
    posthog_sidecar.faults.add(route="plugins_list", status=503)
    headers = {"Authorization": f"Bearer {posthog_sidecar.api_key}"}
    assert requests.get(posthog_sidecar.url(PLUGINS), headers=headers).status_code == 503
    posthog_sidecar.assert_called("GET", PLUGINS, status=503)
"""


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    started = LiveServer.start(["--control-token", TOKEN])
    try:
        yield started
    finally:
        started.stop()


def namespaces(server: LiveServer) -> list[str]:
    return [entry["name"] for entry in server.control.call("GET", "/namespaces")["results"]]


def test_each_test_under_xdist_gets_a_namespace_of_its_own_dropped_after(
    pytester: pytest.Pytester, server: LiveServer
) -> None:
    pytester.makepyfile(test_parallel=textwrap.dedent(PARALLEL))
    records = pytester.mkdir("records")
    pytester._monkeypatch.setenv("RECORDS", str(records))
    pytester._monkeypatch.setenv("MOCK_POSTHOG_URL", server.base_url)
    pytester._monkeypatch.setenv("MOCK_POSTHOG_CONTROL_TOKEN", TOKEN)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2")

    result.assert_outcomes(passed=7)
    recorded = [json.loads(path.read_text()) for path in records.iterdir()]
    assert {path.name.split("-")[0] for path in records.iterdir()} == {"gw0", "gw1"}
    names = [entry["namespace"] for entry in recorded]
    assert len(set(names)) == 6
    assert all(name.startswith("test_a_namespace_of_its_own-") for name in names)
    assert all(
        entry["base_url"] == f"{server.base_url}/_ns/{entry['namespace']}" for entry in recorded
    )
    assert namespaces(server) == ["default"]
    untouched = requests.get(server.url(PLUGINS), headers=AUTH, timeout=10)
    assert untouched.json()["count"] == 3
    assert server.journal.entries()[-1].method == "GET"
    assert len(server.journal.entries()) == 1


def test_without_a_server_named_the_fixture_skips_with_its_reason(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_alone="def test_it(posthog_sidecar):\n    pass\n")
    pytester._monkeypatch.delenv("MOCK_POSTHOG_URL", raising=False)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-rs")

    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        ["SKIPPED*posthog_sidecar needs a running mock-posthog server: set MOCK_POSTHOG_URL*"]
    )


def test_a_namespace_name_keeps_the_naming_rule() -> None:
    first, second = namespace_name("test_X[Ünïcode 1/2]" + "y" * 80), namespace_name("test_x")

    assert first.startswith("test_x-n-code-1-2-yyyyyyyyyyy")
    assert len(first) <= 64
    assert second.startswith("test_x-")
    assert second != namespace_name("test_x")
    assert all(character in "abcdefghijklmnopqrstuvwxyz0123456789_-" for character in first)
