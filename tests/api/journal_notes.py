"""What the journal notes of the last request: the pinned tests' way to tell one 500 from
another, since PostHog's generic 500 body never says why."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.conftest import error

SERVER_ERROR = error("server_error", "error", "A server error occurred.")


def last_notes(client: FlaskClient) -> list[str]:
    notes: list[str] = client.get("/_mock/requests?last=1").get_json()["results"][0]["notes"]
    return notes


def assert_500_because(client: FlaskClient, response: Any, why: str) -> None:
    assert (response.status_code, response.json) == (500, SERVER_ERROR)
    assert last_notes(client) == [f"500 because {why}"]
