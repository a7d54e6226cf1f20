"""API keys, tokens and secret config values never reach the server's log (stderr) or its
journal (GET /_mock/requests), however they were sent: in the header, the body or the query
string, in a body that does not parse, in a config sent as PostHog's frontend sends it (a form
field holding JSON), in a plugin URL's private_token. A live server on 127.0.0.1."""

from __future__ import annotations

import json
import time

import requests

from mock_posthog.harness.live import LiveServer
from tests.conftest import API_KEY, ORG_ID

CONTROL_TOKEN = "control-token-never-logged-0"
SECRETS = {
    "wrong key": "phx_wrong_key_never_logged_1",
    "secret config": "secret-config-value-never-logged-2",
    "secret config, JSON body": "secret-config-value-never-logged-3",
    "secret config, new config": "secret-config-value-never-logged-4",
    "secret config, broken JSON": "secret-config-value-never-logged-5",
    "private token": "github-private-token-never-logged-6",
    "private token, bad URL": "github-private-token-never-logged-7",
    "project token": "project-token-never-logged-8",
    "stored secret": "sk_mock_hello_source_secret",  # plugin config 2 of the default world
    "control token": CONTROL_TOKEN,
    "the key": API_KEY,
}
PLUGINS = f"/api/organizations/{ORG_ID}/plugins/"
CONFIGS = "/api/projects/1/plugin_configs/"


def send_secrets_every_way(base: str) -> list[int]:
    session = requests.Session()
    bearer = {"Authorization": f"Bearer {API_KEY}"}
    wrong = SECRETS["wrong key"]
    sent = [
        session.get(base + PLUGINS, headers=bearer),
        session.get(base + PLUGINS, params={"personal_api_key": API_KEY, "limit": "x"}),
        session.get(base + PLUGINS, params={"personal_api_key": wrong}),
        session.get(base + PLUGINS + "?personal%5Fapi%5Fkey=" + wrong),
        session.get(base + PLUGINS, headers={"Authorization": f"Bearer {wrong}"}),
        session.post(base + PLUGINS, json={"personal_api_key": API_KEY, "plugin_type": "source"}),
        session.post(base + PLUGINS, data={"personal_api_key": wrong, "plugin_type": "source"}),
        session.post(
            base + PLUGINS,
            data=f'{{"personal_api_key": "{API_KEY}", "name": '.encode(),
            headers={"Content-Type": "application/json"},
        ),
        # The frontend's way: multipart, `config` a JSON string; the secret is api_secret.
        session.patch(
            base + CONFIGS + "2/",
            headers=bearer,
            files={"config": (None, json.dumps({"api_secret": SECRETS["secret config"]}))},
        ),
        session.patch(
            base + CONFIGS + "2/",
            headers=bearer,
            json={"config": {"api_secret": SECRETS["secret config, JSON body"]}},
        ),
        session.post(
            base + CONFIGS,
            headers=bearer,
            data={
                "plugin": "3",
                "order": "9",
                "config": json.dumps({"api_secret": SECRETS["secret config, new config"]}),
            },
        ),
        session.patch(
            base + CONFIGS + "2/",
            headers=bearer,
            data={"config": f'{{"api_secret": "{SECRETS["secret config, broken JSON"]}"'},
        ),
        session.post(
            base + PLUGINS,
            headers=bearer,
            json={"url": f"https://github.com/a/b?private_token={SECRETS['private token']}"},
        ),
        session.post(
            base + PLUGINS,
            headers=bearer,
            json={"url": f"not-a-url?private_token={SECRETS['private token, bad URL']}"},
        ),
        session.get(base + PLUGINS, headers=bearer, params={"token": SECRETS["project token"]}),
        session.get(base + PLUGINS, headers={**bearer, "X-Mock-PostHog-Token": CONTROL_TOKEN}),
    ]
    return [response.status_code for response in sent]


def test_no_key_token_or_secret_reaches_the_log_or_the_journal() -> None:
    with LiveServer.start(
        ["--journal-limit", "100"],
        env={"MOCK_POSTHOG_CONTROL_TOKEN": CONTROL_TOKEN, "MOCK_POSTHOG_LOG_LEVEL": "DEBUG"},
    ) as s:
        statuses = send_secrets_every_way(s.base_url)
        journal = requests.get(
            f"{s.base_url}/_mock/requests",
            headers={"X-Mock-PostHog-Token": CONTROL_TOKEN},
            timeout=5,
        )
        time.sleep(0.2)  # the access log line of the last request
        s.stop()
        log = s.server_log()

    assert statuses == [
        200,
        200,
        401,
        401,
        401,
        201,
        401,
        400,
        200,
        200,
        201,
        500,
        201,
        500,
        401,  # a `token` on a GET is read as a project API token, and this one is no project's
        200,
    ]
    assert journal.json()["count"] == len(statuses)
    recorded = journal.text
    leaked = {
        where: [name for name, secret in SECRETS.items() if secret in text]
        for where, text in (("log", log), ("journal", recorded))
    }
    assert leaked == {"log": [], "journal": []}
    assert "personal_api_key=[redacted]" in log
    assert "[redacted]" in recorded
