"""Schemathesis against the mock's own OpenAPI document, on a live server on 127.0.0.1.

Positive and negative cases for every operation (schemathesis' examples, coverage and fuzzing
phases), derandomized so that CI is reproducible and bounded in count (`MAX_EXAMPLES` fuzzed
cases per operation and mode) and in time (`DEADLINE` per case, `BUDGET` for the whole step).
Each response must have a documented status, its documented content type, headers and body
schema; a 500 only where the route documents PostHog's own 500s, and never from an
unexpected exception in the server.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from mock_posthog.contract.openapi import document
from mock_posthog.harness.live import LiveServer
from mock_posthog.posthog.api import ROUTES

API_KEY = "phx_mock_personal_api_key"
# A longer hunt: MOCK_POSTHOG_FUZZ_EXAMPLES=500 python -m pytest tests/contract/test_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("MOCK_POSTHOG_FUZZ_EXAMPLES", "15"))
SEED = 20230101
DEADLINE = timedelta(seconds=5)
BUDGET_SECONDS = 120
# Path values of the default world: most generated ids name nothing (a 404), so half of the
# cases aim at what is there instead.
KNOWN = {
    "organization_id": ["00000000-0000-4000-8000-000000000001", "@current"],
    "project_id": ["1", "@current"],
    "id": [1, 2, 3],
    "plugin_config_id": [1, 2],
}
UNEXPECTED = "unexpected error in"  # what the server logs for an exception it did not mean

schema = schemathesis.openapi.from_dict(document(ROUTES))
schema.config.update(headers={"Authorization": f"Bearer {API_KEY}"}, request_timeout=10)
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
    max_examples=MAX_EXAMPLES,
    deterministic=True,
    no_shrink=True,
    database="none",
)
schema.config.seed = SEED


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    if not path_parameters:  # the legacy router's list has no path parameter
        return st.just(path_parameters)
    known = st.fixed_dictionaries({name: st.sampled_from(KNOWN[name]) for name in path_parameters})
    return st.one_of(st.just(path_parameters), known)


@dataclass
class Live:
    served: LiveServer
    session: requests.Session = field(default_factory=requests.Session)
    log_seen: int = 0
    changed: bool = False  # the world may differ from the seeded one

    @property
    def url(self) -> str:
        return self.served.base_url

    def new_log(self) -> str:
        """What the server logged since the last call (paths it logs may not be UTF-8)."""
        with open(self.served.log.fileno(), "rb", closefd=False) as raw:
            raw.seek(self.log_seen)
            data = raw.read()
        self.log_seen += len(data)
        return data.decode("utf-8", "replace")


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    started = time.monotonic()
    with LiveServer.start() as served:
        live = Live(served)
        served_document = live.session.get(f"{live.url}/api/schema/", timeout=10).json()
        del served_document["servers"]
        assert served_document == document(ROUTES), "the server serves another document"
        yield live
        live.log_seen = 0
        log = live.new_log()
    assert UNEXPECTED not in log, log[log.find(UNEXPECTED) :][:4000]
    elapsed = time.monotonic() - started
    if MAX_EXAMPLES <= 15:
        assert elapsed < BUDGET_SECONDS, f"the schemathesis step took {elapsed:.0f} s"


@schema.parametrize()
@settings(deadline=DEADLINE)
def test_every_operation_answers_as_its_document_says(case: Any, live: Live) -> None:
    if live.changed:  # back to the seeded world, so that every case starts from it
        live.session.post(f"{live.url}/_mock/reset", timeout=10).raise_for_status()
    response = case.call(base_url=live.url, session=live.session, timeout=10)
    # A refused request changes nothing (each runs in a transaction); GETs change nothing but
    # the latest tag that check_for_updates refreshes.
    live.changed = response.status_code < 400 and (
        case.method.upper() != "GET" or "check_for_updates" in case.path
    )
    case.validate_response(
        response,
        checks=[
            openapi_checks.status_code_conformance,
            openapi_checks.content_type_conformance,
            openapi_checks.response_headers_conformance,
            openapi_checks.response_schema_conformance,
            openapi_checks.unsupported_method,
            openapi_checks.allow_header_conformance,
        ],
        additional_checks=[_no_unexpected_exception(live)],
    )


def _no_unexpected_exception(live: Live) -> Any:
    """A check: the server logged no exception it did not mean for this request (a documented
    500 is raised on purpose, with its cause in the log)."""

    def no_unexpected_exception(ctx: Any, response: Any, case: Any) -> None:
        log = live.new_log()
        if UNEXPECTED in log:
            raise AssertionError("the server failed unexpectedly:\n" + log[log.index(UNEXPECTED) :])

    return no_unexpected_exception
