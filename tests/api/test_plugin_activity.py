"""The activity log of plugins: the entries installs and uninstalls write (behaviour doc §C9)
and GET plugins/activity, paged by `limit` and `page` for the caller's project (§3.10)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mock_posthog.posthog import activity
from mock_posthog.world.world import World
from tests.api.action_worlds import (
    BOTH_ORGS_KEY,
    NO_CURRENT_PROJECT_KEY,
    NO_PROJECT_KEY,
    PROJECTLESS_ORG_ID,
    app_with_world,
)
from tests.conftest import AUTH, ORG_ID, PLUGINS, error
from tests.worlds import bearer

ACTIVITY = PLUGINS + "activity/"
ABSOLUTE_ACTIVITY = "http://localhost" + ACTIVITY
FROZEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
MOCK_USER = {"first_name": "Mock", "email": "mock.user@example.com"}
SERVER_ERROR = error("server_error", "error", "A server error occurred.")


def entry(what: str, item_id: str, name: str, at: str, user: dict[str, Any] = MOCK_USER) -> dict:
    return {
        "user": user,
        "activity": what,
        "scope": "Plugin",
        "item_id": item_id,
        "detail": {"name": name, "changes": None, "trigger": None, "short_id": None},
        "created_at": at,
    }


def install_source_plugins(client: FlaskClient, world: World, count: int) -> None:
    """`count` installs, one minute apart from FROZEN on."""
    world.clock.freeze(FROZEN)
    for number in range(1, count + 1):
        client.post(PLUGINS, json={"plugin_type": "source", "name": f"p{number}"}, headers=AUTH)
        world.clock.advance(timedelta(minutes=1))


def test_an_install_writes_an_installed_entry(client: FlaskClient, world: World) -> None:
    world.clock.freeze(FROZEN)
    url = "https://github.com/PostHog/helloworldplugin"
    client.post(PLUGINS, json={"url": url}, headers=AUTH)

    response = client.get(ACTIVITY, headers=AUTH)

    assert response.status_code == 200
    assert response.json["results"] == [
        entry("installed", "4", "Hello World", "2024-05-01T12:00:00Z")
    ]
    assert response.json["total_count"] == 1


def test_an_uninstall_writes_an_uninstalled_entry(client: FlaskClient, world: World) -> None:
    world.clock.freeze(FROZEN)
    client.delete(PLUGINS + "2/", headers=AUTH)

    response = client.get(ACTIVITY, headers=AUTH)

    assert response.json["results"] == [
        entry("uninstalled", "2", "Taxonomy Plugin", "2024-05-01T12:00:00Z")
    ]


def test_refused_installs_write_nothing(client: FlaskClient) -> None:
    client.post(PLUGINS, json={"url": "https://example.com/not/a/repository"}, headers=AUTH)
    client.delete(PLUGINS + "1/", headers=AUTH)  # global: refused

    response = client.get(ACTIVITY, headers=AUTH)

    assert response.json == {"results": [], "next": None, "previous": None, "total_count": 0}


def test_entries_come_newest_first_and_ties_keep_the_order_written(
    client: FlaskClient, world: World
) -> None:
    world.clock.freeze(FROZEN)
    client.post(PLUGINS, json={"plugin_type": "source", "name": "first"}, headers=AUTH)
    client.post(PLUGINS, json={"plugin_type": "source", "name": "second"}, headers=AUTH)
    world.clock.advance(timedelta(seconds=1))
    client.delete(PLUGINS + "2/", headers=AUTH)

    response = client.get(ACTIVITY, headers=AUTH)

    assert response.json["results"] == [
        entry("uninstalled", "2", "Taxonomy Plugin", "2024-05-01T12:00:01Z"),
        entry("installed", "4", "first", "2024-05-01T12:00:00Z"),
        entry("installed", "5", "second", "2024-05-01T12:00:00Z"),
    ]


def test_limit_and_page_cut_pages_with_absolute_links(client: FlaskClient, world: World) -> None:
    install_source_plugins(client, world, 3)

    first = client.get(ACTIVITY + "?limit=2", headers=AUTH).json
    second = client.get(ACTIVITY + "?limit=2&page=2", headers=AUTH).json

    assert [result["detail"]["name"] for result in first["results"]] == ["p3", "p2"]
    assert first["next"] == ABSOLUTE_ACTIVITY + "?limit=2&page=2"
    assert first["previous"] is None
    assert first["total_count"] == 3
    assert [result["detail"]["name"] for result in second["results"]] == ["p1"]
    assert second["next"] is None
    assert second["previous"] == ABSOLUTE_ACTIVITY + "?limit=2&page=1"


def test_pages_hold_ten_entries_by_default(client: FlaskClient, world: World) -> None:
    install_source_plugins(client, world, 12)

    response = client.get(ACTIVITY + "?search=kept", headers=AUTH).json

    assert len(response["results"]) == 10
    assert response["next"] == ABSOLUTE_ACTIVITY + "?search=kept&page=2&limit=10"
    assert response["total_count"] == 12


def test_a_repeated_limit_counts_its_last_value(client: FlaskClient, world: World) -> None:
    install_source_plugins(client, world, 3)

    response = client.get(ACTIVITY + "?limit=5&limit=1", headers=AUTH).json

    assert len(response["results"]) == 1


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=-1", "limit=ten", "limit=", "page=0", "page=2", "page=two"]
)
def test_a_limit_or_page_django_cannot_use_answers_500(client: FlaskClient, query: str) -> None:
    response = client.get(ACTIVITY + "?" + query, headers=AUTH)

    assert response.status_code == 500
    assert response.json == SERVER_ERROR


def test_the_500_of_a_bad_limit_says_why(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="mock_posthog"):
        client.get(ACTIVITY + "?limit=ten", headers=AUTH)

    assert "`limit=ten` is not an integer" in caplog.text


def test_activity_is_the_callers_current_project_whatever_the_organization(
    tmp_path: Path,
) -> None:
    client = app_with_world(tmp_path).test_client()
    client.post(
        PLUGINS, json={"plugin_type": "source", "name": "theirs"}, headers=bearer(BOTH_ORGS_KEY)
    )

    mine = client.get(ACTIVITY, headers=AUTH).json
    theirs = client.get(ACTIVITY, headers=bearer(BOTH_ORGS_KEY)).json

    assert mine["total_count"] == 0
    assert [result["detail"]["name"] for result in theirs["results"]] == ["theirs"]


def test_a_user_without_a_current_project_acts_in_the_first_project_of_their_organization(
    tmp_path: Path,
) -> None:
    client = app_with_world(tmp_path).test_client()
    headers = bearer(NO_CURRENT_PROJECT_KEY)
    client.post(PLUGINS, json={"plugin_type": "source", "name": "fallback"}, headers=headers)

    response = client.get(ACTIVITY, headers=AUTH).json

    user = {"first_name": "User5", "email": "user5@example.com"}
    assert [result["user"] for result in response["results"]] == [user]


def test_a_user_without_any_project_logs_to_project_0_and_cannot_read_activity(
    tmp_path: Path,
) -> None:
    app = app_with_world(tmp_path)
    client = app.test_client()
    headers = bearer(NO_PROJECT_KEY)
    plugins = f"/api/organizations/{PROJECTLESS_ORG_ID}/plugins/"
    client.post(plugins, json={"plugin_type": "source", "name": "nowhere"}, headers=headers)

    response = client.get(plugins + "activity/", headers=headers)

    assert response.status_code == 500
    assert response.json == SERVER_ERROR
    logged = activity.entries_of_team(app.extensions["mock_posthog"].world.store, 0)
    assert [(e["activity"], e["organization_id"]) for e in logged] == [
        ("installed", PROJECTLESS_ORG_ID)
    ]


def test_plugin_config_entries_show_and_other_scopes_do_not(
    client: FlaskClient, world: World
) -> None:
    for scope in ("PluginConfig", "FeatureFlag"):
        activity.log_activity(
            world.store,
            user={"first_name": "Mock", "email": "mock.user@example.com"},
            organization_id=ORG_ID,
            team_id=1,
            scope=scope,
            activity="enabled",
            item_id=7,
            name="Taxonomy Plugin",
            created_at="2024-05-01T12:00:00Z",
            entry_id=str(uuid.uuid4()),
            changes=[],
        )

    response = client.get(ACTIVITY, headers=AUTH).json

    assert response["results"] == [
        {
            "user": MOCK_USER,
            "activity": "enabled",
            "scope": "PluginConfig",
            "item_id": "7",
            "detail": {"name": "Taxonomy Plugin", "changes": [], "trigger": None, "short_id": None},
            "created_at": "2024-05-01T12:00:00Z",
        }
    ]


def test_an_entry_has_the_six_keys_of_posthogs_2023_serializer(
    client: FlaskClient, world: World
) -> None:
    client.post(PLUGINS, json={"plugin_type": "source", "name": "keys"}, headers=AUTH)

    (result,) = client.get(ACTIVITY, headers=AUTH).json["results"]

    assert list(result) == ["user", "activity", "scope", "item_id", "detail", "created_at"]
    assert list(result["user"]) == ["first_name", "email"]
