"""The inspector in a real browser, against a live server on 127.0.0.1 without a control token:
requests show up in the journal while the page is open, and its forms change the world."""

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
HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def page(context: sync_api.BrowserContext, server: LiveServer) -> Iterator[Page]:
    server.reset()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: answer(dialog, dialogs))
    page.goto(f"{server.base_url}/_mock/ui/")
    expect(page.locator("#clock-badge")).to_contain_text("UTC")
    yield page
    page.close()
    assert dialogs == []  # nothing on the page opened a dialog (an injected alert would)


def answer(dialog: sync_api.Dialog, unexpected: list[str]) -> None:
    """Yes to the page's own question before a reset; any other dialog is noted, and fails."""
    if dialog.message.startswith("Reset the world"):
        dialog.accept()
    else:
        unexpected.append(dialog.message)
        dialog.dismiss()


def api(server: LiveServer, method: str, path: str, **options: object) -> requests.Response:
    return requests.request(method, server.base_url + path, headers=AUTH, timeout=10, **options)


def journal_rows(page: Page) -> sync_api.Locator:
    return page.locator("#journal tbody tr")


def test_requests_appear_in_the_journal_without_a_reload_newest_first(
    page: Page, server: LiveServer
) -> None:
    expect(page.locator("#journal-empty")).to_be_visible()

    api(server, "GET", PLUGINS)
    api(server, "GET", "/api/organizations/@current/plugins/unknown_thing/")

    expect(journal_rows(page)).to_have_count(2)
    expect(journal_rows(page).nth(0)).to_contain_text("/plugins/unknown_thing/")
    expect(journal_rows(page).nth(0)).to_contain_text("404")
    expect(journal_rows(page).nth(1)).to_contain_text("plugins_list")
    expect(journal_rows(page).nth(1).locator(".status")).to_have_text("200")
    expect(journal_rows(page).nth(1).locator(".status")).to_have_class("status s2xx")


def test_an_entry_opens_to_its_request_response_and_note(page: Page, server: LiveServer) -> None:
    answered = api(server, "POST", PLUGINS, json={"name": "no url"})
    assert answered.status_code == 500

    journal_rows(page).first.click()

    entry = page.locator("#entry")
    expect(entry.locator(".notes")).to_contain_text("a non-source plugin needs a `url`")
    expect(entry.locator(".status").first).to_have_text("500")
    expect(entry.locator(".pairs tr", has_text="Authorization")).to_contain_text("[redacted]")
    expect(entry).to_contain_text('"name": "no url"')
    expect(entry).to_contain_text('"detail": "A server error occurred."')
    assert server.api_key not in entry.inner_text()

    response_json = entry.locator(".json").last
    response_json.locator("summary").first.click()
    expect(response_json.locator(".j-body").first).to_be_hidden()
    expect(response_json.locator("summary").first).to_contain_text("4 keys")


def test_form_fields_show_as_form_fields(page: Page, server: LiveServer) -> None:
    api(server, "POST", "/api/projects/1/plugin_configs/", data={"plugin": "1", "enabled": "true"})

    journal_rows(page).first.click()

    expect(page.locator("#entry h4", has_text="Form fields")).to_be_visible()
    expect(page.locator("#entry .pairs tr", has_text="enabled")).to_contain_text("true")


def test_the_journal_filters_by_status_method_route_and_path(
    page: Page, server: LiveServer
) -> None:
    api(server, "GET", PLUGINS)
    api(server, "GET", "/api/organizations/@current/plugins/unknown_thing/")
    api(server, "GET", "/api/projects/1/plugin_configs/")
    expect(journal_rows(page)).to_have_count(3)

    page.fill("#journal-filters [name=status]", "404")
    expect(journal_rows(page)).to_have_count(1)
    expect(journal_rows(page).first).to_contain_text("unknown_thing")

    page.fill("#journal-filters [name=status]", "")
    page.fill("#journal-filters [name=route]", "plugin_configs_list")
    expect(journal_rows(page)).to_have_count(1)
    expect(journal_rows(page).first).to_contain_text("/plugin_configs/")

    page.fill("#journal-filters [name=route]", "")
    page.fill("#journal-filters [name=path]", "/api/organizations/**")
    expect(journal_rows(page)).to_have_count(2)
    page.select_option("#journal-filters [name=method]", "POST")
    expect(journal_rows(page)).to_have_count(0)


def test_a_fault_is_added_and_removed_through_the_form(page: Page, server: LiveServer) -> None:
    page.click('[data-tab="faults"]')
    page.fill("#fault-form [name=route]", "plugins_list")
    page.fill("#fault-form [name=status]", "503")
    page.click("#fault-form button[type=submit]")

    expect(page.locator("#faults tbody tr")).to_have_count(1)
    expect(page.locator("#faults tbody tr")).to_contain_text("plugins_list")
    assert [(fault.route, fault.status) for fault in server.faults.all()] == [("plugins_list", 503)]
    assert api(server, "GET", PLUGINS).status_code == 503

    page.click("#faults tbody tr button")

    expect(page.locator("#faults-empty")).to_be_visible()
    assert server.faults.all() == []
    assert api(server, "GET", PLUGINS).status_code == 200


def test_a_fault_the_server_refuses_shows_why(page: Page, server: LiveServer) -> None:
    page.click('[data-tab="faults"]')
    page.fill("#fault-form [name=route]", "no_such_route")
    page.fill("#fault-form [name=status]", "503")
    page.click("#fault-form button[type=submit]")

    expect(page.locator("#message.error")).to_contain_text("Unknown route 'no_such_route'")
    assert server.faults.all() == []


def test_the_clock_freezes_advances_and_unfreezes(page: Page, server: LiveServer) -> None:
    page.click('[data-tab="clock"]')
    page.fill("#freeze-form [name=at]", "2024-01-01T00:00:00Z")
    page.click("#freeze-form button")

    expect(page.locator("#clock-badge")).to_have_text("2024-01-01 00:00:00 UTC (frozen)")
    assert server.control.call("GET", "/clock") == {"now": "2024-01-01T00:00:00Z", "frozen": True}

    page.fill("#advance-form [name=amount]", "2")
    page.click("#advance-form button")
    expect(page.locator("#clock-now")).to_have_text("2024-01-01 02:00:00 UTC (frozen)")

    page.click("#unfreeze")
    expect(page.locator("#clock-badge")).not_to_contain_text("frozen")
    assert server.control.call("GET", "/clock")["frozen"] is False


def test_a_release_is_published_through_the_form(page: Page, server: LiveServer) -> None:
    url = "https://github.com/PostHog/helloworldplugin"
    page.click('[data-tab="clock"]')
    page.fill("#release-form [name=url]", url)
    page.fill("#release-form [name=tag]", "v9.9.9")
    page.click("#release-form button")

    expect(page.locator("#archives tbody tr", has_text=url)).to_contain_text("v9.9.9")
    (archive,) = [a for a in server.control.call("GET", "/upstream")["archives"] if a["url"] == url]
    assert archive["latest_tag"] == "v9.9.9"


def test_the_world_shows_its_tables_with_keys_redacted(page: Page, server: LiveServer) -> None:
    page.click('[data-tab="world"]')

    plugins = page.locator('[data-table="Plugins"] tbody tr')
    expect(plugins).to_have_count(3)
    expect(page.locator('[data-table="Plugin configs"] tbody tr').first).to_contain_text("enabled")
    keys = page.locator('[data-table="Personal API keys"] tbody tr')
    expect(keys).to_contain_text("[redacted]")
    assert server.api_key not in page.locator("#world-tables").inner_text()

    plugins.first.locator("button").click()
    expect(page.locator('[data-table="Plugins"] .json-row')).to_contain_text('"name": "GeoIP"')


def test_the_world_shows_a_disabled_config_and_its_activity(page: Page, server: LiveServer) -> None:
    changed = api(server, "PATCH", "/api/projects/1/plugin_configs/1/", json={"enabled": False})
    assert changed.status_code == 200

    page.click('[data-tab="world"]')

    configs = page.locator('[data-table="Plugin configs"] tbody tr')
    expect(configs.nth(0)).to_contain_text("disabled")
    expect(configs.nth(1)).to_contain_text("enabled")
    activity = page.locator('[data-table="Recent activity"] tbody tr')
    expect(activity).to_have_count(1)
    expect(activity).to_contain_text("PluginConfig")
    expect(activity).to_contain_text("disabled")
    expect(activity).to_contain_text("mock.user@example.com")


def test_a_hostile_plugin_name_shows_as_text(page: Page, server: LiveServer) -> None:
    created = api(server, "POST", PLUGINS, json={"plugin_type": "source", "name": HOSTILE})
    assert created.status_code == 201
    scripts = page.locator("script").count()

    page.click('[data-tab="world"]')
    expect(page.locator('[data-table="Plugins"] td', has_text=HOSTILE)).to_have_text(HOSTILE)
    page.click('[data-tab="journal"]')
    journal_rows(page).first.click()
    expect(page.locator("#entry")).to_contain_text(HOSTILE)

    assert page.locator("script").count() == scripts


def test_reset_brings_back_the_seed_world(page: Page, server: LiveServer) -> None:
    assert api(server, "DELETE", f"{PLUGINS}3/").status_code == 204
    assert api(server, "GET", PLUGINS).json()["count"] == 2
    page.click("#reset")

    expect(page.locator("#message")).to_have_text("World reset.")
    assert api(server, "GET", PLUGINS).json()["count"] == 3


def test_with_only_the_default_namespace_there_is_no_namespace_picker(page: Page) -> None:
    expect(page.locator("#journal-count")).to_contain_text("request")
    expect(page.locator("#namespace-picker")).to_be_hidden()


def test_the_picker_lists_the_namespaces_and_shows_the_one_picked(
    context: sync_api.BrowserContext, server: LiveServer
) -> None:
    in_team_b = {**AUTH, "X-Mock-PostHog-Namespace": "team-b"}
    for namespace in ("team-a", "team-b"):
        started = requests.get(
            server.base_url + "/_mock/health",
            headers={"X-Mock-PostHog-Namespace": namespace},
            timeout=10,
        )
        assert started.status_code == 200
    assert requests.delete(f"{server.base_url}{PLUGINS}3/", headers=in_team_b, timeout=10).ok
    page = context.new_page()
    page.goto(f"{server.base_url}/_mock/ui/")

    expect(page.locator("#namespace-picker")).to_be_visible()
    expect(page.locator("#namespace option")).to_have_text(["default", "team-a", "team-b"])
    with page.expect_request(
        lambda request: (
            "/_mock/requests" in request.url
            and request.headers.get("x-mock-posthog-namespace") == "team-b"
        )
    ):
        page.select_option("#namespace", "team-b")
    expect(journal_rows(page).first).to_contain_text("DELETE")
    page.close()
    for namespace in ("team-a", "team-b"):
        assert requests.delete(f"{server.base_url}/_mock/namespaces/{namespace}", timeout=10).ok
