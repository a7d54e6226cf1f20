"""The intercepting fixtures as users get them, run by pytest in a subprocess: urllib.request
and http.client reach the mock unchanged, and strict mode fails a test on any request that
does not. Nothing here leaves the machine: the other hosts are refused before a name look-up,
and `.invalid` names never resolve anyway."""

from __future__ import annotations

import pytest

from tests.harness.test_pytest_plugin import run_tests

pytest_plugins = ["pytester"]

INTERCEPTED = """
import http.client, urllib.error, urllib.request

HEADERS = {"Authorization": "Bearer phx_mock_personal_api_key"}

def test_urllib_reaches_the_in_process_mock(posthog_intercept):
    request = urllib.request.Request(f"https://us.posthog.com{PLUGINS}?limit=1", headers=HEADERS)
    with urllib.request.urlopen(request) as answer:
        listed = json.loads(answer.read())
    assert (answer.status, listed["count"]) == (200, 3)
    assert listed["next"] == f"https://us.posthog.com{PLUGINS}?limit=1&offset=1"
    posthog_intercept.assert_called("GET", PLUGINS, query={"limit": "1"})

def test_urllib_sees_the_mocks_refusals_as_http_errors(posthog_intercept):
    request = urllib.request.Request(f"https://eu.posthog.com{PLUGINS}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 401
    assert json.loads(refused.value.read())["code"] == "not_authenticated"

def test_http_client_posts_a_chunked_body_and_reuses_its_connection(posthog_intercept):
    connection = http.client.HTTPSConnection("app.posthog.com")
    chunks = iter([b'{"plugin_type": "source",', b' "name": "Chunked"}'])
    connection.request("POST", PLUGINS, body=chunks, encode_chunked=True,
                       headers={**HEADERS, "Content-Type": "application/json"})
    created = connection.getresponse()
    assert (created.status, json.loads(created.read())["name"]) == (201, "Chunked")
    connection.request("GET", PLUGINS + "4/", headers=HEADERS)
    fetched = connection.getresponse()
    assert (fetched.status, json.loads(fetched.read())["name"]) == (200, "Chunked")
    connection.close()
    assert posthog_intercept.store.count("plugins") == 4

def test_a_dropped_connection_is_remote_disconnected(posthog_intercept):
    posthog_intercept.faults.add(drop=True)
    with pytest.raises(http.client.RemoteDisconnected):
        urllib.request.urlopen(urllib.request.Request(f"https://us.posthog.com{PLUGINS}"))

def test_urllib_reaches_the_live_server(posthog_live_intercept):
    request = urllib.request.Request(f"https://us.posthog.com{PLUGINS}", headers=HEADERS)
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read())["count"] == 3
    posthog_live_intercept.assert_called("GET", PLUGINS, status=200)
"""


def test_urllib_and_http_client_reach_the_mock(pytester: pytest.Pytester) -> None:
    result = run_tests(pytester, "test_intercepted", INTERCEPTED)

    result.assert_outcomes(passed=5)


STRICT = """
import socket, urllib.request

@pytest.mark.posthog_intercept(strict=True)
def test_another_host_fails(posthog_intercept):
    requests.get("https://example.invalid/thing")

@pytest.mark.posthog_intercept(strict=True)
def test_a_refusal_the_code_catches_fails_all_the_same(posthog_intercept):
    try:
        urllib.request.urlopen("http://example.invalid/caught")
    except Exception:
        pass

@pytest.mark.posthog_intercept(strict=True)
def test_a_posthog_host_not_intercepted_fails(posthog_intercept):
    httpx.get("https://us.i.posthog.com/decide/")

@pytest.mark.posthog_intercept(strict=True)
def test_a_socket_to_posthog_that_bypasses_the_mock_fails(posthog_intercept):
    socket.create_connection(("eu.posthog.com", 443))

@pytest.mark.posthog_intercept(strict=True)
def test_requests_that_reach_the_mock_pass(posthog_intercept):
    answer = requests.get(f"https://us.posthog.com{PLUGINS}",
                          headers={"Authorization": "Bearer phx_mock_personal_api_key"})
    assert answer.status_code == 200

@pytest.mark.posthog_intercept(strict=True)
def test_the_live_server_itself_stays_reachable(posthog_live_intercept):
    with urllib.request.urlopen(posthog_live_intercept.url("/_mock/health")) as answer:
        assert answer.status == 200
    assert posthog_live_intercept.get(PLUGINS).status_code == 200
"""


def test_strict_mode_fails_every_request_that_does_not_reach_the_mock(
    pytester: pytest.Pytester,
) -> None:
    result = run_tests(pytester, "test_strict", STRICT)

    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines_random(
        [
            "*UnmockedRequest: mock-posthog strict mode: https://example.invalid/thing was "
            "refused: strict mode lets no request reach a host other than PostHog's",
            "mock-posthog strict mode: http://example.invalid/caught was refused: strict mode "
            "lets no request reach a host other than PostHog's",
            "*UnmockedRequest: mock-posthog strict mode: https://us.i.posthog.com/decide/ did "
            "not reach the mock: us.i.posthog.com is not among the intercepted hosts "
            "(app.posthog.com, us.posthog.com, eu.posthog.com)",
            "*UnmockedRequest: mock-posthog strict mode: a connection to eu.posthog.com:443 did "
            "not reach the mock: only requests, httpx, urllib.request and http.client are "
            "intercepted",
        ]
    )


STRICT_BY_FIXTURE = """
@pytest.fixture(scope="session")
def posthog_intercept_strict():
    return True

def test_strict_for_every_test(posthog_intercept):
    requests.get("http://example.invalid/by-fixture")

@pytest.mark.posthog_intercept(strict=False)
def test_a_marker_turns_it_off(posthog_intercept):
    assert posthog_intercept.transport is not None
"""


def test_a_conftest_fixture_makes_every_test_strict(pytester: pytest.Pytester) -> None:
    result = run_tests(pytester, "test_strict_fixture", STRICT_BY_FIXTURE)

    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*UnmockedRequest: mock-posthog strict mode: http://example.invalid/by-fixture was*"]
    )
