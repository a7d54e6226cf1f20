"""The journal is bounded in bytes as well as in entries, says what it let go, and is read a
page at a time, over HTTP as a test reads it."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog import Settings
from tests.conftest import AUTH, PLUGINS, error, make_app

PAGE_OF_PLUGINS = 5_000  # bytes: three plugins of the default world, about 4 kB, and more


def ids(client: FlaskClient, query: str = "") -> list[int]:
    return [entry["id"] for entry in client.get(f"/_mock/requests?{query}").json["results"]]


def test_the_journal_keeps_no_more_than_its_bytes_and_counts_what_it_evicts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_app(journal_limit=0, journal_bytes=4 * PAGE_OF_PLUGINS).test_client()
    with caplog.at_level(logging.WARNING, logger="mock_posthog"):
        for _ in range(20):
            assert client.get(PLUGINS, headers=AUTH).status_code == 200

    listing = client.get("/_mock/requests").json
    assert 1 <= listing["count"] < 20
    assert listing["evicted"] == 20 - listing["count"]
    assert 0 < listing["bytes"] <= 4 * PAGE_OF_PLUGINS
    assert [entry["id"] for entry in listing["results"]] == list(range(21 - listing["count"], 21))
    warnings = [
        record.getMessage() for record in caplog.records if "journal" in record.getMessage()
    ]
    assert warnings == [
        f"the journal is full ({4 * PAGE_OF_PLUGINS} bytes); the oldest requests are evicted"
        " from now on and GET /_mock/requests counts them"
    ]


def test_the_latest_request_is_kept_whatever_its_size() -> None:
    client = make_app(journal_bytes=10).test_client()
    client.get(PLUGINS, headers=AUTH)
    client.get(PLUGINS + "1/", headers=AUTH)

    listing = client.get("/_mock/requests").json
    assert (listing["count"], listing["evicted"]) == (1, 1)
    assert listing["results"][0]["path"] == PLUGINS + "1/"


def test_the_bound_is_a_setting() -> None:
    assert Settings().journal_bytes == 32 * 1024 * 1024
    assert Settings.from_env({"MOCK_POSTHOG_JOURNAL_BYTES": "1000"}).journal_bytes == 1000


def test_the_journal_is_read_a_page_at_a_time(client: FlaskClient) -> None:
    for offset in range(5):
        client.get(PLUGINS, query_string={"offset": offset}, headers=AUTH)
    client.post(PLUGINS, json={"plugin_type": "source", "name": "Paged"}, headers=AUTH)

    first = client.get("/_mock/requests?limit=2").json
    assert ([entry["id"] for entry in first["results"]], first["next_since"]) == ([1, 2], 2)
    second = client.get("/_mock/requests?limit=2&since=2").json
    assert ([entry["id"] for entry in second["results"]], second["next_since"]) == ([3, 4], 4)
    last = client.get("/_mock/requests?limit=2&since=4").json
    assert ([entry["id"] for entry in last["results"]], last["next_since"]) == ([5, 6], None)
    assert ids(client, "since=6") == []
    assert ids(client, "method=GET&since=3&limit=10") == [4, 5]
    assert ids(client, "method=GET&last=2&limit=1") == [4]
    assert client.get("/_mock/requests?method=GET&last=2&limit=1").json["next_since"] == 4


@pytest.mark.parametrize(
    ("query", "detail", "attr"),
    [
        ("limit=0", "limit must be at least 1.", "limit"),
        ("limit=-1", "limit must be a whole number below 10**9.", "limit"),
        ("since=x", "since must be a whole number below 10**9.", "since"),
    ],
)
def test_a_bad_page_is_refused(client: FlaskClient, query: str, detail: str, attr: str) -> None:
    answer = client.get(f"/_mock/requests?{query}")

    assert (answer.status_code, answer.json) == (
        400,
        error("validation_error", "invalid_input", detail, attr),
    )


@pytest.mark.parametrize("kind", ["array", "object"])
def test_a_body_nested_900_deep_is_journaled_whole(client: FlaskClient, kind: str) -> None:
    """Deeper than the redaction could follow by recursion, shallower than JSON's writers
    refuse: the journal keeps the body as sent, its secret field hidden at the bottom."""
    leaf: Any = {"personal_api_key": "phx_mock_personal_api_key", "kept": "yes"}
    nested = leaf
    for _ in range(900):
        nested = [nested] if kind == "array" else {"a": nested}
    sent = client.post(PLUGINS, json={"name": nested}, headers=AUTH)
    assert sent.status_code == 400

    journaled = client.get("/_mock/requests?last=1")
    assert journaled.status_code == 200
    body = journaled.get_json()["results"][0]["body"]["name"]
    for _ in range(900):
        body = body[0] if kind == "array" else body["a"]
    assert body == {"personal_api_key": "[redacted]", "kept": "yes"}
