"""Odd input to the control plane: each is a 400 in its error shape, or handled, never a 500.
The cases found by hand, then a bounded fuzz over every control route."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import AUTH, CONFIGS, error, make_app

RANGE = "The clock runs from 0001-01-02T00:00:00Z to 9999-12-31T00:00:00Z."
DEEP = "[" * 50_000 + "]" * 50_000
STORE_DEEP = '{"plugin_config_id": 1, "message": ' + "[" * 300 + "]" * 300 + "}"
SURROGATE = '{"plugin_config_id": 1, "message": "\\ud800"}'


@pytest.mark.parametrize(
    ("query", "detail", "attr"),
    [
        ("last=²", "last must be a whole number below 10**9.", "last"),
        ("last=" + "9" * 5000, "last must be a whole number below 10**9.", "last"),
        ("status=" + "4" * 5000, "status must be a whole number below 10**9.", "status"),
        ("last=٣", "last must be a whole number below 10**9.", "last"),
    ],
)
def test_odd_numbers_in_the_journal_query_are_refused(
    client: FlaskClient, query: str, detail: str, attr: str
) -> None:
    answer = client.get(f"/_mock/requests?{query}")

    assert (answer.status_code, answer.json) == (
        400,
        error("validation_error", "invalid_input", detail, attr),
    )


@pytest.mark.parametrize(
    ("route", "body", "attr"),
    [
        ("advance", {"days": 1e9}, "days"),
        ("advance", {"seconds": 10**400}, "seconds"),
        ("advance", {"days": 3_000_000}, "days"),
        ("freeze", {"at": "0001-01-01T00:00:00Z"}, "at"),
        ("freeze", {"at": "0001-01-01T00:00:00+01:00"}, "at"),
        ("freeze", {"at": "9999-12-31T23:59:59-01:00"}, "at"),
    ],
)
def test_a_clock_off_the_calendar_is_refused_and_left_alone(
    client: FlaskClient, route: str, body: dict[str, Any], attr: str
) -> None:
    before = client.get("/_mock/clock").json

    answer = client.post(f"/_mock/clock/{route}", json=body)

    assert (answer.status_code, answer.json) == (
        400,
        error("validation_error", "invalid_input", RANGE, attr),
    )
    assert client.get("/_mock/clock").json["frozen"] is before["frozen"]


def test_nan_is_not_json(client: FlaskClient) -> None:
    answer = client.post(
        "/_mock/clock/advance", data='{"days": NaN}', content_type="application/json"
    )

    assert (answer.status_code, answer.json) == (
        400,
        error("validation_error", "invalid_input", "The body must be a JSON object.", None),
    )


def test_the_earliest_clock_still_lists_configs(client: FlaskClient) -> None:
    frozen = client.post("/_mock/clock/freeze", json={"at": "0001-01-02T00:00:00Z"})
    assert frozen.json == {"now": "0001-01-02T00:00:00Z", "frozen": True}

    answer = client.get(CONFIGS, headers=AUTH)

    assert answer.status_code == 200
    assert answer.json["count"] == 2


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/_mock/snapshot", DEEP),
        ("/_mock/plugin_log_entries", DEEP),
        ("/_mock/faults", DEEP),
        ("/_mock/clock/freeze", DEEP),
        ("/_mock/upstream/repository", DEEP),
    ],
)
def test_json_nested_past_what_python_follows_is_a_400(
    client: FlaskClient, path: str, body: str
) -> None:
    method = client.put if path.endswith("repository") else client.post

    answer = method(path, data=body, content_type="application/json")

    assert answer.status_code == 400


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        (
            "/_mock/plugin_log_entries",
            SURROGATE,
            "The body cannot be stored: str is not valid UTF-8: surrogates not allowed.",
        ),
        (
            "/_mock/faults",
            '{"status": 500, "detail": "\\udfff"}',
            "The body cannot be stored: str is not valid UTF-8: surrogates not allowed.",
        ),
        (
            "/_mock/plugin_log_entries",
            STORE_DEEP,
            "The body cannot be stored: Recursion limit reached.",
        ),
        (
            "/_mock/snapshot",
            json.dumps({"plugins": [], "organizations": [{"name": "\ud800"}]}),
            "The body cannot be stored: str is not valid UTF-8: surrogates not allowed.",
        ),
    ],
)
def test_json_the_store_cannot_keep_is_a_400_and_nothing_is_kept(
    client: FlaskClient, path: str, body: str, detail: str
) -> None:
    before = client.get("/_mock/snapshot").json

    answer = client.post(path, data=body, content_type="application/json")

    assert (answer.status_code, answer.json) == (
        400,
        error("validation_error", "invalid_input", detail, None),
    )
    assert client.get("/_mock/snapshot").json == before
    assert client.get("/_mock/faults").json == {"results": []}


# A bounded fuzz over every control route.

FUZZ_APP: Flask = make_app()
ROUTES = sorted(
    (rule.rule, method)
    for rule in FUZZ_APP.url_map.iter_rules()
    if rule.rule.startswith("/_mock/")
    for method in sorted(rule.methods or ())
    if method not in ("HEAD", "OPTIONS")
)
QUERY_NAMES = ["last", "status", "method", "path", "route", "of", "redacted", "limit", "since"]
TEXT = (
    st.text(
        st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from(["²", "٣", "*"]),
        max_size=12,
    )
    | st.integers().map(str)
    | st.just("9" * 5000)
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.sampled_from(
    [
        "at",
        "days",
        "seconds",
        "seed",
        "status",
        "latency_ms",
        "path",
        "route",
        "url",
        "tag",
        "files",
        "enabled",
        "rates",
        "successes",
        "failures",
        "plugin_config_id",
        "message",
        "unreachable",
        "plugins",
        "organizations",
        "sequences",
    ]
)
BODIES = (
    st.dictionaries(FIELDS, JSON, max_size=4).map(json.dumps)
    | JSON.map(json.dumps)
    | st.sampled_from([DEEP, SURROGATE, STORE_DEEP, '{"days": NaN}', "not json", ""])
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    route=st.sampled_from(ROUTES),
    number=st.sampled_from(["1", "2", "999999999999999999999"]),
    query=st.dictionaries(st.sampled_from(QUERY_NAMES), TEXT, max_size=3),
    body=BODIES,
)
def test_no_control_route_answers_500(
    route: tuple[str, str], number: str, query: dict[str, str], body: str
) -> None:
    rule, method = route
    path = re.sub(r"<(?:int:)?\w+>", number, rule)
    with FUZZ_APP.test_client() as client:
        answer = client.open(
            path, method=method, query_string=query, data=body, content_type="application/json"
        )
        client.delete("/_mock/faults")

    assert answer.status_code < 500, (method, path, query, body[:200], answer.get_data()[:300])
    if answer.status_code >= 400 and answer.is_json:
        shape = set(answer.json)
        assert shape in ({"type", "code", "detail", "attr"}, {"error"}), answer.json
