"""Namespaces: one server, isolated worlds. Each selector (header, path prefix, key suffix), the
isolation of their state, reset, journal, faults, listing, deletion, LRU eviction and idle
expiry, and the refusal of bad names in PostHog's envelope."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_posthog.http.namespaces import NAMESPACES
from tests.conftest import API_KEY, AUTH, PLUGINS, error, make_app

HELLO_URL = "https://github.com/PostHog/helloworldplugin"
DEFAULT_PLUGINS = 3  # the default world's plugins


def named(name: str) -> dict[str, str]:
    return {**AUTH, "X-Mock-PostHog-Namespace": name}


def install_hello(client: FlaskClient, **request: Any) -> None:
    response = client.post(request.pop("path", PLUGINS), json={"url": HELLO_URL}, **request)
    assert response.status_code == 201, response.json


def plugin_count(client: FlaskClient, **request: Any) -> int:
    response = client.get(request.pop("path", PLUGINS), **request)
    assert response.status_code == 200, response.json
    return int(response.json["count"])


class FakeTime:
    def __init__(self) -> None:
        self.seconds = 1_800_000_000.0

    def __call__(self) -> float:
        return self.seconds


@pytest.fixture
def fake_time(app: Flask) -> FakeTime:
    now = FakeTime()
    app.extensions[NAMESPACES].now = now
    return now


def names(client: FlaskClient) -> list[str]:
    return [entry["name"] for entry in client.get("/_mock/namespaces").json["results"]]


def test_a_write_in_a_namespace_named_by_header_is_seen_only_there(client: FlaskClient) -> None:
    install_hello(client, headers=named("job-1"))

    assert plugin_count(client, headers=named("job-1")) == DEFAULT_PLUGINS + 1
    assert plugin_count(client, headers=named("job-2")) == DEFAULT_PLUGINS
    assert plugin_count(client, headers=AUTH) == DEFAULT_PLUGINS


def test_a_path_prefix_names_the_namespace_and_pages_keep_it(client: FlaskClient) -> None:
    install_hello(client, path="/_ns/job-42" + PLUGINS, headers=AUTH)

    page = client.get("/_ns/job-42" + PLUGINS + "?limit=2", headers=AUTH)

    assert page.status_code == 200
    assert page.json["count"] == DEFAULT_PLUGINS + 1
    assert page.json["next"] == (
        "http://localhost/_ns/job-42/api/organizations/00000000-0000-4000-8000-000000000001"
        "/plugins/?limit=2&offset=2"
    )
    following = client.get(page.json["next"], headers=AUTH)
    assert following.json["previous"] == (
        "http://localhost/_ns/job-42/api/organizations/00000000-0000-4000-8000-000000000001"
        "/plugins/?limit=2"
    )
    assert plugin_count(client, headers=AUTH) == DEFAULT_PLUGINS


def test_a_path_prefix_names_the_namespace_of_control_requests(client: FlaskClient) -> None:
    install_hello(client, headers=named("job-42"))

    health = client.get("/_ns/job-42/_mock/health")

    assert health.json["tables"]["plugins"] == DEFAULT_PLUGINS + 1
    assert client.get("/_mock/health").json["tables"]["plugins"] == DEFAULT_PLUGINS


def test_a_key_suffix_in_the_header_names_the_namespace(client: FlaskClient) -> None:
    suffixed = {"Authorization": f"Bearer {API_KEY}~job-42"}
    install_hello(client, headers=suffixed)

    assert plugin_count(client, headers=suffixed) == DEFAULT_PLUGINS + 1
    assert plugin_count(client, headers=named("job-42")) == DEFAULT_PLUGINS + 1
    assert plugin_count(client, headers=AUTH) == DEFAULT_PLUGINS


def test_a_key_suffix_in_the_query_string_names_the_namespace(client: FlaskClient) -> None:
    install_hello(client, headers=named("job-42"))

    query = {"personal_api_key": f"{API_KEY}~job-42"}

    assert plugin_count(client, query_string=query) == DEFAULT_PLUGINS + 1
    assert plugin_count(client, query_string={"personal_api_key": API_KEY}) == DEFAULT_PLUGINS


def test_the_key_suffix_never_reaches_the_journal(client: FlaskClient) -> None:
    install_hello(client, headers={"Authorization": f"Bearer {API_KEY}~secret-ns"})
    client.get(PLUGINS, query_string={"personal_api_key": f"{API_KEY}~secret-ns", "limit": "1"})

    journal = client.get("/_mock/requests", headers={"X-Mock-PostHog-Namespace": "secret-ns"})

    assert journal.json["count"] == 2
    assert "secret-ns" not in journal.get_data(as_text=True)
    assert journal.json["results"][1]["query"] == {"personal_api_key": "[redacted]", "limit": "1"}


def test_a_wrong_key_with_a_suffix_is_refused_without_the_suffix(client: FlaskClient) -> None:
    response = client.get(PLUGINS, headers={"Authorization": "Bearer phx_wrong~job-1"})

    assert response.status_code == 401
    assert response.json == error(
        "authentication_error",
        "authentication_failed",
        "Personal API key found in request Authorization header is invalid.",
    )


@pytest.mark.parametrize(
    "request_args",
    [
        {"headers": named("Job-1")},
        {"headers": named("")},
        {"headers": named("a" * 65)},
        {"headers": named("job/1")},
        {"path": "/_ns/job.1" + PLUGINS, "headers": AUTH},
        {"path": PLUGINS, "headers": {"Authorization": f"Bearer {API_KEY}~JOB"}},
        {"path": "/_mock/health", "headers": {"X-Mock-PostHog-Namespace": "JOB"}},
    ],
    ids=["capitals", "empty", "65 characters", "slash", "dot in prefix", "suffix", "control"],
)
def test_a_bad_namespace_name_is_a_400_in_posthogs_envelope(
    client: FlaskClient, request_args: dict[str, Any]
) -> None:
    response = client.get(request_args.pop("path", PLUGINS), **request_args)

    assert response.status_code == 400
    assert response.json["type"] == "validation_error"
    assert response.json["code"] == "invalid_namespace"
    assert response.json["attr"] == "namespace"
    assert response.json["detail"].endswith(
        "is not a namespace name: a name is 1 to 64 of a-z, 0-9, _ and -."
    )
    assert names(client) == ["default"]


def test_a_64_character_name_is_a_namespace(client: FlaskClient) -> None:
    assert plugin_count(client, headers=named("a_b-" * 16)) == DEFAULT_PLUGINS
    assert names(client) == ["default", "a_b-" * 16]


def test_two_selectors_naming_different_namespaces_are_refused(client: FlaskClient) -> None:
    response = client.get("/_ns/job-1" + PLUGINS, headers=named("job-2"))

    assert response.status_code == 400
    assert response.json == error(
        "validation_error",
        "invalid_namespace",
        "The request names more than one namespace: job-1, job-2.",
        "namespace",
    )


def test_the_name_default_selects_the_default_namespace(client: FlaskClient) -> None:
    install_hello(client, headers=named("default"))

    assert plugin_count(client, headers=AUTH) == DEFAULT_PLUGINS + 1


def test_reset_resets_only_its_namespace(client: FlaskClient) -> None:
    install_hello(client, headers=named("job-1"))
    install_hello(client, headers=named("job-2"))

    reset = client.post("/_ns/job-1/_mock/reset")

    assert reset.json["tables"]["plugins"] == DEFAULT_PLUGINS
    assert plugin_count(client, headers=named("job-1")) == DEFAULT_PLUGINS
    assert plugin_count(client, headers=named("job-2")) == DEFAULT_PLUGINS + 1


def test_each_namespace_has_its_own_journal_and_faults(client: FlaskClient) -> None:
    added = client.post(
        "/_mock/faults",
        json={"route": "plugins_list", "status": 503},
        headers={"X-Mock-PostHog-Namespace": "job-1"},
    )
    assert added.status_code == 201

    in_job_1 = client.get(PLUGINS, headers=named("job-1"))
    in_job_2 = client.get(PLUGINS + "?limit=1", headers=named("job-2"))

    assert (in_job_1.status_code, in_job_2.status_code) == (503, 200)
    journal_1 = client.get("/_ns/job-1/_mock/requests").json
    journal_2 = client.get("/_ns/job-2/_mock/requests").json
    assert [(entry["status"], entry["query"]) for entry in journal_1["results"]] == [(503, {})]
    assert [(entry["status"], entry["query"]) for entry in journal_2["results"]] == [
        (200, {"limit": "1"})
    ]
    assert client.get("/_mock/requests").json["count"] == 0


def test_the_listing_gives_each_namespace_its_times_counts_and_the_limits(
    client: FlaskClient, fake_time: FakeTime
) -> None:
    install_hello(client, headers=named("job-1"))
    fake_time.seconds += 90
    plugin_count(client, headers=named("job-2"))

    listing = client.get("/_mock/namespaces").json

    assert (listing["count"], listing["max_namespaces"], listing["namespace_idle_seconds"]) == (
        3,
        1000,
        3600,
    )
    default, job_1, job_2 = listing["results"]
    assert (default["name"], default["last_used"]) == ("default", None)
    assert default["tables"]["plugins"] == DEFAULT_PLUGINS
    assert job_1 == {
        "name": "job-1",
        "created": "2027-01-15T08:00:00Z",
        "last_used": "2027-01-15T08:00:00Z",
        "tables": {**default["tables"], "plugins": DEFAULT_PLUGINS + 1, "activity_log": 1},
    }
    assert job_2["created"] == job_2["last_used"] == "2027-01-15T08:01:30Z"


def test_a_dropped_namespace_starts_again_from_the_seed(client: FlaskClient) -> None:
    install_hello(client, headers=named("job-1"))

    dropped = client.delete("/_mock/namespaces/job-1")

    assert (dropped.status_code, dropped.data) == (204, b"")
    assert names(client) == ["default"]
    assert plugin_count(client, headers=named("job-1")) == DEFAULT_PLUGINS


def test_dropping_a_namespace_that_is_not_there_is_a_404(client: FlaskClient) -> None:
    response = client.delete("/_mock/namespaces/job-1")

    assert response.status_code == 404
    assert response.json == error("invalid_request", "not_found", "No namespace is named 'job-1'.")


def test_the_default_namespace_cannot_be_dropped(client: FlaskClient) -> None:
    response = client.delete("/_mock/namespaces/default")

    assert response.status_code == 400
    assert response.json == error(
        "validation_error",
        "invalid_namespace",
        "The default namespace cannot be dropped: reset it with POST /_mock/reset.",
        "namespace",
    )


def test_beyond_the_limit_the_least_recently_used_namespace_goes() -> None:
    client = make_app(max_namespaces=2).test_client()
    install_hello(client, headers=named("job-1"))
    install_hello(client, headers=named("job-2"))
    plugin_count(client, headers=named("job-1"))  # job-2 is now the least recently used

    plugin_count(client, headers=named("job-3"))

    assert names(client) == ["default", "job-1", "job-3"]
    assert plugin_count(client, headers=named("job-1")) == DEFAULT_PLUGINS + 1
    assert plugin_count(client, headers=named("job-2")) == DEFAULT_PLUGINS  # from the seed


def test_a_namespace_idle_too_long_is_dropped(app: Flask, fake_time: FakeTime) -> None:
    client = app.test_client()
    install_hello(client, headers=named("idle"))
    install_hello(client, headers=named("busy"))
    fake_time.seconds += 3000
    plugin_count(client, headers=named("busy"))

    fake_time.seconds += 600  # idle for 3600 s, busy for 600 s
    assert names(client) == ["default", "busy"]
    assert plugin_count(client, headers=named("idle")) == DEFAULT_PLUGINS
    assert plugin_count(client, headers=named("busy")) == DEFAULT_PLUGINS + 1


def test_the_idle_time_is_a_setting() -> None:
    app = make_app(namespace_idle_seconds=10)
    fake_time = FakeTime()
    app.extensions[NAMESPACES].now = fake_time
    client = app.test_client()
    install_hello(client, headers=named("job-1"))

    fake_time.seconds += 9
    assert names(client) == ["default", "job-1"]
    fake_time.seconds += 10
    assert names(client) == ["default"]
    assert client.get("/_mock/namespaces").json["namespace_idle_seconds"] == 10


def test_only_the_default_namespace_writes_the_data_file(tmp_path: Path) -> None:
    data = tmp_path / "world.json"
    client = make_app(data=data).test_client()
    install_hello(client, headers=AUTH)
    saved = data.read_bytes()

    install_hello(client, headers=named("job-1"))
    client.post("/_ns/job-1/_mock/reset")

    assert data.read_bytes() == saved
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith(".")) == [
        "world.json"
    ]


def test_a_namespace_starts_from_the_fixtures_the_server_was_given(tmp_path: Path) -> None:
    client = make_app(data=tmp_path / "world.json").test_client()
    install_hello(client, headers=AUTH)  # the default's state, not its seed

    assert plugin_count(client, headers=named("job-1")) == DEFAULT_PLUGINS
