"""`mock-posthog serve` as users run it: a real process, a real socket on 127.0.0.1."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import API_KEY, AUTH, ORG_ID

SOURCE_PLUGIN = {"plugin_type": "source", "name": "kept across restarts"}


def plugins_url(base: str) -> str:
    return f"{base}/api/organizations/{ORG_ID}/plugins/"


def test_first_line_is_the_address_and_the_default_world_answers() -> None:
    with LiveServer.start() as served:
        assert served.base_url.startswith("http://127.0.0.1:")
        health = requests.get(f"{served.base_url}/_mock/health", timeout=5)
        assert health.status_code == 200
        assert health.json()["tables"]["plugins"] == 3
        listed = requests.get(plugins_url(served.base_url), headers=AUTH, timeout=5)
        assert listed.status_code == 200
        assert [plugin["name"] for plugin in listed.json()["results"]] == [
            "GeoIP",
            "Taxonomy Plugin",
            "Hello Source",
        ]
        assert served.stop() == 0


def ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not ipv6_loopback(), reason="no IPv6 loopback on this machine")
@pytest.mark.parametrize("host", ["::1", "[::1]"])
def test_an_ipv6_host_prints_its_address_in_brackets_and_answers(host: str) -> None:
    with LiveServer.start(["--host", host]) as served:
        assert served.base_url.startswith("http://[::1]:")
        port = int(served.base_url.rsplit(":", 1)[1])
        assert port > 0
        health = requests.get(f"{served.base_url}/_mock/health", timeout=5)
        assert health.status_code == 200
        assert served.stop() == 0


def test_port_0_prints_the_port_it_picked_and_it_accepts_at_once() -> None:
    with LiveServer.start() as served:
        port = int(served.base_url.rsplit(":", 1)[1])
        assert port != 0
        # No wait: the address is printed only once the socket accepts connections.
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        assert requests.get(f"{served.base_url}/_mock/health", timeout=5).status_code == 200
        assert served.stop() == 0


def test_the_log_goes_to_stderr_and_stdout_holds_only_the_address() -> None:
    with LiveServer.start() as served:
        assert requests.get(f"{served.base_url}/_mock/health", timeout=5).status_code == 200
        assert served.stop() == 0
        assert served.process.stdout is not None
        assert served.process.stdout.read() == ""
        assert "the control plane /_mock/ is open" in served.server_log()


def test_writes_survive_sigterm_and_restart_on_the_same_data_file(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    with LiveServer.start(data_file=data) as served:
        created = requests.post(
            plugins_url(served.base_url), json=SOURCE_PLUGIN, headers=AUTH, timeout=5
        )
        assert created.status_code == 201
        assert served.stop(signal.SIGTERM) == 0
    assert json.loads(data.read_text())["plugins"][str(created.json()["id"])]["name"] == (
        "kept across restarts"
    )
    with LiveServer.start(data_file=data) as served:
        again = requests.get(
            f"{plugins_url(served.base_url)}{created.json()['id']}/", headers=AUTH, timeout=5
        )
        assert again.status_code == 200
        assert again.json()["name"] == "kept across restarts"


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    with LiveServer.start(["--data", str(tmp_path / "state.json")]) as served:
        assert served.stop(signal.SIGINT) == 0


def test_without_data_file_state_lives_in_memory() -> None:
    with LiveServer.start() as served:
        requests.post(plugins_url(served.base_url), json=SOURCE_PLUGIN, headers=AUTH, timeout=5)
        served.stop()
    with LiveServer.start() as served:
        listed = requests.get(plugins_url(served.base_url), headers=AUTH, timeout=5).json()
        assert listed["count"] == 3


def test_fixtures_replace_the_default_world_and_merge_in_order(tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    second = tmp_path / "second.json"
    org = {"id": "11111111-1111-4111-8111-111111111111", "name": "First"}
    first.write_text(
        json.dumps(
            {
                "organizations": [org],
                "users": [{"id": 7, "email": "a@example.com", "organization_ids": [org["id"]]}],
                "personal_api_keys": [{"value": "phx_first", "user_id": 7}],
            }
        )
    )
    second.write_text(json.dumps({"organizations": [{**org, "name": "Second"}]}))
    with LiveServer.start(["--fixtures", str(first), "--fixtures", str(second)]) as served:
        health = requests.get(f"{served.base_url}/_mock/health", timeout=5).json()
        assert health["tables"]["organizations"] == 1
        assert health["tables"]["personal_api_keys"] == 1
        listed = requests.get(
            f"{served.base_url}/api/organizations/{org['id']}/plugins/",
            headers={"Authorization": "Bearer phx_first"},
            timeout=5,
        )
        assert listed.status_code == 200
        assert listed.json() == {"count": 0, "next": None, "previous": None, "results": []}
        refused = requests.get(plugins_url(served.base_url), headers=AUTH, timeout=5)
        assert refused.status_code == 401


def test_every_option_has_an_environment_variable(tmp_path: Path) -> None:
    data = tmp_path / "env-state.json"
    env = {"MOCK_POSTHOG_HOST": "127.0.0.1", "MOCK_POSTHOG_DATA": str(data)}
    with LiveServer.start(env=env, host=None) as served:
        requests.post(plugins_url(served.base_url), json=SOURCE_PLUGIN, headers=AUTH, timeout=5)
        served.stop()
    assert data.exists()


def test_bad_fixture_file_is_refused_with_the_path_of_the_first_bad_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"organizations": [{"id": "not-a-uuid", "name": "X"}]}))
    finished = subprocess.run(
        [sys.executable, "-m", "mock_posthog", "serve", "--port", "0", "--fixtures", str(bad)],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert f"{bad}: $.organizations[0].id:" in finished.stderr


def test_a_data_file_that_is_not_tinydb_json_is_refused_and_left_untouched(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    data.write_text('["not", "tinydb"]')
    finished = subprocess.run(
        [sys.executable, "-m", "mock_posthog", "serve", "--port", "0", "--data", str(data)],
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert finished.returncode == 2
    assert "is not a TinyDB JSON file" in finished.stderr
    assert data.read_text() == '["not", "tinydb"]'


def test_reset_restores_the_seeded_world() -> None:
    with LiveServer.start() as served:
        requests.post(plugins_url(served.base_url), json=SOURCE_PLUGIN, headers=AUTH, timeout=5)
        assert (
            requests.get(f"{served.base_url}/_mock/health", timeout=5).json()["tables"]["plugins"]
            == 4
        )
        reset = requests.post(f"{served.base_url}/_mock/reset", timeout=5)
        assert reset.status_code == 200
        listed = requests.get(
            plugins_url(served.base_url), params={"personal_api_key": API_KEY}, timeout=5
        )
        assert listed.json()["count"] == 3


def test_a_dropped_connection_ends_before_a_whole_answer_and_logs_no_traceback() -> None:
    with LiveServer.start() as served:
        added = requests.post(
            f"{served.base_url}/_mock/faults",
            json={"route": "plugins_list", "drop": True},
            timeout=5,
        )
        assert added.status_code == 201
        with pytest.raises((requests.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            requests.get(plugins_url(served.base_url), headers=AUTH, timeout=5)
        assert requests.get(f"{served.base_url}/_mock/health", timeout=5).status_code == 200
        assert served.stop() == 0
        log = served.server_log()
    assert "connection dropped" in log
    assert "Traceback" not in log
