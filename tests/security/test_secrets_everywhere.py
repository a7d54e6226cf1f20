"""Each kind of secret sent in each place a request has (path, query, headers, JSON body, form
fields) and brought back in a response (a `next` link): none of them is anywhere in the
journal (GET /_mock/requests), the log (pytest's caplog in-process; a real server's stderr) or
the export for sharing (GET /_mock/snapshot?redacted=1).

The secrets: personal API keys (the world's and a wrong one), project API tokens (the world's
and another), GitHub and GitLab private tokens, and secret config values (stored in the world,
and sent anew)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from mock_posthog.harness.live import LiveServer
from tests.conftest import API_KEY, CONFIGS, ORG_ID

STORED_SECRET = "sk_mock_hello_source_secret"  # plugin config 2's api_secret in the default world
SECRETS = {
    "the world's key": API_KEY,
    "a wrong key": "phx_wrong_key_sent_everywhere_1",
    "the world's project token": "phc_mock_project_api_token",
    "another project token": "phc_other_project_token_2",
    "a GitHub private token": "ghp_github_private_token_3",
    "a GitLab private token": "glpat-gitlab_private_token_4",
    "a stored secret config value": STORED_SECRET,
    "a secret config value sent anew": "new-secret-config-value-5",
}
KEYS_AND_TOKENS = [name for name in SECRETS if "config" not in name]
PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"
Send = Callable[..., int]  # (method, path, params=, headers=, json=, data=) -> status


def send_every_secret_everywhere(send: Send) -> list[int]:
    bearer = {"Authorization": f"Bearer {API_KEY}"}
    statuses = []
    for name in KEYS_AND_TOKENS:
        secret = SECRETS[name]
        statuses += [
            send("GET", f"/api/projects/{secret}/plugin_configs/", headers=bearer),
            send("GET", PLUGINS + secret + "/", headers=bearer),
            send("GET", PLUGINS, params={"personal_api_key": secret, "limit": "1"}),
            send("GET", PLUGINS, headers=bearer, params={"private_token": secret}),
            send("GET", PLUGINS, headers=bearer, params={"token": secret, "api_key": secret}),
            send("GET", PLUGINS, headers=bearer, params={"search": secret}),
            send("GET", PLUGINS, headers={"Authorization": f"Bearer {secret}"}),
            send("GET", PLUGINS, headers={"Authorization": secret}),
            send("GET", PLUGINS, headers={**bearer, "X-Api-Key": secret}),
            send("GET", PLUGINS, headers={**bearer, "X-Private-Token": secret}),
            send("GET", PLUGINS, headers={**bearer, "Cookie": f"session={secret}"}),
            send("GET", PLUGINS, headers={**bearer, "X-Debug": secret}),
            send("POST", PLUGINS, json={"personal_api_key": secret, "plugin_type": "source"}),
            send("POST", PLUGINS, data={"personal_api_key": secret, "plugin_type": "source"}),
            send(
                "POST",
                PLUGINS,
                headers=bearer,
                json={"url": f"https://github.com/a/b?private_token={secret}"},
            ),
            send("POST", PLUGINS, headers=bearer, data={"url": f"x?private_token={secret}"}),
            send("POST", PLUGINS, headers=bearer, json={"name": {"nested": [secret]}}),
            send("POST", PLUGINS, headers=bearer, data={"token": secret, "api_key": secret}),
        ]
    for name in ("a stored secret config value", "a secret config value sent anew"):
        secret = SECRETS[name]
        config = json.dumps({"api_secret": secret})
        statuses += [
            send("PATCH", CONFIGS + "2/", headers=bearer, json={"config": {"api_secret": secret}}),
            send("PATCH", CONFIGS + "2/", headers=bearer, data={"config": config}),
            send("PATCH", CONFIGS + "2/", headers=bearer, data={"config": config[:-2]}),
        ]
    # Once stored, a secret config value is a secret the world holds, wherever it is sent.
    for secret in (STORED_SECRET, SECRETS["a secret config value sent anew"]):
        statuses += [
            send("GET", CONFIGS + secret + "/", headers=bearer),
            send("GET", CONFIGS, headers=bearer, params={"search": secret}),
            send("GET", CONFIGS, headers={**bearer, "X-Debug": secret}),
        ]
    return statuses


def leaked(text: str) -> list[str]:
    return [name for name, secret in SECRETS.items() if secret in text]


def test_no_secret_in_the_journal_the_log_or_the_redacted_snapshot(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    def send(method: str, path: str, params: Any = None, **body: Any) -> int:
        return client.open(path, method=method, query_string=params, **body).status_code

    with caplog.at_level(logging.DEBUG):
        statuses = send_every_secret_everywhere(send)
        journal = client.get("/_mock/requests")
        shared = client.get("/_mock/snapshot?redacted=1")

    assert 500 not in statuses[:3]
    assert journal.json["count"] == len(statuses)
    assert "[redacted]" in journal.text
    assert shared.status_code == 200
    assert {
        "journal": leaked(journal.text),
        "log": leaked(caplog.text),
        "redacted snapshot": leaked(shared.text),
    } == {"journal": [], "log": [], "redacted snapshot": []}
    # And the export without `redacted` is the world as it is, secrets and all.
    assert STORED_SECRET not in client.get("/_mock/snapshot").text  # replaced by the PATCHes
    assert SECRETS["a secret config value sent anew"] in client.get("/_mock/snapshot").text


def test_a_next_link_carries_no_key(client: FlaskClient) -> None:
    client.get(PLUGINS, query_string={"personal_api_key": API_KEY, "limit": "1"})

    [entry] = client.get("/_mock/requests").json["results"]
    assert entry["response"]["next"] == (
        f"http://localhost{PLUGINS}?limit=1&offset=1&personal_api_key=[redacted]"
    )


def test_the_redacted_snapshot_hides_keys_tokens_and_secret_values(client: FlaskClient) -> None:
    shared = client.get("/_mock/snapshot?redacted=1").json

    assert [key["value"] for key in shared["personal_api_keys"]] == ["[redacted]"]
    assert shared["projects"][0]["api_token"] == "[redacted]"
    assert shared["plugin_configs"][1]["config"]["api_secret"] == "[redacted]"
    assert client.get("/_mock/snapshot?redacted=maybe").json["attr"] == "redacted"


def test_a_real_server_writes_no_secret_to_stderr() -> None:
    with LiveServer.start(
        ["--journal-limit", "1000"], env={"MOCK_POSTHOG_LOG_LEVEL": "DEBUG"}
    ) as server:
        session = requests.Session()

        def send(method: str, path: str, **kwargs: Any) -> int:
            return session.request(method, server.base_url + path, timeout=10, **kwargs).status_code

        statuses = send_every_secret_everywhere(send)
        journal = session.get(f"{server.base_url}/_mock/requests", timeout=10)
        shared = session.get(f"{server.base_url}/_mock/snapshot?redacted=1", timeout=10)
        server.stop()
        log = server.server_log()

    assert journal.json()["count"] == len(statuses)
    assert "personal_api_key=[redacted]" in log
    assert {
        "journal": leaked(journal.text),
        "log": leaked(log),
        "redacted snapshot": leaked(shared.text),
    } == {"journal": [], "log": [], "redacted snapshot": []}


def test_the_redacted_seed_hides_the_seeds_secrets(client: FlaskClient) -> None:
    world = client.get("/_mock/snapshot").json
    world["plugin_configs"][1]["config"]["api_secret"] = "replaced-before-any-request"
    world["personal_api_keys"][0]["value"] = "phx_replaced_key_value"
    assert client.post("/_mock/snapshot", json=world).status_code == 200

    shared = client.get("/_mock/snapshot?of=seed&redacted=1")

    assert leaked(shared.text) == []
    assert shared.json["plugin_configs"][1]["config"]["api_secret"] == "[redacted]"
