"""The pytest plugin as users get it: installed through its entry point, run by pytest in a
subprocess, alone and under pytest-xdist."""

from __future__ import annotations

import json
import textwrap

import pytest

pytest_plugins = ["pytester"]

PRELUDE = """
import json, os, subprocess, sys
import httpx, pytest, requests

ORG = "00000000-0000-4000-8000-000000000001"
PLUGINS = f"/api/organizations/{ORG}/plugins/"
SOURCE = {"plugin_type": "source", "name": "From the test"}
"""

WORLD = {
    "organizations": [{"id": "00000000-0000-4000-8000-0000000000aa", "name": "Other Org"}],
    "projects": [{"id": 7, "organization_id": "00000000-0000-4000-8000-0000000000aa"}],
    "users": [
        {
            "id": 5,
            "email": "other@example.com",
            "organization_ids": ["00000000-0000-4000-8000-0000000000aa"],
            "current_project_id": 7,
        }
    ],
    "personal_api_keys": [{"value": "phx_other", "user_id": 5}],
}


def write_tests(pytester: pytest.Pytester, name: str, body: str) -> None:
    pytester.makepyfile(**{name: PRELUDE + textwrap.dedent(body)})
    (pytester.path / "data").mkdir(exist_ok=True)
    (pytester.path / "data" / "other.json").write_text(json.dumps(WORLD))


def run_tests(pytester: pytest.Pytester, name: str, body: str, *options: str) -> pytest.RunResult:
    """`body` as the test file `name`, run by pytest in a subprocess."""
    write_tests(pytester, name, body)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *options)


IN_PROCESS = """
def test_a_change_is_seen_by_the_store_and_journal(posthog):
    created = posthog.post(PLUGINS, json=SOURCE)
    assert created.status_code == 201
    assert posthog.store.count("plugins") == 4
    posthog.assert_called("POST", PLUGINS, status=201)

def test_the_next_test_gets_a_fresh_world(posthog):
    assert posthog.get(PLUGINS).json["count"] == 3
    assert posthog.journal.entries()[0].method == "GET"
    assert posthog.call_count() == 1

@pytest.mark.posthog_fixtures("data/other.json")
def test_the_marker_replaces_the_world(posthog):
    assert posthog.store.count("plugins") == 0
    answer = posthog.get("/api/organizations/@current/plugins/", api_key="phx_other")
    assert answer.json["count"] == 0
    assert posthog.get(PLUGINS).status_code == 401

@pytest.mark.posthog_fixtures("data/other.json", extend=True)
def test_the_marker_can_extend_the_default_world(posthog):
    assert posthog.get(PLUGINS).json["count"] == 3
    assert posthog.get("/api/projects/7/plugin_configs/", api_key="phx_other").status_code != 401

def test_client_code_reaches_the_mock_unchanged(posthog_intercept):
    headers = {"Authorization": "Bearer phx_mock_personal_api_key"}
    assert requests.get(f"https://us.posthog.com{PLUGINS}", headers=headers).json()["count"] == 3
    assert httpx.get(f"https://eu.posthog.com{PLUGINS}", headers=headers).status_code == 200
    assert posthog_intercept.call_count("GET", PLUGINS) == 2

def test_a_missing_call_lists_the_near_misses(posthog):
    posthog.get(PLUGINS)
    posthog.assert_called("DELETE", PLUGINS + "1/")
"""


def test_the_in_process_fixture_marker_and_interception(pytester: pytest.Pytester) -> None:
    result = run_tests(pytester, "test_in_process", IN_PROCESS)

    result.assert_outcomes(passed=5, failed=1)
    result.stdout.fnmatch_lines(
        [
            "E*AssertionError: Expected a call to DELETE /api/organizations/*/plugins/1/, "
            "but none was made.",
            "E*1 request(s) were made; the nearest:",
            "E*#1 GET /api/organizations/*/plugins/ -> 200 [[]plugins_list[]]",
        ]
    )


LIVE = """
def test_a_real_server_answers_on_loopback(posthog_live):
    assert posthog_live.base_url.startswith("http://127.0.0.1:")
    headers = {"Authorization": f"Bearer {posthog_live.api_key}"}
    created = requests.post(posthog_live.url(PLUGINS), json=SOURCE, headers=headers)
    assert created.status_code == 201
    posthog_live.assert_called("POST", PLUGINS, status=201, body={"name": "From the test"})

def test_it_is_reset_before_each_test(posthog_live):
    headers = {"Authorization": f"Bearer {posthog_live.api_key}"}
    assert requests.get(posthog_live.url(PLUGINS), headers=headers).json()["count"] == 3
    assert posthog_live.call_count() == 1

@pytest.mark.posthog_fixtures("data/other.json")
def test_the_marker_loads_into_the_live_server(posthog_live):
    assert posthog_live.export()["organizations"][0]["name"] == "Other Org"

def test_client_code_reaches_the_live_server_unchanged(posthog_live_intercept):
    headers = {"Authorization": "Bearer phx_mock_personal_api_key"}
    assert requests.get(f"https://app.posthog.com{PLUGINS}", headers=headers).status_code == 200
    posthog_live_intercept.assert_called("GET", PLUGINS)

def test_a_subprocess_finds_the_server_in_its_environment(posthog_live_env):
    script = (
        "import os, urllib.request\\n"
        "request = urllib.request.Request(os.environ['POSTHOG_HOST'] + '"
        + PLUGINS + "', headers={'Authorization': "
        "'Bearer ' + os.environ['POSTHOG_PERSONAL_API_KEY']})\\n"
        "print(urllib.request.urlopen(request).status)\\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert output.stdout.strip() == "200", output.stderr
"""


def test_the_live_fixture_its_reset_marker_interception_and_environment(
    pytester: pytest.Pytester,
) -> None:
    result = run_tests(pytester, "test_live", LIVE)

    result.assert_outcomes(passed=5)


XDIST = """
def record(name, value):
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with open(os.path.join(os.environ["RECORDS"], f"{worker}-{name}"), "w") as stream:
        stream.write(value)

@pytest.mark.parametrize("n", range(4))
def test_live(posthog_live, n):
    requests.post(posthog_live.url(PLUGINS), json=SOURCE,
                  headers={"Authorization": f"Bearer {posthog_live.api_key}"})
    assert posthog_live.call_count("POST") == 1
    assert len(posthog_live.export()["plugins"]) == 4
    record(f"live-{n}", posthog_live.base_url)

@pytest.mark.parametrize("n", range(4))
def test_in_process(posthog, n):
    posthog.post(PLUGINS, json=SOURCE)
    assert posthog.store.count("plugins") == 4
"""


def test_each_xdist_worker_has_its_own_server(pytester: pytest.Pytester) -> None:
    records = pytester.mkdir("records")
    pytester._monkeypatch.setenv("RECORDS", str(records))

    result = run_tests(pytester, "test_parallel", XDIST, "-n", "2")

    result.assert_outcomes(passed=8)
    servers: dict[str, set[str]] = {}
    for path in records.iterdir():
        servers.setdefault(path.name.split("-")[0], set()).add(path.read_text())
    assert sorted(servers) == ["gw0", "gw1"]
    assert all(len(urls) == 1 for urls in servers.values())
    assert servers["gw0"] != servers["gw1"]
