"""The request journal: what it records, what it hides, its bound, its routes, and the
messages of the assertions built on it."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from mock_posthog import MockPostHog
from tests.conftest import API_KEY, AUTH, CONFIGS, ORG_ID, PLUGINS, make_app


def test_an_entry_holds_the_request_the_answer_and_the_notes(posthog: MockPostHog) -> None:
    posthog.clock.freeze(posthog.clock.now().replace(year=2024, month=5, day=1, hour=12))
    posthog.post(PLUGINS + "?source=test", json={"url": "not a plugin url"})

    entry = posthog.journal.entries()[0]
    assert entry.id == 1
    assert entry.time.startswith("2024-05-01T12:")
    assert entry.method == "POST"
    assert entry.path == PLUGINS
    assert entry.route == "plugins_create"
    assert entry.query == {"source": "test"}
    assert entry.body == {"url": "not a plugin url"}
    assert entry.status == 500
    assert entry.response == {
        "type": "server_error",
        "code": "error",
        "detail": "A server error occurred.",
        "attr": None,
    }
    assert entry.response_headers["Content-Type"] == "application/json"
    assert entry.notes == [
        "500 because 'not a plugin url' is not a GitHub, GitLab or npm URL: "
        "Must be a GitHub/GitLab repository or npm package URL!"
    ]
    assert entry.duration_ms >= 0


def test_each_entry_holds_the_headers_its_own_request_sent(posthog: MockPostHog) -> None:
    posthog.get(PLUGINS, headers={"X-Trace": "first"})
    posthog.get(PLUGINS)
    posthog.get(PLUGINS, headers={"X-Trace": "third", "X-Other": "also"})

    sent = [
        {name: value for name, value in entry.headers.items() if name.startswith("X-")}
        for entry in posthog.journal.entries()
    ]
    assert sent == [{"X-Trace": "first"}, {}, {"X-Trace": "third", "X-Other": "also"}]


def test_requests_outside_the_api_are_not_journaled(posthog: MockPostHog) -> None:
    posthog.get("/_mock/health")
    posthog.get("/favicon.ico")
    posthog.get("/api/no/such/endpoint/")

    assert [(entry.path, entry.route, entry.status) for entry in posthog.journal.entries()] == [
        ("/api/no/such/endpoint/", None, 404)
    ]


def test_api_keys_are_redacted_wherever_they_were_sent(posthog: MockPostHog) -> None:
    posthog.get(PLUGINS)
    posthog.get(PLUGINS, query={"personal_api_key": API_KEY}, api_key=None)
    posthog.post(PLUGINS, json={"personal_api_key": API_KEY, "plugin_type": "source"}, api_key=None)

    header, query, body = posthog.journal.entries()
    assert header.headers["Authorization"] == "[redacted]"
    assert query.query == {"personal_api_key": "[redacted]"}
    assert body.body == {"personal_api_key": "[redacted]", "plugin_type": "source"}
    everything = repr([entry.as_dict() for entry in posthog.journal.entries()])
    assert API_KEY not in everything


def test_secret_config_values_are_redacted_in_json_and_form_bodies(posthog: MockPostHog) -> None:
    # Plugin 3 of the default world marks `api_secret` secret.
    config = {"api_secret": "s3cret-value", "greeting": "hi"}
    posthog.post(CONFIGS, json={"plugin": 3, "order": 1, "config": config})
    posthog.post(CONFIGS, data={"plugin": "3", "order": "1", "config": json.dumps(config)})

    json_entry, form_entry = posthog.journal.entries()
    assert json_entry.body["config"] == {"api_secret": "[redacted]", "greeting": "hi"}
    assert json.loads(form_entry.body["config"]) == {"api_secret": "[redacted]", "greeting": "hi"}
    assert "s3cret-value" not in repr([entry.as_dict() for entry in posthog.journal.entries()])


def test_a_secret_the_world_held_between_two_requests_stays_hidden(posthog: MockPostHog) -> None:
    # Written and overwritten with no request in between, the first value was never in a
    # world that answered a request; the config's secret field held it all the same.
    with posthog.store.transaction():
        posthog.store.update("plugin_configs", 2, {"config": {"api_secret": "first-secret"}})
        posthog.store.update("plugin_configs", 2, {"config": {"api_secret": "second-secret"}})
    posthog.get(PLUGINS, query={"search": "first-secret"})

    (entry,) = posthog.journal.entries()
    assert entry.query == {"search": "[redacted]"}


def test_in_server_mode_the_journal_keeps_the_latest_and_counts_the_rest() -> None:
    client = make_app(journal_limit=3).test_client()
    for offset in range(5):
        client.get(PLUGINS, query_string={"offset": offset}, headers=AUTH)

    listing = client.get("/_mock/requests").json
    assert listing["count"] == 3
    assert listing["evicted"] == 2
    assert [entry["query"] for entry in listing["results"]] == [
        {"offset": "2"},
        {"offset": "3"},
        {"offset": "4"},
    ]
    assert [entry["id"] for entry in listing["results"]] == [3, 4, 5]


@pytest.fixture
def journaled(client: FlaskClient) -> FlaskClient:
    client.get(PLUGINS, headers=AUTH)
    client.get(PLUGINS + "2/", headers=AUTH)
    client.post(PLUGINS, json={"plugin_type": "source", "name": "Mine"}, headers=AUTH)
    client.delete(PLUGINS + "2/")
    return client


def test_the_journal_route_filters_by_method_path_route_status_and_last(
    journaled: FlaskClient,
) -> None:
    def found(query: str) -> list[tuple[str, str, int]]:
        results = journaled.get(f"/_mock/requests?{query}").json["results"]
        return [(entry["method"], entry["path"], entry["status"]) for entry in results]

    assert found("method=POST") == [("POST", PLUGINS, 201)]
    assert found(f"path=/api/organizations/{ORG_ID}/plugins/*") == [
        ("GET", PLUGINS + "2/", 200),
        ("DELETE", PLUGINS + "2/", 401),
    ]
    assert found("route=plugins_list") == [("GET", PLUGINS, 200)]
    assert found("status=401") == [("DELETE", PLUGINS + "2/", 401)]
    assert found("last=1") == [("DELETE", PLUGINS + "2/", 401)]
    assert journaled.get("/_mock/requests?status=abc").status_code == 400


def test_deleting_the_journal_empties_it_and_so_does_a_reset(journaled: FlaskClient) -> None:
    assert journaled.delete("/_mock/requests").status_code == 204
    assert journaled.get("/_mock/requests").json == {
        "count": 0,
        "evicted": 0,
        "bytes": 0,
        "next_since": None,
        "results": [],
    }

    journaled.get(PLUGINS, headers=AUTH)
    journaled.post("/_mock/reset")
    assert journaled.get("/_mock/requests").json["count"] == 0


def test_assertions_count_and_match_on_route_status_query_and_body(posthog: MockPostHog) -> None:
    posthog.get(PLUGINS, query={"limit": 1})
    posthog.get(PLUGINS, query={"limit": 1, "offset": 1})
    created = posthog.post(PLUGINS, json={"plugin_type": "source", "name": "Mine"})

    assert posthog.call_count("GET", PLUGINS) == 2
    assert posthog.call_count("GET", "/api/organizations/{organization_id}/plugins") == 2
    assert posthog.call_count(route="plugins_list", query={"offset": 1}) == 1
    assert posthog.call_count("GET", PLUGINS + "?limit=1") == 2
    entry = posthog.assert_called("POST", PLUGINS, status=201, body={"name": "Mine"}, times=1)
    assert entry.response["id"] == created.json["id"]
    posthog.assert_not_called("DELETE")


def test_a_failed_assert_called_lists_the_nearest_requests(posthog: MockPostHog) -> None:
    posthog.get(PLUGINS)
    posthog.post(PLUGINS, json={"plugin_type": "source"}, api_key="phx_wrong")
    posthog.get("/api/projects/1/dashboards/")

    with pytest.raises(AssertionError) as failure:
        posthog.assert_called("POST", PLUGINS, status=201)

    assert str(failure.value) == (
        f"Expected a call to POST {PLUGINS} status=201, but none was made.\n"
        "3 request(s) were made; the nearest:\n"
        f"  #2 POST {PLUGINS} -> 401 'Personal API key found in request Authorization "
        "header is invalid.' [plugins_create]\n"
        f"  #1 GET {PLUGINS} -> 200 [plugins_list]\n"
        "  #3 GET /api/projects/1/dashboards/ -> 404 'Endpoint not found.'\n"
        "      note: mock-posthog emulates PostHog's plugins and plugin configs API, and"
        " GET /api/projects/1/dashboards/ is not part of it"
    )


def test_a_failed_assertion_on_no_requests_says_so(posthog: MockPostHog) -> None:
    with pytest.raises(AssertionError, match=r"but none was made.\nNo requests were made.$"):
        posthog.assert_called("GET", PLUGINS)


def test_a_failed_times_or_not_called_assertion_lists_the_calls(posthog: MockPostHog) -> None:
    posthog.get(PLUGINS)
    posthog.get(PLUGINS)

    with pytest.raises(AssertionError, match=r"Expected 3 call\(s\) to GET .* but 2 matching"):
        posthog.assert_called("GET", PLUGINS, times=3)
    with pytest.raises(AssertionError) as failure:
        posthog.assert_not_called("GET", PLUGINS)
    assert str(failure.value) == (
        f"Expected no call to GET {PLUGINS}, but 2 were made:\n"
        f"  #1 GET {PLUGINS} -> 200 [plugins_list]\n"
        f"  #2 GET {PLUGINS} -> 200 [plugins_list]"
    )


# Notes on what the mock cannot answer, read over HTTP as a user would.

SCOPE = "mock-posthog emulates PostHog's plugins and plugin configs API"


def only_note(client: FlaskClient) -> str:
    [entry] = client.get("/_mock/requests").json["results"]
    [note] = entry["notes"]
    return str(note)


@pytest.mark.parametrize(
    ("path", "note"),
    [
        (
            "/api/projects/1/events/",
            f"{SCOPE}, and GET /api/projects/1/events/ is not part of it",
        ),
        (
            "/api/projects/1/plugin_config/",
            f"{SCOPE}, and GET /api/projects/1/plugin_config/ is not part of it; the nearest"
            " emulated route is /api/projects/{project_id}/plugin_configs/",
        ),
        (
            "/api/organizations/@current/plugins/1/sources/",
            f"{SCOPE}, and GET /api/organizations/@current/plugins/1/sources/ is not part of"
            " it; the nearest emulated route is"
            " /api/organizations/{organization_id}/plugins/{id}/source/",
        ),
    ],
)
def test_a_path_no_route_serves_says_why_in_the_journal_and_the_log(
    client: FlaskClient, caplog: pytest.LogCaptureFixture, path: str, note: str
) -> None:
    with caplog.at_level("INFO", logger="mock_posthog"):
        answer = client.get(path, headers=AUTH)

    assert (answer.status_code, answer.json) == (
        404,
        {
            "type": "invalid_request",
            "code": "not_found",
            "detail": "Endpoint not found.",
            "attr": None,
        },
    )
    assert only_note(client) == note
    assert [record.getMessage() for record in caplog.records if SCOPE in record.getMessage()] == [
        f"note: {note}"
    ]


def test_the_openapi_document_has_no_such_note(client: FlaskClient) -> None:
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/_mock/requests").json["results"][0]["notes"] == []


@pytest.mark.parametrize(
    ("headers", "note"),
    [
        (
            {"Authorization": API_KEY},
            "the Authorization header does not start with `Bearer` and a space, so PostHog reads"
            " no key from it; send the personal API key as a bearer token",
        ),
        (
            {"Authorization": f"Token {API_KEY}"},
            "the Authorization header does not start with `Bearer` and a space, so PostHog reads"
            " no key from it; send the personal API key as a bearer token",
        ),
        (
            {"Authorization": "Bearer phc_project_api_token_of_project_1"},
            "the key is a project API token (phc_...), which PostHog takes only where events"
            " are captured; its REST API wants a personal API key (phx_...)",
        ),
    ],
)
def test_a_401_says_what_was_wrong_with_the_key(
    client: FlaskClient, headers: dict[str, str], note: str
) -> None:
    answer = client.get(PLUGINS, headers=headers)

    assert answer.status_code == 401
    assert only_note(client) == note


def test_a_401_without_any_key_has_no_note(client: FlaskClient) -> None:
    assert client.get(PLUGINS).status_code == 401
    assert client.get("/_mock/requests").json["results"][0]["notes"] == []
