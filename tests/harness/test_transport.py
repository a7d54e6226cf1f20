"""Client code pointed at PostHog's hosts reaches the mock unchanged, through requests and
httpx, in-process and live; other hosts are left alone, and the patch ends with its block."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import requests

from mock_posthog import LiveServer, MockPostHog
from tests.conftest import API_KEY, ORG_ID

HEADERS = {"Authorization": f"Bearer {API_KEY}"}
PATH = f"/api/organizations/{ORG_ID}/plugins/"


@pytest.mark.parametrize("host", ["app.posthog.com", "us.posthog.com", "eu.posthog.com"])
def test_requests_to_each_posthog_host_reach_the_in_process_mock(
    posthog_intercept: MockPostHog, host: str
) -> None:
    answer = requests.get(f"https://{host}{PATH}?limit=1", headers=HEADERS, timeout=5)

    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json()["next"] == f"https://{host}{PATH}?limit=1&offset=1"
    posthog_intercept.assert_called("GET", PATH, query={"limit": "1"})


def test_a_session_posting_json_reaches_the_in_process_mock(posthog_intercept: MockPostHog) -> None:
    with requests.Session() as session:
        session.headers.update(HEADERS)
        answer = session.post(
            f"https://us.posthog.com{PATH}", json={"plugin_type": "source", "name": "Sent"}
        )

    assert (answer.status_code, answer.json()["name"]) == (201, "Sent")
    assert posthog_intercept.store.count("plugins") == 4


def test_httpx_sync_and_async_reach_the_in_process_mock(posthog_intercept: MockPostHog) -> None:
    with httpx.Client(headers=HEADERS) as client:
        created = client.post(
            f"https://eu.posthog.com{PATH}", json={"plugin_type": "source", "name": "Sync"}
        )

    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(headers=HEADERS) as client:
            return await client.get(f"https://eu.posthog.com{PATH}{created.json()['id']}/")

    fetched = asyncio.run(fetch())
    assert created.status_code == 201
    assert (fetched.status_code, fetched.json()["name"]) == (200, "Sync")


def test_a_dropped_connection_is_a_connection_error_to_both_clients(
    posthog_intercept: MockPostHog,
) -> None:
    posthog_intercept.faults.add(drop=True)

    with pytest.raises(requests.ConnectionError):
        requests.get(f"https://us.posthog.com{PATH}", headers=HEADERS, timeout=5)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.get(f"https://us.posthog.com{PATH}", headers=HEADERS)


def test_other_hosts_are_left_alone_and_the_patch_ends_with_its_block(
    posthog: MockPostHog,
) -> None:
    with posthog.intercept():
        adapter = requests.Session().get_adapter("https://example.com/")
        assert type(adapter).__name__ == "HTTPAdapter"
        assert type(requests.Session().get_adapter("https://us.posthog.com/")).__name__ == (
            "MockAdapter"
        )
        transport = httpx.Client()._transport_for_url(httpx.URL("https://example.com/"))
        assert type(transport).__name__ == "HTTPTransport"

    assert type(requests.Session().get_adapter("https://us.posthog.com/")).__name__ == (
        "HTTPAdapter"
    )
    assert posthog.journal.entries() == []


def test_requests_and_httpx_reach_the_live_server(posthog_live_intercept: LiveServer) -> None:
    with_requests = requests.get(f"https://app.posthog.com{PATH}", headers=HEADERS, timeout=5)
    with_httpx = httpx.post(
        f"https://us.posthog.com{PATH}",
        headers=HEADERS,
        json={"plugin_type": "source", "name": "Live"},
    )

    assert with_requests.json()["count"] == 3
    assert (with_httpx.status_code, with_httpx.json()["name"]) == (201, "Live")
    assert posthog_live_intercept.call_count(path=PATH) == 2
