"""The inspector's routes through Flask's test client: what the world view hides, what the
page may load, and which requests that change state the control plane refuses."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from mock_posthog.control import ui
from tests.conftest import make_app

SECRETS = ("sk_mock_hello_source_secret", "phx_mock_personal_api_key", "phc_mock_project_api_token")
FOREIGN = "control_request_foreign_origin"


def test_the_world_view_redacts_keys_tokens_and_secret_config_values(client: FlaskClient) -> None:
    answer = client.get("/_mock/ui/world")

    assert answer.status_code == 200
    view = answer.json
    assert [key["value"] for key in view["personal_api_keys"]] == ["[redacted]"]
    assert [project["api_token"] for project in view["projects"]] == ["[redacted]"]
    hello = next(config for config in view["plugin_configs"] if config["id"] == 2)
    assert hello["config"] == {"greeting": "Hello from the mock", "api_secret": "[redacted]"}
    assert [config["order"] for config in view["plugin_configs"]] == [1, 2]
    assert not [secret for secret in SECRETS if secret in answer.get_data(as_text=True)]


def test_the_page_loads_nothing_from_another_host(client: FlaskClient) -> None:
    page = client.get("/_mock/ui/")

    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    links = re.findall(r'(?:src|href|action)="([^"]*)"', page.get_data(as_text=True))
    assert links and all(link.startswith(("/_mock/ui/", "#")) for link in links), links
    for static in Path(ui.STATIC).iterdir():
        text = static.read_text("utf-8")
        assert not re.search(r"https?://|@import|url\(", text), static.name
        assert "innerHTML" not in text and "insertAdjacentHTML" not in text, static.name


def test_the_token_form_shows_nothing_of_the_world() -> None:
    client = make_app(control_token="s3cret-token").test_client()

    form = client.get("/_mock/ui/")
    world = client.get("/_mock/ui/world")

    assert form.status_code == 401
    assert 'name="token"' in form.get_data(as_text=True)
    assert "Mock Organization" not in form.get_data(as_text=True)
    assert world.status_code == 401


def test_a_state_change_naming_another_origin_is_refused_and_changes_nothing(
    client: FlaskClient,
) -> None:
    assert client.post("/_mock/faults", json={"status": 503}).status_code == 201

    reset = client.post("/_mock/reset", headers={"Origin": "http://evil.example"})
    removal = client.delete("/_mock/faults/1", headers={"Referer": "http://localhost:9/page"})
    added = client.post(
        "/_mock/faults", data='{"status": 500}', headers={"Origin": "http://evil.example"}
    )

    assert [answer.status_code for answer in (reset, removal, added)] == [403, 403, 403]
    assert {answer.json["code"] for answer in (reset, removal, added)} == {FOREIGN}
    assert [fault["status"] for fault in client.get("/_mock/faults").json["results"]] == [503]


def test_a_state_change_from_this_origin_or_from_no_browser_is_done(client: FlaskClient) -> None:
    own = client.post("/_mock/faults", json={"status": 503}, headers={"Origin": "http://localhost"})
    curl = client.post("/_mock/faults", json={"status": 504})
    referred = client.delete("/_mock/faults/1", headers={"Referer": "http://localhost/_mock/ui/"})

    assert [own.status_code, curl.status_code, referred.status_code] == [201, 201, 204]
    assert [fault["status"] for fault in client.get("/_mock/faults").json["results"]] == [504]


def test_the_token_form_refuses_a_post_from_another_origin() -> None:
    client = make_app(control_token="s3cret-token").test_client()

    forged = client.post(
        "/_mock/ui/token", data={"token": "s3cret-token"}, headers={"Origin": "http://evil.example"}
    )

    assert (forged.status_code, forged.json["code"]) == (403, FOREIGN)
    assert "Set-Cookie" not in forged.headers


def test_without_a_required_token_the_form_sets_no_cookie(client: FlaskClient) -> None:
    answer = client.post("/_mock/ui/token", data={"token": "anything"})

    assert (answer.status_code, answer.headers["Location"]) == (303, "/_mock/ui/")
    assert "Set-Cookie" not in answer.headers
