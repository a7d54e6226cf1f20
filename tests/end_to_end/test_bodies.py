"""Request bodies over a real socket, where the server hands the app a body it reads as it
arrives and says it ends the input itself: a body with a Content-Length and a chunked one are
read whole, and one over the limit is refused in PostHog's envelope either way, a declared
length over it before a byte of the body is read. The same while a fault's latency is set
elsewhere, when the server reads each body first and answers on a thread of its own."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import AUTH, error

BODY_LIMIT = 4096
CONFIGS = "/api/projects/1/plugin_configs/"
JSON = {**AUTH, "Content-Type": "application/json"}
TOO_LARGE = error(
    "invalid_request", "request_too_large", f"Request body exceeds the limit of {BODY_LIMIT} bytes."
)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer.start(env={"MOCK_POSTHOG_MAX_BODY_BYTES": str(BODY_LIMIT)}) as served:
        yield served


@pytest.fixture(params=["no latency", "latency elsewhere"])
def latency(server: LiveServer, request: pytest.FixtureRequest) -> Iterator[None]:
    """No fault, or a minute of latency on a route these tests do not call."""
    if request.param == "latency elsewhere":
        server.control.call("POST", "/faults", {"route": "plugins_list", "latency_ms": 60_000})
    yield
    server.control.call("DELETE", "/faults")


def chunks(body: bytes) -> Iterator[bytes]:
    """A body requests sends chunked: it cannot know the length of a generator."""
    for start in range(0, len(body), 7):
        yield body[start : start + 7]


def last_journal_body(server: LiveServer) -> object:
    journal = requests.get(f"{server.base_url}/_mock/requests?last=1", timeout=5).json()
    return journal["results"][0]["body"]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.usefixtures("latency")
def test_a_body_is_read_whole(server: LiveServer, chunked: bool) -> None:
    sent = {"plugin": 2, "order": 7, "enabled": False}
    raw = json.dumps(sent).encode()

    response = requests.post(
        server.base_url + CONFIGS, data=chunks(raw) if chunked else raw, headers=JSON, timeout=5
    )

    assert response.status_code == 201
    assert (response.json()["plugin"], response.json()["order"]) == (2, 7)
    assert last_journal_body(server) == sent


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.usefixtures("latency")
def test_a_body_of_exactly_the_limit_is_read(server: LiveServer, chunked: bool) -> None:
    start, end = b'{"plugin": 2, "order": 1, "pad": "', b'"}'
    raw = start + b"x" * (BODY_LIMIT - len(start) - len(end)) + end
    assert len(raw) == BODY_LIMIT

    response = requests.post(
        server.base_url + CONFIGS, data=chunks(raw) if chunked else raw, headers=JSON, timeout=5
    )

    assert response.status_code == 201


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.usefixtures("latency")
def test_a_body_over_the_limit_is_413(server: LiveServer, chunked: bool) -> None:
    raw = b'{"plugin": 2, "order": 1, "pad": "' + b"x" * BODY_LIMIT + b'"}'

    response = requests.post(
        server.base_url + CONFIGS, data=chunks(raw) if chunked else raw, headers=JSON, timeout=5
    )

    assert (response.status_code, response.json()) == (413, TOO_LARGE)


@pytest.mark.parametrize("path", [CONFIGS, "/_mock/snapshot"], ids=["api", "control-plane"])
@pytest.mark.usefixtures("latency")
def test_a_declared_length_over_the_limit_is_413_before_the_body_is_sent(
    server: LiveServer, path: str
) -> None:
    """Headers announcing a huge body, and no body: the 413 comes without waiting for it."""
    host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        "Content-Length: 300000000\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(head.encode())
        answer = http.client.HTTPResponse(connection)
        answer.begin()
        body = answer.read()

    assert answer.status == 413
    assert json.loads(body) == TOO_LARGE
