"""The inspector on a server that requires the control token (bound to 127.0.0.1, with the
token set on purpose, as a server beyond loopback requires it): without the token the page is
a form for it and refuses every action; with it, the token lives in an HttpOnly cookie."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import AUTH, PLUGINS
from tests.ui.browser import sync_api_or_skip

sync_api = sync_api_or_skip()

expect = sync_api.expect
Page = sync_api.Page
TOKEN = "ui-control-token-1234"


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    live = LiveServer.start([f"--control-token={TOKEN}"])
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def page(context: sync_api.BrowserContext, server: LiveServer) -> Iterator[Page]:
    context.clear_cookies()
    server.reset()
    page = context.new_page()
    page.goto(f"{server.base_url}/_mock/ui/")
    yield page
    page.close()


def fetch_status(page: Page, method: str, path: str) -> int:
    """What the server answers a request the page's own script makes."""
    return int(
        page.evaluate(
            "async ([method, path]) => (await fetch(path, {method, headers: "
            "{'Content-Type': 'application/json'}, body: method === 'GET' ? undefined : '{}'}))"
            ".status",
            [method, path],
        )
    )


def give_token(page: Page, token: str) -> None:
    page.fill("input[name=token]", token)
    page.click("button[type=submit]")


def test_without_the_token_the_page_is_a_form_and_refuses_every_action(
    page: Page, server: LiveServer
) -> None:
    expect(page.locator("input[name=token]")).to_be_visible()
    expect(page.locator("#journal")).to_have_count(0)

    assert fetch_status(page, "POST", "/_mock/reset") == 401
    assert fetch_status(page, "POST", "/_mock/faults") == 401
    assert fetch_status(page, "GET", "/_mock/requests") == 401
    assert fetch_status(page, "GET", "/_mock/ui/world") == 401
    assert server.faults.all() == []


def test_a_wrong_token_is_refused(page: Page) -> None:
    give_token(page, "not-the-token")

    expect(page.locator(".message.error")).to_have_text("That is not this server's control token.")
    assert page.context.cookies() == []
    assert fetch_status(page, "GET", "/_mock/requests") == 401


def test_the_token_is_kept_in_an_httponly_strict_cookie_for_the_control_plane(
    page: Page, server: LiveServer
) -> None:
    give_token(page, TOKEN)

    expect(page.locator("#journal")).to_be_visible()
    (cookie,) = page.context.cookies()
    assert (cookie["value"], cookie["path"]) == (TOKEN, "/_mock/")
    assert (cookie["httpOnly"], cookie["sameSite"]) == (True, "Strict")
    assert page.evaluate("document.cookie") == ""

    requests.get(server.base_url + PLUGINS, headers=AUTH, timeout=10)
    expect(page.locator("#journal tbody tr")).to_have_count(1)

    page.click('[data-tab="faults"]')
    page.fill("#fault-form [name=status]", "503")
    page.click("#fault-form button[type=submit]")
    expect(page.locator("#faults tbody tr")).to_have_count(1)
    assert [fault.status for fault in server.faults.all()] == [503]


def test_forgetting_the_token_brings_the_form_back(page: Page) -> None:
    give_token(page, TOKEN)
    expect(page.locator("#journal")).to_be_visible()

    page.click("text=Forget token")

    expect(page.locator("input[name=token]")).to_be_visible()
    assert page.context.cookies() == []
    assert fetch_status(page, "POST", "/_mock/reset") == 401


def test_the_cookie_changes_nothing_unless_the_request_comes_from_the_page(
    server: LiveServer,
) -> None:
    cookie = {"Cookie": f"mock_posthog_control_token={TOKEN}"}
    reset = server.base_url + "/_mock/reset"

    foreign = requests.post(reset, headers={**cookie, "Origin": "http://127.0.0.1:1"}, timeout=10)
    unnamed = requests.post(reset, headers=cookie, timeout=10)
    own = requests.post(reset, headers={**cookie, "Origin": server.base_url}, timeout=10)
    read = requests.get(server.base_url + "/_mock/faults", headers=cookie, timeout=10)

    assert (foreign.status_code, foreign.json()["code"]) == (403, "control_request_foreign_origin")
    assert (unnamed.status_code, unnamed.json()["code"]) == (403, "control_request_foreign_origin")
    assert own.status_code == 200
    assert read.status_code == 200
